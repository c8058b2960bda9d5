import django_filters

from core.filters import FilterSet, IdFilter

from .models import PortraitRun


class PortraitRunFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    status = django_filters.ChoiceFilter(choices=PortraitRun.Status.choices)

    class Meta:
        model = PortraitRun
        fields = ["cycle", "status"]

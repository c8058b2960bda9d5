import django_filters

from .models import PortraitRun


class PortraitRunFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle__number", label="Cycle")
    status = django_filters.ChoiceFilter(choices=PortraitRun.Status.choices)

    class Meta:
        model = PortraitRun
        fields = ["cycle", "status"]

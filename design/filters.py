import django_filters

from core.filters import FilterSet, IdFilter

from .models import Concept


class ConceptFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    status = django_filters.ChoiceFilter(choices=Concept.Status.choices)
    category = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Concept
        fields = ["cycle", "status", "category"]

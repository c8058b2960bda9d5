import django_filters

from .models import Concept


class ConceptFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle__number", label="Cycle")
    status = django_filters.ChoiceFilter(choices=Concept.Status.choices)
    category = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Concept
        fields = ["cycle", "status", "category"]

import django_filters

from .models import Opportunity


class OpportunityFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle__number", label="Cycle")
    market = django_filters.CharFilter(lookup_expr="iexact")
    category = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Opportunity
        fields = ["cycle", "market", "category"]

import django_filters

from core.filters import FilterSet, IdFilter

from .models import Opportunity


class OpportunityFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    market = django_filters.CharFilter(lookup_expr="iexact")
    category = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Opportunity
        fields = ["cycle", "market", "category"]

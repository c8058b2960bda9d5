import django_filters

from core.filters import FilterSet, IdFilter

from .models import Campaign


class CampaignFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    market = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices)

    class Meta:
        model = Campaign
        fields = ["cycle", "market", "status"]

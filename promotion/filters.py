import django_filters

from .models import Campaign


class CampaignFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle__number", label="Cycle")
    market = django_filters.CharFilter(lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices)

    class Meta:
        model = Campaign
        fields = ["cycle", "market", "status"]

import django_filters

from .models import Hotspot, TrendImport, TrendSource


class HotspotFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle__number", label="Cycle")
    keyword = django_filters.CharFilter(lookup_expr="icontains")
    market = django_filters.CharFilter(lookup_expr="iexact")
    category = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Hotspot
        fields = ["cycle", "keyword", "market", "category"]



class TrendImportFilter(django_filters.FilterSet):
    filename = django_filters.CharFilter(lookup_expr="icontains")
    source = django_filters.ChoiceFilter(choices=TrendSource.choices)
    status = django_filters.ChoiceFilter(choices=TrendImport.Status.choices)

    class Meta:
        model = TrendImport
        fields = ["filename", "source", "status"]

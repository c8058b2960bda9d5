import django_filters

from core.filters import FilterSet, IdFilter

from .models import Hotspot, TrendImport, TrendSource


class HotspotFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    keyword = django_filters.CharFilter(lookup_expr="icontains")
    market = django_filters.CharFilter(lookup_expr="iexact")
    category = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Hotspot
        fields = ["cycle", "keyword", "market", "category"]



class TrendImportFilter(FilterSet):
    filename = django_filters.CharFilter(lookup_expr="icontains")
    source = django_filters.ChoiceFilter(choices=TrendSource.choices)
    status = django_filters.ChoiceFilter(choices=TrendImport.Status.choices)

    class Meta:
        model = TrendImport
        fields = ["filename", "source", "status"]

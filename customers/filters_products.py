import django_filters
from django.db.models import Q

from core.filters import FilterSet, IdFilter

from .models import Product


class ProductFilter(FilterSet):
    mapped = django_filters.BooleanFilter(method="filter_mapped", label="Mapped to a concept")
    q = django_filters.CharFilter(method="filter_q", label="SKU, handle or title")
    category = django_filters.CharFilter(lookup_expr="iexact")
    concept = IdFilter(field_name="concept_id")
    demo = django_filters.BooleanFilter(field_name="is_demo")

    class Meta:
        model = Product
        fields = ["mapped", "q", "category", "concept", "demo"]

    def filter_mapped(self, queryset, name, value):
        return queryset.filter(concept__isnull=not value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(sku__icontains=value) | Q(handle__icontains=value) | Q(title__icontains=value))

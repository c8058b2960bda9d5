import django_filters
from django.db.models import Exists, OuterRef

from core.filters import FilterSet, IdFilter

from .models import Review, ReviewMention, ReviewSource


class ReviewFilter(FilterSet):
    rating = django_filters.ChoiceFilter(choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)])
    product = IdFilter(field_name="product_id")
    sku = django_filters.CharFilter(field_name="product__sku", lookup_expr="iexact", label="SKU")
    concept = IdFilter(field_name="product__concept_id")
    kind = django_filters.ChoiceFilter(
        choices=ReviewMention.Kind.choices, method="filter_kind", label="Mined: complaint, request or praise",
    )
    attribute = django_filters.CharFilter(method="filter_attribute", label="Mined attribute or aspect")
    source = django_filters.ChoiceFilter(choices=ReviewSource.choices)
    country = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Review
        fields = ["rating", "product", "sku", "concept", "kind", "attribute", "source", "country"]

    def _mentioned(self, queryset, **lookups):
        if "kind" in self.form.cleaned_data and self.form.cleaned_data["kind"]:
            lookups.setdefault("kind", self.form.cleaned_data["kind"])
        return queryset.filter(Exists(ReviewMention.objects.filter(review=OuterRef("pk"), **lookups)))

    def filter_kind(self, queryset, name, value):
        if self.form.cleaned_data.get("attribute"):
            return queryset  # applied together with the attribute
        return queryset.filter(Exists(ReviewMention.objects.filter(review=OuterRef("pk"), kind=value)))

    def filter_attribute(self, queryset, name, value):
        value = value.strip().lower()
        if not value:
            return queryset
        by_attribute = self._mentioned(queryset, attribute__name=value)
        by_aspect = self._mentioned(queryset, attribute__isnull=True, aspect=value)
        return by_attribute | by_aspect

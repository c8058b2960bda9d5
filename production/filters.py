import datetime

import django_filters
from django import forms

from core.filters import FilterSet, IdChoiceFilter, IdFilter
from design.selectors import concept_list

from .models import PreOrder, ProductionOrder


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time, handed to the database in UTC (PostgreSQL refuses offsets beyond ±15:59)."""

    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned is None:
            return None
        try:
            return cleaned.astimezone(datetime.timezone.utc)
        except OverflowError as exc:
            raise forms.ValidationError("This time is out of range.", code="invalid") from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ProductionOrderFilter(FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ProductionOrder.Status.choices, help_text="Only orders in this status."
    )
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only orders changed at or after this ISO 8601 time, for incremental polling.",
    )

    class Meta:
        model = ProductionOrder
        fields = ["status", "updated_since"]


class ProductionOrderDashboardFilter(ProductionOrderFilter):
    """The merchandiser's list adds the cycle and the factory to the API's filters."""

    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    factory = IdFilter(field_name="factory_id", label="Factory")

    class Meta(ProductionOrderFilter.Meta):
        fields = ["cycle", "factory", "status", "updated_since"]


class PreOrderFilter(FilterSet):
    cycle = IdFilter(field_name="variant__concept__cycle__number", label="Cycle")
    concept = IdChoiceFilter(field_name="variant__concept", queryset=concept_list(), label="Concept")
    channel = django_filters.ChoiceFilter(choices=PreOrder.Channel.choices)
    status = django_filters.ChoiceFilter(choices=PreOrder.Status.choices)

    class Meta:
        model = PreOrder
        fields = ["cycle", "concept", "channel", "status"]

import django_filters
from django.db.models import Exists, OuterRef

from core.filters import FilterSet, IdFilter

from .models import Customer, Order, Platform


class CustomerFilter(FilterSet):
    cycle = IdFilter(method="filter_cycle", label="Cycle (ordered in)")
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    country = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Customer
        fields = ["cycle", "platform", "country"]

    def filter_cycle(self, queryset, name, value):
        return queryset.filter(Exists(Order.objects.filter(customer=OuterRef("pk"), cycle__number=value)))


class OrderFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    market = django_filters.CharFilter(lookup_expr="iexact")
    customer = IdFilter(field_name="customer_id")

    class Meta:
        model = Order
        fields = ["cycle", "platform", "market", "customer"]

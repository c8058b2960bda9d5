import django_filters
from django.db.models import Exists, OuterRef, Q

from core.dashboard.lineage import downstream_filters
from core.filters import AmountFilter, DayFilter, FilterSet, IdFilter

from .models import Customer, FinancialStatus, Order, OrderImport, Platform


class CustomerFilter(FilterSet):
    """Customers by search text, market, first and last order, spend; and by what later links registered (a
    portrait segment)."""

    q = django_filters.CharFilter(method="filter_search", label="Search")
    market = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label="Market")
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    cycle = IdFilter(method="filter_cycle", label="Cycle (ordered in)")
    first_order_from = DayFilter(field_name="first_order_at")
    first_order_to = DayFilter(field_name="first_order_at", end=True)
    last_order_from = DayFilter(field_name="last_order_at")
    last_order_to = DayFilter(field_name="last_order_at", end=True)
    spend_min = AmountFilter(field_name="net_spend_base", lookup_expr="gte", label="Spend at least")
    spend_max = AmountFilter(field_name="net_spend_base", lookup_expr="lte", label="Spend at most")
    consent = django_filters.BooleanFilter(field_name="marketing_consent", label="Marketing consent")

    class Meta:
        model = Customer
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for registered in downstream_filters(Customer):
            self.filters[registered.key] = django_filters.ChoiceFilter(
                label=registered.label, choices=registered.choices(),
                method=lambda queryset, name, value, apply=registered.apply: apply(queryset, value),
            )

    def filter_search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value) | Q(external_id__iexact=value))

    def filter_cycle(self, queryset, name, value):
        return queryset.filter(Exists(Order.objects.filter(customer=OuterRef("pk"), cycle__number=value)))


STATUS_CHOICES = [
    ("paid", "Paid"), ("pending", "Pending or authorized"), ("partially_refunded", "Partially refunded"),
    ("refunded", "Refunded"), ("voided", "Voided"), ("cancelled", "Cancelled"),
]


class OrderFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    market = django_filters.CharFilter(lookup_expr="iexact")
    customer = IdFilter(field_name="customer_id")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label="Status")
    guest = django_filters.BooleanFilter(field_name="customer", lookup_expr="isnull", label="Guest orders")
    placed_from = DayFilter(field_name="placed_at")
    placed_to = DayFilter(field_name="placed_at", end=True)

    class Meta:
        model = Order
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "cancelled":
            return queryset.filter(cancelled=True)
        if value == "pending":
            return queryset.filter(cancelled=False, financial_status__in=[
                FinancialStatus.PENDING, FinancialStatus.AUTHORIZED, FinancialStatus.PARTIALLY_PAID])
        return queryset.filter(cancelled=False, financial_status=value)


class OrderImportFilter(FilterSet):
    filename = django_filters.CharFilter(lookup_expr="icontains")
    status = django_filters.ChoiceFilter(choices=OrderImport.Status.choices)

    class Meta:
        model = OrderImport
        fields = []

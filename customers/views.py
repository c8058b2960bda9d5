from django.db.models import DecimalField, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from core.dashboard.queries import correlated_count

from .filters import CustomerFilter, OrderFilter
from .models import Customer, Order, OrderLine


def _orders_of_customer():
    return Order.objects.filter(customer=OuterRef("pk")).order_by().values("customer")


class CustomerListView(MerchandiserListView):
    model = Customer
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    title = "Customers"
    sort_fields = {
        "customer": ("platform", "external_id"),
        "country": ("country",),
        "first_seen": ("first_seen",),
        "orders": ("n_orders",),
        "spend": ("spend",),
        "last_order": ("last_order",),
    }
    default_sort = "-last_order"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                n_orders=correlated_count(Order, link="customer"),
                spend=Coalesce(
                    Subquery(_orders_of_customer().annotate(s=Sum("total")).values("s"), output_field=DecimalField()), 0,
                    output_field=DecimalField(),
                ),
                last_order=Subquery(_orders_of_customer().annotate(m=Max("placed_at")).values("m")),
            )
        )


class OrderListView(MerchandiserListView):
    model = Order
    filterset_class = OrderFilter
    template_name = "customers/order_list.html"
    title = "Orders"
    sort_fields = {
        "placed": ("placed_at",),
        "total": ("total",),
        "market": ("market",),
        "platform": ("platform",),
        "units": ("units",),
    }
    default_sort = "-placed"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle", "customer", "tracked_link__campaign")
            .annotate(units=Sum("lines__quantity"))
        )


class CustomerDetailView(MerchandiserDetailView):
    model = Customer
    template_name = "customers/customer_detail.html"
    context_object_name = "customer"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer = self.object
        context["orders"] = (
            customer.orders.select_related("cycle", "tracked_link__campaign").annotate(units=Sum("lines__quantity")).order_by("-placed_at")
        )
        context["reviews"] = customer.reviews.select_related("product").order_by("-created_at")
        return context


class OrderDetailView(MerchandiserDetailView):
    model = Order
    template_name = "customers/order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return Order.objects.select_related("cycle", "customer", "tracked_link__campaign", "tracked_link__post")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = OrderLine.objects.filter(order=self.object).select_related("product__concept", "product__variant")
        return context

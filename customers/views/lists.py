"""Customers and orders: lists with filters, and one record's page."""

from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from core.dashboard.lineage import downstream_filters
from customers import selectors
from customers.filters import STATUS_CHOICES, CustomerFilter, OrderFilter
from customers.forms import ConsentForm, EraseForm
from customers.models import Customer, Order, Platform


class CustomerListView(MerchandiserListView):
    """Sorted and filtered on each customer's own row (order figures kept up to date by the imports), so a page
    is one query; a later link's columns (the portrait segment) are correlated subqueries on the 50 rows."""

    model = Customer
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    title = "Customers"
    show_downstream_counts = True
    sort_fields = {
        "last_order": ("last_order_at",),
        "first_order": ("first_order_at",),
        "spend": ("net_spend_base",),
        "orders": ("order_count",),
        "country": ("country", "last_order_at"),
        "customer": ("name", "email"),
    }
    default_sort = "-last_order"
    # Customers are the shop's, not a cycle's: the list opens on all of them.
    cycle_default_current = False

    def get_queryset(self):
        return selectors.customer_list()

    def get_sort_fields(self):
        # Downstream columns are shown, not sorted on: ordering 200,000 customers by a subquery is not a page.
        return dict(self.sort_fields)

    def known_count(self):
        # Counting the customers of a cycle of a million orders is most of a second; the cycle's figures keep it.
        cycle = self.only_filter("cycle")
        return selectors.cycle_customer_count(cycle_number=int(cycle)) if cycle and cycle.isdigit() else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["platforms"] = Platform.choices
        context["extra_filters"] = [context["filter"].form[f.key] for f in downstream_filters(Customer)]
        return context


class OrderListView(MerchandiserListView):
    """Sorted and filtered on the order's own row: money, units and states are stored on it at import, so a page
    never reads lines."""

    model = Order
    filterset_class = OrderFilter
    template_name = "customers/order_list.html"
    title = "Orders"
    sort_fields = {
        "placed": ("placed_at",),
        "net": ("net_base",),
        "market": ("market", "placed_at"),
        "platform": ("platform", "placed_at"),
        "units": ("item_count",),
    }
    default_sort = "-placed"
    # Orders come in from the shops, some outside any cycle (an upload without one): the list opens on all.
    cycle_default_current = False

    def get_queryset(self):
        return selectors.order_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = STATUS_CHOICES
        context["platforms"] = Platform.choices
        return context


class CustomerDetailView(MerchandiserDetailView):
    model = Customer
    template_name = "customers/customer_detail.html"
    context_object_name = "customer"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer = self.object
        context["orders"] = selectors.customer_orders(customer=customer)
        context["reviews"] = list(customer.reviews.select_related("product").order_by("-created_at")[:50])
        context["events"] = selectors.customer_events(customer=customer)
        context.setdefault("consent_form", ConsentForm(initial={"consent": "yes" if customer.marketing_consent else "no"}))
        context.setdefault("erase_form", EraseForm())
        return context


class OrderDetailView(MerchandiserDetailView):
    model = Order
    template_name = "customers/order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return Order.objects.select_related("cycle", "customer", "tracked_link__campaign", "tracked_link__post")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = selectors.order_lines(order=self.object)
        context["deliveries"] = list(self.object.webhook_deliveries.order_by("-received_at")[:10])
        return context


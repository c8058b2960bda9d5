from django.db.models import Count, Sum

from c2f.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from customers.models import Order

from .filters import ProductionOrderDashboardFilter
from .models import Factory, ProductionOrder


class ProductionOrderListView(MerchandiserListView):
    model = ProductionOrder
    filterset_class = ProductionOrderDashboardFilter
    template_name = "production/order_list.html"
    title = "Production orders"
    sort_fields = {
        "created": ("created_at",),
        "reference": ("reference",),
        "factory": ("factory__name",),
        "status": ("status",),
        "units": ("units",),
        "due": ("due_date",),
        "updated": ("updated_at",),
    }
    default_sort = "-created"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle", "factory", "sample__concept")
            .annotate(units=Sum("lines__quantity"))
        )


class ProductionOrderDetailView(MerchandiserDetailView):
    model = ProductionOrder
    template_name = "production/order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return ProductionOrder.objects.select_related("cycle", "factory", "sample__concept", "sizing_round")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        lines = list(order.lines.select_related("variant").order_by("variant__sku", "market"))
        context["lines"] = lines
        context["units"] = sum(line.quantity for line in lines)
        context["events"] = order.events.order_by("created_at", "id")
        context["campaigns"] = order.campaigns.annotate(n_posts=Count("posts")).order_by("-starts_on")
        context["attributed_orders"] = Order.objects.filter(tracked_link__campaign__production_order=order).count()
        context["sizing"] = order.sizing
        return context


class FactoryDetailView(MerchandiserDetailView):
    model = Factory
    template_name = "production/factory_detail.html"
    context_object_name = "factory"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        factory = self.object
        context["orders"] = (
            factory.orders.select_related("cycle", "sample__concept").annotate(units=Sum("lines__quantity")).order_by("-created_at")[:100]
        )
        context["api_keys"] = factory.api_keys.order_by("-created_at")
        return context

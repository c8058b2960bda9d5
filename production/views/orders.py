from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from c2f.dashboard.access import MerchandiserRequiredMixin
from c2f.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from c2f.dashboard.selectors import related_model

from .. import selectors, services
from ..filters import ProductionOrderDashboardFilter
from ..forms import ReceiveForm
from ..models import ProductionOrder


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
        context["attributed_orders"] = (
            related_model(ProductionOrder, "campaigns__links__orders")
            .objects.filter(tracked_link__campaign__production_order=order)
            .count()
        )
        context["sizing"] = order.sizing
        context["qc_reports"] = order.qc_reports.order_by("created_at", "id")
        context["shipments"] = order.shipments.prefetch_related("events").order_by("shipped_at", "id")
        context["payments"] = order.payments.order_by("created_at", "id")
        context["progress"] = [
            (label, value, round(100 * value / context["units"]) if context["units"] else 0)
            for label, value in (("Cut", order.qty_cut), ("Sewn", order.qty_sewn), ("Packed", order.qty_packed))
        ]
        if order.status == ProductionOrder.Status.SHIPPED:
            context["receive_form"] = ReceiveForm()
        return context


class ProductionBoardView(MerchandiserRequiredMixin, TemplateView):
    """Orders by state in columns, and the open lines grouped by shared fabric and blank."""

    template_name = "production/board.html"
    CARDS_PER_COLUMN = 30

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(ProductionOrder.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n").order_by())
        cards = (
            ProductionOrder.objects.select_related("factory", "sample__concept")
            .annotate(units=Sum("lines__quantity"))
            .order_by("due_date", "reference")
        )
        # One short query per column: the board stays cheap however many orders there are.
        context["columns"] = [
            (label, status, list(cards.filter(status=status)[: self.CARDS_PER_COLUMN]) if counts.get(status) else [], counts.get(status, 0))
            for status, label in ProductionOrder.Status.choices
        ]
        context["groups"] = selectors.production_component_groups()[:50]
        context["section"] = "production"
        return context


class PaymentsDueView(MerchandiserRequiredMixin, TemplateView):
    template_name = "production/payments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["balances"] = list(selectors.factory_balances())
        context["total_due"] = sum((f.balance_due or 0) for f in context["balances"])
        context["section"] = "production"
        return context


class ProductionOrderReceiveView(MerchandiserRequiredMixin, FormView):
    """POST only: the merchandiser marks a shipped order received, with its actual landed cost."""

    form_class = ReceiveForm
    http_method_names = ["post"]

    def form_valid(self, form):
        order = get_object_or_404(ProductionOrder, pk=self.kwargs["pk"])
        try:
            services.production_order_receive(
                order_id=order.pk,
                actor=self.request.user.get_username(),
                actual_landed_cost=form.cleaned_data["actual_landed_cost"],
                note=form.cleaned_data["note"],
            )
        except services.TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        except ValidationError as exc:
            for field_errors in exc.message_dict.values():
                for error in field_errors:
                    messages.error(self.request, error)
        else:
            messages.success(self.request, f"{order.reference} received.")
        return redirect(order.get_absolute_url())

    def form_invalid(self, form):
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(self.request, f"{field}: {error}")
        return redirect(reverse("production:detail", args=[self.kwargs["pk"]]))

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView

from .. import selectors, services
from ..explain import sizing_explained
from ..filters import ProductionOrderDashboardFilter
from ..forms import OrderCancelForm, OrderReleaseForm, ReceiveForm, ReorderRuleForm
from ..models import ProductionOrder
from ..selectors import reorder_decisions_for_order, reorder_rule_for_order


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = context.get("cycle")
        context["samples_waiting"] = selectors.production_samples_waiting(cycle_number=cycle.number if cycle else None)
        return context


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
        sizing = order.sizing if isinstance(order.sizing, dict) else {}
        context["sizing"] = sizing_explained(sizing)
        context["sizing_rule"] = sizing.get("rule") if isinstance(sizing.get("rule"), str) else ""
        recommended = sizing.get("recommended_lines")
        if sizing.get("edited_by_merchandiser") and isinstance(recommended, list):
            context["recommended_units"] = sum(
                line["quantity"] for line in recommended
                if isinstance(line, dict) and isinstance(line.get("quantity"), int)
            )
        context["qc_reports"] = order.qc_reports.order_by("created_at", "id")
        context["shipments"] = order.shipments.prefetch_related("events").order_by("shipped_at", "id")
        context["payments"] = order.payments.order_by("created_at", "id")
        context["progress"] = [
            (label, value, round(100 * value / context["units"]) if context["units"] else 0)
            for label, value in (("Cut", order.qty_cut), ("Sewn", order.qty_sewn), ("Packed", order.qty_packed))
        ]
        rule = reorder_rule_for_order(order=order)
        context["reorder_rule"] = rule
        context["reorder_rule_form"] = ReorderRuleForm(instance=rule)
        context["reorder_decisions"] = reorder_decisions_for_order(order=order)
        if order.status == ProductionOrder.Status.SHIPPED:
            context["receive_form"] = ReceiveForm()
        if ProductionOrder.Status.RELEASED in order.next_statuses:
            context["release_form"] = OrderReleaseForm()
        if ProductionOrder.Status.CANCELLED in order.next_statuses:
            context["cancel_form"] = OrderCancelForm()
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
        context["totals_due"] = selectors.balances_by_currency()
        context["section"] = "production"
        return context


class _OrderTransitionView(MerchandiserRequiredMixin, FormView):
    """POST only: one move of an order by the merchandiser; a refused move is shown as a message."""

    http_method_names = ["post"]
    success_message = ""

    def move(self, order: ProductionOrder, form) -> ProductionOrder:
        raise NotImplementedError

    def form_valid(self, form):
        order = get_object_or_404(ProductionOrder, pk=self.kwargs["pk"])
        try:
            order = self.move(order, form)
        except services.TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        except ValidationError as exc:
            for field_errors in exc.message_dict.values():
                for error in field_errors:
                    messages.error(self.request, error)
        else:
            messages.success(self.request, self.success_message.format(reference=order.reference, factory=order.factory.name))
        return redirect(order.get_absolute_url())

    def form_invalid(self, form):
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(self.request, f"{form.fields[field].label if field in form.fields else field}: {error}")
        return redirect(reverse("production:detail", args=[self.kwargs["pk"]]))


class ProductionOrderReceiveView(_OrderTransitionView):
    """The merchandiser marks a shipped order received, with its actual landed cost."""

    form_class = ReceiveForm
    success_message = "{reference} received."

    def move(self, order, form):
        return services.production_order_receive(
            order_id=order.pk,
            actor=self.request.user.get_username(),
            actual_landed_cost=form.cleaned_data["actual_landed_cost"],
            note=form.cleaned_data["note"],
        )


class ProductionOrderReleaseView(_OrderTransitionView):
    """Release a draft to its factory, which from then on sees it over the API."""

    form_class = OrderReleaseForm
    success_message = "{reference} released to {factory}."

    def move(self, order, form):
        return services.production_order_release(
            order_id=order.pk, actor=self.request.user.get_username(), note=form.cleaned_data["note"]
        )


class ProductionOrderCancelView(_OrderTransitionView):
    """Cancel an order before production starts; the reason is kept on its timeline."""

    form_class = OrderCancelForm
    success_message = "{reference} cancelled."

    def move(self, order, form):
        return services.production_order_cancel(
            order_id=order.pk, actor=self.request.user.get_username(), reason=form.cleaned_data["reason"]
        )


class ProductionOrderReorderRuleView(MerchandiserRequiredMixin, FormView):
    """POST only: store the thresholds of the order's reorder-or-stop rule."""

    http_method_names = ["post"]
    form_class = ReorderRuleForm

    def form_valid(self, form):
        order = get_object_or_404(ProductionOrder, pk=self.kwargs["pk"])
        try:
            services.reorder_rule_set(order=order, actor=self.request.user.get_username(), **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    messages.error(self.request, f"{field}: {error}")
        else:
            messages.success(self.request, f"The reorder rule of {order.reference} is saved.")
        return redirect(order.get_absolute_url())

    def form_invalid(self, form):
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(self.request, f"{form.fields[field].label if field in form.fields else field}: {error}")
        return redirect(reverse("production:detail", args=[self.kwargs["pk"]]))

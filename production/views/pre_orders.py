"""The pre-orders page: what was promised before production, per concept × variant × market.

One page lists and totals the pre-orders; it takes uploads (several files at once,
one report per file), a manual entry, and a cancel per row. Every write is a
CSRF-checked POST handled by a service.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserListView
from design.selectors import concept_list

from .. import selectors, services
from ..charts import pre_order_totals_chart
from ..filters import PreOrderFilter
from ..forms import PRE_ORDER_CHANNEL_CHOICES, PreOrderCancelForm, PreOrderForm, PreOrderUploadForm
from ..importers import TEMPLATE_COLUMNS
from ..models import PreOrder


class PreOrderListView(MerchandiserListView):
    model = PreOrder
    filterset_class = PreOrderFilter
    template_name = "production/pre_orders.html"
    title = "Pre-orders"
    sort_fields = {
        "ordered": ("ordered_at",),
        "reference": ("reference",),
        "sku": ("variant__sku",),
        "market": ("market",),
        "quantity": ("quantity",),
        "channel": ("channel",),
        "status": ("status",),
    }
    default_sort = "-ordered"

    def get_queryset(self):
        return selectors.pre_order_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The totals follow the list's filters (none when a filter is invalid); open ones unless a status is chosen.
        status = context["filter"].form.cleaned_data.get("status") if context["filter"].is_valid() else ""
        counted = self.object_list if status else self.object_list.filter(status=PreOrder.Status.OPEN)
        context["totals_status"] = status or PreOrder.Status.OPEN
        context["totals"] = selectors.pre_order_totals(queryset=counted)
        context["totals_units"] = sum(row["units"] for row in context["totals"])
        if context["totals"]:
            context["chart"] = pre_order_totals_chart(totals=context["totals"])
        context["concepts"] = list(concept_list().only("pk", "name", "cycle__number"))
        context["channels"] = PreOrder.Channel.choices
        context["upload_channels"] = PRE_ORDER_CHANNEL_CHOICES
        context["statuses"] = PreOrder.Status.choices
        context.setdefault("upload_form", PreOrderUploadForm())
        context.setdefault("entry_form", PreOrderForm(initial={"channel": PreOrder.Channel.MANUAL}))
        context["template_columns"] = ",".join(TEMPLATE_COLUMNS)
        page = reverse("production:pre_orders")
        context["list_url"] = self.request.get_full_path() if self.request.path == page else page
        context["section"] = "production"
        return context

    def render_page(self, request, *, status: int, **extra):
        """The page as a GET shows it, with a POST's forms and reports; ``status`` 400 when something was refused."""
        self.extra_context = extra
        response = super().get(request)
        response.status_code = status
        return response


class PreOrderImportView(PreOrderListView):
    """POST: one or more pre-order files; each is stored whole or not at all, with its own report."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = PreOrderUploadForm(request.POST, request.FILES)
        reports = []
        if form.is_valid():
            data = form.cleaned_data
            for upload in data["files"]:
                try:
                    reports.append(
                        services.pre_orders_import(
                            file=upload, filename=upload.name, concept=data["concept"], channel=data["channel"] or None
                        )
                    )
                except ValidationError as error:
                    form_add_service_errors(form, error)
                    break
        ok = form.is_valid() and bool(reports) and all(report.ok for report in reports)
        return self.render_page(request, status=200 if ok else 400, upload_form=form, reports=reports)


class PreOrderCreateView(PreOrderListView):
    """POST: one pre-order entered by hand."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = PreOrderForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pre_order = services.pre_order_create(
                    variant=data["variant"], market=data["market"], quantity=data["quantity"], channel=data["channel"],
                    reference=data["reference"], customer=data["customer"], note=data["note"],
                    ordered_at=data["ordered_at"] or timezone.now(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Pre-order {pre_order.reference}: {pre_order.quantity} × {pre_order.variant.sku} for {pre_order.market} recorded."
                )
                return redirect("production:pre_orders")
        return self.render_page(request, status=400, entry_form=form, open_entry=True)


class PreOrderCancelView(MerchandiserRequiredMixin, View):
    """POST: cancel one open pre-order; it stops counting when a batch is sized."""

    http_method_names = ["post"]

    def post(self, request, pk):
        form = PreOrderCancelForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        if not form.is_valid():
            messages.error(request, "reason: " + " ".join(form.errors.get("reason", [])))
        else:
            try:
                pre_order = services.pre_order_cancel(pre_order_id=pk, actor=request.user.get_username(), reason=reason)
            except ValidationError as error:
                for errors in error.message_dict.values():
                    for message in errors:
                        messages.error(request, message)
            else:
                messages.success(request, f"Pre-order {pre_order.reference} ({pre_order.quantity} units) cancelled.")
        page = reverse("production:pre_orders")
        target = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
        # Back to the list as it was filtered, and nowhere else.
        return redirect(target if safe and urlsplit(target).path == page and not urlsplit(target).netloc else page)

"""The pre-orders page: what was promised before production, per concept × variant × market.

One page lists and totals the pre-orders; it takes uploads (several files at once,
one report per file), a manual entry, and a cancel per row. Every write is a
CSRF-checked POST handled by a service.
"""

from urllib.parse import urlsplit

import django_filters
import plotly.graph_objects as go
import plotly.io as pio
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from c2f.dashboard.access import MerchandiserRequiredMixin
from c2f.dashboard.forms import form_add_service_errors
from c2f.dashboard.generic import MerchandiserListView
from design.models import Concept, Variant

from .. import selectors, services
from ..importers import TEMPLATE_COLUMNS
from ..models import PreOrder

MAX_FILES = 20
# Channels a merchandiser may choose; "demo" is kept for generated demo data.
CHANNEL_CHOICES = [(value, label) for value, label in PreOrder.Channel.choices if value != PreOrder.Channel.DEMO]
_INPUT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}


def _concepts():
    return Concept.objects.select_related("cycle").order_by("-cycle__number", "name")


class PreOrderFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="variant__concept__cycle__number", label="Cycle")
    concept = django_filters.ModelChoiceFilter(field_name="variant__concept", queryset=_concepts(), label="Concept")
    channel = django_filters.ChoiceFilter(choices=PreOrder.Channel.choices)
    status = django_filters.ChoiceFilter(choices=PreOrder.Status.choices)

    class Meta:
        model = PreOrder
        fields = ["cycle", "concept", "channel", "status"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.txt,text/csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f] or super().clean(None)


class PreOrderUploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text=f"The template ({','.join(TEMPLATE_COLUMNS)}) or Shopify orders exports; up to {MAX_FILES} at once.",
    )
    channel = forms.ChoiceField(
        choices=[("", "— from the file's format —"), *CHANNEL_CHOICES], required=False,
        help_text="Shopify exports default to shopify, the template to other.",
    )
    concept = forms.ModelChoiceField(
        queryset=_concepts(), required=False, help_text="Refuse SKUs of any other concept.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(f"At most {MAX_FILES} files at once; {len(files)} were sent.")
        return files


class PreOrderForm(forms.Form):
    sku = forms.CharField(max_length=64, label="SKU", widget=forms.TextInput(attrs=_INPUT))
    market = forms.CharField(max_length=12, widget=forms.TextInput(attrs=_INPUT | {"placeholder": "US"}))
    quantity = forms.IntegerField(min_value=1, widget=forms.NumberInput(attrs=_INPUT | {"min": "1"}))
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, initial=PreOrder.Channel.MANUAL, widget=forms.Select(attrs=_SELECT))
    reference = forms.CharField(
        max_length=80, label="Reference", help_text="The shop's order number or the buyer's PO.",
        widget=forms.TextInput(attrs=_INPUT),
    )
    customer = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT))
    ordered_at = forms.DateTimeField(
        required=False, label="Ordered at", help_text="Empty: now.",
        widget=forms.DateTimeInput(attrs=_INPUT | {"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(max_length=2000, required=False, widget=forms.TextInput(attrs=_INPUT))

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        variant = Variant.objects.filter(sku=sku).select_related("concept").first()
        if variant is None:
            raise ValidationError(f"SKU {sku!r} matches no variant.")
        self.cleaned_data["variant"] = variant
        return sku


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False)


def totals_chart(totals: list[dict]) -> str:
    """Units per variant, stacked by market: an uneven split shows at a glance."""
    labels = {row["variant_id"]: f"{row['sku']}" + (f" ({row['colour']})" if row["colour"] else "") for row in totals}
    variants = list(labels)
    markets = sorted({row["market"] for row in totals})
    units = {(row["variant_id"], row["market"]): row["units"] for row in totals}
    fig = go.Figure(
        [go.Bar(name=market, x=[labels[v] for v in variants], y=[units.get((v, market), 0) for v in variants]) for market in markets]
    )
    fig.update_layout(
        title="Pre-ordered units per variant and market", barmode="stack", yaxis_title="units",
        margin={"l": 48, "r": 16, "t": 40, "b": 40}, height=320, template="plotly_white",
    )
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, config={"displaylogo": False, "responsive": True})


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
            context["chart"] = totals_chart(context["totals"])
        context["concepts"] = list(_concepts().only("pk", "name", "cycle__number"))
        context["channels"] = PreOrder.Channel.choices
        context["upload_channels"] = CHANNEL_CHOICES
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
        form = CancelForm(request.POST)
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

from django import forms
from django.contrib import admin, messages
from django.db.models import Sum

from core.transitions_admin import EventAdmin, EventInline, TransitionAdminMixin, transition_action

from .models import (
    Factory,
    FactoryApiKey,
    FactoryPayment,
    IdempotencyRecord,
    PreOrder,
    PreOrderEvent,
    ProductionEvent,
    ProductionOrder,
    ProductionOrderLine,
    QcReport,
    ReorderDecision,
    ReorderDecisionEvent,
    ReorderRule,
    Shipment,
    ShipmentEvent,
)
from .services import (
    factory_api_key_revoke,
    factory_payment_adjust,
    factory_payment_record,
    pre_order_cancel,
    reorder_decision_accept,
    reorder_decision_dismiss,
    shipment_landed_cost_set,
)


class FactoryApiKeyInline(admin.TabularInline):
    model = FactoryApiKey
    extra = 0
    fields = ("name", "prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Factory)
class FactoryAdmin(admin.ModelAdmin):
    list_display = ("name", "categories", "min_batch", "lead_time_days", "weekly_capacity", "is_demo")
    list_filter = ("is_demo",)
    search_fields = ("name",)
    inlines = [FactoryApiKeyInline]


@admin.register(FactoryApiKey)
class FactoryApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued by `manage.py create_factory`, which prints the key once; the hash never shows here."""

    list_display = ("prefix", "factory", "name", "created_at", "revoked_at", "last_used_at", "is_active")
    list_filter = ("factory", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "name", "factory__name")
    list_select_related = ("factory",)
    fields = ("factory", "name", "prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("factory", "prefix", "created_at", "revoked_at", "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="active", boolean=True)
    def is_active(self, obj):
        return obj.revoked_at is None

    @admin.action(description="Revoke selected API keys")
    def revoke(self, request, queryset):
        key_ids = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        for key_id in key_ids:
            factory_api_key_revoke(key_id=key_id)
        count = len(key_ids)
        self.message_user(request, f"Revoked {count} API key(s).", messages.SUCCESS)


class ProductionOrderLineInline(admin.TabularInline):
    model = ProductionOrderLine
    extra = 0
    fields = ("variant", "market", "quantity")
    autocomplete_fields = ("variant",)


class ProductionEventInline(admin.TabularInline):
    """The order's timeline: written by the state transitions, read-only here."""

    model = ProductionEvent
    extra = 0
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProductionOrder)
class ProductionOrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "factory", "cycle", "status", "total_quantity", "unit_price", "currency", "due_date", "is_demo")
    list_filter = ("status", "cycle", "factory", "is_demo")
    search_fields = ("reference", "factory__name", "sample__concept__name")
    list_select_related = ("factory", "cycle")
    autocomplete_fields = ("cycle", "factory", "sample", "sizing_round")
    # Status moves only through the transitions, which also write the event rows.
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [ProductionOrderLineInline, ProductionEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total_quantity=Sum("lines__quantity"))

    @admin.display(description="quantity", ordering="total_quantity")
    def total_quantity(self, obj):
        return obj.total_quantity or 0


@admin.register(ProductionOrderLine)
class ProductionOrderLineAdmin(admin.ModelAdmin):
    list_display = ("order", "variant", "market", "quantity")
    list_filter = ("market", "order__cycle")
    search_fields = ("order__reference", "variant__sku")
    list_select_related = ("order", "variant")
    autocomplete_fields = ("order", "variant")


@admin.register(ProductionEvent)
class ProductionEventAdmin(admin.ModelAdmin):
    list_display = ("order", "from_status", "to_status", "actor", "created_at")
    list_filter = ("to_status", "order__factory")
    search_fields = ("order__reference", "actor", "note")
    list_select_related = ("order",)
    readonly_fields = ("order", "from_status", "to_status", "actor", "note", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(QcReport)
class QcReportAdmin(admin.ModelAdmin):
    """Filed by factories over the API; the verdict is computed, so nothing is editable here."""

    list_display = ("order", "sample_size", "critical", "major", "minor", "passed", "created_at")
    list_filter = ("passed", "order__factory")
    search_fields = ("order__reference",)
    list_select_related = ("order",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0
    fields = ("occurred_at", "location", "description")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("order", "carrier", "tracking_number", "cartons", "weight_kg", "shipped_at", "received_at",
                    "planned_landed_cost", "actual_landed_cost")
    search_fields = ("order__reference", "tracking_number", "carrier")
    list_select_related = ("order",)
    readonly_fields = ("order", "carrier", "tracking_number", "cartons", "weight_kg", "shipped_at", "received_at")
    fields = (*readonly_fields, "planned_landed_cost", "actual_landed_cost")
    inlines = [ShipmentEventInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        shipment_landed_cost_set(
            shipment_id=obj.pk, planned=obj.planned_landed_cost, actual=obj.actual_landed_cost
        )


class FactoryPaymentForm(forms.ModelForm):
    class Meta:
        model = FactoryPayment
        fields = ("factory", "order", "kind", "amount", "note")

    def clean(self):
        data = super().clean()
        kind, amount, order = data.get("kind"), data.get("amount"), data.get("order")
        if kind == FactoryPayment.Kind.PAYMENT and amount is not None and amount <= 0:
            self.add_error("amount", "Enter the amount paid, above 0.")
        if kind == FactoryPayment.Kind.ADJUSTMENT:
            if amount == 0:
                self.add_error("amount", "An adjustment of 0 changes nothing.")
            if not (data.get("note") or "").strip():
                self.add_error("note", "Say why the amount is adjusted.")
        if order is not None and data.get("factory") and order.factory_id != data["factory"].pk:
            self.add_error("order", f"Order {order.reference} is not an order of {data['factory']}.")
        return data


@admin.register(FactoryPayment)
class FactoryPaymentAdmin(admin.ModelAdmin):
    """Payments made and adjustments are entered here; deposits and balances come from the transitions."""

    list_display = ("factory", "order", "kind", "amount", "currency", "note", "actor", "created_at")
    list_filter = ("kind", "factory")
    search_fields = ("factory__name", "order__reference", "note")
    list_select_related = ("factory", "order")
    autocomplete_fields = ("order",)
    form = FactoryPaymentForm

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [
                (FactoryPayment.Kind.PAYMENT, "Payment made (enter the amount paid)"),
                (FactoryPayment.Kind.ADJUSTMENT, "Adjustment (negative for a claim)"),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        actor = request.user.get_username()
        if obj.kind == FactoryPayment.Kind.PAYMENT:
            saved = factory_payment_record(factory=obj.factory, order=obj.order, amount=obj.amount, note=obj.note, actor=actor)
        else:
            saved = factory_payment_adjust(factory=obj.factory, order=obj.order, amount=obj.amount, note=obj.note, actor=actor)
        obj.pk = saved.pk


@admin.register(ShipmentEvent)
class ShipmentEventAdmin(admin.ModelAdmin):
    list_display = ("shipment", "occurred_at", "location", "description")
    search_fields = ("shipment__tracking_number", "shipment__order__reference", "description")
    list_select_related = ("shipment",)
    readonly_fields = ("shipment", "occurred_at", "location", "description")

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """First answers to factories' POSTs, kept for replays; read-only."""

    list_display = ("api_key", "key", "status_code", "created_at")
    search_fields = ("key", "api_key__prefix", "api_key__factory__name")
    list_select_related = ("api_key__factory",)
    readonly_fields = ("api_key", "key", "fingerprint", "status_code", "body", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PreOrderEventInline(EventInline):
    model = PreOrderEvent


@admin.register(PreOrderEvent)
class PreOrderEventAdmin(EventAdmin):
    record_field = "pre_order"

    def get_list_select_related(self, request):
        return ("pre_order__variant",)  # a pre-order is named by its variant's SKU


@admin.register(PreOrder)
class PreOrderAdmin(admin.ModelAdmin):
    """Pre-orders are entered and imported on the dashboard (Production → Pre-orders); here they are read and cancelled."""

    list_display = ("reference", "variant", "market", "quantity", "channel", "status", "ordered_at", "customer", "is_demo")
    list_filter = ("status", "channel", "is_demo")
    search_fields = ("reference", "customer", "variant__sku", "variant__concept__name")
    list_select_related = ("variant",)
    date_hierarchy = "ordered_at"
    readonly_fields = (
        "variant", "market", "quantity", "channel", "reference", "customer", "ordered_at", "status", "is_demo", "created_at",
    )
    fields = readonly_fields + ("note",)
    inlines = [PreOrderEventInline]
    actions = ["cancel"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Cancel the selected open pre-orders")
    def cancel(self, request, queryset):
        cancelled = 0
        for pre_order_id in queryset.filter(status=PreOrder.Status.OPEN).values_list("pk", flat=True):
            pre_order_cancel(pre_order_id=pre_order_id, actor=request.user.get_username(), reason="cancelled in the admin")
            cancelled += 1
        self.message_user(request, f"{cancelled} pre-order(s) cancelled.", messages.SUCCESS)


@admin.register(ReorderRule)
class ReorderRuleAdmin(admin.ModelAdmin):
    """A production order's thresholds for reordering or stopping; the daily check fills in what it last saw."""

    list_display = ("order", "check_day", "reorder_sell_through", "stop_sell_through", "reorder_cover_days",
                    "stop_cover_days", "last_checked_on", "last_verdict")
    list_select_related = ("order",)
    list_filter = ("last_verdict",)
    readonly_fields = ("last_checked_on", "last_verdict", "last_numbers")
    raw_id_fields = ("order",)


class ReorderDecisionEventInline(EventInline):
    model = ReorderDecisionEvent


@admin.register(ReorderDecision)
class ReorderDecisionAdmin(TransitionAdminMixin, admin.ModelAdmin):
    """Decisions are written by the daily check; here they are read, accepted or dismissed."""

    list_display = ("rule", "decided_on", "verdict", "quantity", "status", "reason")
    list_select_related = ("rule__order",)
    list_filter = ("verdict", "status")
    readonly_fields = ("rule", "decided_on", "verdict", "reason", "numbers", "quantity")
    inlines = [ReorderDecisionEventInline]
    actions = [
        transition_action(
            lambda pk, actor: reorder_decision_accept(decision_id=pk, actor=actor),
            name="accept_decisions", description="Accept the selected decisions",
        ),
        transition_action(
            lambda pk, actor: reorder_decision_dismiss(decision_id=pk, actor=actor),
            name="dismiss_decisions", description="Dismiss the selected decisions",
        ),
    ]

    def has_add_permission(self, request):
        return False


@admin.register(ReorderDecisionEvent)
class ReorderDecisionEventAdmin(EventAdmin):
    record_field = "decision"

    def get_list_select_related(self, request):
        return ("decision__rule__order",)

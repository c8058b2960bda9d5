"""Link 5: partner factories and the small-batch production orders they pull over the API."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse

from core.models import Cycle, StatusEvent
from design.models import Variant
from samples.models import Sample, VoteRound

from . import key_cache
from .validators import MAX_COUNT, MAX_NOTE_LENGTH, categories_clean, price_list_clean, validate_one_line

_PERCENT = "Must be a whole percent from 0 to 100, got %(value)s."


class Factory(models.Model):
    name = models.CharField(
        max_length=120, unique=True, validators=[validate_one_line],
        error_messages={"blank": "A factory needs a name.", "null": "A factory needs a name."},
    )
    categories = models.JSONField(default=list, blank=True)
    min_batch = models.PositiveIntegerField(default=100, validators=[MaxValueValidator(MAX_COUNT)])
    lead_time_days = models.PositiveIntegerField(default=21, validators=[MaxValueValidator(MAX_COUNT)])
    weekly_capacity = models.PositiveIntegerField(default=1000, validators=[MaxValueValidator(MAX_COUNT)])
    price_list = models.JSONField(
        default=dict, blank=True, help_text="Unit prices the factory quotes, e.g. {\"blanket\": \"11.50\"}."
    )
    deposit_percent = models.PositiveSmallIntegerField(
        default=30, help_text="Share of an order's value owed to the factory when it accepts the order.",
        validators=[MinValueValidator(0, _PERCENT), MaxValueValidator(100, _PERCENT)],
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "factories"

    def __str__(self):
        return self.name

    def clean(self):
        # A JSONField skips its validators for an empty value ("" and None too), so the two lists are
        # checked here; each is stored in one spelling: every category once, prices as "11.50".
        errors = {}
        for field, clean in (("categories", categories_clean), ("price_list", price_list_clean)):
            try:
                setattr(self, field, clean(getattr(self, field)))
            except ValidationError as error:
                errors[field] = error.error_list
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("production:factory", args=[self.pk])


class FactoryApiKeyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Update the keys, and drop their rows cached for authentication (``production.key_cache``):
        a key revoked by a queryset update is refused at once, like one revoked by its service."""
        if set(kwargs) <= {"last_used_at"}:  # recording use changes nothing authentication decides
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            prefixes = list(self.select_for_update(of=("self",)).values_list("prefix", flat=True))
            updated = super().update(**kwargs)
            key_cache.drop(prefixes, using=self.db)
        return updated

    update.alters_data = True


class FactoryApiKey(models.Model):
    """A factory's API key: only a prefix (to find it) and a SHA-256 hash are stored."""

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    hashed_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = FactoryApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["factory", "-created_at"]

    def __str__(self):
        return f"{self.factory} · {self.prefix}…"


class ProductionOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RELEASED = "released", "Released"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        IN_PRODUCTION = "in_production", "In production"
        QC_PASSED = "qc_passed", "QC passed"
        QC_FAILED = "qc_failed", "QC failed"
        SHIPPED = "shipped", "Shipped"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"

    class Incoterm(models.TextChoices):
        EXW = "EXW", "Ex works"
        FCA = "FCA", "Free carrier"
        FOB = "FOB", "Free on board"
        CIF = "CIF", "Cost, insurance and freight"
        DAP = "DAP", "Delivered at place"
        DDP = "DDP", "Delivered duty paid"

    class Aql(models.TextChoices):
        A1_0 = "1.0", "AQL 1.0"
        A1_5 = "1.5", "AQL 1.5"
        A2_5 = "2.5", "AQL 2.5"
        A4_0 = "4.0", "AQL 4.0"
        A6_5 = "6.5", "AQL 6.5"

    # Every move an order may make; anything else is refused by production_order_transition.
    ALLOWED_TRANSITIONS = {
        Status.DRAFT: (Status.RELEASED, Status.CANCELLED),
        Status.RELEASED: (Status.ACCEPTED, Status.DECLINED, Status.CANCELLED),
        Status.ACCEPTED: (Status.IN_PRODUCTION, Status.CANCELLED),
        Status.DECLINED: (),
        Status.IN_PRODUCTION: (Status.QC_PASSED, Status.QC_FAILED),
        Status.QC_FAILED: (Status.IN_PRODUCTION,),
        Status.QC_PASSED: (Status.SHIPPED,),
        Status.SHIPPED: (Status.RECEIVED,),
        Status.RECEIVED: (),
        Status.CANCELLED: (),
    }

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="production_orders")
    factory = models.ForeignKey(Factory, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(max_length=32, unique=True)
    # Lineage: the confirmed sample and the vote round whose evidence sized the batch.
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="production_orders")
    sizing_round = models.ForeignKey(
        VoteRound, null=True, blank=True, on_delete=models.PROTECT, related_name="production_orders"
    )
    sizing = models.JSONField(default=dict, blank=True, help_text="How the batch size was reached.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    due_date = models.DateField(null=True, blank=True)
    incoterm = models.CharField(max_length=3, choices=Incoterm.choices, default=Incoterm.FOB)
    packaging_instructions = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_NOTE_LENGTH)])
    labelling_instructions = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_NOTE_LENGTH)])
    # QC criteria: acceptable quality limits (ISO 2859-1 / ANSI Z1.4, general inspection level II).
    # Critical defects are never accepted.
    aql_major = models.CharField(max_length=4, choices=Aql.choices, default=Aql.A2_5)
    aql_minor = models.CharField(max_length=4, choices=Aql.choices, default=Aql.A4_0)
    qty_cut = models.PositiveIntegerField(default=0)
    qty_sewn = models.PositiveIntegerField(default=0)
    qty_packed = models.PositiveIntegerField(default=0)
    released_at = models.DateTimeField(
        null=True, blank=True, help_text="When the order was first released: from then on its factory sees it."
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The factory's polled feed: its released orders, newest first.
            models.Index(fields=["factory", "-created_at", "-id"], name="order_factory_feed"),
            # The feed's version for ETags (latest change, count): an index-only scan.
            models.Index(
                fields=["factory", "updated_at"],
                condition=models.Q(released_at__isnull=False),
                name="order_factory_version",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="order_price_not_negative")
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("production:detail", args=[self.pk])

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines.all())

    @property
    def transition_label(self) -> str:
        return f"Order {self.reference}"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return tuple(self.ALLOWED_TRANSITIONS.get(self.status, ()))


class ProductionOrderLine(models.Model):
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="production_lines")
    market = models.CharField(max_length=12)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["order", "variant", "market"]
        constraints = [
            models.UniqueConstraint(fields=["order", "variant", "market"], name="uniq_order_line"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"),
        ]


class ProductionEvent(StatusEvent):
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["order", "created_at", "id"]

    def __str__(self):
        return f"{self.order}: {self.from_status or '—'} → {self.to_status}"


class QcReport(models.Model):
    """A factory's final inspection of an order: the sample drawn, the defects found, the verdict."""

    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="qc_reports")
    sample_size = models.PositiveIntegerField()
    critical = models.PositiveIntegerField(default=0)
    major = models.PositiveIntegerField(default=0)
    minor = models.PositiveIntegerField(default=0)
    aql_major = models.CharField(max_length=4)
    aql_minor = models.CharField(max_length=4)
    accept_major = models.PositiveIntegerField(help_text="Most major defects the sample may hold and pass.")
    accept_minor = models.PositiveIntegerField(help_text="Most minor defects the sample may hold and pass.")
    passed = models.BooleanField()
    photos = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "created_at", "id"]


class Shipment(models.Model):
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(max_length=80)
    tracking_number = models.CharField(max_length=80)
    cartons = models.PositiveIntegerField()
    weight_kg = models.DecimalField(max_digits=10, decimal_places=2)
    shipped_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    planned_landed_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actual_landed_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    landed_cost_plan = models.JSONField(
        default=dict, blank=True,
        help_text="How the planned landed cost was reached per market, from the concept's costing.",
    )

    class Meta:
        ordering = ["-shipped_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"], name="uniq_shipment_tracking"),
            models.CheckConstraint(condition=models.Q(cartons__gt=0), name="shipment_cartons_positive"),
            models.CheckConstraint(condition=models.Q(weight_kg__gt=0), name="shipment_weight_positive"),
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"

    @property
    def landed_cost_variance(self):
        if self.planned_landed_cost is None or self.actual_landed_cost is None:
            return None
        return self.actual_landed_cost - self.planned_landed_cost


class ShipmentEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    location = models.CharField(max_length=120, blank=True)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["shipment", "occurred_at", "id"]


class FactoryPayment(models.Model):
    """One line of the factory ledger: positive amounts are owed to the factory, payments are negative."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "Deposit due on acceptance"
        BALANCE = "balance", "Balance due on QC pass"
        ADJUSTMENT = "adjustment", "Adjustment"
        PAYMENT = "payment", "Payment made"

    factory = models.ForeignKey(Factory, on_delete=models.PROTECT, related_name="payments")
    order = models.ForeignKey(
        ProductionOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    note = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["factory", "created_at", "id"]
        constraints = [
            # The transition services write a deposit and a balance at most once per order.
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(kind__in=["deposit", "balance"]),
                name="uniq_order_deposit_balance",
            )
        ]


class IdempotencyRecord(models.Model):
    """The first answer to a factory's POST, replayed for any retry carrying the same Idempotency-Key."""

    api_key = models.ForeignKey(FactoryApiKey, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(encoder=DjangoJSONEncoder, null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="uniq_idempotency_key")]


class PreOrder(models.Model):
    """An order taken before production (a shop's pre-order, a buyer's PO): a floor under a batch's demand.

    Lineage runs through the variant to its concept; the same shop order line imported twice is
    one row (unique on channel, reference, variant and market).
    """

    class Channel(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"
        AMAZON = "amazon", "Amazon"
        WOOCOMMERCE = "woocommerce", "WooCommerce"
        WHOLESALE = "wholesale", "Wholesale"
        MANUAL = "manual", "Manual entry"
        OTHER = "other", "Other"
        DEMO = "demo", "Demo"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CANCELLED = "cancelled", "Cancelled"
        FULFILLED = "fulfilled", "Fulfilled"

    ALLOWED_TRANSITIONS = {
        Status.OPEN: (Status.CANCELLED, Status.FULFILLED),
        Status.CANCELLED: (),
        Status.FULFILLED: (),
    }
    TRANSITION_REFUSALS = {
        (Status.CANCELLED, Status.CANCELLED): "It was cancelled already; only an open one can be cancelled.",
        (Status.CANCELLED, Status.FULFILLED): "It was cancelled; only an open one can be fulfilled.",
        (Status.FULFILLED, Status.CANCELLED): "It was fulfilled by a shop order; only an open one can be cancelled.",
    }

    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="pre_orders")
    market = models.CharField(max_length=12)
    quantity = models.PositiveIntegerField()
    channel = models.CharField(max_length=40, choices=Channel.choices, default=Channel.MANUAL)
    reference = models.CharField(max_length=80, help_text="The shop's order number or the buyer's PO number.")
    customer = models.CharField(max_length=200, blank=True, help_text="Name or email of whoever ordered.")
    ordered_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ordered_at", "-id"]
        indexes = [models.Index(fields=["variant", "status"], name="pre_order_variant_status")]
        constraints = [
            models.UniqueConstraint(fields=["channel", "reference", "variant", "market"], name="uniq_pre_order_line"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="pre_order_quantity_positive"),
            models.CheckConstraint(condition=~models.Q(reference=""), name="pre_order_reference_required"),
        ]

    def __str__(self):
        return f"{self.reference} · {self.variant.sku} × {self.quantity} ({self.market})"

    @property
    def transition_label(self) -> str:
        return f"Pre-order {self.reference}"


class PreOrderEvent(StatusEvent):
    """A pre-order's timeline: who cancelled or fulfilled it, and why (the shop order that fulfilled it)."""

    pre_order = models.ForeignKey(PreOrder, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["pre_order", "created_at", "id"]

    def __str__(self):
        return f"{self.pre_order.reference}: {self.from_status or '—'} → {self.to_status}"


class ReorderRule(models.Model):
    """When a production order's batch is reordered or stopped, judged on its live sales (``reorder_rules``).

    One per order, stored with its defaults when the order is received (or when a merchandiser sets it);
    the daily check writes what it last saw into ``last_numbers``.
    """

    order = models.OneToOneField(ProductionOrder, on_delete=models.CASCADE, related_name="reorder_rule")
    check_day = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="The day after receipt (receipt day = day 1) on which sell-through is judged.",
    )
    reorder_sell_through = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.600"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Sold / received by the check day at or above which the design is reordered.",
    )
    stop_sell_through = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.200"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Sold / received by the check day under which the design is stopped.",
    )
    reorder_cover_days = models.PositiveSmallIntegerField(
        default=35, validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Stock cover (days of sales left at the current pace) under which the design is reordered.",
    )
    stop_cover_days = models.PositiveSmallIntegerField(
        default=120, validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Stock cover above which, from the check day, the design is stopped.",
    )
    velocity_window_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days of sales the current pace is measured over.",
    )
    last_checked_on = models.DateField(null=True, blank=True)
    last_verdict = models.CharField(max_length=8, blank=True)
    last_numbers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stop_sell_through__lt=models.F("reorder_sell_through")),
                name="reorder_rule_stop_below_reorder",
            ),
            models.CheckConstraint(
                condition=models.Q(reorder_cover_days__lt=models.F("stop_cover_days")),
                name="reorder_rule_cover_order",
            ),
        ]

    def __str__(self):
        return f"Reorder rule of {self.order}"

    def clean(self):
        errors = {}
        if None not in (self.stop_sell_through, self.reorder_sell_through) and (
            self.stop_sell_through >= self.reorder_sell_through
        ):
            errors["stop_sell_through"] = ["Must be below the reorder sell-through."]
        if None not in (self.reorder_cover_days, self.stop_cover_days) and self.reorder_cover_days >= self.stop_cover_days:
            errors["reorder_cover_days"] = ["Must be below the stop cover."]
        if errors:
            raise ValidationError(errors)


class ReorderDecision(models.Model):
    """A reorder or a stop the daily check reached, with the numbers it was reached with.

    Proposed by the check; a merchandiser accepts it (the reorder is placed, the design stopped) or
    dismisses it, through production's ``reorder_decision_*`` services.
    """

    class Verdict(models.TextChoices):
        REORDER = "reorder", "Reorder"
        STOP = "stop", "Stop"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    ALLOWED_TRANSITIONS = {
        Status.PROPOSED: (Status.ACCEPTED, Status.DISMISSED),
        Status.ACCEPTED: (),
        Status.DISMISSED: (),
    }

    rule = models.ForeignKey(ReorderRule, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField()
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    reason = models.CharField(max_length=300)
    numbers = models.JSONField(default=dict)
    quantity = models.PositiveIntegerField(null=True, blank=True, help_text="Units to reorder, at the current pace.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "decided_on"], name="uniq_reorder_decision_per_day")]

    def __str__(self):
        return f"{self.get_verdict_display()} {self.rule.order} on {self.decided_on}"

    @property
    def transition_label(self) -> str:
        return f"Decision to {self.verdict} {self.rule.order}" if self.rule_id else "Decision"


class ReorderDecisionEvent(StatusEvent):
    decision = models.ForeignKey(ReorderDecision, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["decision", "created_at", "id"]

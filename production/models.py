"""Link 5: partner factories and the small-batch production orders they pull over the API."""

from django.db import models
from django.urls import reverse

from core.models import Cycle
from design.models import Variant
from samples.models import Sample, VoteRound


class Factory(models.Model):
    name = models.CharField(max_length=120, unique=True)
    categories = models.JSONField(default=list, blank=True)
    min_batch = models.PositiveIntegerField(default=100)
    lead_time_days = models.PositiveIntegerField(default=21)
    weekly_capacity = models.PositiveIntegerField(default=1000)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "factories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("production:factory", args=[self.pk])


class FactoryApiKey(models.Model):
    """A factory's API key: only a prefix (to find it) and a SHA-256 hash are stored."""

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    hashed_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

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
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    due_date = models.DateField(null=True, blank=True)
    incoterm = models.CharField(max_length=3, default="FOB")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
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


class ProductionEvent(models.Model):
    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "created_at", "id"]

    def __str__(self):
        return f"{self.order}: {self.from_status or '—'} → {self.to_status}"

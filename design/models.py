"""Link 3: concepts aimed at a customer segment, with variants, costs and target prices."""

from django.db import models
from django.urls import reverse

from analysis.models import Attribute, Opportunity
from core.models import Cycle, StatusEvent


class Concept(models.Model):
    """A product idea aimed at a segment, and where it stands on its way to the shelf.

    States, moved only by design's services (``concept_*``): draft → sampling (its first sample
    is put to a vote) → confirmed (a sample is confirmed) → in_production (a live production
    order exists) ; dropped from any state before production. "In production" is a fact of a later
    link handed over downward: production calls ``concept_production_start`` when it creates an
    order and ``concept_production_stop`` when the concept's last live order is cancelled or
    declined. Design never reads production, and its map refuses in_production → dropped.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SAMPLING = "sampling", "Sampling"
        CONFIRMED = "confirmed", "Confirmed"
        IN_PRODUCTION = "in_production", "In production"
        DROPPED = "dropped", "Dropped"

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: (Status.SAMPLING, Status.DROPPED),
        Status.SAMPLING: (Status.CONFIRMED, Status.DROPPED),
        Status.CONFIRMED: (Status.IN_PRODUCTION, Status.DROPPED),
        Status.IN_PRODUCTION: (Status.CONFIRMED,),
        Status.DROPPED: (),
    }
    TRANSITION_REFUSALS = {
        (Status.IN_PRODUCTION, Status.DROPPED): (
            "A concept with a live production order cannot be dropped: cancel its orders first."
        ),
        (Status.DRAFT, Status.IN_PRODUCTION): "A concept goes into production once a sample of it is confirmed.",
        (Status.SAMPLING, Status.IN_PRODUCTION): "A concept goes into production once a sample of it is confirmed.",
        (Status.DROPPED, Status.SAMPLING): "A dropped concept stays dropped: design a new one.",
        (Status.DROPPED, Status.CONFIRMED): "A dropped concept stays dropped: design a new one.",
        (Status.DROPPED, Status.IN_PRODUCTION): "A dropped concept stays dropped: design a new one.",
    }

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="concepts")
    name = models.CharField(max_length=160)
    category = models.CharField(max_length=80)
    attributes = models.ManyToManyField(Attribute, related_name="concepts", blank=True)
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.PROTECT, related_name="concepts"
    )
    # The loop closes downward: portraits writes briefs; design refers to them by string.
    brief = models.ForeignKey(
        "portraits.Brief", null=True, blank=True, on_delete=models.SET_NULL, related_name="concepts"
    )
    target_segment = models.ForeignKey(
        "portraits.Segment", null=True, blank=True, on_delete=models.SET_NULL, related_name="concepts"
    )
    target_markets = models.JSONField(default=list)
    target_price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2)
    cost_breakdown = models.JSONField(default=dict, blank=True, help_text="Bill of materials behind unit_cost.")
    market_prices = models.JSONField(
        default=dict, blank=True, help_text="Target retail price per market in that market's currency ({\"DE\": 54.99}); others use target_price."
    )
    market_mix = models.JSONField(
        default=dict, blank=True, help_text="Expected share of each variant per market ({\"US\": {\"SKU\": 0.4}})."
    )
    hs_code = models.CharField(max_length=12, blank=True, help_text="Customs tariff code, e.g. 6301.40.")
    unit_weight_kg = models.DecimalField(max_digits=7, decimal_places=3, default=0)
    unit_volume_m3 = models.DecimalField(max_digits=8, decimal_places=5, default=0)
    fixed_costs = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, help_text="Samples, moulds, photography: recovered by break-even."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(target_price__gt=0), name="concept_price_positive"),
            models.CheckConstraint(condition=models.Q(unit_cost__gte=0), name="concept_cost_not_negative"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("design:detail", args=[self.pk])

    @property
    def margin(self):
        return (self.target_price - self.unit_cost) / self.target_price if self.target_price else None

    @property
    def transition_label(self) -> str:
        return f"Concept “{self.name}”"


class ConceptEvent(StatusEvent):
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["concept", "created_at", "id"]


class Variant(models.Model):
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    colour = models.CharField(max_length=40, blank=True)
    size = models.CharField(max_length=40, blank=True)
    material = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["concept", "sku"]

    def __str__(self):
        return " / ".join(p for p in (self.colour, self.size, self.material) if p) or self.sku


class FreightRate(models.Model):
    """What it costs to move goods to a market by one mode, priced per kg or per m³ (concept currency)."""

    class Mode(models.TextChoices):
        SEA = "sea", "Sea"
        AIR = "air", "Air"
        EXPRESS = "express", "Express"

    class Basis(models.TextChoices):
        PER_KG = "kg", "per kg"
        PER_M3 = "m3", "per m³"

    market = models.CharField(max_length=12)
    mode = models.CharField(max_length=8, choices=Mode.choices)
    basis = models.CharField(max_length=2, choices=Basis.choices)
    rate = models.DecimalField(max_digits=10, decimal_places=2)
    transit_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["market", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["market", "mode"], name="uniq_freight_rate_market_mode"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="freight_rate_not_negative"),
        ]

    def __str__(self):
        return f"{self.market} {self.get_mode_display()} {self.rate} {self.get_basis_display()}"


class DutyRate(models.Model):
    """Import duty for an HS code (heading prefix) entering a market, as a share of the customs value."""

    hs_code = models.CharField(max_length=12, help_text="HS heading or code; the longest matching prefix wins.")
    market = models.CharField(max_length=12)
    rate = models.DecimalField(max_digits=6, decimal_places=4, help_text="0.085 = 8.5%")

    class Meta:
        ordering = ["market", "hs_code"]
        constraints = [
            models.UniqueConstraint(fields=["hs_code", "market"], name="uniq_duty_rate"),
            models.CheckConstraint(condition=models.Q(rate__gte=0, rate__lt=5), name="duty_rate_range"),
        ]

    def __str__(self):
        return f"{self.hs_code} → {self.market}: {self.rate:.2%}"


class MarketFees(models.Model):
    """Selling costs in one market, as shares of the retail price."""

    market = models.CharField(max_length=12, unique=True)
    currency = models.CharField(max_length=3, default="USD", help_text="The currency shoppers pay in there.")
    platform_fee = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    payment_fee = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    return_allowance = models.DecimalField(max_digits=5, decimal_places=4, default=0)

    class Meta:
        ordering = ["market"]
        verbose_name_plural = "market fees"

    def __str__(self):
        return f"{self.market} fees"


class FxRate(models.Model):
    """A planning exchange rate: units of a currency for one US dollar, set by the merchandiser."""

    currency = models.CharField(max_length=3, unique=True)
    per_usd = models.DecimalField(max_digits=12, decimal_places=6, help_text="Units of this currency for 1 USD.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["currency"]
        verbose_name = "planning exchange rate"
        constraints = [models.CheckConstraint(condition=models.Q(per_usd__gt=0), name="fx_rate_positive")]

    def __str__(self):
        return f"1 USD = {self.per_usd} {self.currency}"


class ComplianceTemplate(models.Model):
    """One checklist item every concept of a category sold in a market must satisfy ("*" = any)."""

    category = models.CharField(max_length=80, default="*", help_text="Concept category, or * for every category.")
    market = models.CharField(max_length=12, help_text="Market code (US, DE…), EU for every EU market, or *.")
    title = models.CharField(max_length=160)
    guidance = models.TextField(blank=True)
    required = models.BooleanField(default=True)
    applies_to_attribute = models.CharField(
        max_length=80, blank=True, help_text="Only for concepts with this attribute (e.g. kids, heated); blank = all."
    )

    class Meta:
        ordering = ["market", "category", "title"]
        constraints = [
            models.UniqueConstraint(fields=["category", "market", "title"], name="uniq_compliance_template")
        ]

    def __str__(self):
        return f"{self.market} · {self.category} · {self.title}"


class ComplianceItem(models.Model):
    """A concept's copy of a checklist item, ticked with evidence (a file or a note)."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="compliance_items")
    template = models.ForeignKey(ComplianceTemplate, null=True, blank=True, on_delete=models.SET_NULL)
    market = models.CharField(max_length=12)
    title = models.CharField(max_length=160)
    required = models.BooleanField(default=True)
    checked = models.BooleanField(default=False)
    evidence_note = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="compliance/%Y/%m/", blank=True)
    checked_by = models.CharField(max_length=150, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["concept", "market", "title"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "market", "title"], name="uniq_compliance_item"),
            models.CheckConstraint(
                condition=models.Q(checked=False) | ~models.Q(evidence_note="") | ~models.Q(evidence_file=""),
                name="compliance_checked_has_evidence",
            ),
        ]

    def __str__(self):
        return f"{self.market}: {self.title}"

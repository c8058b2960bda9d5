"""Link 3: concepts aimed at a customer segment, with variants, costs and target prices."""

from django.db import models
from django.urls import reverse

from analysis.models import Attribute, Opportunity
from core.models import Cycle


class Concept(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SAMPLING = "sampling", "Sampling"
        CONFIRMED = "confirmed", "Confirmed"
        DROPPED = "dropped", "Dropped"

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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
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

"""Link 2: attributes in demand and ranked opportunities."""

from django.db import models
from django.urls import reverse

from core.models import Cycle
from hotspots.models import Hotspot


class Attribute(models.Model):
    class Kind(models.TextChoices):
        MATERIAL = "material", "Material"
        PATTERN = "pattern", "Pattern"
        COLOUR = "colour", "Colour"
        STYLE = "style", "Style"
        FUNCTION = "function", "Function"
        OCCASION = "occasion", "Occasion"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=80, help_text="Canonical term, e.g. 'mermaid'.")
    synonyms = models.JSONField(default=list, blank=True, help_text="Other spellings and plurals.")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="uniq_attribute")]

    def __str__(self):
        return self.name


class Opportunity(models.Model):
    """A category + attribute set + market worth designing for, with its evidence."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="opportunities")
    category = models.CharField(max_length=80)
    market = models.CharField(max_length=12)
    key = models.CharField(max_length=300, help_text="category|market|sorted attribute names; stable across re-runs.")
    attributes = models.ManyToManyField(Attribute, related_name="opportunities")
    hotspots = models.ManyToManyField(Hotspot, related_name="opportunities", help_text="Evidence.")
    score = models.FloatField()
    components = models.JSONField(default=dict)
    rank = models.PositiveIntegerField()
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "rank"]
        verbose_name_plural = "opportunities"
        constraints = [models.UniqueConstraint(fields=["cycle", "key"], name="uniq_opportunity_key")]

    def __str__(self):
        return self.title

    @property
    def title(self):
        names = " + ".join(self.key.split("|")[2:]) if self.key else ""
        return f"{names} {self.category} · {self.market}".strip()

    def get_absolute_url(self):
        return reverse("analysis:detail", args=[self.pk])


class AttributeEvidence(models.Model):
    """What shoppers said about an attribute, handed over by a later link (customers' reviews).

    Analysis never reads the reviews themselves: customers mines them and hands the counts and a
    few quotes over through ``analysis.services.review_evidence_replace``. Ranking uses the counts
    (``analysis.scoring``); the opportunity page shows the quotes as "from reviews".
    """

    class Source(models.TextChoices):
        REVIEWS = "reviews", "Reviews"

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        REQUEST = "request", "Request"
        PRAISE = "praise", "Praise"

    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.CASCADE, related_name="attribute_evidence",
        help_text="The cycle it was handed over for; empty: every cycle.",
    )
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.REVIEWS)
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="evidence")
    category = models.CharField(max_length=80, blank=True, help_text="Product category, lower case; empty: any.")
    market = models.CharField(max_length=12, blank=True, help_text="Shoppers' country; empty: unknown, every market.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    count = models.PositiveIntegerField(help_text="Reviews saying so.")
    examples = models.JSONField(default=list, blank=True, help_text="A few quotes: quote, rating, product, date, language.")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attribute__name", "category", "market", "kind"]
        verbose_name_plural = "attribute evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "attribute", "category", "market", "kind"], condition=models.Q(cycle__isnull=True),
                name="uniq_attribute_evidence_any_cycle",
            ),
            models.UniqueConstraint(
                fields=["cycle", "source", "attribute", "category", "market", "kind"],
                condition=models.Q(cycle__isnull=False), name="uniq_attribute_evidence_of_cycle",
            ),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="attribute_evidence_count_positive"),
        ]

    def __str__(self):
        return f"{self.count} {self.kind}(s) about {self.attribute} ({self.category or 'any category'}, {self.market or 'any market'})"

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

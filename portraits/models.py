"""Link 8: customer segments that seed the next cycle."""

from django.db import models
from django.urls import reverse

from core.models import Cycle
from customers.models import Customer


class PortraitRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="portrait_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    n_customers = models.PositiveIntegerField(default=0)
    n_segments = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Portrait run {self.pk} · {self.cycle}"

    def get_absolute_url(self):
        return reverse("portraits:run", args=[self.pk])


class Segment(models.Model):
    run = models.ForeignKey(PortraitRun, on_delete=models.CASCADE, related_name="segments")
    label = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    profile = models.JSONField(default=dict, help_text="RFM means, top attributes, markets, price band.")

    class Meta:
        ordering = ["run", "-size", "label"]
        constraints = [models.UniqueConstraint(fields=["run", "label"], name="uniq_segment_label")]

    def __str__(self):
        return self.name

    @property
    def currency(self) -> str:
        """The currency its customers mostly paid in (the run's commonest), '' when unknown."""
        return self.profile.get("currency") or "" if isinstance(self.profile, dict) else ""

    def get_absolute_url(self):
        return reverse("portraits:segment", args=[self.pk])


class SegmentMembership(models.Model):
    run = models.ForeignKey(PortraitRun, on_delete=models.CASCADE, related_name="memberships")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="segment_memberships")
    features = models.JSONField(default=dict)

    class Meta:
        ordering = ["segment", "customer"]
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="one_segment_per_customer_per_run")]


class Brief(models.Model):
    """What a segment asks of the next cycle: attributes, price band, markets, keywords."""

    run = models.ForeignKey(PortraitRun, on_delete=models.CASCADE, related_name="briefs")
    segment = models.OneToOneField(Segment, on_delete=models.CASCADE, related_name="brief")
    for_cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="briefs")
    category = models.CharField(max_length=80)
    attributes = models.JSONField(default=list)
    price_low = models.DecimalField(max_digits=10, decimal_places=2)
    price_high = models.DecimalField(max_digits=10, decimal_places=2)
    markets = models.JSONField(default=list)
    keywords = models.JSONField(default=list)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "segment"]

    def __str__(self):
        return f"Brief: {self.segment}"

    def get_absolute_url(self):
        return reverse("portraits:brief", args=[self.pk])

"""Link 8: customer segments that seed the next cycle."""

from django.db import models
from django.urls import reverse

from core.models import Cycle, TaskRun
from customers.models import Customer


def next_run_version() -> int:
    """One more than the highest run version (the service retries on the unique constraint when two runs race)."""
    return (PortraitRun.objects.aggregate(v=models.Max("version"))["v"] or 0) + 1


class PortraitRun(models.Model):
    """One segmentation of the whole customer base as of a date.

    Runs are versioned: ``version`` grows with every run started, and a finished run
    becomes the *current* one only if no run with a higher version finished first (a
    slower older run never replaces a newer one). ``cycle`` is only the run's place in
    the loop's lineage: a run reads every order up to ``as_of`` whatever its cycle.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="portrait_runs")
    version = models.PositiveIntegerField(unique=True, default=next_run_version)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    is_current = models.BooleanField(default=False, help_text="The run the pages and briefs show.")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    message = models.CharField(max_length=200, blank=True)
    task_run = models.ForeignKey(TaskRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="portrait_runs")
    as_of = models.DateTimeField(null=True, blank=True, help_text="Orders placed up to this moment are read.")
    n_customers = models.PositiveIntegerField(default=0)
    n_segments = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True, help_text="What the run was asked to do.")
    metrics = models.JSONField(default=dict, blank=True, help_text="What came out: silhouette by k, inertia, sizes, stability.")
    error = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="one_current_portrait_run"),
        ]

    def __str__(self):
        return f"Portrait run {self.version}" + (f" · {self.cycle}" if self.cycle_id else "")

    def get_absolute_url(self):
        return reverse("portraits:run", args=[self.pk])


class Segment(models.Model):
    run = models.ForeignKey(PortraitRun, on_delete=models.CASCADE, related_name="segments")
    label = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    revenue_share = models.FloatField(default=0)
    expected_value = models.FloatField(
        null=True, blank=True, help_text="Expected spend of the segment's customers over the next 365 days, base currency."
    )
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
    """A customer's segment in one run, with the features it was drawn from (stored set-wise, by COPY).

    ``recency_days`` are whole UTC calendar days from the last order to the run's as-of
    date (0: ordered that day); money is net of refunds in the base currency.
    """

    # A run writes its memberships in one COPY of every customer, so each index and check per row counts.
    # No key is checked by the database: the run and its segments are written in the same transaction as
    # their memberships, and the customers are those the run has just read (checking each row's customer
    # at commit took 0.8 s of a 200,000-customer run). Deleting a run, segment or customer still deletes its
    # memberships (Django's cascade); a customer deleted while a run is being computed leaves that run rows
    # the pages do not show (they join the customer). The run and the segment are looked up through the
    # (run, customer) and (segment, customer) indexes, so they need none of their own.
    run = models.ForeignKey(PortraitRun, on_delete=models.CASCADE, related_name="memberships", db_constraint=False,
                            db_index=False)
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships", db_constraint=False,
                                db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="segment_memberships",
                                 db_constraint=False)
    recency_days = models.IntegerField()
    tenure_days = models.IntegerField()
    frequency = models.PositiveIntegerField()
    monetary = models.FloatField()
    avg_order_value = models.FloatField()
    days_between = models.FloatField(null=True, blank=True, help_text="Mean days between orders (repeat customers).")
    returns = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    market = models.CharField(max_length=12, blank=True)
    channel = models.CharField(max_length=40, blank=True)
    unit_price = models.FloatField(null=True, blank=True)
    price_band = models.CharField(max_length=4, blank=True)
    r_score = models.PositiveSmallIntegerField()
    f_score = models.PositiveSmallIntegerField()
    m_score = models.PositiveSmallIntegerField()
    rfm_group = models.CharField(max_length=20)
    expected_purchases = models.FloatField(null=True, blank=True)
    expected_value = models.FloatField(null=True, blank=True)
    p_alive = models.FloatField(null=True, blank=True)
    top_attributes = models.CharField(max_length=200, blank=True, help_text="The customer's three largest taste shares.")

    class Meta:
        ordering = ["segment", "customer"]
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="one_segment_per_customer_per_run")]
        indexes = [models.Index(fields=["segment", "customer"], name="membership_segment_customer")]


class Brief(models.Model):
    """What a segment asks of the next cycle: attributes, price band, markets, keywords, and why.

    Written by the run for each valuable segment, weighed by the segment's expected value;
    the merchandiser may edit, drop or merge briefs until the next cycle opens from them.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DROPPED = "dropped", "Dropped"
        MERGED = "merged", "Merged into another brief"

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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_briefs")
    weight = models.FloatField(default=0, help_text="Share of the run's expected value (or revenue) the brief speaks for.")
    evidence = models.JSONField(default=dict, blank=True, help_text="The numbers behind the brief.")
    edited_by = models.CharField(max_length=150, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "-weight", "segment"]

    def __str__(self):
        return f"Brief: {self.segment}"

    def get_absolute_url(self):
        return reverse("portraits:brief", args=[self.pk])

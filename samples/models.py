"""Link 4: samples that professional buyers vote on through emailed links."""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import Cycle, StatusEvent
from design.models import Concept, Variant


class Sample(models.Model):
    """One version of a concept made up as a sample, and the buyers' verdict on it.

    States, moved only by samples' services: draft → in_review (a round is opened on it) →
    confirmed, revised (buyers asked for changes; it can be put to a vote again) or dropped, each by
    a round's decision. Confirmed and dropped are final: a decision on a sample that has already
    moved past review is refused.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CONFIRMED = "confirmed", "Confirmed"
        REVISED = "revised", "Revised"
        DROPPED = "dropped", "Dropped"

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: (Status.IN_REVIEW, Status.DROPPED),
        Status.IN_REVIEW: (Status.CONFIRMED, Status.REVISED, Status.DROPPED),
        Status.REVISED: (Status.IN_REVIEW, Status.DROPPED),
        Status.CONFIRMED: (),
        Status.DROPPED: (),
    }
    TRANSITION_REFUSALS = {
        (Status.CONFIRMED, Status.DROPPED): "A confirmed sample is final: it may already be in production.",
        (Status.CONFIRMED, Status.REVISED): "A confirmed sample is final: make a new version instead.",
    }

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="samples")
    version = models.PositiveIntegerField(default=1)
    spec = models.TextField(blank=True)
    change_notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["concept", "version"]
        constraints = [models.UniqueConstraint(fields=["concept", "version"], name="uniq_sample_version")]

    def __str__(self):
        return f"{self.concept} v{self.version}"

    def get_absolute_url(self):
        return reverse("samples:detail", args=[self.pk])

    @property
    def transition_label(self) -> str:
        return f"Sample {self}"


class SampleEvent(StatusEvent):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["sample", "created_at", "id"]


class SamplePhoto(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="samples/photos/%Y/%m/")
    thumbnail = models.ImageField(upload_to="samples/thumbs/%Y/%m/")
    caption = models.CharField(max_length=160, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sample", "id"]

    def __str__(self):
        return self.caption or f"photo {self.pk} of {self.sample}"


class Buyer(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    company = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True)
    markets = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=10, default="en")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.company})" if self.company else self.name


class BuyerPanel(models.Model):
    """A named group of buyers a round can be sent to (by market, by trade, by language…)."""

    name = models.CharField(max_length=120, unique=True)
    buyers = models.ManyToManyField(Buyer, related_name="panels", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class VoteRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Decision(models.TextChoices):
        NONE = "", "Not decided"
        CONFIRM = "confirm", "Confirm"
        REVISE = "revise", "Revise"
        DROP = "drop", "Drop"

    # One round open per sample at a time; its decision is an event on the closed round.
    ALLOWED_TRANSITIONS = {
        Status.OPEN: (Status.CLOSED,),
        Status.CLOSED: (),
    }

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="vote_rounds")
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="rounds")
    buyers = models.ManyToManyField(Buyer, through="Invitation", related_name="rounds")
    panel = models.ForeignKey(BuyerPanel, null=True, blank=True, on_delete=models.SET_NULL, related_name="rounds")
    questions = models.JSONField(
        default=list, blank=True,
        help_text='Custom questions: [{"key": "q1", "label": "…", "choices": ["a", "b"]}]; no choices = free text.',
    )
    reminder_hours = models.JSONField(
        default=list, blank=True, help_text="Remind buyers who have not voted this many hours before close, e.g. [72, 24]."
    )
    demand_evidence = models.JSONField(
        default=dict, blank=True, help_text="Written on confirm: the demand production sizes the batch from."
    )
    # The terms the buyers are shown: what they are asked to pay and order, and how long they wait.
    wholesale_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True,
        help_text="Wholesale price asked per unit (concept currency); empty: the planned price from the retail target.",
    )
    min_order_qty = models.PositiveIntegerField(null=True, blank=True, help_text="Minimum order per buyer, in units.")
    lead_time_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days from a buyer's order to shipment."
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decision_note = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_open"),
            models.CheckConstraint(
                condition=models.Q(wholesale_price__isnull=True) | models.Q(wholesale_price__gt=0),
                name="round_wholesale_price_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(min_order_qty__isnull=True) | models.Q(min_order_qty__gt=0),
                name="round_min_order_qty_positive",
            ),
        ]

    def __str__(self):
        return f"Round {self.pk} · {self.sample}"

    def get_absolute_url(self):
        return reverse("samples:round", args=[self.pk])

    @property
    def transition_label(self) -> str:
        return f"Round {self.pk}"


class VoteRoundEvent(StatusEvent):
    round = models.ForeignKey(VoteRound, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["round", "created_at", "id"]


def _new_invitation_key():
    return secrets.token_urlsafe(18)


class Invitation(models.Model):
    round = models.ForeignKey(VoteRound, on_delete=models.CASCADE, related_name="invitations")
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="invitations")
    # Random, unguessable; the signed vote link carries this, never an email or row id.
    key = models.CharField(max_length=40, unique=True, default=_new_invitation_key, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker about to send; a claim older than the send lease belongs to a dead worker.
    send_claimed_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "buyer"]
        constraints = [models.UniqueConstraint(fields=["round", "buyer"], name="uniq_invitation")]

    def __str__(self):
        return f"{self.buyer} → {self.round}"


class Vote(models.Model):
    round = models.ForeignKey(VoteRound, on_delete=models.CASCADE, related_name="votes")
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="votes")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    would_order_qty = models.PositiveIntegerField(default=0)
    preferred_variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.SET_NULL)
    acceptable_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    market = models.CharField(max_length=12, blank=True)
    comment = models.TextField(blank=True, max_length=2000)
    answers = models.JSONField(default=dict, blank=True, help_text="Answers to the round's custom questions, by key.")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "buyer"]
        constraints = [
            models.UniqueConstraint(fields=["round", "buyer"], name="one_vote_per_buyer_per_round"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="vote_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.buyer}: {self.score}/5"

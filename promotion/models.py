"""Link 6: campaigns, social posts and tracked links."""

from django.db import models
from django.urls import reverse

from core.models import Cycle, StatusEvent
from design.models import Concept
from production.models import ProductionOrder


class Channel(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    PINTEREST = "pinterest", "Pinterest"


class Campaign(models.Model):
    """One concept promoted in one market.

    States, moved only by promotion's services (``campaign_*``): draft → scheduled (its posts
    are scheduled) → active (its first post went out) → ended; cancelled before it starts, which
    cancels its unsent posts.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: (Status.SCHEDULED, Status.CANCELLED),
        Status.SCHEDULED: (Status.ACTIVE, Status.CANCELLED),
        Status.ACTIVE: (Status.ENDED,),
        Status.ENDED: (),
        Status.CANCELLED: (),
    }
    TRANSITION_REFUSALS = {
        (Status.ACTIVE, Status.CANCELLED): "A campaign whose posts went out is ended, not cancelled.",
    }

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="campaigns")
    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="campaigns")
    production_order = models.ForeignKey(
        ProductionOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    name = models.CharField(max_length=160)
    market = models.CharField(max_length=12)
    starts_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("promotion:detail", args=[self.pk])

    @property
    def transition_label(self) -> str:
        return f"Campaign “{self.name}”"


class CampaignEvent(StatusEvent):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["campaign", "created_at", "id"]


class Post(models.Model):
    """A social post of a campaign, published on its channel by a publisher at ``scheduled_at``.

    States, moved only by promotion's services (``post_*``): draft → scheduled → sent, or failed
    (with the publisher's reason; it can be scheduled again); cancelled before it is sent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: (Status.SCHEDULED, Status.CANCELLED),
        Status.SCHEDULED: (Status.SENT, Status.FAILED, Status.CANCELLED),
        Status.FAILED: (Status.SCHEDULED, Status.CANCELLED),
        Status.SENT: (),
        Status.CANCELLED: (),
    }
    TRANSITION_REFUSALS = {
        (Status.SENT, Status.CANCELLED): "A post that went out cannot be called back.",
        (Status.DRAFT, Status.SENT): "Schedule the post first.",
    }

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="posts")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    text = models.TextField()
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True, help_text="Why the last attempt to publish failed.")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["campaign", "scheduled_at", "id"]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.campaign}"

    @property
    def transition_label(self) -> str:
        return f"{self.get_channel_display()} post {self.pk}"


class PostEvent(StatusEvent):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["post", "created_at", "id"]


class TrackedLink(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    post = models.OneToOneField(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="link")
    code = models.SlugField(max_length=16, unique=True)
    destination_url = models.URLField(max_length=500)
    utm_source = models.CharField(max_length=40)
    utm_medium = models.CharField(max_length=40, default="social")
    utm_campaign = models.CharField(max_length=80)
    utm_content = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["campaign", "code"]

    def __str__(self):
        return f"/r/{self.code}"


class Click(models.Model):
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField()
    country = models.CharField(max_length=2, blank=True)
    referrer = models.CharField(max_length=300, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["link", "at"])]

"""Link 6: campaigns, social posts and tracked links."""

from django.db import models
from django.urls import reverse

from core.files import MaxUploadSize
from core.models import Cycle, StatusEvent
from design.models import Concept
from production.models import ProductionOrder
from samples.models import Sample

# Uploads larger than this are refused before they are read; the channel rules then hold each
# network's own, smaller, limits.
MAX_MEDIA_BYTES = 300 * 1024 * 1024


class Channel(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    PINTEREST = "pinterest", "Pinterest"


class Publisher(models.TextChoices):
    """How a campaign's posts reach their networks (``promotion.publishers``)."""

    WEBHOOK = "webhook", "Webhook (signed JSON to your publishing service)"
    HOOTSUITE = "hootsuite", "Hootsuite bulk CSV"
    PUBLER = "publer", "Publer bulk CSV"


class Campaign(models.Model):
    """One concept promoted in one market, planned on that market's clock (``time_zone``).

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
    sample = models.ForeignKey(
        Sample, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns",
        help_text="The confirmed sample a campaign started from before a batch existed (pre-sales).",
    )
    name = models.CharField(max_length=160)
    market = models.CharField(max_length=12)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="The market's clock: dates and post times.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    channels = models.JSONField(default=list, blank=True)
    budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    publisher = models.CharField(max_length=10, choices=Publisher.choices, default=Publisher.WEBHOOK)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                                   name="campaign_budget_not_negative"),
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                                   name="campaign_ends_after_start"),
        ]

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

    class MediaKind(models.TextChoices):
        NONE = "", "None"
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="posts")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    text = models.TextField()
    hashtags = models.JSONField(default=list, blank=True)
    media = models.FileField(upload_to="promotion/posts/%Y/%m/", blank=True, validators=[MaxUploadSize(MAX_MEDIA_BYTES)])
    media_kind = models.CharField(max_length=5, choices=MediaKind.choices, blank=True, default="")
    media_format = models.CharField(max_length=8, blank=True)
    media_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    media_width = models.PositiveIntegerField(null=True, blank=True)
    media_height = models.PositiveIntegerField(null=True, blank=True)
    media_seconds = models.FloatField(null=True, blank=True)
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True, help_text="Why the last attempt to publish failed.")
    # Set once, by the conditional update that hands a due post to its publisher (beat).
    released_at = models.DateTimeField(null=True, blank=True)
    delivery_id = models.UUIDField(null=True, blank=True, help_text="Stable across retries: receivers drop repeats.")
    bulk_export = models.ForeignKey(
        "BulkExport", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts",
        help_text="The bulk file it was last handed over in.",
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["campaign", "scheduled_at", "id"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="post_due_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.campaign}"

    def get_absolute_url(self):
        return reverse("promotion:post", args=[self.pk])

    @property
    def transition_label(self) -> str:
        return f"{self.get_channel_display()} post {self.pk}"


class PostEvent(StatusEvent):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["post", "created_at", "id"]


class TrackedLink(models.Model):
    """``/r/<code>``: sends a shopper to the product page with UTM parameters saying where they came from.

    source = the channel, medium = social, campaign = the campaign, content = the post, term = the
    concept (so an order that carries them rolls up to the design).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    post = models.OneToOneField(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="link")
    code = models.SlugField(max_length=16, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    destination_url = models.URLField(max_length=500)
    utm_source = models.CharField(max_length=40)
    utm_medium = models.CharField(max_length=40, default="social")
    utm_campaign = models.CharField(max_length=80)
    utm_content = models.CharField(max_length=80, blank=True)
    utm_term = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["campaign", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["utm_campaign", "utm_content"], condition=~models.Q(utm_content=""),
                name="uniq_tracked_link_utm",
            ),
        ]

    def __str__(self):
        return f"/r/{self.code}"


class Click(models.Model):
    """One person's click on a tracked link: when, from which channel, device class and country.

    No IP address, user agent or full referrer is stored (``promotion.click_log``).
    """

    class Device(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        TABLET = "tablet", "Tablet"
        DESKTOP = "desktop", "Desktop"
        OTHER = "other", "Other"

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField()
    channel = models.CharField(max_length=10, blank=True)
    device = models.CharField(max_length=8, choices=Device.choices, blank=True)
    country = models.CharField(max_length=2, blank=True)
    referrer = models.CharField(max_length=300, blank=True, help_text="The referring origin only, never its path.")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["link", "at"]), models.Index(fields=["campaign", "at"], name="click_campaign_at_idx")]


class BulkExport(models.Model):
    """Scheduled posts written into a scheduler's bulk-upload file, and what the scheduler made of it.

    The posts stay scheduled until the merchandiser says the scheduler took the file (they become
    sent) or refused it (they fail with the reason); ``content`` is the file as downloaded.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exports")
    publisher = models.CharField(max_length=10, choices=Publisher.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    filename = models.CharField(max_length=200)
    content = models.TextField()
    post_count = models.PositiveIntegerField()
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.refused_at is None


class PublishAttempt(models.Model):
    """One try at handing a post to its publisher: when, what came back (status code or error), how long."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attempts")
    publisher = models.CharField(max_length=10, choices=Publisher.choices)
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    bulk_export = models.ForeignKey(BulkExport, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts")

    class Meta:
        ordering = ["post", "at", "id"]


class OrderAttribution(models.Model):
    """A shop order credited to a tracked link, handed over by customers (a later link).

    Promotion keeps the order's reference, time, amount and currency (and the amount in the base currency),
    never who placed it.
    ``method`` says why: the order carried the link's UTM parameters, the caller named the link, or
    it was the last click on the concept's links in the market within the attribution window.
    """

    class Method(models.TextChoices):
        UTM = "utm", "UTM parameters on the order"
        GIVEN = "given", "Named by the shop"
        LAST_CLICK = "last_click", "Last click within the window"

    platform = models.CharField(max_length=12)
    order_ref = models.CharField(max_length=80)
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="attributions")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attributions")
    method = models.CharField(max_length=10, choices=Method.choices)
    placed_at = models.DateTimeField()
    revenue = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    revenue_base = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="The revenue in the base currency; empty while the order's exchange rate is unknown.",
    )
    is_demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["platform", "order_ref"], name="uniq_order_attribution")]
        indexes = [
            models.Index(fields=["campaign", "placed_at"], name="attribution_campaign_idx"),
            # The newest change versions figures kept over orders' credits (one index lookup).
            models.Index(fields=["updated_at"], name="attribution_updated_idx"),
        ]

    def __str__(self):
        return f"{self.platform} {self.order_ref} → {self.link}"

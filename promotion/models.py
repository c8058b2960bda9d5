"""Link 6: campaigns, social posts and tracked links."""

from django.db import models
from django.urls import reverse

from core.models import Cycle
from design.models import Concept
from production.models import ProductionOrder


class Channel(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    PINTEREST = "pinterest", "Pinterest"


class Campaign(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="campaigns")
    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="campaigns")
    production_order = models.ForeignKey(
        ProductionOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    name = models.CharField(max_length=160)
    market = models.CharField(max_length=12)
    starts_on = models.DateField()
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("promotion:detail", args=[self.pk])


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="posts")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    text = models.TextField()
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["campaign", "scheduled_at", "id"]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.campaign}"


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

"""A DEMO campaign's timeline dated on the demo's calendar.

The demo plans, schedules and sends a campaign's posts in one second, so each step of its timeline
would carry the minute the loop ran; once its posts are marked sent (``demo_campaign_launch``), the
planning is dated the day before the campaign starts, each send at the post's ``sent_at``, and the
campaign's start at its first post's. Only campaigns flagged ``is_demo`` are dated.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Campaign, CampaignEvent, Post, PostEvent


def campaign_demo_date(*, campaign: Campaign) -> Campaign:
    """Date a DEMO campaign's and its posts' timelines in the demo's time; refuses real campaigns."""
    if not campaign.is_demo:
        raise ValidationError({"campaign": f"{campaign} is not demo data; its timeline is the publishers'."})
    planned = timezone.make_aware(
        datetime.datetime.combine(campaign.starts_on - datetime.timedelta(days=1), datetime.time.min)
    )
    sent = dict(
        Post.objects.filter(campaign=campaign, status=Post.Status.SENT, sent_at__isnull=False).values_list("pk", "sent_at")
    )
    with transaction.atomic():
        events = CampaignEvent.objects.filter(campaign=campaign)
        events.exclude(to_status=Campaign.Status.ACTIVE).update(created_at=planned)
        if sent:
            events.filter(to_status=Campaign.Status.ACTIVE).update(created_at=min(sent.values()))
        PostEvent.objects.filter(post__campaign=campaign).exclude(
            post_id__in=sent, to_status=Post.Status.SENT
        ).update(created_at=planned)
        for post_id, sent_at in sent.items():
            PostEvent.objects.filter(post_id=post_id, to_status=Post.Status.SENT).update(created_at=sent_at)
    return campaign

"""DEMO promotion: campaigns the loop launches on demo cycles, flagged is_demo and published nowhere."""

import random
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Campaign, Click, Post
from .states import post_send

DEMO_DEVICES = ("mobile", "mobile", "mobile", "desktop", "tablet")
DEMO_REFERRERS = {
    "instagram": "https://l.instagram.com", "facebook": "https://lm.facebook.com", "x": "https://t.co",
    "pinterest": "https://www.pinterest.com", "tiktok": "https://www.tiktok.com",
}


def demo_campaign_launch(*, campaign: Campaign, actor: str = "c2f demo", until: datetime | None = None) -> int:
    """Mark a DEMO campaign's scheduled posts sent at their scheduled time (published nowhere), those
    due by ``until`` (all when not given), so no publisher ever sends them and its demo clicks have
    posts that went out; returns how many. Refuses real campaigns."""
    if not campaign.is_demo:
        raise ValidationError({"campaign": f"{campaign} is not demo data; its posts go out through a publisher."})
    due = campaign.posts.filter(status=Post.Status.SCHEDULED)
    if until is not None:
        due = due.filter(scheduled_at__lte=until)
    sent = 0
    for post_id, scheduled_at in due.order_by("scheduled_at", "pk").values_list("pk", "scheduled_at"):
        post_send(post_id=post_id, actor=actor, note="demo: marked sent, published nowhere", sent_at=scheduled_at)
        sent += 1
    return sent


def demo_clicks_generate(
    *, campaign: Campaign, seed: int, until: datetime | None = None, per_link: tuple[int, int] = (40, 160)
) -> int:
    """DEMO clicks on a campaign's links, deterministic for a seed; flagged is_demo.

    A link is clicked only once its post has gone out, and never after ``until`` (now when not
    given): between the two, clicks thin out as the post ages.
    """
    if Click.objects.filter(link__campaign=campaign).exists():
        return 0
    until = min(until or timezone.now(), timezone.now())
    rng = random.Random(seed)
    clicks = []
    for link in campaign.links.select_related("post").order_by("code"):
        post = link.post
        if post is None or post.status != Post.Status.SENT or post.sent_at is None or post.sent_at >= until:
            continue
        window = (until - post.sent_at).total_seconds()
        channel = link.channel or link.utm_source[:10]
        for _ in range(rng.randint(*per_link)):
            # Most clicks come in the post's first days: exponential ages, cut at ``until``.
            age = min(rng.expovariate(1 / (3 * 86400)), window * rng.random())
            clicks.append(
                Click(
                    link=link, campaign=campaign, channel=channel,
                    at=post.sent_at + timedelta(seconds=min(max(1.0, age), window)),
                    device=rng.choice(DEMO_DEVICES), country=campaign.market[:2],
                    referrer=DEMO_REFERRERS.get(channel, ""), is_demo=True,
                )
            )
    Click.objects.bulk_create(clicks, batch_size=1000)
    return len(clicks)

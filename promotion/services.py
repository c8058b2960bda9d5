"""Link 6 writes: campaigns, posts with tracked links, clicks."""

import random
import secrets
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core import transitions
from design.models import Concept
from production.models import ProductionOrder

from .models import Campaign, Channel, Click, Post, TrackedLink

DEFAULT_CHANNELS = [Channel.INSTAGRAM, Channel.PINTEREST, Channel.TIKTOK]

POST_TEMPLATES = {
    Channel.INSTAGRAM: "New in: {name}. Made in small batches — tap the link to see every colour.",
    Channel.PINTEREST: "{name} · styling ideas for {market} homes",
    Channel.TIKTOK: "Unboxing the {name} ✨ first batch just landed",
    Channel.X: "{name} is here. Small batch, first come first served:",
    Channel.FACEBOOK: "Meet the {name}, picked by our buyers' panel.",
}


def _shop_url(concept: Concept) -> str:
    base = getattr(settings, "C2F_SHOP_URL", "https://shop.example/products")
    return f"{base.rstrip('/')}/{slugify(concept.name)}"


def _new_code() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")


def tracked_link_create(*, campaign: Campaign, post: Post | None, source: str, content: str = "") -> TrackedLink:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(
                    campaign=campaign,
                    post=post,
                    code=_new_code(),
                    destination_url=_shop_url(campaign.concept),
                    utm_source=source,
                    utm_campaign=slugify(campaign.name)[:80],
                    utm_content=content,
                )
        except IntegrityError:  # code collision: draw again
            continue
    raise RuntimeError("Could not draw a unique tracked-link code.")


def campaign_create(
    *,
    concept: Concept,
    market: str,
    production_order: ProductionOrder | None = None,
    starts_on: date | None = None,
    channels=DEFAULT_CHANNELS,
    is_demo: bool = False,
    actor: str = "c2f",
) -> Campaign:
    """A campaign for one concept in one market, one post per channel, each with its link; scheduled.

    Idempotent per (cycle, concept, market): an existing campaign is returned.
    """
    existing = Campaign.objects.filter(cycle=concept.cycle, concept=concept, market=market).first()
    if existing:
        return existing
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            cycle=concept.cycle,
            concept=concept,
            production_order=production_order,
            name=f"{concept.name} launch · {market}",
            market=market,
            starts_on=starts_on,
            is_demo=is_demo,
        )
        transitions.record_created(campaign, actor=actor)
        for offset, channel in enumerate(channels):
            post = Post.objects.create(
                campaign=campaign,
                channel=channel,
                text=POST_TEMPLATES[channel].format(name=concept.name, market=market),
                scheduled_at=timezone.make_aware(datetime.combine(starts_on + timedelta(days=offset), datetime.min.time()))
                + timedelta(hours=18),
                is_demo=is_demo,
            )
            transitions.record_created(post, actor=actor)
            tracked_link_create(campaign=campaign, post=post, source=str(channel), content=f"post-{post.pk}")
        campaign = campaign_schedule(campaign_id=campaign.pk, actor=actor, note="launch posts scheduled")
    return campaign


# --- moving campaigns and posts (core.transitions; the maps are beside the models' Status) ---
# Locks are taken campaign first, then its posts, by every function here.


def campaign_schedule(*, campaign_id: int, actor: str, note: str = "") -> Campaign:
    """draft → scheduled; its draft posts are scheduled with it."""
    with transaction.atomic():
        campaign = transitions.transition(Campaign, pk=campaign_id, to=Campaign.Status.SCHEDULED, actor=actor, note=note)
        for post_id in campaign.posts.filter(status=Post.Status.DRAFT).order_by("pk").values_list("pk", flat=True):
            _post_move(campaign=campaign, post_id=post_id, to=Post.Status.SCHEDULED, actor=actor, note="campaign scheduled")
    return campaign


def campaign_activate(*, campaign_id: int, actor: str, note: str = "") -> Campaign:
    """scheduled → active: its first post went out (``post_send`` calls this)."""
    return transitions.transition(Campaign, pk=campaign_id, to=Campaign.Status.ACTIVE, actor=actor, note=note)


def campaign_end(*, campaign_id: int, actor: str, note: str = "") -> Campaign:
    """active → ended: the campaign has run its course; its links keep counting clicks."""
    return transitions.transition(Campaign, pk=campaign_id, to=Campaign.Status.ENDED, actor=actor, note=note)


def campaign_cancel(*, campaign_id: int, actor: str, reason: str) -> Campaign:
    """draft or scheduled → cancelled, with its posts that have not gone out."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": ["A cancelled campaign needs a reason."]})
    with transaction.atomic():
        campaign = transitions.transition(
            Campaign, pk=campaign_id, to=Campaign.Status.CANCELLED, actor=actor, note=reason.strip()
        )
        unsent = campaign.posts.filter(status__in=[Post.Status.DRAFT, Post.Status.SCHEDULED, Post.Status.FAILED])
        for post_id in unsent.order_by("pk").values_list("pk", flat=True):
            _post_move(campaign=campaign, post_id=post_id, to=Post.Status.CANCELLED, actor=actor, note="campaign cancelled")
    return campaign


def _locked_campaign_of(post_id: int) -> Campaign:
    campaign_id = Post.objects.filter(pk=post_id).values_list("campaign_id", flat=True).get()
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def _post_move(*, campaign: Campaign, post_id: int, to: str, actor: str, note: str = "", change=None) -> Post:
    """Move a post of ``campaign`` (whose row the caller has locked)."""

    def guard(post: Post) -> None:
        if to == Post.Status.SCHEDULED and campaign.status not in (Campaign.Status.SCHEDULED, Campaign.Status.ACTIVE):
            raise transitions.TransitionNotAllowed(
                f"{post.transition_label} cannot be scheduled: campaign “{campaign.name}” is {campaign.status}; "
                "posts are scheduled in a scheduled or active campaign.",
                record=post, to_status=to,
            )

    return transitions.transition(Post, pk=post_id, to=to, actor=actor, note=note, guard=guard, change=change)


def post_schedule(*, post_id: int, actor: str, note: str = "", scheduled_at: datetime | None = None) -> Post:
    """draft → scheduled, or failed → scheduled to try again (the last failure is cleared)."""

    def change(post: Post) -> list[str]:
        post.failure_reason = ""
        if scheduled_at is not None:
            post.scheduled_at = scheduled_at
        return ["failure_reason", "scheduled_at"]

    with transaction.atomic():
        campaign = _locked_campaign_of(post_id)
        return _post_move(campaign=campaign, post_id=post_id, to=Post.Status.SCHEDULED, actor=actor, note=note, change=change)


def post_send(*, post_id: int, actor: str, note: str = "", sent_at: datetime | None = None) -> Post:
    """scheduled → sent: the publisher put it on its channel. The campaign's first sent post makes it active."""

    def change(post: Post) -> list[str]:
        post.sent_at = sent_at or timezone.now()
        post.failure_reason = ""
        return ["sent_at", "failure_reason"]

    with transaction.atomic():
        campaign = _locked_campaign_of(post_id)
        post = _post_move(campaign=campaign, post_id=post_id, to=Post.Status.SENT, actor=actor, note=note, change=change)
        if campaign.status == Campaign.Status.SCHEDULED:
            campaign_activate(campaign_id=campaign.pk, actor=actor, note=f"first post sent: {post.transition_label}")
    return post


def post_fail(*, post_id: int, actor: str, reason: str) -> Post:
    """scheduled → failed, with the publisher's reason; ``post_schedule`` tries again."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": ["A failed post needs the reason it failed."]})
    reason = reason.strip()[: transitions.MAX_NOTE_LENGTH]

    def change(post: Post) -> list[str]:
        post.failure_reason = reason
        return ["failure_reason"]

    with transaction.atomic():
        campaign = _locked_campaign_of(post_id)
        return _post_move(campaign=campaign, post_id=post_id, to=Post.Status.FAILED, actor=actor, note=reason, change=change)


def post_cancel(*, post_id: int, actor: str, note: str = "") -> Post:
    """A post that has not gone out is not published."""
    with transaction.atomic():
        campaign = _locked_campaign_of(post_id)
        return _post_move(campaign=campaign, post_id=post_id, to=Post.Status.CANCELLED, actor=actor, note=note)


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


def tracked_link_destination(*, link: TrackedLink) -> str:
    params = {"utm_source": link.utm_source, "utm_medium": link.utm_medium, "utm_campaign": link.utm_campaign}
    if link.utm_content:
        params["utm_content"] = link.utm_content
    separator = "&" if "?" in link.destination_url else "?"
    return f"{link.destination_url}{separator}{urlencode(params)}"


def click_record(*, link: TrackedLink, country: str = "", referrer: str = "") -> Click:
    return Click.objects.create(link=link, at=timezone.now(), country=country[:2].upper(), referrer=referrer[:300])


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
        for _ in range(rng.randint(*per_link)):
            # Most clicks come in the post's first days: exponential ages, cut at ``until``.
            age = min(rng.expovariate(1 / (3 * 86400)), window * rng.random())
            clicks.append(
                Click(
                    link=link,
                    at=post.sent_at + timedelta(seconds=min(max(1.0, age), window)),
                    country=campaign.market[:2],
                    referrer=link.utm_source,
                    is_demo=True,
                )
            )
    Click.objects.bulk_create(clicks, batch_size=1000)
    return len(clicks)

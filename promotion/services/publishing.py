"""Handing posts to their publisher and following what really happened to them.

- ``posts_release_due`` (beat, every minute) claims each scheduled post whose time has come, once,
  with a conditional update: a webhook post is queued for delivery; a post handed over in a bulk file
  the scheduler took is marked sent at its time; one whose file was never downloaded or not confirmed
  fails with that reason.
- ``post_deliver`` makes one webhook attempt, records it as a ``PublishAttempt``, and moves the post to
  sent, or to failed with the reason when the answer is final or the last attempt failed; otherwise
  it asks the task to try again later (backoff).
- ``bulk_export_create`` writes a campaign's scheduled posts of one channel into a scheduler's file;
  ``bulk_export_accept`` / ``bulk_export_refuse`` record what the scheduler made of it.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import publishers
from ..models import BulkExport, Campaign, Channel, Post, Publisher, PublishAttempt
from .links import tracked_link_url
from .posts import post_published_text
from .states import post_fail, post_send

logger = logging.getLogger(__name__)

MEDIA_SALT = "promotion.post-media"
FILE_PUBLISHERS = (Publisher.HOOTSUITE, Publisher.PUBLER)


def media_token(post: Post) -> str:
    return signing.dumps({"p": post.pk, "f": post.media.name}, salt=MEDIA_SALT, compress=True)


def media_public_url(post: Post) -> str:
    """A public address of the post's media for schedulers that fetch it; signed, so only posts' media are reachable."""
    if not post.media:
        return ""
    return f"{settings.C2F_PUBLIC_URL}{reverse('post-media', args=[media_token(post)])}"


def outgoing(post: Post) -> publishers.OutgoingPost:
    """What a publisher is told about ``post`` (its campaign, concept and link loaded with it)."""
    link = getattr(post, "link", None)
    link_url = tracked_link_url(link) if link is not None else ""
    return publishers.OutgoingPost(
        post_id=post.pk, channel=post.channel, text=post_published_text(post=post, link_url=link_url),
        copy=post_published_text(post=post, link_url=""), link_url=link_url, scheduled_at=post.scheduled_at, time_zone=post.campaign.time_zone,
        campaign=post.campaign.name, concept=post.campaign.concept.name, hashtags=tuple(post.hashtags or ()),
        media_url=media_public_url(post), media_kind=post.media_kind, delivery_id=str(post.delivery_id or ""),
    )


def _attempt(*, post: Post, publisher: str, ok: bool, status_code=None, error: str = "", duration_ms: int = 0,
             bulk_export: BulkExport | None = None) -> PublishAttempt:
    number = PublishAttempt.objects.filter(post=post).count() + 1
    return PublishAttempt.objects.create(
        post=post, publisher=publisher, number=number, at=timezone.now(), ok=ok, status_code=status_code,
        error=error[:2000], duration_ms=duration_ms, bulk_export=bulk_export,
    )


# --- beat -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Released:
    queued: list[int]  # webhook posts to deliver
    sent: int  # bulk-file posts the scheduler took
    failed: int


def posts_release_due(*, now: datetime | None = None, limit: int = 500) -> Released:
    """Claim the scheduled posts that are due (each once) and act on each by its campaign's publisher.

    Demo posts are never released (they are published nowhere). Returns the webhook posts to deliver;
    the caller queues them.
    """
    now = now or timezone.now()
    due = list(
        Post.objects.filter(status=Post.Status.SCHEDULED, scheduled_at__lte=now, released_at__isnull=True, is_demo=False)
        .order_by("scheduled_at", "id").values_list("pk", flat=True)[:limit]
    )
    queued, sent, failed = [], 0, 0
    for post_id in due:
        claimed = Post.objects.filter(pk=post_id, status=Post.Status.SCHEDULED, released_at__isnull=True).update(
            released_at=now, delivery_id=uuid.uuid4()
        )
        if not claimed:
            continue  # another beat run took it
        post = Post.objects.select_related("campaign", "bulk_export").get(pk=post_id)
        publisher = post.campaign.publisher
        if publisher == Publisher.WEBHOOK:
            queued.append(post_id)
            continue
        export = post.bulk_export
        try:
            if export is not None and export.accepted_at is not None:
                post_send(post_id=post_id, actor="beat", sent_at=post.scheduled_at,
                          note=f"published by {export.get_publisher_display()} from {export.filename}")
                sent += 1
            else:
                why = ("its bulk file was never downloaded" if export is None else
                       f"{export.filename} was refused: {export.refusal}" if export.refused_at else
                       f"nobody confirmed that {export.get_publisher_display()} took {export.filename}")
                post_fail(post_id=post_id, actor="beat",
                          reason=f"Not published at its time: {why}. Schedule it again and hand it over.")
                failed += 1
        except ValidationError as error:  # the post moved meanwhile (cancelled): nothing to do
            logger.info("post %s not released: %s", post_id, error)
    return Released(queued=queued, sent=sent, failed=failed)


def _webhook_settings() -> tuple[str, str]:
    return (getattr(settings, "C2F_PUBLISH_WEBHOOK_URL", "") or "", getattr(settings, "C2F_PUBLISH_WEBHOOK_SECRET", "") or "")


def max_attempts() -> int:
    return max(1, int(getattr(settings, "C2F_PUBLISH_MAX_ATTEMPTS", 6)))


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed", "retry", "skipped"
    detail: str = ""


def post_deliver(*, post_id: int, final: bool = False) -> DeliveryOutcome:
    """One attempt at handing a released webhook post to the publishing service, recorded.

    ``final`` says this is the last attempt the task will make: a transient failure then fails the post.
    A post that is no longer scheduled (cancelled meanwhile, already sent) is skipped.
    """
    post = (Post.objects.select_related("campaign__concept", "link")
            .filter(pk=post_id, status=Post.Status.SCHEDULED, released_at__isnull=False).first())
    if post is None:
        return DeliveryOutcome("skipped", "not a released scheduled post")
    url, secret = _webhook_settings()
    if not url or not secret:
        reason = "No publishing webhook is configured (C2F_PUBLISH_WEBHOOK_URL and C2F_PUBLISH_WEBHOOK_SECRET)."
        _attempt(post=post, publisher=Publisher.WEBHOOK, ok=False, error=reason)
        post_fail(post_id=post.pk, actor="publisher", reason=reason)
        return DeliveryOutcome("failed", reason)
    timeout = float(getattr(settings, "C2F_PUBLISH_WEBHOOK_TIMEOUT", 10))
    result = publishers.webhook.deliver(url=url, secret=secret, post=outgoing(post), timeout=timeout)
    attempt = _attempt(post=post, publisher=Publisher.WEBHOOK, ok=result.ok, status_code=result.status_code,
                       error=result.error, duration_ms=result.duration_ms)
    try:
        if result.ok:
            post_send(post_id=post.pk, actor="publisher", note=f"taken by the publishing service (HTTP {result.status_code})")
            return DeliveryOutcome("sent")
        if result.transient and not final:
            return DeliveryOutcome("retry", result.error)
        tries = f" after {attempt.number} attempts" if attempt.number > 1 else ""
        post_fail(post_id=post.pk, actor="publisher", reason=f"{result.error}{tries}")
        return DeliveryOutcome("failed", result.error)
    except ValidationError as error:  # cancelled while the request was out
        logger.info("post %s moved during delivery: %s", post.pk, error)
        return DeliveryOutcome("skipped", str(error))


# --- bulk files -------------------------------------------------------------------------------


def bulk_export_create(*, campaign_id: int, channel: str, actor: str, now: datetime | None = None) -> BulkExport:
    """Write the campaign's scheduled posts on ``channel`` not yet in a pending or accepted file into its
    scheduler's format. Refused as a whole, naming each post and the rule, when the scheduler would refuse any."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_related("concept").get(pk=campaign_id)
    if campaign.publisher not in FILE_PUBLISHERS:
        raise ValidationError({"publisher": [
            f"Campaign “{campaign.name}” publishes through the {campaign.get_publisher_display()}, not a bulk file."]})
    if channel not in Channel.values:
        raise ValidationError({"channel": [f"{channel!r} is not a channel."]})
    fmt = publishers.FILE_FORMATS[campaign.publisher]
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign_id).get()
        posts = list(
            Post.objects.filter(campaign=campaign, channel=channel, status=Post.Status.SCHEDULED, released_at__isnull=True)
            .filter(Q(bulk_export__isnull=True) | Q(bulk_export__refused_at__isnull=False))
            .select_related("campaign__concept", "link").order_by("scheduled_at", "id")
        )
        if not posts:
            raise ValidationError({"channel": [
                f"No scheduled {Channel(channel).label} post of this campaign waits for a bulk file."]})
        items = [outgoing(p) for p in posts]
        problems = fmt.problems(items, now=now)
        if problems:
            raise ValidationError({"posts": [str(p) for p in problems]})
        written = fmt.write(items, campaign=campaign.name, channel=channel, time_zone=campaign.time_zone)
        export = BulkExport.objects.create(
            campaign=campaign, publisher=campaign.publisher, channel=channel, filename=written.filename,
            content=written.content, post_count=written.rows, created_by=actor,
        )
        Post.objects.filter(pk__in=[p.pk for p in posts]).update(bulk_export=export)
    return export


def _export_locked(export_id: int) -> BulkExport:
    export = BulkExport.objects.select_for_update().get(pk=export_id)
    if not export.pending:
        state = "accepted" if export.accepted_at else "refused"
        raise ValidationError({"export": [f"{export.filename} was already {state} by {export.decided_by}."]})
    return export


def bulk_export_accept(*, export_id: int, actor: str) -> BulkExport:
    """The scheduler took the file: its posts stay scheduled and are marked sent at their times by beat."""
    with transaction.atomic():
        export = _export_locked(export_id)
        export.accepted_at, export.decided_by = timezone.now(), actor
        export.save(update_fields=["accepted_at", "decided_by"])
        for post in export.posts.filter(status=Post.Status.SCHEDULED).order_by("pk"):
            _attempt(post=post, publisher=export.publisher, ok=True, bulk_export=export)
    return export


def bulk_export_refuse(*, export_id: int, actor: str, reason: str) -> BulkExport:
    """The scheduler refused the file: each of its scheduled posts fails with the scheduler's reason."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": ["Say what the scheduler answered."]})
    with transaction.atomic():
        export = _export_locked(export_id)
        export.refused_at, export.refusal, export.decided_by = timezone.now(), reason[:2000], actor
        export.save(update_fields=["refused_at", "refusal", "decided_by"])
        for post in export.posts.filter(status=Post.Status.SCHEDULED).order_by("pk"):
            _attempt(post=post, publisher=export.publisher, ok=False, error=reason, bulk_export=export)
            post_fail(post_id=post.pk, actor=actor, reason=f"{export.get_publisher_display()} refused {export.filename}: {reason}")
    return export

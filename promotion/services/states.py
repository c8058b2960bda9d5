"""Moving campaigns and posts (core.transitions; the maps are beside the models' Status).

Locks are taken campaign first, then its posts, by every function here. A post is scheduled only
when it keeps every rule of its channel (``promotion.channel_rules``) and its time is still ahead;
demo posts are published nowhere, so no network's rules apply to them.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import transitions

from ..models import Campaign, Post
from .posts import post_breaches


class PostBreaksRules(transitions.TransitionNotAllowed):
    """A post that its channel would refuse; the message names each rule it breaks."""


def campaign_schedule(*, campaign_id: int, actor: str, note: str = "") -> Campaign:
    """draft → scheduled; its draft posts are scheduled with it, each checked against its channel's rules.

    Refused as a whole, naming every post and rule, when one of them breaks a rule.
    """
    with transaction.atomic():
        def guard(campaign: Campaign) -> None:
            drafts = campaign.posts.filter(status=Post.Status.DRAFT, is_demo=False).order_by("pk")
            problems = [f"{post.transition_label}: " + " ".join(b.message for b in breaches)
                        for post in drafts if (breaches := post_breaches(post=post))]
            if problems:
                raise PostBreaksRules(
                    f"Campaign “{campaign.name}” cannot be scheduled until its posts keep their channels' rules. "
                    + " ".join(problems), record=campaign, to_status=Campaign.Status.SCHEDULED,
                )

        campaign = transitions.transition(
            Campaign, pk=campaign_id, to=Campaign.Status.SCHEDULED, actor=actor, note=note, guard=guard
        )
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


def locked_campaign_of(post_id: int) -> Campaign:
    campaign_id = Post.objects.filter(pk=post_id).values_list("campaign_id", flat=True).get()
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def _schedule_guard(campaign: Campaign, post: Post) -> None:
    if campaign.status not in (Campaign.Status.SCHEDULED, Campaign.Status.ACTIVE):
        raise transitions.TransitionNotAllowed(
            f"{post.transition_label} cannot be scheduled: campaign “{campaign.name}” is {campaign.status}; "
            "posts are scheduled in a scheduled or active campaign.",
            record=post, to_status=Post.Status.SCHEDULED,
        )
    if post.is_demo:
        return
    breaches = post_breaches(post=post)
    if breaches:
        raise PostBreaksRules(
            f"{post.transition_label} cannot be scheduled: " + " ".join(b.message for b in breaches),
            record=post, to_status=Post.Status.SCHEDULED,
        )
    if post.scheduled_at <= timezone.now():
        raise transitions.TransitionNotAllowed(
            f"{post.transition_label} cannot be scheduled: its time {post.scheduled_at:%Y-%m-%d %H:%M} UTC has "
            "passed; give it a later time.",
            record=post, to_status=Post.Status.SCHEDULED,
        )


def _post_move(*, campaign: Campaign, post_id: int, to: str, actor: str, note: str = "", change=None) -> Post:
    """Move a post of ``campaign`` (whose row the caller has locked)."""

    def guard(post: Post) -> None:
        if to == Post.Status.SCHEDULED:
            if change is not None:
                change(post)  # the new time is what the guard must judge
            _schedule_guard(campaign, post)

    return transitions.transition(Post, pk=post_id, to=to, actor=actor, note=note, guard=guard, change=change)


def post_schedule(*, post_id: int, actor: str, note: str = "", scheduled_at: datetime | None = None) -> Post:
    """draft → scheduled, or failed → scheduled to try again (the last failure and hand-over are cleared)."""

    def change(post: Post) -> list[str]:
        post.failure_reason = ""
        post.released_at = None
        post.delivery_id = None
        if scheduled_at is not None:
            post.scheduled_at = scheduled_at
        return ["failure_reason", "scheduled_at", "released_at", "delivery_id"]

    with transaction.atomic():
        campaign = locked_campaign_of(post_id)
        return _post_move(campaign=campaign, post_id=post_id, to=Post.Status.SCHEDULED, actor=actor, note=note, change=change)


def post_send(*, post_id: int, actor: str, note: str = "", sent_at: datetime | None = None) -> Post:
    """scheduled → sent: the publisher put it on its channel. The campaign's first sent post makes it active."""

    def change(post: Post) -> list[str]:
        post.sent_at = sent_at or timezone.now()
        post.failure_reason = ""
        return ["sent_at", "failure_reason"]

    with transaction.atomic():
        campaign = locked_campaign_of(post_id)
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
        campaign = locked_campaign_of(post_id)
        return _post_move(campaign=campaign, post_id=post_id, to=Post.Status.FAILED, actor=actor, note=reason, change=change)


def post_cancel(*, post_id: int, actor: str, note: str = "") -> Post:
    """A post that has not gone out is not published."""
    with transaction.atomic():
        campaign = locked_campaign_of(post_id)
        return _post_move(campaign=campaign, post_id=post_id, to=Post.Status.CANCELLED, actor=actor, note=note)

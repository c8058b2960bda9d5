"""Invitations and reminders: each buyer emailed once, none lost when a worker dies."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..languages import buyer_language
from ..models import Invitation, Vote, VoteRound
from ..selectors import invitations_lost_sends, round_buyer_terms, send_lease
from ..tokens import vote_token_for

logger = logging.getLogger(__name__)


PUBLIC_URL_MISSING = (
    "C2F_PUBLIC_URL is not set, so vote links in invitations would lead nowhere: no invitation is "
    "sent until it names the address buyers reach this site at, e.g. https://c2f.example.com."
)


def public_url() -> str:
    """The absolute base of links that leave the site; refuses to make links when there is none."""
    base = settings.C2F_PUBLIC_URL.rstrip("/")
    if not base:
        raise ImproperlyConfigured(PUBLIC_URL_MISSING)
    return base


def vote_link_for(invitation: Invitation) -> str:
    path = reverse("samples_vote:vote", args=[vote_token_for(invitation)])
    return f"{public_url()}{path}"


def invitation_message(invitation: Invitation, *, reminder: bool = False) -> EmailMultiAlternatives:
    """The invitation (or a reminder) in the buyer's language, with the terms a buyer needs.

    The subject and the text part are plain text, rendered without HTML escaping
    ("O'Neil", "Bed & Bath"); only the HTML part escapes. Two queries (variants
    and material attributes) on an invitation loaded with its round's concept.
    """
    vote_round = invitation.round
    concept = vote_round.sample.concept
    language = buyer_language(invitation.buyer.language)
    variants = list(concept.variants.order_by("sku"))
    context = {
        "reminder": reminder,
        "buyer": invitation.buyer,
        "round": vote_round,
        "sample": vote_round.sample,
        "concept": concept,
        "terms": round_buyer_terms(round=vote_round, variants=variants),
        "closes_at": vote_round.closes_at,
        "link": vote_link_for(invitation),
        "language": language,
    }
    with translation.override(language):
        subject = " ".join(render_to_string("samples/email/invitation_subject.txt", context).split())
        body = render_to_string("samples/email/invitation.txt", context)
        html = render_to_string("samples/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.buyer.email],
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    return message


def invitation_send(*, invitation_id: int) -> bool:
    """Email one invitation once; True when this call sent it.

    A worker claims the invitation (``send_claimed_at``) with a conditional
    UPDATE, sends, and only then records ``sent_at``. A second worker or a
    redelivered task finds it sent, or freshly claimed, and does nothing; a
    claim older than ``send_lease()`` was left by a worker that died before
    sending, and is taken over, so a killed worker neither emails a buyer twice
    nor loses the email. A failed send releases the claim, records the error and
    re-raises for the task's retry.
    """
    invitation = Invitation.objects.select_related("round__sample__concept", "buyer").get(pk=invitation_id)
    vote_round = invitation.round
    if vote_round.status != VoteRound.Status.OPEN or vote_round.closes_at <= timezone.now():
        logger.info("invitation %s not sent: round %s is closed", invitation_id, vote_round.pk)
        return False

    claimed_at = timezone.now()
    claimed = (
        Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True)
        .filter(Q(send_claimed_at__isnull=True) | Q(send_claimed_at__lt=claimed_at - send_lease()))
        .update(send_claimed_at=claimed_at)
    )
    if not claimed:
        return False
    try:
        invitation_message(invitation).send(fail_silently=False)
    except Exception as exc:
        Invitation.objects.filter(pk=invitation_id, send_claimed_at=claimed_at).update(
            send_claimed_at=None,
            send_attempts=F("send_attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    Invitation.objects.filter(pk=invitation_id).update(
        sent_at=timezone.now(), send_attempts=F("send_attempts") + 1, last_error=""
    )
    return True


def invitations_resend_stale(*, now: datetime | None = None) -> int:
    """Queue the lost sends again (beat runs this every few minutes)."""
    from ..tasks import send_invitation

    lost = invitations_lost_sends(now=now)
    for pk in lost:
        transaction.on_commit(lambda pk=pk: send_invitation.delay(pk), robust=True)
    return len(lost)


def invitation_retry(*, invitation: Invitation) -> bool:
    """Queue another send of an invitation that has not gone out; False if it was sent or the round is closed."""
    from ..tasks import send_invitation

    invitation = Invitation.objects.select_related("round").get(pk=invitation.pk)
    if invitation.sent_at is not None:
        return False
    if invitation.round.status != VoteRound.Status.OPEN or invitation.round.closes_at <= timezone.now():
        raise ValidationError({"invitation": f"Round {invitation.round_id} is closed; nothing to send."})
    transaction.on_commit(lambda pk=invitation.pk: send_invitation.delay(pk), robust=True)
    return True


def reminders_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(invitation id, reminder number) for every sent invitation of an open round whose buyer has not
    voted and whose next reminder time (``closes_at`` minus ``reminder_hours``) has passed."""
    now = now or timezone.now()
    due = []
    rounds = VoteRound.objects.filter(status=VoteRound.Status.OPEN, opens_at__lte=now, closes_at__gt=now).exclude(
        reminder_hours=[]
    )
    for vote_round in rounds.only("pk", "closes_at", "reminder_hours"):
        passed = sum(1 for h in vote_round.reminder_hours if now >= vote_round.closes_at - timedelta(hours=int(h)))
        if not passed:
            continue
        voted = Vote.objects.filter(round_id=vote_round.pk).values("buyer_id")
        pending = (
            Invitation.objects.filter(round_id=vote_round.pk, sent_at__isnull=False, reminders_sent__lt=passed)
            .exclude(buyer_id__in=voted)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        due.extend((pk, passed) for pk in pending)
    return due


def reminder_send(*, invitation_id: int, number: int) -> bool:
    """Send reminder ``number`` once: claimed by a conditional update before the email goes out.

    Reminders that fell due together are sent as one: the claim moves
    ``reminders_sent`` straight to ``number``.
    """
    invitation = Invitation.objects.select_related("round__sample__concept", "buyer").get(pk=invitation_id)
    vote_round = invitation.round
    if vote_round.status != VoteRound.Status.OPEN or vote_round.closes_at <= timezone.now():
        return False
    if Vote.objects.filter(round_id=vote_round.pk, buyer_id=invitation.buyer_id).exists():
        return False
    previous = invitation.reminders_sent
    if previous >= number:
        return False
    claimed = Invitation.objects.filter(pk=invitation_id, reminders_sent=previous).update(
        reminders_sent=number, last_reminded_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        invitation_message(invitation, reminder=True).send(fail_silently=False)
    except Exception as exc:
        Invitation.objects.filter(pk=invitation_id, reminders_sent=number).update(
            reminders_sent=previous, last_error=f"reminder {number}: {type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return True

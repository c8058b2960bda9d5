"""Every write of link 4: samples, buyers, vote rounds, invitations, votes, decisions."""

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.models import Cycle
from design.models import Concept, Variant

from .models import Buyer, Invitation, Sample, Vote, VoteRound
from .tokens import vote_token_for

logger = logging.getLogger(__name__)

COMMENT_MAX = 2000
QTY_MAX = 1_000_000


class VoteRefused(Exception):
    """A vote that cannot be stored; ``field`` names the offending input when there is one."""

    def __init__(self, reason: str, *, field: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.field = field


# --- samples and buyers ---------------------------------------------------


def sample_create(*, concept: Concept, spec: str = "", change_notes: str = "", is_demo: bool = False) -> Sample:
    with transaction.atomic():
        # Lock the concept so two new versions of one concept cannot take the same number.
        Concept.objects.select_for_update().filter(pk=concept.pk).first()
        version = (Sample.objects.filter(concept=concept).aggregate(m=Max("version"))["m"] or 0) + 1
        return Sample.objects.create(
            concept=concept, version=version, spec=spec, change_notes=change_notes, is_demo=is_demo
        )


def buyer_upsert(
    *,
    email: str,
    name: str,
    company: str = "",
    country: str = "",
    markets: list[str] | None = None,
    language: str = "en",
    is_demo: bool = False,
) -> Buyer:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"Buyer email {email!r} is not a valid address."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": f"Buyer {email} needs a name."})
    country = (country or "").strip().upper()
    if country and len(country) != 2:
        raise ValidationError({"country": f"Buyer {email}: country {country!r} must be a 2-letter code."})
    markets = [str(m).strip().upper() for m in (markets or []) if str(m).strip()]
    buyer, _ = Buyer.objects.update_or_create(
        email=email,
        defaults={
            "name": name,
            "company": company.strip(),
            "country": country,
            "markets": markets,
            "language": language or "en",
            "is_demo": is_demo,
        },
    )
    return buyer


# --- rounds ---------------------------------------------------------------


def round_open(
    *,
    cycle: Cycle,
    sample: Sample,
    buyers: Iterable[Buyer],
    opens_at: datetime,
    closes_at: datetime,
    is_demo: bool = False,
) -> VoteRound:
    """Open a round, invite the buyers, and email them once the transaction commits."""
    from .tasks import send_invitation

    buyers = list({b.pk: b for b in buyers}.values())
    if not buyers:
        raise ValidationError({"buyers": "A round needs at least one invited buyer."})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": f"closes_at ({closes_at:%Y-%m-%d %H:%M}) must be after opens_at."})
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": f"closes_at ({closes_at:%Y-%m-%d %H:%M}) is already in the past."})

    with transaction.atomic():
        sample = Sample.objects.select_for_update().get(pk=sample.pk)
        if sample.status in (Sample.Status.CONFIRMED, Sample.Status.DROPPED):
            raise ValidationError({"sample": f"Sample {sample} is {sample.status}; it cannot be put to a vote."})
        vote_round = VoteRound.objects.create(
            cycle=cycle, sample=sample, opens_at=opens_at, closes_at=closes_at, is_demo=is_demo
        )
        Invitation.objects.bulk_create([Invitation(round=vote_round, buyer=b) for b in buyers])
        sample.status = Sample.Status.IN_REVIEW
        sample.save(update_fields=["status"])
        Concept.objects.filter(pk=sample.concept_id, status=Concept.Status.DRAFT).update(
            status=Concept.Status.SAMPLING
        )
        for invitation_id in Invitation.objects.filter(round=vote_round).values_list("pk", flat=True):
            # robust: a failing send is recorded on the invitation; it must not undo the round.
            transaction.on_commit(partial(send_invitation.delay, invitation_id), robust=True)
    return vote_round


def round_close(*, round: VoteRound) -> VoteRound:
    with transaction.atomic():
        vote_round = VoteRound.objects.select_for_update().get(pk=round.pk)
        if vote_round.status != VoteRound.Status.CLOSED:
            vote_round.status = VoteRound.Status.CLOSED
            vote_round.save(update_fields=["status"])
    round.status = vote_round.status
    return vote_round


def round_close_due(*, now: datetime | None = None) -> int:
    """Close every open round whose ``closes_at`` has passed; returns how many."""
    now = now or timezone.now()
    return VoteRound.objects.filter(status=VoteRound.Status.OPEN, closes_at__lte=now).update(
        status=VoteRound.Status.CLOSED
    )


_DECISION_EFFECTS = {
    # decision: (new sample status, new concept status or None to leave it)
    VoteRound.Decision.CONFIRM: (Sample.Status.CONFIRMED, Concept.Status.CONFIRMED),
    VoteRound.Decision.REVISE: (Sample.Status.REVISED, None),
    VoteRound.Decision.DROP: (Sample.Status.DROPPED, Concept.Status.DROPPED),
}


def round_decide(*, round: VoteRound, decision: str, note: str, actor: str) -> VoteRound:
    try:
        decision = VoteRound.Decision(decision)
        sample_status, concept_status = _DECISION_EFFECTS[decision]
    except (ValueError, KeyError):
        allowed = ", ".join(d.value for d in _DECISION_EFFECTS)
        raise ValidationError({"decision": f"Decision {decision!r} is not one of: {allowed}."})
    with transaction.atomic():
        vote_round = VoteRound.objects.select_for_update().select_related("sample").get(pk=round.pk)
        if vote_round.status != VoteRound.Status.CLOSED:
            raise ValidationError({"decision": f"Round {vote_round.pk} is still open; close it before deciding."})
        if vote_round.decision:
            raise ValidationError(
                {"decision": f"Round {vote_round.pk} was already decided ({vote_round.decision}) by "
                 f"{vote_round.decided_by or 'someone'}."}
            )
        vote_round.decision = decision
        vote_round.decision_note = note
        vote_round.decided_by = actor[:150]
        vote_round.save(update_fields=["decision", "decision_note", "decided_by"])
        Sample.objects.filter(pk=vote_round.sample_id).update(status=sample_status)
        if concept_status:
            Concept.objects.filter(pk=vote_round.sample.concept_id).update(status=concept_status)
    round.decision, round.decision_note, round.decided_by = decision, note, vote_round.decided_by
    return vote_round


def round_suggest_decision(*, results: dict) -> str:
    """Suggest confirm / revise / drop from ``round_results``.

    Uses the shrunk score (see ``selectors.round_results``) so that two
    enthusiastic votes do not confirm a sample on their own. Confirm needs both
    the score (``C2F_CONFIRM_MIN_SCORE``, default 3.5) and enough of the panel
    answering (``C2F_CONFIRM_MIN_RESPONSE``, default 0.3); a score under
    ``C2F_DROP_MAX_SCORE`` (default 2.5) suggests drop; anything else, revise.
    """
    min_score = float(getattr(settings, "C2F_CONFIRM_MIN_SCORE", 3.5))
    min_response = float(getattr(settings, "C2F_CONFIRM_MIN_RESPONSE", 0.3))
    drop_below = float(getattr(settings, "C2F_DROP_MAX_SCORE", 2.5))
    score = results.get("shrunk_score")
    response = results.get("response_rate") or 0.0
    if score is None:
        return VoteRound.Decision.REVISE.value
    if score >= min_score and response >= min_response:
        return VoteRound.Decision.CONFIRM.value
    if score < drop_below:
        return VoteRound.Decision.DROP.value
    return VoteRound.Decision.REVISE.value


# --- invitations ----------------------------------------------------------


def vote_link_for(invitation: Invitation) -> str:
    path = reverse("samples_vote:vote", args=[vote_token_for(invitation)])
    return f"{settings.C2F_PUBLIC_URL.rstrip('/')}{path}"


def _invitation_message(invitation: Invitation) -> EmailMultiAlternatives:
    vote_round = invitation.round
    context = {
        "buyer": invitation.buyer,
        "round": vote_round,
        "sample": vote_round.sample,
        "concept": vote_round.sample.concept,
        "closes_at": timezone.localtime(vote_round.closes_at),
        "link": vote_link_for(invitation),
    }
    subject = " ".join(render_to_string("samples/email/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("samples/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.buyer.email],
    )
    message.attach_alternative(render_to_string("samples/email/invitation.html", context), "text/html")
    return message


def invitation_send(*, invitation_id: int) -> bool:
    """Email one invitation at most once; True when this call sent it.

    The invitation is claimed (``sent_at`` set) by a conditional UPDATE before
    the message goes out, so a second worker or a redelivered task finds it
    claimed and does nothing. A failed send releases the claim, records the
    error and re-raises for the task's retry.
    """
    invitation = Invitation.objects.select_related("round__sample__concept", "buyer").get(pk=invitation_id)
    vote_round = invitation.round
    if vote_round.status != VoteRound.Status.OPEN or vote_round.closes_at <= timezone.now():
        logger.info("invitation %s not sent: round %s is closed", invitation_id, vote_round.pk)
        return False

    claimed_at = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(sent_at=claimed_at)
    if not claimed:
        return False
    try:
        _invitation_message(invitation).send(fail_silently=False)
    except Exception as exc:
        Invitation.objects.filter(pk=invitation_id, sent_at=claimed_at).update(
            sent_at=None,
            send_attempts=F("send_attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    Invitation.objects.filter(pk=invitation_id).update(send_attempts=F("send_attempts") + 1, last_error="")
    return True


# --- votes ----------------------------------------------------------------


def _clean_int(value, *, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise VoteRefused(f"{field} must be a whole number, got {value!r}.", field=field)
    if isinstance(value, float) and value != number:
        raise VoteRefused(f"{field} must be a whole number, got {value!r}.", field=field)
    if not low <= number <= high:
        raise VoteRefused(f"{field} must be between {low} and {high}, got {number}.", field=field)
    return number


def _clean_price(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise VoteRefused(f"acceptable_price must be a number, got {value!r}.", field="acceptable_price")
    if not price.is_finite() or price <= 0 or price >= Decimal("100000000"):
        raise VoteRefused(f"acceptable_price must be a positive amount, got {value!r}.", field="acceptable_price")
    return price.quantize(Decimal("0.01"))


def vote_record(
    *,
    invitation: Invitation,
    score: int,
    would_order_qty: int = 0,
    preferred_variant: Variant | None = None,
    acceptable_price: Decimal | None = None,
    market: str = "",
    comment: str = "",
    is_demo: bool = False,
) -> Vote:
    """Store the buyer's vote for the invitation's round, or update it while the round is open."""
    score = _clean_int(score, field="score", low=1, high=5)
    would_order_qty = _clean_int(would_order_qty or 0, field="would_order_qty", low=0, high=QTY_MAX)
    price = _clean_price(acceptable_price)
    market = (market or "").strip().upper()
    if len(market) > 12:
        raise VoteRefused(f"market {market!r} is longer than 12 characters.", field="market")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise VoteRefused(f"comment is {len(comment)} characters; the limit is {COMMENT_MAX}.", field="comment")

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("round__sample").get(pk=invitation.pk)
        )
        vote_round = invitation.round
        now = timezone.now()
        if vote_round.status != VoteRound.Status.OPEN:
            raise VoteRefused(f"Round {vote_round.pk} is closed.")
        if now >= vote_round.closes_at:
            raise VoteRefused(f"Round {vote_round.pk} closed at {vote_round.closes_at:%Y-%m-%d %H:%M %Z}.")
        if now < vote_round.opens_at:
            raise VoteRefused(f"Round {vote_round.pk} opens at {vote_round.opens_at:%Y-%m-%d %H:%M %Z}.")
        if preferred_variant is not None and preferred_variant.concept_id != vote_round.sample.concept_id:
            raise VoteRefused(
                f"Variant {preferred_variant.sku} is not a variant of this sample's concept.",
                field="preferred_variant",
            )
        vote, _ = Vote.objects.update_or_create(
            round=vote_round,
            buyer_id=invitation.buyer_id,
            defaults={
                "score": score,
                "would_order_qty": would_order_qty,
                "preferred_variant": preferred_variant,
                "acceptable_price": price,
                "market": market,
                "comment": comment,
                "is_demo": is_demo,
            },
        )
    return vote

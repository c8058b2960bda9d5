"""Every write of link 4: samples, buyers, vote rounds, invitations, votes, decisions."""

import logging
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.models import Cycle
from design.models import Concept, Variant

from .images import photo_validate_and_thumbnail
from .models import Buyer, BuyerPanel, Invitation, Sample, SamplePhoto, Vote, VoteRound
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


def sample_revise(*, previous: Sample, change_notes: str, spec: str | None = None) -> Sample:
    """The next version of ``previous``'s concept, starting from its spec; the changes must be written down."""
    change_notes = (change_notes or "").strip()
    if not change_notes:
        raise ValidationError({"change_notes": f"Say what changed from v{previous.version}."})
    return sample_create(
        concept=previous.concept,
        spec=previous.spec if spec is None else spec,
        change_notes=change_notes,
        is_demo=previous.is_demo,
    )


def sample_photo_add(*, sample: Sample, upload, caption: str = "") -> SamplePhoto:
    """Store a checked photo of the sample and its thumbnail; a bad file stores nothing."""
    image_file, thumb_file, width, height = photo_validate_and_thumbnail(upload)
    with transaction.atomic():
        photo = SamplePhoto(sample=sample, caption=(caption or "").strip()[:160], width=width, height=height)
        photo.image.save(image_file.name, image_file, save=False)
        photo.thumbnail.save(thumb_file.name, thumb_file, save=False)
        try:
            photo.save()
        except Exception:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
            raise
    return photo


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

QUESTIONS_MAX = 10


def questions_clean(questions: list[dict]) -> list[dict]:
    """Custom questions as stored on a round: ``[{"key": "q1", "label": …, "choices": [...]}]``."""
    if not isinstance(questions, list) or len(questions) > QUESTIONS_MAX:
        raise ValidationError({"questions": f"At most {QUESTIONS_MAX} custom questions."})
    cleaned = []
    for i, question in enumerate(questions, start=1):
        label = str((question or {}).get("label", "")).strip() if isinstance(question, dict) else ""
        if not label or len(label) > 200:
            raise ValidationError({"questions": f"Question {i} needs a label of 1–200 characters."})
        choices = [str(c).strip()[:80] for c in question.get("choices") or [] if str(c).strip()]
        if len(choices) == 1:
            raise ValidationError({"questions": f"Question {i} (“{label}”) has one choice; give two or more, or none."})
        cleaned.append({"key": f"q{i}", "label": label, "choices": list(dict.fromkeys(choices))})
    return cleaned


def reminder_hours_clean(hours: list) -> list[int]:
    try:
        values = sorted({int(h) for h in hours}, reverse=True)
    except (TypeError, ValueError):
        raise ValidationError({"reminder_hours": f"Reminder hours must be whole numbers, got {hours!r}."})
    if any(h <= 0 or h > 24 * 60 for h in values):
        raise ValidationError({"reminder_hours": "Reminder hours must be between 1 and 1440 before close."})
    return values


def panel_create(*, name: str, buyers: Iterable[Buyer] = ()) -> BuyerPanel:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A panel needs a name."})
    panel, _ = BuyerPanel.objects.get_or_create(name=name)
    panel.buyers.add(*buyers)
    return panel


def panel_import_csv(*, panel_name: str, content: bytes | str, filename: str = "buyers.csv") -> dict:
    """Import buyers into a panel from CSV; all rows or none.

    Returns ``{"ok": bool, "created": n, "updated": n, "rows": [...], "errors": [...], "duplicates": [...]}``
    where every error names ``filename``, the line and the field.
    """
    from .importers import parse_buyer_csv

    name = (panel_name or "").strip()
    if not name:
        raise ValidationError({"name": "A panel needs a name."})
    report = parse_buyer_csv(content, filename=filename)
    report.setdefault("created", 0)
    report.setdefault("updated", 0)
    if report["errors"]:
        report["ok"] = False
        return report
    with transaction.atomic():
        panel, _ = BuyerPanel.objects.get_or_create(name=name)
        known = set(Buyer.objects.filter(email__in=[r["email"] for r in report["rows"]]).values_list("email", flat=True))
        buyers = []
        for row in report["rows"]:
            buyers.append(buyer_upsert(**{k: row[k] for k in ("email", "name", "company", "country", "markets", "language")}))
        panel.buyers.add(*buyers)
    report["created"] = sum(1 for r in report["rows"] if r["email"] not in known)
    report["updated"] = len(report["rows"]) - report["created"]
    report["ok"] = True
    report["panel_id"] = panel.pk
    return report



def round_open(
    *,
    cycle: Cycle,
    sample: Sample,
    buyers: Iterable[Buyer] = (),
    opens_at: datetime,
    closes_at: datetime,
    is_demo: bool = False,
    panel: BuyerPanel | None = None,
    questions: list[dict] | None = None,
    reminder_hours: list[int] | None = None,
) -> VoteRound:
    """Open a round, invite the buyers (and the panel's), and email them once the transaction commits."""
    from .tasks import send_invitation

    buyers = list(buyers)
    if panel is not None:
        buyers += list(panel.buyers.all())
    buyers = list({b.pk: b for b in buyers}.values())
    questions = questions_clean(questions or [])
    reminder_hours = reminder_hours_clean(reminder_hours or [])
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
            cycle=cycle, sample=sample, opens_at=opens_at, closes_at=closes_at, is_demo=is_demo,
            panel=panel, questions=questions, reminder_hours=reminder_hours,
        )
        Invitation.objects.bulk_create([Invitation(round=vote_round, buyer=b) for b in buyers])
        sample.status = Sample.Status.IN_REVIEW
        sample.save(update_fields=["status"])
        Concept.objects.filter(pk=sample.concept_id, status=Concept.Status.DRAFT).update(
            status=Concept.Status.SAMPLING
        )
        for invitation_id in Invitation.objects.filter(round=vote_round).values_list("pk", flat=True):
            # robust: a failing send is recorded on the invitation; it must not undo the round.
            # A named callable: Django logs a failing robust hook by its __qualname__, which partial lacks.
            transaction.on_commit(lambda pk=invitation_id: send_invitation.delay(pk), robust=True)
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
        fields = ["decision", "decision_note", "decided_by"]
        if decision == VoteRound.Decision.CONFIRM:
            from .selectors import round_demand_evidence

            vote_round.demand_evidence = round_demand_evidence(round=vote_round)
            fields.append("demand_evidence")
        vote_round.save(update_fields=fields)
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


def _invitation_message(invitation: Invitation, *, reminder: bool = False) -> EmailMultiAlternatives:
    vote_round = invitation.round
    context = {
        "reminder": reminder,
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


def send_lease() -> timedelta:
    """Longer than the send task's hard time limit: a claim this old was left by a worker that died."""
    return timedelta(seconds=settings.C2F_SEND_LEASE_SECONDS)


# An invitation still neither sent nor claimed this long after its round opened lost its task.
UNSENT_GRACE = timedelta(minutes=15)


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
        _invitation_message(invitation).send(fail_silently=False)
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


def invitations_lost_sends(*, now: datetime | None = None) -> list[int]:
    """Invitations of open rounds whose send was lost: claimed by a worker that died, or never
    claimed long after the round opened. Sending them again is safe: the claim keeps a buyer
    from a second email."""
    now = now or timezone.now()
    return list(
        Invitation.objects.filter(sent_at__isnull=True, round__status=VoteRound.Status.OPEN, round__closes_at__gt=now)
        .filter(
            Q(send_claimed_at__lt=now - send_lease())
            | Q(send_claimed_at__isnull=True, round__opens_at__lt=now - UNSENT_GRACE)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def invitations_resend_stale(*, now: datetime | None = None) -> int:
    """Queue the lost sends again (beat runs this every few minutes)."""
    from .tasks import send_invitation

    lost = invitations_lost_sends(now=now)
    for pk in lost:
        transaction.on_commit(lambda pk=pk: send_invitation.delay(pk), robust=True)
    return len(lost)


def invitation_retry(*, invitation: Invitation) -> bool:
    """Queue another send of an invitation that has not gone out; False if it was sent or the round is closed."""
    from .tasks import send_invitation

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
        _invitation_message(invitation, reminder=True).send(fail_silently=False)
    except Exception as exc:
        Invitation.objects.filter(pk=invitation_id, reminders_sent=number).update(
            reminders_sent=previous, last_error=f"reminder {number}: {type(exc).__name__}: {exc}"[:2000]
        )
        raise
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


def _clean_answers(answers: dict, *, questions: list[dict]) -> dict:
    if not isinstance(answers, dict):
        raise VoteRefused("answers must be a mapping of question keys to answers.", field="answers")
    known = {q["key"]: q for q in questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise VoteRefused(f"Unknown question {unknown[0]!r}.", field=unknown[0])
    cleaned = {}
    for key, question in known.items():
        value = str(answers.get(key) or "").strip()
        if not value:
            continue
        if question.get("choices") and value not in question["choices"]:
            raise VoteRefused(f"{value!r} is not one of the choices for “{question['label']}”.", field=key)
        if len(value) > 500:
            raise VoteRefused(f"The answer to “{question['label']}” is longer than 500 characters.", field=key)
        cleaned[key] = value
    return cleaned


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
    answers: dict | None = None,
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
        answers = _clean_answers(answers or {}, questions=vote_round.questions or [])
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
                "answers": answers,
                "is_demo": is_demo,
            },
        )
    return vote

"""Vote rounds: panels, opening, closing and the decision."""

from datetime import datetime
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import Cycle
from design.models import Concept

from ..models import Buyer, BuyerPanel, Invitation, Sample, VoteRound
from .samples_and_buyers import buyer_upsert

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
    from ..importers import parse_buyer_csv

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
    from ..tasks import send_invitation

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
            from ..selectors import round_demand_evidence

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

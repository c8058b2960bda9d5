"""Vote rounds: panels, opening, closing and the decision."""

from datetime import datetime
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import transitions
from core.models import Cycle
from design.models import Concept
from design.services import concept_confirm, concept_drop, concept_sampling_start

from ..models import Buyer, BuyerPanel, Invitation, Sample, VoteRound
from .invitations import PUBLIC_URL_MISSING
from .samples_and_buyers import buyer_upsert
from .states import sample_confirm, sample_drop, sample_review_start, sample_revision_request

QUESTIONS_MAX = 10
SCHEDULER_ACTOR = "c2f scheduler"


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
    actor: str = "c2f",
) -> VoteRound:
    """Open a round, invite the buyers (and the panel's), and email them once the transaction commits.

    One round per sample is open at a time. The sample goes into review and a draft concept into
    sampling, each through its owner's transition.
    """
    from ..tasks import send_invitation

    buyers = list(buyers)
    if panel is not None:
        buyers += list(panel.buyers.all())
    buyers = list({b.pk: b for b in buyers}.values())
    questions = questions_clean(questions or [])
    reminder_hours = reminder_hours_clean(reminder_hours or [])
    if not settings.C2F_PUBLIC_URL:
        raise ValidationError(PUBLIC_URL_MISSING)
    if not buyers:
        raise ValidationError({"buyers": "A round needs at least one invited buyer."})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": f"closes_at ({closes_at:%Y-%m-%d %H:%M}) must be after opens_at."})
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": f"closes_at ({closes_at:%Y-%m-%d %H:%M}) is already in the past."})
    actor = transitions.actor_clean(actor)

    with transaction.atomic():
        sample = Sample.objects.select_for_update().select_related("concept").get(pk=sample.pk)
        if sample.status in (Sample.Status.CONFIRMED, Sample.Status.DROPPED):
            raise ValidationError({"sample": f"Sample {sample} is {sample.status}; it cannot be put to a vote."})
        if sample.concept.status == Concept.Status.DROPPED:
            raise ValidationError(
                {"sample": f"Concept “{sample.concept.name}” was dropped; its samples cannot be put to a vote."}
            )
        already_open = VoteRound.objects.filter(sample=sample, status=VoteRound.Status.OPEN).order_by("pk").first()
        if already_open is not None:
            raise ValidationError({"sample": (
                f"Round {already_open.pk} on sample {sample} is still open (until "
                f"{timezone.localtime(already_open.closes_at):%Y-%m-%d %H:%M}): one round per sample at a time; "
                "close it before opening another."
            )})
        vote_round = VoteRound.objects.create(
            cycle=cycle, sample=sample, opens_at=opens_at, closes_at=closes_at, is_demo=is_demo,
            panel=panel, questions=questions, reminder_hours=reminder_hours,
        )
        Invitation.objects.bulk_create([Invitation(round=vote_round, buyer=b) for b in buyers])
        transitions.record_created(vote_round, actor=actor, note=f"opened: {len(buyers)} buyers invited")
        if sample.status != Sample.Status.IN_REVIEW:
            sample_review_start(sample_id=sample.pk, actor=actor, note=f"round {vote_round.pk} opened")
        if sample.concept.status == Concept.Status.DRAFT:
            concept_sampling_start(
                concept_id=sample.concept_id, actor=actor,
                note=f"sample v{sample.version} put to a vote in round {vote_round.pk}",
            )
        for invitation_id in Invitation.objects.filter(round=vote_round).values_list("pk", flat=True):
            # robust: a failing send is recorded on the invitation; it must not undo the round.
            # A named callable: Django logs a failing robust hook by its __qualname__, which partial lacks.
            transaction.on_commit(lambda pk=invitation_id: send_invitation.delay(pk), robust=True)
    return vote_round


def round_close(*, round: VoteRound, actor: str = "c2f", note: str = "") -> VoteRound:
    """open → closed: no more votes. Closing a closed round changes nothing."""
    vote_round = transitions.transition(
        VoteRound, pk=round.pk, to=VoteRound.Status.CLOSED, actor=actor, note=note, already="skip"
    )
    round.status = vote_round.status
    return vote_round


def round_close_due(*, now: datetime | None = None) -> int:
    """Close every open round whose ``closes_at`` has passed; returns how many."""
    now = now or timezone.now()
    due = list(
        VoteRound.objects.filter(status=VoteRound.Status.OPEN, closes_at__lte=now).order_by("pk").values_list("pk", flat=True)
    )
    closed = 0
    for round_id in due:
        with transaction.atomic():
            vote_round = VoteRound.objects.select_for_update().filter(pk=round_id, status=VoteRound.Status.OPEN).first()
            if vote_round is not None:
                round_close(round=vote_round, actor=SCHEDULER_ACTOR, note="closing time passed")
                closed += 1
    return closed


def round_decide(*, round: VoteRound, decision: str, note: str, actor: str) -> VoteRound:
    """Record the decision on a closed round and move its sample (and concept) accordingly.

    Refused while the round is open, once it is decided, while another round of the same sample
    is still open, and when the sample has already moved past review (another round decided it):
    a decision acts only on a sample in review. Confirm also confirms the concept while it is
    being sampled (a concept confirmed or in production by another version stays as it is; a dropped
    one refuses). Drop also drops the concept while it is being sampled and no other version of it
    is still in play; a concept confirmed or in production by another version is never dropped.
    """
    try:
        decision = VoteRound.Decision(decision)
        if decision == VoteRound.Decision.NONE:
            raise ValueError
    except ValueError:
        allowed = ", ".join(d.value for d in VoteRound.Decision if d.value)
        raise ValidationError({"decision": f"Decision {decision!r} is not one of: {allowed}."})
    actor = transitions.actor_clean(actor)
    with transaction.atomic():
        vote_round = VoteRound.objects.select_for_update().get(pk=round.pk)
        if vote_round.status != VoteRound.Status.CLOSED:
            raise ValidationError({"decision": f"Round {vote_round.pk} is still open; close it before deciding."})
        if vote_round.decision:
            raise ValidationError(
                {"decision": f"Round {vote_round.pk} was already decided ({vote_round.decision}) by "
                 f"{vote_round.decided_by or 'someone'}."}
            )
        sample = Sample.objects.select_for_update().select_related("concept").get(pk=vote_round.sample_id)
        _decision_refusal_check(vote_round=vote_round, sample=sample, decision=decision)
        concept = Concept.objects.select_for_update().get(pk=sample.concept_id)
        if decision == VoteRound.Decision.CONFIRM and concept.status == Concept.Status.DROPPED:
            raise ValidationError({"decision": (
                f"Concept “{concept.name}” was dropped: round {vote_round.pk} cannot confirm a sample of it. "
                "Decide revise or drop, or design a new concept."
            )})

        vote_round.decision = decision
        vote_round.decision_note = note
        vote_round.decided_by = actor
        fields = ["decision", "decision_note", "decided_by"]
        if decision == VoteRound.Decision.CONFIRM:
            from ..selectors import round_demand_evidence

            vote_round.demand_evidence = round_demand_evidence(round=vote_round)
            fields.append("demand_evidence")
        vote_round.save(update_fields=fields)
        transitions.record_noted(vote_round, actor=actor, note=f"decided {decision}" + (f": {note}" if note else ""))
        _decision_apply(vote_round=vote_round, sample=sample, concept=concept, decision=decision, actor=actor)
    round.decision, round.decision_note, round.decided_by = decision, note, vote_round.decided_by
    return vote_round


def _decision_refusal_check(*, vote_round: VoteRound, sample: Sample, decision: str) -> None:
    still_open = (
        VoteRound.objects.filter(sample=sample, status=VoteRound.Status.OPEN).exclude(pk=vote_round.pk).order_by("pk").first()
    )
    if still_open is not None:
        raise ValidationError({"decision": (
            f"Round {still_open.pk} on sample {sample} is still open: close it before deciding on the sample."
        )})
    if sample.status != Sample.Status.IN_REVIEW:
        earlier = (
            VoteRound.objects.filter(sample=sample).exclude(decision="").exclude(pk=vote_round.pk).order_by("-pk").first()
        )
        by = f" by round {earlier.pk} ({earlier.decision})" if earlier else ""
        raise ValidationError({"decision": (
            f"Sample {sample} was already {sample.status}{by}: round {vote_round.pk} cannot decide {decision} "
            "on it any more. A decision applies only to a sample in review; nothing was changed."
        )})


def _decision_apply(*, vote_round: VoteRound, sample: Sample, concept: Concept, decision: str, actor: str) -> None:
    where = f"round {vote_round.pk} decided {decision}"
    if decision == VoteRound.Decision.CONFIRM:
        sample_confirm(sample_id=sample.pk, actor=actor, note=where)
        if concept.status == Concept.Status.DRAFT:
            concept = concept_sampling_start(concept_id=concept.pk, actor=actor, note=f"sample v{sample.version} in review")
        if concept.status == Concept.Status.SAMPLING:
            concept_confirm(concept_id=concept.pk, actor=actor, note=f"sample v{sample.version} confirmed in round {vote_round.pk}")
    elif decision == VoteRound.Decision.REVISE:
        sample_revision_request(sample_id=sample.pk, actor=actor, note=where)
    else:
        sample_drop(sample_id=sample.pk, actor=actor, note=where)
        # A revised version has been superseded; a draft, in-review or confirmed one is still in play.
        others_in_play = (
            Sample.objects.filter(concept_id=concept.pk)
            .exclude(pk=sample.pk)
            .filter(status__in=[Sample.Status.DRAFT, Sample.Status.IN_REVIEW, Sample.Status.CONFIRMED])
            .exists()
        )
        if concept.status in (Concept.Status.DRAFT, Concept.Status.SAMPLING) and not others_in_play:
            concept_drop(concept_id=concept.pk, actor=actor, note=f"sample v{sample.version} dropped in round {vote_round.pk}")


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

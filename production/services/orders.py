"""Production orders: creating a draft under the rules every caller meets, and moving it through its states."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import transitions
from core.models import Cycle
from design.services import concept_ready_for_production
from samples.models import Sample, VoteRound

from ..models import Factory, FactoryPayment, ProductionEvent, ProductionOrder, ProductionOrderLine
from ..selectors import ORDER_GONE_STATUSES
from ..validators import MAX_NOTE_LENGTH
from .concept_state import concept_production_hand_back, concept_production_hand_over

_MARKET_MAX = ProductionOrderLine._meta.get_field("market").max_length
_ACTOR_MAX = ProductionEvent._meta.get_field("actor").max_length


class TransitionNotAllowed(transitions.TransitionNotAllowed):
    """A refused move of an order; ``.order`` is the order as it stands."""

    def __init__(self, message: str, *, order: ProductionOrder | None = None, to_status: str = "", record=None, allowed=()):
        super().__init__(message, record=order if order is not None else record, to_status=to_status, allowed=allowed)

    @property
    def order(self) -> ProductionOrder | None:
        return self.record


def actor_name(actor: str) -> str:
    """Who makes a change, as an event records it; refused when nobody is named."""
    if not isinstance(actor, str) or not actor.strip():
        raise ValidationError({"actor": ["Say who makes the change."]})
    return actor.strip()[:_ACTOR_MAX]


# --- Creating an order ------------------------------------------------------


def production_order_lines_clean(*, lines, sample: Sample) -> list[tuple[int, str, int]]:
    """``(variant id, market, quantity)`` of each line, or a ValidationError naming each bad ``lines[i]`` field.

    A line must name a variant of the sample's concept, a market code and a whole number of units above 0;
    a variant and market appear once.
    """
    if not isinstance(lines, list) or not lines:
        raise ValidationError({"lines": ["An order needs at least one line."]})
    concept_variant_ids = set(sample.concept.variants.values_list("pk", flat=True))
    cleaned, seen, errors = [], set(), {}
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not isinstance(line, dict):
            errors[where] = [f"Must be a dict, got {type(line).__name__}."]
            continue
        variant_id, market, quantity = line.get("variant_id"), line.get("market"), line.get("quantity")
        is_id = isinstance(variant_id, int) and not isinstance(variant_id, bool)
        if not is_id or variant_id not in concept_variant_ids:
            errors[f"{where}.variant_id"] = [f"{variant_id!r} is not a variant of the sample's concept."]
        if not isinstance(market, str) or not market.strip() or len(market.strip()) > _MARKET_MAX:
            errors[f"{where}.market"] = [
                f"Must be a market code of 1 to {_MARKET_MAX} characters, got {market!r}."
            ]
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            errors[f"{where}.quantity"] = [f"Must be a whole number above 0, got {quantity!r}."]
        if errors:
            continue
        key = (variant_id, market.strip())
        if key in seen:
            errors[where] = [f"Variant {variant_id} in market {key[1]} appears twice."]
            continue
        seen.add(key)
        cleaned.append((variant_id, key[1], quantity))
    if errors:
        raise ValidationError(errors)
    return cleaned


def production_order_gate(*, sample: Sample, another_batch: bool = False) -> None:
    """Refuse, with the reason, an order for ``sample`` that may not be created now.

    The concept's required compliance items must all be ticked (code ``not_ready``), and a sample
    with a live order (neither cancelled nor declined) gets another only when ``another_batch`` asks
    for it (code ``live_order``). ``production_order_create`` checks this under a lock on the
    sample; a caller may ask beforehand to say what stands in the way.
    """
    concept = sample.concept
    missing = concept_ready_for_production(concept=concept)
    if missing:
        raise ValidationError(f"{concept} is not ready for production: " + "; ".join(missing), code="not_ready")
    if another_batch:
        return
    live = (
        ProductionOrder.objects.filter(sample=sample).exclude(status__in=ORDER_GONE_STATUSES)
        .order_by("created_at", "id").values_list("reference", "status")
    )
    references = [f"{reference} ({status})" for reference, status in live]
    if references:
        raise ValidationError(
            f"This sample already has an order: {', '.join(references)}. Ask for another batch to add one more.",
            code="live_order",
        )


def _next_reference(cycle: Cycle) -> str:
    stem = f"PO-{cycle.number}-"
    used = ProductionOrder.objects.filter(reference__startswith=stem).values_list("reference", flat=True)
    seqs = [int(ref[len(stem):]) for ref in used if ref[len(stem):].isdigit()]
    return f"{stem}{max(seqs, default=0) + 1:03d}"


def production_order_create(
    *,
    cycle: Cycle,
    factory: Factory,
    sample: Sample,
    sizing_round: VoteRound | None = None,
    lines: list[dict],
    unit_price,
    sizing: dict,
    due_date: datetime.date | None = None,
    is_demo: bool = False,
    actor: str,
    another_batch: bool = False,
    incoterm: str = ProductionOrder.Incoterm.FOB,
    packaging_instructions: str = "",
    labelling_instructions: str = "",
    aql_major: str = ProductionOrder.Aql.A2_5,
    aql_minor: str = ProductionOrder.Aql.A4_0,
) -> ProductionOrder:
    """Create a draft order (reference ``PO-<cycle>-<seq>``) and its "created" event.

    Refused as ``production_order_gate`` says: while the concept's compliance checklist is open, and
    for a sample that has a live order unless ``another_batch``. Without a due date the order is
    due after the factory's lead time. A plan from ``production_order_plan`` is best ordered through
    ``production_order_create_from_plan``, which records how the batch was sized.
    """
    if sizing_round is not None and sizing_round.sample_id != sample.pk:
        raise ValidationError({"sizing_round": [f"Round {sizing_round.pk} is not a round of sample {sample.pk}."]})
    if not isinstance(sizing, dict):
        raise ValidationError({"sizing": ["Must be a dict explaining how the batch was sized."]})
    cleaned = production_order_lines_clean(lines=lines, sample=sample)
    actor = actor_name(actor)
    order = ProductionOrder(
        cycle=cycle,
        factory=factory,
        sample=sample,
        sizing_round=sizing_round,
        sizing=sizing,
        unit_price=unit_price,
        currency=sample.concept.currency,
        due_date=due_date or (timezone.localdate() + datetime.timedelta(days=factory.lead_time_days)),
        is_demo=is_demo,
        incoterm=incoterm,
        packaging_instructions=packaging_instructions,
        labelling_instructions=labelling_instructions,
        aql_major=aql_major,
        aql_minor=aql_minor,
    )
    # The related rows are the caller's, the reference is drawn below: neither needs a query here.
    order.full_clean(
        exclude=["cycle", "factory", "sample", "sizing_round", "reference"],
        validate_unique=False,
        validate_constraints=False,
    )

    with transaction.atomic():
        # One order at a time per sample: a double submit or a second caller waits here, then sees
        # the first order (a no-op on SQLite, whose transactions take the write lock at once).
        Sample.objects.select_for_update().only("pk").get(pk=sample.pk)
        production_order_gate(sample=sample, another_batch=another_batch)
        # Serialises reference numbering per cycle.
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        order.cycle = cycle
        order.reference = _next_reference(cycle)
        order.save()
        ProductionOrderLine.objects.bulk_create(
            [ProductionOrderLine(order=order, variant_id=v, market=m, quantity=q) for v, m, q in cleaned]
        )
        transitions.record_created(order, actor=actor)
        concept_production_hand_over(order=order, concept_id=sample.concept_id, actor=actor)
    return order


# --- Moving an order through its states -----------------------------------


def production_order_transition(*, order_id: int, to_status: str, actor: str, note: str = "") -> ProductionOrder:
    """Move an order to ``to_status`` under a row lock and record the event (``core.transitions``).

    Raises ``TransitionNotAllowed`` for a move that ALLOWED_TRANSITIONS does not list. An order
    cancelled or declined hands its concept back to "confirmed" when no live order is left for it.
    """
    actor = actor_name(actor)
    if not isinstance(note, str):
        raise ValidationError({"note": [f"Must be text, got {type(note).__name__}."]})
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError({"note": [f"At most {MAX_NOTE_LENGTH} characters, got {len(note)}."]})
    if to_status not in ProductionOrder.Status.values:
        order = ProductionOrder.objects.get(pk=order_id)
        raise TransitionNotAllowed(f"{to_status!r} is not an order status.", order=order, to_status=to_status)

    def stamp_release(order: ProductionOrder) -> list[str]:
        if to_status == ProductionOrder.Status.RELEASED and order.released_at is None:
            order.released_at = timezone.now()
            return ["released_at"]
        return []

    with transaction.atomic():
        order = transitions.transition(
            ProductionOrder, pk=order_id, to=to_status, actor=actor, note=note, change=stamp_release,
            error=TransitionNotAllowed,
        )
        if to_status in ORDER_GONE_STATUSES:
            concept_production_hand_back(order=order, actor=actor)
    return order


def production_order_release(*, order_id: int, actor: str, note: str = "") -> ProductionOrder:
    """Release a draft to its factory, which from now on sees it over the API."""
    return production_order_transition(
        order_id=order_id, to_status=ProductionOrder.Status.RELEASED, actor=actor, note=note
    )


def production_order_accept(*, order_id: int, actor: str, note: str = "") -> ProductionOrder:
    """The factory commits to the order; the deposit becomes due to it."""
    from .ledger import factory_payment_due_record

    with transaction.atomic():
        order = production_order_transition(
            order_id=order_id, to_status=ProductionOrder.Status.ACCEPTED, actor=actor, note=note
        )
        factory_payment_due_record(order=order, kind=FactoryPayment.Kind.DEPOSIT, actor=actor_name(actor))
    return order


def production_order_decline(*, order_id: int, actor: str, reason: str) -> ProductionOrder:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": ["A declined order needs a reason."]})
    return production_order_transition(
        order_id=order_id, to_status=ProductionOrder.Status.DECLINED, actor=actor, note=reason.strip()
    )


def production_order_cancel(*, order_id: int, actor: str, reason: str) -> ProductionOrder:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": ["A cancelled order needs a reason."]})
    return production_order_transition(
        order_id=order_id, to_status=ProductionOrder.Status.CANCELLED, actor=actor, note=reason.strip()
    )


def idempotency_records_prune(*, older_than: datetime.timedelta = datetime.timedelta(days=30)) -> int:
    """Forget stored first answers older than ``older_than``; a retry after that runs afresh."""
    from ..models import IdempotencyRecord

    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted

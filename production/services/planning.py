"""Planning a first batch: sizing it from the evidence, then ordering it with a record of how it was sized."""

import datetime
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from core.models import Cycle
from samples.models import Sample, VoteRound

from ..models import Factory, ProductionOrder
from ..planning import PlanningError, plan_batch, plan_newsvendor_batch
from .orders import actor_name, production_order_create, production_order_lines_clean


def production_order_plan(
    *,
    sample: Sample,
    sizing_round: VoteRound | None,
    factory: Factory,
    votes: list[dict],
    pre_orders: list[dict] | None = None,
    unit_margin=None,
    unsold_cost=None,
    invited: int | None = None,
    conversion_rate: float = 0.3,
) -> dict:
    """Size a batch from buyers' votes (and pre-orders) and split it by variant and market.

    With ``unit_margin`` and ``unsold_cost`` the batch is the newsvendor quantity of the
    forecast demand (see ``planning.plan_newsvendor_batch``); without them it is the larger
    of the factory minimum and the pre-orders plus the would-order total. Pre-orders ``{"variant_id", "market",
    "quantity"}`` are handed in by the caller (production does not read shop orders).
    Returns ``{"lines": [{"variant_id", "market", "quantity"}], "sizing": {...}}``,
    ready for ``production_order_create_from_plan``.
    """
    if sizing_round is not None and sizing_round.sample_id != sample.pk:
        raise ValidationError({"sizing_round": [f"Round {sizing_round.pk} is not a round of sample {sample.pk}."]})
    concept = sample.concept
    variant_ids = list(concept.variants.values_list("pk", flat=True))
    fallback = [(v, m) for v in variant_ids for m in concept.target_markets or [] if isinstance(m, str) and m]
    votes, pre_orders, outside = _in_concept_markets(concept, votes, pre_orders or [])
    explanation: dict = {}
    newsvendor = unit_margin is not None or unsold_cost is not None
    if newsvendor:
        errors = {}
        margin, unsold = _money(unit_margin, "unit_margin", errors), _money(unsold_cost, "unsold_cost", errors)
        if isinstance(conversion_rate, bool) or not isinstance(conversion_rate, int | float):
            errors["conversion_rate"] = [f"Must be a number, got {conversion_rate!r}."]
        if errors:
            raise ValidationError(errors)
    try:
        if newsvendor:
            plan, explanation = plan_newsvendor_batch(
                votes, pre_orders=pre_orders or [], min_batch=factory.min_batch, unit_margin=margin,
                unsold_cost=unsold, invited=invited, conversion_rate=float(conversion_rate), fallback_keys=fallback,
            )
        else:
            plan = plan_batch(votes, min_batch=factory.min_batch, fallback_keys=fallback, pre_orders=pre_orders or [])
            explanation = {"pre_orders": sum(line["quantity"] for line in pre_orders or [])}
    except PlanningError as exc:
        raise ValidationError({"votes": [str(exc)]}) from exc
    foreign = sorted({line["variant_id"] for line in plan.lines} - set(variant_ids))
    if foreign:
        raise ValidationError(
            {"votes": [f"Variants {foreign} are not variants of concept {concept.pk} ({concept})."]}
        )
    if any(outside.values()):
        explanation["outside_markets"] = outside
    sizing = plan.sizing() | explanation | {
        "sample_id": sample.pk,
        "sizing_round_id": sizing_round.pk if sizing_round else None,
        "factory_id": factory.pk,
    }
    return {"lines": plan.lines, "sizing": sizing}


def _in_concept_markets(concept, votes: list, pre_orders: list) -> tuple[list, list, dict]:
    """Votes and pre-orders as the batch may use them: only the concept's target markets get lines.

    A vote from another market still counts as an answer (the response rate is the panel's) but
    orders nothing here; a pre-order from another market is left out. Without target markets
    everything is kept. Returns the votes, the pre-orders and how many of each were set aside.
    """
    markets = {m.strip().upper() for m in concept.target_markets or [] if isinstance(m, str) and m.strip()}
    if not markets:
        return votes, pre_orders, {"votes": 0, "pre_orders": 0}

    def inside(row) -> bool:
        market = row.get("market") if isinstance(row, dict) else None
        return not isinstance(market, str) or not market.strip() or market.strip().upper() in markets

    kept_votes = [vote if inside(vote) else {**vote, "market": "", "would_order_qty": 0} for vote in votes]
    kept_pre_orders = [row for row in pre_orders if inside(row)]
    return kept_votes, kept_pre_orders, {
        "votes": sum(1 for vote in votes if not inside(vote)),
        "pre_orders": len(pre_orders) - len(kept_pre_orders),
    }


def _money(value, field: str, errors: dict) -> float | None:
    try:
        amount = Decimal(str(value))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = [f"Must be an amount of at least 0, got {value!r}."]
        return None
    return float(amount)


def _line_rows(lines: list[dict]) -> Counter:
    return Counter((line.get("variant_id"), line.get("market"), line.get("quantity")) for line in lines)


def production_order_create_from_plan(
    *,
    plan: dict,
    lines: list[dict] | None = None,
    cycle: Cycle,
    factory: Factory,
    sample: Sample,
    sizing_round: VoteRound | None,
    unit_price,
    due_date: datetime.date | None = None,
    is_demo: bool = False,
    actor: str,
    another_batch: bool = False,
) -> ProductionOrder:
    """Order the batch ``plan`` (from ``production_order_plan``) sized, with ``lines`` as edited.

    ``lines`` None orders the recommended lines. The order's sizing record is the plan's sizing plus
    ``recommended_lines``, ``edited_by_merchandiser`` (whether the lines differ from them),
    ``ordered_total`` and ``planned_by``. A plan made for another sample, round or factory is refused,
    and so is anything ``production_order_create`` refuses (an open compliance checklist, a second
    live order without ``another_batch``).
    """
    recommended = plan.get("lines") if isinstance(plan, dict) else None
    sizing = plan.get("sizing") if isinstance(plan, dict) else None
    well_formed = isinstance(recommended, list) and all(isinstance(line, dict) for line in recommended)
    if not well_formed or not isinstance(sizing, dict):
        raise ValidationError({"plan": ["Must be a plan from production_order_plan: its lines and sizing."]})
    made_for = {
        "sample_id": sample.pk, "sizing_round_id": sizing_round.pk if sizing_round else None, "factory_id": factory.pk,
    }
    other = [key.removesuffix("_id").replace("_", " ") for key, value in made_for.items() if sizing.get(key) != value]
    if other:
        raise ValidationError({"plan": [f"The plan was made for another {' and '.join(other)}: plan again."]})
    ordered = recommended if lines is None else lines
    units = sum(quantity for _variant, _market, quantity in production_order_lines_clean(lines=ordered, sample=sample))
    record = sizing | {
        "edited_by_merchandiser": _line_rows(ordered) != _line_rows(recommended),
        "recommended_lines": recommended,
        "ordered_total": units,
        "planned_by": actor_name(actor),
    }
    return production_order_create(
        cycle=cycle, factory=factory, sample=sample, sizing_round=sizing_round, lines=ordered, unit_price=unit_price,
        sizing=record, due_date=due_date, is_demo=is_demo, actor=actor, another_batch=another_batch,
    )

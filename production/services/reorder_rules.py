"""Reorder or stop: each received order's rule, checked daily on the sales the caller hands in."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import transitions

from ..models import ProductionOrder, ReorderDecision, ReorderRule
from ..reorder_rules import REORDER, STOP, RuleError, rule_verdict, sales_allocate
from ..selectors import batches_received, production_batches, reorder_rules_for_received, rule_thresholds
from .orders import actor_name

RULE_FIELDS = (
    "check_day", "reorder_sell_through", "stop_sell_through", "reorder_cover_days", "stop_cover_days",
    "velocity_window_days",
)


def reorder_rule_set(*, order: ProductionOrder, actor: str, **thresholds) -> ReorderRule:
    """Store ``order``'s rule with the thresholds given (the others keep their values or defaults).

    A threshold outside its range, a stop sell-through not below the reorder one, or a reorder cover not
    below the stop cover is refused naming the field; nothing is stored then.
    """
    actor_name(actor)
    unknown = sorted(set(thresholds) - set(RULE_FIELDS))
    if unknown:
        raise ValidationError({name: ["Not a threshold of a reorder rule."] for name in unknown})
    with transaction.atomic():
        rule = ReorderRule.objects.select_for_update().filter(order=order).first() or ReorderRule(order=order)
        for name, value in thresholds.items():
            setattr(rule, name, value)
        rule.full_clean(exclude=["order"], validate_unique=False, validate_constraints=False)
        rule.save()
    return rule


def reorder_rules_ensure() -> int:
    """Give every received order without a rule the default rule; returns how many were stored (two queries)."""
    missing = ProductionOrder.objects.filter(status=ProductionOrder.Status.RECEIVED, reorder_rule__isnull=True)
    created = ReorderRule.objects.bulk_create(
        [ReorderRule(order_id=pk) for pk in missing.values_list("pk", flat=True)], ignore_conflicts=True
    )
    return len(created)


@dataclass
class RuleCheckReport:
    today: datetime.date
    checked: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    decisions: list[int] = field(default_factory=list)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {verdict}" for verdict, n in sorted(self.verdicts.items())) or "nothing received"
        return f"{self.today}: {self.checked} orders checked ({counts}); {len(self.decisions)} new decisions"


def reorder_rules_check(*, sales: list[dict], today: datetime.date, actor: str = "daily reorder check") -> RuleCheckReport:
    """Judge every received order on ``today`` and record each new reorder or stop with its numbers.

    ``sales`` are ``{"variant_id", "market", "date", "quantity"}`` rows (production cannot read the shop's
    orders; the caller hands them in) from before the first batch was received up to ``today``. Sales are
    matched to batches first in, first out, so a reorder's units are not counted twice. An order's lines
    are judged together. A decision is written once per order and day (running the check twice leaves
    the same rows), and not again while the same verdict of that order is still proposed.

    Queries: a fixed handful, plus two per new decision (the row and its event).
    """
    actor = actor_name(actor)
    report = RuleCheckReport(today=today)
    reorder_rules_ensure()
    rules = reorder_rules_for_received()
    if not rules:
        return report
    rows = production_batches(statuses=(ProductionOrder.Status.RECEIVED,))
    try:
        allocation = sales_allocate(batches_received(rows), sales)
    except RuleError as exc:
        raise ValidationError({"sales": [str(exc)]}) from exc
    by_order: dict[int, list[dict]] = {}
    for row in rows:
        by_order.setdefault(row["order_id"], []).append(row)
    proposed = set(
        ReorderDecision.objects.filter(rule__in=rules, status=ReorderDecision.Status.PROPOSED)
        .values_list("rule_id", "verdict")
    )
    for rule in rules:
        lines = by_order.get(rule.order_id, [])
        if not lines:
            continue
        sold_by_day: dict[datetime.date, int] = {}
        for line in lines:
            for day, units in allocation.sold.get(line["batch_id"], {}).items():
                sold_by_day[day] = sold_by_day.get(day, 0) + units
        verdict = rule_verdict(
            thresholds=rule_thresholds(rule),
            received_on=min(line["received_on"] for line in lines),
            units=sum(line["units"] for line in lines),
            sold_by_day=sold_by_day,
            today=today,
            lead_time_days=rule.order.factory.lead_time_days,
        )
        report.checked += 1
        report.verdicts[verdict.verdict] = report.verdicts.get(verdict.verdict, 0) + 1
        rule.last_checked_on, rule.last_verdict = today, verdict.verdict
        rule.last_numbers = verdict.numbers | {"reason": verdict.reason}
        if verdict.verdict in (REORDER, STOP) and (rule.pk, verdict.verdict) not in proposed:
            decision = _decision_record(rule=rule, verdict=verdict, today=today, actor=actor)
            if decision is not None:
                report.decisions.append(decision.pk)
    ReorderRule.objects.bulk_update(rules, ["last_checked_on", "last_verdict", "last_numbers", "updated_at"])
    return report


def _decision_record(*, rule: ReorderRule, verdict, today: datetime.date, actor: str) -> ReorderDecision | None:
    quantity = verdict.numbers.get("quantity") if verdict.verdict == REORDER else None
    try:
        with transaction.atomic():
            decision = ReorderDecision.objects.create(
                rule=rule, decided_on=today, verdict=verdict.verdict, reason=verdict.reason[:300],
                numbers=verdict.numbers, quantity=quantity,
            )
            transitions.record_created(decision, actor=actor, note=verdict.reason)
    except IntegrityError:
        return None  # this order was already decided today
    return decision


def reorder_decision_accept(*, decision_id: int, actor: str, note: str = "") -> ReorderDecision:
    """The merchandiser acts on the decision: the reorder is placed, or the design stopped."""
    return transitions.transition(
        ReorderDecision, pk=decision_id, to=ReorderDecision.Status.ACCEPTED, actor=actor, note=note
    )


def reorder_decision_dismiss(*, decision_id: int, actor: str, note: str = "") -> ReorderDecision:
    """The merchandiser overrules the decision; the next check may propose it again."""
    return transitions.transition(
        ReorderDecision, pk=decision_id, to=ReorderDecision.Status.DISMISSED, actor=actor, note=note
    )

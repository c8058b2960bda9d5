"""Reads behind reorder-or-stop: the batches received, each order's rule, the decisions taken."""

from django.db.models import DateTimeField, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import ProductionEvent, ProductionOrder, ProductionOrderLine, ReorderDecision, ReorderRule
from ..reorder_rules import Batch, Thresholds

MADE_STATUSES = (
    ProductionOrder.Status.QC_PASSED, ProductionOrder.Status.SHIPPED, ProductionOrder.Status.RECEIVED,
)
# Ordered from a factory and not called off: released and every state after it but declined and cancelled.
ORDERED_STATUSES = (
    ProductionOrder.Status.RELEASED, ProductionOrder.Status.ACCEPTED, ProductionOrder.Status.IN_PRODUCTION,
    ProductionOrder.Status.QC_FAILED, *MADE_STATUSES,
)


def received_at_subquery():
    """When an order was received: its first move to received, else its last change (orders made before events)."""
    first = (
        ProductionEvent.objects.filter(order=OuterRef("order_id"), to_status=ProductionOrder.Status.RECEIVED)
        .order_by().values("order").annotate(at=Min("created_at")).values("at")
    )
    return Coalesce(Subquery(first, output_field=DateTimeField()), "order__updated_at")


def production_batches(*, order_ids=None, cycle=None, variant_ids=None, statuses=MADE_STATUSES) -> list[dict]:
    """Lines of made orders as batches: ``{"batch_id" (line id), "order_id", "cycle_id", "variant_id", "sku",
    "concept_id", "market", "units", "status", "received_on" (None until received), "unit_price",
    "currency"}``; one query.
    """
    lines = ProductionOrderLine.objects.filter(order__status__in=statuses)
    if order_ids is not None:
        lines = lines.filter(order_id__in=order_ids)
    if cycle is not None:
        lines = lines.filter(order__cycle=cycle)
    if variant_ids is not None:
        lines = lines.filter(variant_id__in=list(variant_ids))
    rows = (
        lines.annotate(received_at=received_at_subquery())
        .order_by("order_id", "variant_id", "market")
        .values(
            "id", "order_id", "order__cycle_id", "variant_id", "variant__sku", "variant__concept_id", "market",
            "quantity", "order__status", "received_at", "order__unit_price", "order__currency",
        )
    )
    received = ProductionOrder.Status.RECEIVED
    return [
        {
            "batch_id": r["id"], "order_id": r["order_id"], "cycle_id": r["order__cycle_id"],
            "variant_id": r["variant_id"], "sku": r["variant__sku"], "concept_id": r["variant__concept_id"],
            "market": r["market"].upper(), "units": r["quantity"], "status": r["order__status"],
            "received_on": timezone.localdate(r["received_at"]) if r["order__status"] == received else None,
            "unit_price": r["order__unit_price"], "currency": r["order__currency"],
        }
        for r in rows
    ]


def batches_received(rows: list[dict]) -> list[Batch]:
    """The received ones of ``production_batches`` rows, as ``reorder_rules.Batch``."""
    return [
        Batch(batch_id=r["batch_id"], variant_id=r["variant_id"], market=r["market"], received_on=r["received_on"],
              units=r["units"])
        for r in rows if r["received_on"] is not None
    ]


def reorder_rules_for_received() -> list[ReorderRule]:
    """The rules of received orders, with the order and its factory; one query."""
    return list(
        ReorderRule.objects.filter(order__status=ProductionOrder.Status.RECEIVED)
        .select_related("order__factory", "order__sample__concept").order_by("order_id")
    )


def rule_thresholds(rule: ReorderRule) -> Thresholds:
    return Thresholds(
        check_day=rule.check_day,
        reorder_sell_through=float(rule.reorder_sell_through),
        stop_sell_through=float(rule.stop_sell_through),
        reorder_cover_days=rule.reorder_cover_days,
        stop_cover_days=rule.stop_cover_days,
        velocity_window_days=rule.velocity_window_days,
    )


def reorder_decision_list(*, status: str | None = None, limit: int = 100) -> list[ReorderDecision]:
    """The newest decisions, with their order, factory and concept; one query."""
    decisions = ReorderDecision.objects.select_related("rule__order__factory", "rule__order__sample__concept")
    if status:
        decisions = decisions.filter(status=status)
    return list(decisions.order_by("-decided_on", "-id")[:limit])


def reorder_rule_list() -> QuerySet[ReorderRule]:
    """Every stored rule with its order, factory and concept, newest order first."""
    return ReorderRule.objects.select_related("order__factory", "order__sample__concept").order_by("-order_id")


def variants_received() -> list[int]:
    """Ids of the variants some received order made: whose sales the reorder rules judge; one query."""
    return list(
        ProductionOrderLine.objects.filter(order__status=ProductionOrder.Status.RECEIVED)
        .values_list("variant_id", flat=True).distinct().order_by("variant_id")
    )


def reorder_rule_for_order(*, order: ProductionOrder) -> ReorderRule:
    """The order's stored rule, or an unsaved one holding the defaults; one query."""
    return ReorderRule.objects.filter(order=order).first() or ReorderRule(order=order)


def reorder_decisions_for_order(*, order: ProductionOrder, limit: int = 20) -> list[ReorderDecision]:
    """The order's newest decisions; one query."""
    return list(ReorderDecision.objects.filter(rule__order=order).order_by("-decided_on", "-id")[:limit])

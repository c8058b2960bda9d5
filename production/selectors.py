"""Every non-trivial read of link 5. What a factory may see is decided here, once."""

import datetime

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from . import api_keys
from .models import (
    Factory,
    FactoryApiKey,
    FactoryPayment,
    ProductionEvent,
    ProductionOrder,
    ProductionOrderLine,
    QcReport,
)
from .planning import PlanningError, suggest_reorders
from .planning import _whole_number as whole_number


def _with_lines(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("factory", "cycle", "sample__concept").prefetch_related(
        Prefetch("lines", queryset=ProductionOrderLine.objects.select_related("variant"))
    )


def production_order_list() -> QuerySet[ProductionOrder]:
    return _with_lines(ProductionOrder.objects.all()).order_by("-created_at", "-id")


def production_order_get(*, order_id: int) -> ProductionOrder:
    return _with_lines(ProductionOrder.objects.prefetch_related("events")).get(pk=order_id)


def production_orders_for_factory(*, factory: Factory, with_events: bool = False) -> QuerySet[ProductionOrder]:
    """The orders addressed to ``factory`` that were released to it (never drafts).

    An order cancelled while still a draft was never released, so it stays hidden too.
    """
    queryset = ProductionOrder.objects.filter(factory=factory, released_at__isnull=False)
    if with_events:
        queryset = queryset.prefetch_related("events", "qc_reports", "shipments__events")
    return _with_lines(queryset).order_by("-created_at", "-id")


def factory_api_key_find(*, raw_key: str) -> FactoryApiKey | None:
    """The key row a raw key belongs to (revoked or not), or None if it matches none."""
    prefix = api_keys.key_prefix(raw_key)
    if prefix is None:
        return None
    api_key = FactoryApiKey.objects.select_related("factory").filter(prefix=prefix).first()
    if api_key is None or not api_keys.key_matches(raw_key, api_key.hashed_key):
        return None
    return api_key


def production_orders_version(*, queryset: QuerySet[ProductionOrder]) -> tuple[datetime.datetime | None, int]:
    """The latest change and the number of orders in ``queryset``, in one query (for ETags)."""
    row = queryset.order_by().aggregate(latest=Max("updated_at"), count=Count("id"))
    return row["latest"], row["count"]


# --- Money, scorecards, grouping, reorders --------------------------------------

OPEN_STATUSES = (
    ProductionOrder.Status.RELEASED,
    ProductionOrder.Status.ACCEPTED,
    ProductionOrder.Status.IN_PRODUCTION,
    ProductionOrder.Status.QC_FAILED,
)
PIPELINE_STATUSES = (
    ProductionOrder.Status.ACCEPTED,
    ProductionOrder.Status.IN_PRODUCTION,
    ProductionOrder.Status.QC_FAILED,
    ProductionOrder.Status.QC_PASSED,
    ProductionOrder.Status.SHIPPED,
)


def factory_balances() -> QuerySet[Factory]:
    """Factories with ledger entries, each with ``balance_due`` (owed less paid), largest first."""
    return (
        Factory.objects.annotate(balance_due=Sum("payments__amount"), entries=Count("payments"))
        .filter(entries__gt=0)
        .order_by("-balance_due", "name")
    )


def factory_ledger(*, factory: Factory) -> QuerySet[FactoryPayment]:
    return FactoryPayment.objects.filter(factory=factory).select_related("order").order_by("created_at", "id")


def factory_scorecard(*, factory: Factory) -> dict:
    """On-time rate, QC defect rate, first-pass QC rate and actual lead time, from events and QC reports."""
    moments: dict[int, dict[str, datetime.datetime]] = {}
    for order_id, to_status, at in ProductionEvent.objects.filter(
        order__factory=factory, to_status__in=["accepted", "shipped"]
    ).values_list("order_id", "to_status", "created_at"):
        moments.setdefault(order_id, {}).setdefault(to_status, at)
    due = dict(ProductionOrder.objects.filter(pk__in=moments).values_list("pk", "due_date"))
    shipped = {pk: m for pk, m in moments.items() if "shipped" in m}
    on_time = [
        timezone.localtime(m["shipped"]).date() <= due[pk] for pk, m in shipped.items() if due.get(pk)
    ]
    lead_times = [(m["shipped"] - m["accepted"]).days for m in shipped.values() if "accepted" in m]
    qc = QcReport.objects.filter(order__factory=factory).aggregate(
        inspected=Sum("sample_size"),
        defects=Sum(F("critical") + F("major") + F("minor")),
        reports=Count("id"),
        passed=Count("id", filter=Q(passed=True)),
    )
    return {
        "shipped_orders": len(shipped),
        "on_time_rate": sum(on_time) / len(on_time) if on_time else None,
        "defect_rate": (qc["defects"] or 0) / qc["inspected"] if qc["inspected"] else None,
        "qc_pass_rate": qc["passed"] / qc["reports"] if qc["reports"] else None,
        "lead_time_days": sum(lead_times) / len(lead_times) if lead_times else None,
        "promised_lead_time_days": factory.lead_time_days,
    }


def production_component_groups(*, factory: Factory | None = None) -> list[dict]:
    """Open order lines grouped by shared component (fabric) and blank (category × size), across orders.

    One group per (factory, material, category, size) with its units and the orders and SKUs in
    it, largest first: what a factory can cut from one fabric run or one blank.
    """
    lines = ProductionOrderLine.objects.filter(order__status__in=OPEN_STATUSES)
    if factory is not None:
        lines = lines.filter(order__factory=factory)
    rows = lines.values_list(
        "order__factory_id", "order__factory__name", "variant__material", "order__sample__concept__category",
        "variant__size", "order__reference", "variant__sku", "quantity",
    ).order_by("order__factory__name", "variant__material", "order__reference", "variant__sku")
    groups: dict[tuple, dict] = {}
    for factory_id, factory_name, material, category, size, reference, sku, qty in rows:
        key = (factory_id, material or "", category or "", size or "")
        group = groups.setdefault(
            key,
            {"factory_id": factory_id, "factory": factory_name, "material": material, "category": category,
             "size": size, "units": 0, "orders": [], "skus": []},
        )
        group["units"] += qty
        if reference not in group["orders"]:
            group["orders"].append(reference)
        if sku not in group["skus"]:
            group["skus"].append(sku)
    return sorted(groups.values(), key=lambda g: (-len(g["orders"]), -g["units"], g["factory"]))


def production_pipeline_units(*, factory: Factory | None = None) -> dict[tuple[int, str], int]:
    """Units ordered and not yet received, per (variant id, market)."""
    lines = ProductionOrderLine.objects.filter(order__status__in=PIPELINE_STATUSES)
    if factory is not None:
        lines = lines.filter(order__factory=factory)
    return {
        (variant_id, market): units
        for variant_id, market, units in lines.values_list("variant_id", "market")
        .annotate(units=Sum("quantity"))
        .values_list("variant_id", "market", "units")
        .order_by()
    }


def production_reorder_suggestions(
    *, factory: Factory, sales: list[dict], on_hand: list[dict], today: datetime.date | None = None, **options
) -> list[dict]:
    """Reorders for ``factory`` from the caller's sales rows and stock counts.

    ``sales``: ``{"variant_id", "market", "date", "quantity"}``; ``on_hand``:
    ``{"variant_id", "market", "quantity"}``. Production cannot read the shop's orders, so the
    caller (which may) hands them in. Units in production orders not yet received count as in transit.
    """
    stock: dict[tuple[int, str], int] = {}
    for index, row in enumerate(on_hand):
        if not isinstance(row, dict) or not isinstance(row.get("market"), str) or not row["market"].strip():
            raise PlanningError(f"on_hand[{index}]: must be a dict with variant_id, market and quantity")
        key = (whole_number(row.get("variant_id"), f"on_hand[{index}].variant_id"), row["market"].strip())
        stock[key] = stock.get(key, 0) + whole_number(row.get("quantity"), f"on_hand[{index}].quantity")
    return suggest_reorders(
        sales,
        on_hand=stock,
        in_transit=production_pipeline_units(factory=factory),
        lead_time_days=factory.lead_time_days,
        today=today or timezone.localdate(),
        **options,
    )

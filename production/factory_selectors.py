"""Reads for the factories pages: every factory with its open orders, balance and scorecard.

The scorecard of one factory is ``selectors.factory_scorecard``; ``factory_scorecards`` gives the
same on-time and defect rates for many factories in two queries, whatever their number.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Factory, FactoryApiKey, FactoryPayment, ProductionEvent, ProductionOrder, QcReport
from .selectors import OPEN_STATUSES


def factory_list() -> QuerySet[Factory]:
    """Factories by name, each with ``open_orders`` (released and not yet past QC) and ``balance_due``.

    Both are correlated subqueries, so the page of factories is one query.
    """
    open_orders = (
        ProductionOrder.objects.filter(factory=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("factory")
        .annotate(n=Count("pk"))
        .values("n")
    )
    balance = (
        FactoryPayment.objects.filter(factory=OuterRef("pk"))
        .order_by()
        .values("factory")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Factory.objects.annotate(
        open_orders=Coalesce(Subquery(open_orders, output_field=IntegerField()), Value(0)),
        balance_due=Coalesce(Subquery(balance, output_field=money), Value(Decimal("0.00")), output_field=money),
    ).order_by("name", "pk")


def factory_scorecards(*, factory_ids: list[int]) -> dict[int, dict]:
    """Per factory id: ``shipped_orders``, ``on_time_rate``, ``defect_rate`` and ``qc_pass_rate``,
    computed as ``selectors.factory_scorecard`` does (None where there is nothing to measure)."""
    factory_ids = list(factory_ids)
    moments: dict[int, dict[str, datetime.datetime]] = {}
    owner: dict[int, int] = {}
    due: dict[int, datetime.date | None] = {}
    events = (
        ProductionEvent.objects.filter(order__factory_id__in=factory_ids, to_status__in=["accepted", "shipped"])
        .order_by("order_id", "created_at", "id")
        .values_list("order__factory_id", "order_id", "to_status", "created_at", "order__due_date")
    )
    for factory_id, order_id, to_status, at, due_date in events:
        moments.setdefault(order_id, {}).setdefault(to_status, at)
        owner[order_id], due[order_id] = factory_id, due_date
    on_time: dict[int, list[bool]] = {}
    shipped: dict[int, int] = {}
    for order_id, moment in moments.items():
        if "shipped" not in moment:
            continue
        factory_id = owner[order_id]
        shipped[factory_id] = shipped.get(factory_id, 0) + 1
        if due[order_id]:
            on_time.setdefault(factory_id, []).append(timezone.localtime(moment["shipped"]).date() <= due[order_id])
    qc = {
        row["order__factory_id"]: row
        for row in QcReport.objects.filter(order__factory_id__in=factory_ids)
        .order_by()
        .values("order__factory_id")
        .annotate(
            inspected=Sum("sample_size"),
            defects=Sum(F("critical") + F("major") + F("minor")),
            reports=Count("id"),
            passed=Count("id", filter=Q(passed=True)),
        )
    }
    cards = {}
    for factory_id in factory_ids:
        timely = on_time.get(factory_id, [])
        row = qc.get(factory_id, {})
        cards[factory_id] = {
            "shipped_orders": shipped.get(factory_id, 0),
            "on_time_rate": sum(timely) / len(timely) if timely else None,
            "defect_rate": (row.get("defects") or 0) / row["inspected"] if row.get("inspected") else None,
            "qc_pass_rate": row["passed"] / row["reports"] if row.get("reports") else None,
        }
    return cards


def factory_api_key_list(*, factory: Factory) -> QuerySet[FactoryApiKey]:
    """A factory's keys, active ones first, newest first."""
    return factory.api_keys.order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")

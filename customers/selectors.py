"""Reads of link 7 that other links and the dashboard build on."""

import datetime

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import OrderLine


def sales_units_by_variant_market_day(*, days: int = 28, today: datetime.date | None = None) -> list[dict]:
    """Units sold per design variant × market × day over the ``days`` days up to ``today``; one query.

    Rows are ``{"variant_id", "sku", "market", "date", "quantity"}``; products not mapped to a
    variant are left out.
    """
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days)
    rows = (
        OrderLine.objects.filter(
            product__variant__isnull=False, order__placed_at__date__gt=start, order__placed_at__date__lte=today
        )
        .annotate(date=TruncDate("order__placed_at"))
        .values("product__variant_id", "product__sku", "order__market", "date")
        .annotate(quantity=Sum("quantity"))
        .order_by("product__variant_id", "order__market", "date")
    )
    return [
        {"variant_id": r["product__variant_id"], "sku": r["product__sku"], "market": r["order__market"].upper(),
         "date": r["date"], "quantity": r["quantity"]}
        for r in rows
    ]


def sales_units_by_variant_market() -> dict[tuple[int, str], int]:
    """Units ever sold per (design variant id, market); one query."""
    rows = (
        OrderLine.objects.filter(product__variant__isnull=False)
        .values_list("product__variant_id", "order__market")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    totals: dict[tuple[int, str], int] = {}
    for variant_id, market, units in rows:
        key = (variant_id, market.upper())
        totals[key] = totals.get(key, 0) + units
    return totals

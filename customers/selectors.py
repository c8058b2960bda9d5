"""Reads of link 7 that other links and the dashboard build on."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Subquery, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.models import Cycle
from design.models import Concept
from production.models import ProductionOrder
from promotion.models import Campaign
from promotion.selectors import PromotionProgress, promotion_cycle_progress

from .models import Order, OrderLine, Product


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


def product_list_for_concept(*, concept: Concept) -> list[Product]:
    """The shop products a concept is sold as, by SKU; one query."""
    return list(Product.objects.filter(concept=concept).order_by("sku"))


def order_count_for_production_order(*, order: ProductionOrder) -> int:
    """Shop orders that came through the campaigns selling a batch; one query."""
    return Order.objects.filter(tracked_link__campaign__production_order=order).count()


def order_list_for_campaign(*, campaign: Campaign, limit: int = 100) -> list[Order]:
    """The newest shop orders attributed to a campaign's tracked links; one query."""
    return list(
        Order.objects.filter(tracked_link__campaign=campaign).select_related("customer", "tracked_link")
        .order_by("-placed_at")[:limit]
    )


@dataclass(frozen=True, kw_only=True)
class CustomersProgress(LinkProgress):
    orders: int
    customers: int
    revenue: tuple[tuple[str, Decimal], ...]  # (currency, total) by currency


def customers_cycle_progress(*, cycle: Cycle, promotion: PromotionProgress | None = None) -> CustomersProgress:
    """Link 7 on ``cycle``: shop orders, the customers who placed them and the revenue per currency.
    One query, and the earlier links' when link 6's progress is not handed in."""
    if promotion is None:
        promotion = promotion_cycle_progress(cycle=cycle)
    of_cycle = Order.objects.filter(cycle=cycle)
    customers = of_cycle.order_by().values("cycle").annotate(n=Count("customer", distinct=True)).values("n")
    per_currency = list(
        of_cycle.order_by("currency").values("currency")
        .annotate(total=Sum("total"), n_orders=Count("pk"), n_customers=Subquery(customers))
        .values_list("currency", "total", "n_orders", "n_customers")
    )
    n_orders = sum(n for _c, _t, n, _k in per_currency)
    n_customers = per_currency[0][3] if per_currency else 0
    if n_orders:
        state = ProgressState.DONE
        action, url = "Review attributed orders", f"{reverse('customers:orders')}?cycle={cycle.number}"
    elif promotion.clicks:
        state, action, url = ProgressState.IN_PROGRESS, "Import shop orders", cycle_list_url("customers:list", cycle=cycle)
    else:
        state, action, url = ProgressState.NOT_STARTED, "Waits for promotion", cycle_list_url("promotion:list", cycle=cycle)
    revenue = tuple((currency, total) for currency, total, _n, _k in per_currency)
    return CustomersProgress(
        state=state,
        next_action=action,
        next_url=url,
        counts=(
            ("customers", str(n_customers)),
            ("orders", str(n_orders)),
            ("revenue", " · ".join(f"{currency} {total:,.0f}" for currency, total in revenue) or "0"),
        ),
        orders=n_orders,
        customers=n_customers,
        revenue=revenue,
    )

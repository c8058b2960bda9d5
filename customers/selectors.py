"""Reads of link 7 that other links and the dashboard build on, and the sales of designs as the reports above
link 7 measure them: units and money per variant, market and day, and the customers a design brought in."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Case, Count, DecimalField, ExpressionWrapper, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When,
)
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from core import formats
from core.dashboard.figures import figures_cached
from core.days import day_start
from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.models import Cycle
from design.models import Concept
from production.models import ProductionOrder
from promotion.models import Campaign
from promotion.selectors import PromotionProgress, promotion_cycle_progress

from .models import (
    CohortMonth, Customer, CustomerEvent, FinancialStatus, Order, OrderColumnMapping, OrderImport, OrderLine, Product, SalesMonth,
)


ORDERS_DELETED_KEY = "c2f:customers:orders-deleted"


def orders_version() -> tuple:
    """What changes whenever an order is stored, changed or deleted: the newest order id and change time (one
    query on two indexes) and the deletions counted by ``orders_deleted_count``. Figures over all orders are
    cached under it (``core.dashboard.figures``)."""
    row = Order.objects.order_by().aggregate(newest=Max("id"), changed=Max("updated_at"))
    return row["newest"], row["changed"].isoformat() if row["changed"] else None, cache.get(ORDERS_DELETED_KEY, 0)


def orders_deleted_count(**_signal) -> None:
    """An order was deleted (in the admin: customers' orders are protected from their deletion): the orders'
    version moves."""
    if not cache.add(ORDERS_DELETED_KEY, 1, None):
        try:
            cache.incr(ORDERS_DELETED_KEY)
        except ValueError:  # evicted in between
            cache.set(ORDERS_DELETED_KEY, 1, None)


def sales_units_by_variant_market_day(*, days: int = 28, today: datetime.date | None = None) -> list[dict]:
    """Units sold per design variant × market × day over the ``days`` days up to ``today``; two queries, one
    while no order changed since the last read.

    Rows are ``{"variant_id", "sku", "market", "date", "quantity"}``; products not mapped to a
    variant are left out. Days are the current time zone's.
    """
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days)

    def compute() -> list[dict]:
        rows = (
            OrderLine.objects.filter(
                product__variant__isnull=False,
                order__placed_at__gte=day_start(start + datetime.timedelta(days=1)),
                order__placed_at__lt=day_start(today + datetime.timedelta(days=1)),
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

    return figures_cached(key=f"variant-sales-days:{days}:{today.isoformat()}:{timezone.get_current_timezone_name()}",
                          version=orders_version(), compute=compute)


def sales_units_by_variant_market() -> dict[tuple[int, str], int]:
    """Units ever sold per (design variant id, market); two queries, one while no order changed since the last
    read."""

    def compute() -> dict[tuple[int, str], int]:
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

    return figures_cached(key="variant-sales-ever", version=orders_version(), compute=compute)


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
    revenue: tuple[tuple[str, Decimal], ...]  # (currency, net revenue) by currency


def cycle_sales_figures(*, cycle: Cycle) -> list[tuple[str, Decimal, int, int]]:
    """``(currency, net revenue, orders, customers of the cycle)`` per currency of the cycle's orders. Counting
    a cycle of a million orders takes most of a second: kept while no order changed (two queries, one then)."""
    def compute():
        of_cycle = Order.objects.filter(cycle=cycle)
        customers = of_cycle.order_by().values("cycle").annotate(n=Count("customer", distinct=True)).values("n")
        return list(
            of_cycle.order_by("currency").values("currency")
            .annotate(total=Sum("net"), n_orders=Count("pk"), n_customers=Subquery(customers))
            .values_list("currency", "total", "n_orders", "n_customers")
        )

    return figures_cached(key=f"cycle-sales:{cycle.pk}", version=orders_version(), compute=compute)


def cycle_customer_count(*, cycle_number: int) -> int:
    """How many customers ordered in the cycle numbered ``cycle_number`` (0 for no such cycle); from the cycle's
    kept sales figures."""
    cycle = Cycle.objects.filter(number=cycle_number).first()
    figures = cycle_sales_figures(cycle=cycle) if cycle is not None else []
    return figures[0][3] if figures else 0


def sales_figures_warm() -> None:
    """Count what the home, reorders and customers pages keep over all orders (the newest cycle's sales, the
    variants' sales) before anybody opens them: run by the tasks that follow an import."""
    cycle = Cycle.objects.order_by("-number").first()
    if cycle is not None:
        cycle_sales_figures(cycle=cycle)
    sales_units_by_variant_market()
    sales_units_by_variant_market_day()


def customers_cycle_progress(*, cycle: Cycle, promotion: PromotionProgress | None = None) -> CustomersProgress:
    """Link 7 on ``cycle``: shop orders, the customers who placed them and the net revenue per currency.
    Two queries (one while no order changed), and the earlier links' when link 6's progress is not handed in."""
    if promotion is None:
        promotion = promotion_cycle_progress(cycle=cycle)
    per_currency = cycle_sales_figures(cycle=cycle)
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
            ("revenue", " · ".join(formats.money(total, currency) for currency, total in revenue) or "0"),
        ),
        orders=n_orders,
        customers=n_customers,
        revenue=revenue,
    )


# --- pages ------------------------------------------------------------------------------------------------

def customer_list() -> QuerySet[Customer]:
    """Every customer; the list sorts and filters on the order figures kept on each row, so a page of 50 is
    one query whatever the orders."""
    return Customer.objects.all()


def order_list() -> QuerySet[Order]:
    """Every order with its customer, cycle and the campaign it came through; the money is on the row (no line is
    read)."""
    return Order.objects.select_related("customer", "cycle", "tracked_link__campaign")


def customer_orders(*, customer: Customer, limit: int = 200) -> list[Order]:
    """A customer's newest orders; one query."""
    return list(customer.orders.select_related("cycle", "tracked_link__campaign").order_by("-placed_at", "-id")[:limit])


def customer_events(*, customer: Customer) -> list[CustomerEvent]:
    return list(customer.events.order_by("-created_at", "-id")[:100])


def order_lines(*, order: Order) -> list[OrderLine]:
    """An order's lines with their product and what it was made from; one query."""
    return list(OrderLine.objects.filter(order=order).select_related("product__concept", "product__variant").order_by("id"))


def customers_with_marketing_consent(*, market: str | None = None) -> QuerySet[Customer]:
    """Customers who agreed to marketing and can be written to (not erased, an email known): the only ones a
    campaign may address. Promotion, an earlier link, receives this from the caller above both."""
    customers = Customer.objects.filter(marketing_consent=True, erased_at__isnull=True).exclude(email="")
    if market:
        customers = customers.filter(country=market.upper())
    return customers.order_by("id")


def customer_data(*, customer: Customer) -> dict:
    """Everything stored about one customer, for the file they may ask for; three queries."""
    orders = list(customer.orders.order_by("placed_at", "id"))
    lines: dict[int, list] = {}
    for line in OrderLine.objects.filter(order__customer=customer).select_related("product").order_by("order_id", "id"):
        lines.setdefault(line.order_id, []).append({
            "sku": line.product.sku, "title": line.product.title, "quantity": line.quantity,
            "unit_price": str(line.unit_price), "discount": str(line.discount), "amount": str(line.amount),
        })
    return {
        "customer": {
            "shop": customer.get_platform_display(), "id_at_shop": customer.external_id, "name": customer.name,
            "email": customer.email, "country": customer.country,
            "first_seen": customer.first_seen.isoformat() if customer.first_seen else None,
            "marketing_consent": customer.marketing_consent, "consent_source": customer.get_consent_source_display(),
            "consent_updated_at": customer.consent_updated_at.isoformat() if customer.consent_updated_at else None,
        },
        "orders": [
            {
                "order": o.external_id, "shop": o.get_platform_display(), "placed_at": o.placed_at.isoformat(),
                "market": o.market, "currency": o.currency, "financial_status": o.financial_status,
                "fulfillment_status": o.fulfillment_status, "cancelled": o.cancelled, "subtotal": str(o.subtotal),
                "discount": str(o.discount), "shipping": str(o.shipping), "taxes": str(o.taxes), "total": str(o.total),
                "refunded": str(o.refunded), "lines": lines.get(o.pk, []),
            }
            for o in orders
        ],
        "reviews": [
            {
                "product": r.product.sku, "rating": r.rating, "title": r.title, "text": r.text,
                "reviewer": r.reviewer, "created_at": r.created_at.isoformat(),
            }
            for r in customer.reviews.select_related("product").order_by("created_at")
        ],
    }


def customer_order_rows(*, customer: Customer) -> list[list]:
    """One row per order line of a customer, for a CSV export; one query."""
    rows = []
    for line in OrderLine.objects.filter(order__customer=customer).select_related("order", "product").order_by(
        "order__placed_at", "order_id", "id"
    ):
        order = line.order
        rows.append([
            order.external_id, order.placed_at.isoformat(), order.market, order.currency, order.financial_status,
            "yes" if order.cancelled else "no", line.product.sku, line.product.title, line.quantity, line.unit_price,
            line.discount, line.amount,
        ])
    return rows


CUSTOMER_ORDER_COLUMNS = [
    "order", "placed_at", "market", "currency", "financial_status", "cancelled", "sku", "title", "quantity",
    "unit_price", "discount", "amount",
]


def orders_without_rate() -> list[tuple[str, int]]:
    """Currencies of orders stored without an exchange rate, with how many; one query on a partial index."""
    return list(
        Order.objects.filter(fx_rate__isnull=True).values_list("currency").annotate(n=Count("pk")).order_by("currency")
    )


def order_import_list() -> QuerySet[OrderImport]:
    return OrderImport.objects.select_related("task_run")


def order_imports_of_run(*, task_run_id: int) -> list[OrderImport]:
    return list(OrderImport.objects.filter(task_run_id=task_run_id).order_by("id"))


def column_mapping_list() -> list[OrderColumnMapping]:
    return list(OrderColumnMapping.objects.order_by("name"))


# --- charts -------------------------------------------------------------------------------------------------

def sales_by_month_and_market() -> list[SalesMonth]:
    """Net and gross sales (base currency) per month and market, from the monthly figures; one query."""
    return list(SalesMonth.objects.order_by("month", "market"))


def cohort_months() -> list[CohortMonth]:
    """Customers of each first-order month buying in each month, from the monthly figures; one query."""
    return list(CohortMonth.objects.order_by("cohort", "month"))


def sales_of_variants(*, variant_ids, until: datetime.date | None = None) -> list[dict]:
    """Units and net revenue of ``variant_ids`` per variant, market and day; one query.

    Rows ``{"variant_id", "market" (upper case), "date", "quantity", "net_base", "unconverted"}``. Only
    sales count: cancelled, voided and fully refunded orders are left out. ``net_base`` is what the seller
    kept of the lines in the base currency: each line's amount after its discount, times its order's share
    of net in gross (order-level discounts and refunds spread over the lines); ``unconverted`` counts the
    lines left out of it because their currency had no exchange rate. Sales after ``until`` are left out.
    """
    lines = OrderLine.objects.filter(product__variant_id__in=list(variant_ids), order__is_sale=True).exclude(
        order__financial_status=FinancialStatus.REFUNDED
    )
    if until is not None:
        lines = lines.filter(order__placed_at__date__lte=until)
    money = DecimalField(max_digits=18, decimal_places=6)
    net_share = Case(
        When(order__gross__gt=0, then=ExpressionWrapper(
            F("amount_base") * F("order__net") / F("order__gross"), output_field=money
        )),
        default=Value(Decimal(0)),
        output_field=money,
    )
    rows = (
        lines.annotate(date=TruncDate("order__placed_at"))
        .values("product__variant_id", "order__market", "date")
        .annotate(units=Sum("quantity"), net=Sum(net_share), unconverted=Count("pk", filter=Q(amount_base__isnull=True)))
        .order_by("product__variant_id", "order__market", "date")
    )
    return [
        {"variant_id": r["product__variant_id"], "market": r["order__market"].upper(), "date": r["date"],
         "quantity": r["units"], "net_base": r["net"] if r["net"] is not None else Decimal(0),
         "unconverted": r["unconverted"]}
        for r in rows
    ]


def customers_first_buying(*, variant_ids, until: datetime.date | None = None) -> list[dict]:
    """Customers whose first sale (guest orders aside) held one of ``variant_ids``: the customers those designs
    brought in.

    Rows ``{"customer_id", "first_order_id", "placed_at", "tracked_link_id"}``; one query.
    """
    first_order = (
        Order.objects.filter(customer_id=OuterRef("customer_id"), is_sale=True).order_by("placed_at", "id").values("id")[:1]
    )
    orders = Order.objects.filter(
        customer__isnull=False, is_sale=True, lines__product__variant_id__in=list(variant_ids)
    )
    if until is not None:
        orders = orders.filter(placed_at__date__lte=until)
    rows = (
        orders.annotate(first_id=Subquery(first_order))
        .filter(pk=F("first_id"))
        .values("customer_id", "pk", "placed_at", "tracked_link_id")
        .distinct()
        .order_by("customer_id")
    )
    return [
        {"customer_id": r["customer_id"], "first_order_id": r["pk"], "placed_at": r["placed_at"],
         "tracked_link_id": r["tracked_link_id"]}
        for r in rows
    ]

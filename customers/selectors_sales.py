"""Sales of designs, as the reports above link 7 measure them: units and money per variant, market and day,
and the customers a design brought in."""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import TruncDate

from .models import FinancialStatus, Order, OrderLine


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

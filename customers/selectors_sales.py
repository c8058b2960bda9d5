"""Sales of designs, as the reports above link 7 measure them: units and money per variant, market and day,
and the customers a design brought in."""

import datetime

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum
from django.db.models.functions import TruncDate

from .models import Order, OrderLine


def sales_of_variants(*, variant_ids, until: datetime.date | None = None) -> list[dict]:
    """Units and money sold of ``variant_ids`` per variant, market, day and currency; one query.

    Rows ``{"variant_id", "market" (upper case), "date", "currency", "quantity", "amount"}``; ``amount``
    is quantity × unit price in the order's currency. Sales after ``until`` are left out.
    """
    lines = OrderLine.objects.filter(product__variant_id__in=list(variant_ids))
    if until is not None:
        lines = lines.filter(order__placed_at__date__lte=until)
    amount = ExpressionWrapper(F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=14, decimal_places=2))
    rows = (
        lines.annotate(date=TruncDate("order__placed_at"))
        .values("product__variant_id", "order__market", "date", "order__currency")
        .annotate(units=Sum("quantity"), money=Sum(amount))
        .order_by("product__variant_id", "order__market", "date", "order__currency")
    )
    return [
        {"variant_id": r["product__variant_id"], "market": r["order__market"].upper(), "date": r["date"],
         "currency": r["order__currency"], "quantity": r["units"], "amount": r["money"]}
        for r in rows
    ]


def customers_first_buying(*, variant_ids, until: datetime.date | None = None) -> list[dict]:
    """Customers whose first order held one of ``variant_ids``: the customers those designs brought in.

    Rows ``{"customer_id", "first_order_id", "placed_at", "tracked_link_id"}``; one query.
    """
    first_order = Order.objects.filter(customer_id=OuterRef("customer_id")).order_by("placed_at", "id").values("id")[:1]
    orders = Order.objects.filter(customer__isnull=False, lines__product__variant_id__in=list(variant_ids))
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

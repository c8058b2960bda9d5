"""Orders stored before states and money were kept: each counts its total as gross and net (a sale), its
lines their value, and base-currency amounts at today's planning rates; customers get their order figures."""

from decimal import Decimal

from django.conf import settings
from django.db import migrations
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Order = apps.get_model("customers", "Order")
    OrderLine = apps.get_model("customers", "OrderLine")
    Customer = apps.get_model("customers", "Customer")
    FxRate = apps.get_model("design", "FxRate")
    OrderLine.objects.update(amount=F("quantity") * F("unit_price"))
    units = OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order").annotate(n=Sum("quantity")).values("n")
    Order.objects.update(
        gross=F("total"), net=F("total"), subtotal=F("total"),
        item_count=Coalesce(Subquery(units, output_field=IntegerField()), 0),
    )
    per_usd = dict(FxRate.objects.values_list("currency", "per_usd"))
    base = settings.C2F_BASE_CURRENCY
    for currency in Order.objects.values_list("currency", flat=True).distinct():
        if currency == base:
            rate = Decimal(1)
        elif currency in per_usd and base in per_usd:
            rate = (Decimal(per_usd[base]) / Decimal(per_usd[currency])).quantize(Decimal("0.00000001"))
        else:
            continue
        Order.objects.filter(currency=currency).update(
            fx_rate=rate, gross_base=F("gross") * rate, net_base=F("net") * rate, refunded_base=0,
        )
        OrderLine.objects.filter(order__currency=currency).update(amount_base=F("amount") * rate)
    sale = Q(orders__is_sale=True)
    for customer in Customer.objects.annotate(
        first_at=Min("orders__placed_at", filter=sale), last_at=Max("orders__placed_at", filter=sale),
        n=Count("orders", filter=sale), spend=Sum("orders__net_base", filter=sale),
    ).filter(n__gt=0).iterator():
        Customer.objects.filter(pk=customer.pk).update(
            first_order_at=customer.first_at, last_order_at=customer.last_at, order_count=customer.n,
            net_spend_base=customer.spend or 0,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_orders_money_states_guests_consent_imports_webhooks"),
        ("design", "0006_seed_market_currency_fx"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

"""Order records into customers, orders and lines: an upsert on (platform, order id), so storing the same
orders twice changes nothing and a newer export of them updates their states and money.

Set-based: a handful of queries per 500 orders whatever the file, and on PostgreSQL a large batch goes
through COPY (``orders_copy``). Each order's money is worked out by ``customers.amounts`` and stored
beside it in the base currency, at the rate of the day the order was first stored; the customers'
order figures (first and last order, orders, net spend) are refreshed for the customers touched.
"""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from core.files import FileProblem
from core.models import Cycle
from customers.amounts import OrderAmounts, base_rate, order_amounts, to_base
from customers.importers import ImportRefused, OrderRecord
from customers.models import Customer, CustomerEvent, Order, OrderLine, Product
from design.selectors import fx_rates_per_usd

from .product_mapping import products_automap
from .products import attributes_ensure

CHUNK = 500
# Above this many lines a PostgreSQL import goes through COPY.
COPY_THRESHOLD = 5_000
ORDER_FIELDS = (
    "placed_at", "market", "currency", "financial_status", "fulfillment_status", "cancelled", "cancelled_at", "is_sale",
    "subtotal", "discount", "shipping", "taxes", "total", "refunded", "gross", "net", "fx_rate", "gross_base",
    "net_base", "refunded_base", "item_count", "customer_id", "source_updated_at", "lines_digest", "landing_url",
    "referring_site",
)
# What a later record that does not say (an export without the column, an update without it) leaves as stored.
KEPT_WHEN_UNSAID = ("source_updated_at", "landing_url", "referring_site")


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    lines: int = 0
    customers_new: int = 0
    products_new: int = 0
    pre_orders_fulfilled: int = 0
    missing_rates: set[str] = field(default_factory=set)
    order_ids: dict[str, int] = field(default_factory=dict)


def no_sku_key(title: str) -> str:
    """The product key of a line item the shop gave no SKU (a custom item, a tip): made from its title."""
    digest = hashlib.sha256(" ".join(title.casefold().split()).encode()).hexdigest()[:12]
    return f"NOSKU-{digest}"


def erased_key(key: str) -> str:
    """What an erased customer's id at the shop is replaced by: a keyed hash, so a later import of the same
    orders finds the anonymous customer instead of bringing the person back."""
    digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()[:40]
    return f"erased:{digest}"


def lines_digest(record: OrderRecord) -> str:
    """What the order's lines are, in 32 characters: a newer export with other lines is a change."""
    text = "\n".join(f"{line.sku}\t{line.quantity}\t{line.unit_price}\t{line.discount}" for line in record.lines)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def products_ensure(records: list[OrderRecord], *, file: str = "") -> tuple[dict[str, int], int]:
    """Product ids by SKU for every line of ``records`` (lines without a SKU by ``no_sku_key``); missing
    products are created with the line's title, category and lexicon attributes (``ImportRefused`` naming
    ``file`` and the line when an attribute is not in the lexicon)."""
    first: dict[str, tuple] = {}
    for order in records:
        for line in order.lines:
            if not line.sku:
                line.sku = no_sku_key(line.title)
            first.setdefault(line.sku, (line, order))
    ids: dict[str, int] = {}
    skus = list(first)
    for chunk in _chunks(skus):
        ids.update(Product.objects.filter(sku__in=chunk).values_list("sku", "pk"))
    missing = [sku for sku in skus if sku not in ids]
    with_attributes = []
    for sku in missing:
        line, _order = first[sku]
        if line.attributes:
            try:
                with_attributes.append((sku, attributes_ensure(names=list(line.attributes), context=f"SKU {sku}")))
            except ValueError as exc:
                raise ImportRefused([FileProblem(file, line.line, "attributes", str(exc))]) from None
    attribute_names = {sku: sorted(attributes) for sku, attributes in with_attributes}
    created = Product.objects.bulk_create(
        [
            Product(
                sku=sku, title=first[sku][0].title or sku, category=first[sku][0].category,
                shop_category=first[sku][0].category, shop_attributes=attribute_names.get(sku, []),
            )
            for sku in missing
        ],
        batch_size=CHUNK,
    )
    for product in created:
        ids[product.sku] = product.pk
    for sku, attributes in with_attributes:
        Product.objects.get(sku=sku).attributes.set(attributes.values())
    # A new SKU that is a design variant's is that variant: it takes the concept's category and attributes.
    if created:
        products_automap(products=created)
    return ids, len(missing)


def _consent_may_change(customer: Customer, wanted: bool) -> bool:
    # A withdrawal recorded in the dashboard stands until the dashboard changes it again.
    if customer.consent_source == Customer.ConsentSource.DASHBOARD and not customer.marketing_consent and wanted:
        return False
    return customer.marketing_consent != wanted or not customer.consent_source


def customers_plan(
    records: list[OrderRecord], found: dict[str, Customer], *, platform: str, source: str, is_demo: bool = False,
) -> tuple[list[Customer], list[Customer], list[CustomerEvent]]:
    """Given the stored customers ``found`` by key: the customers to create, the known ones whose first sighting,
    name, country or consent change (the latest order's word on consent counts), and the consent events."""
    latest: dict[str, OrderRecord] = {}
    first_seen: dict[str, datetime] = {}
    for order in records:
        key = order.customer_key
        if not key:
            continue
        known = latest.get(key)
        if known is None or order.placed_at >= known.placed_at:
            latest[key] = order
        seen = first_seen.get(key)
        first_seen[key] = order.placed_at if seen is None or order.placed_at < seen else seen
    now = timezone.now()
    new, changed, events = [], [], []
    consent_source = Customer.ConsentSource.WEBHOOK if source == "webhook" else Customer.ConsentSource.IMPORT
    for key, order in latest.items():
        customer = found.get(key)
        consent = order.accepts_marketing
        if customer is None:
            new.append(Customer(
                platform=platform, external_id=key, email=order.email, name=order.name, country=order.market,
                first_seen=first_seen[key], marketing_consent=bool(consent),
                consent_source=consent_source if consent is not None else "",
                consent_updated_at=now if consent is not None else None, is_demo=is_demo,
            ))
            continue
        if customer.erased_at:
            continue
        dirty = False
        if customer.first_seen is None or first_seen[key] < customer.first_seen:
            customer.first_seen, dirty = first_seen[key], True
        if order.name and not customer.name:
            customer.name, dirty = order.name, True
        if order.market and not customer.country:
            customer.country, dirty = order.market, True
        if consent is not None and _consent_may_change(customer, consent):
            if customer.marketing_consent != consent:
                events.append(CustomerEvent(
                    customer=customer, kind=CustomerEvent.Kind.CONSENT, actor=f"shop {source}",
                    note=f"marketing consent {'given' if consent else 'withdrawn'} (order {order.external_id})"[:300],
                ))
            customer.marketing_consent, customer.consent_source, customer.consent_updated_at = consent, consent_source, now
            dirty = True
        if dirty:
            changed.append(customer)
    return new, changed, events


def customers_ensure(records: list[OrderRecord], *, platform: str, source: str, is_demo: bool = False) -> tuple[dict[str, int], int]:
    """Customer ids by key for the records that have a customer (see ``customers_plan``). An erased customer's
    orders find the anonymous row by ``erased_key``."""
    keys = list({order.customer_key for order in records if order.customer_key})
    tombstones = {erased_key(key): key for key in keys}
    found: dict[str, Customer] = {}
    for chunk in _chunks(keys + list(tombstones), CHUNK):
        for customer in Customer.objects.filter(platform=platform, external_id__in=chunk):
            found[tombstones.get(customer.external_id, customer.external_id)] = customer
    new, changed, events = customers_plan(records, found, platform=platform, source=source, is_demo=is_demo)
    Customer.objects.bulk_create(new, batch_size=CHUNK)
    Customer.objects.bulk_update(
        changed, ["first_seen", "name", "country", "marketing_consent", "consent_source", "consent_updated_at"],
        batch_size=CHUNK,
    )
    CustomerEvent.objects.bulk_create(events, batch_size=CHUNK)
    ids = {key: customer.pk for key, customer in found.items()}
    ids.update({customer.external_id: customer.pk for customer in new})
    return ids, len(new)


def customer_figures_refresh(*, customer_ids: Iterable[int]) -> None:
    """First and last order, orders and net spend (base currency) of these customers, from their orders that
    are sales; set-based."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for chunk in _chunks(ids, 50_000):
                cursor.execute(
                    """
                    UPDATE customers_customer c
                    SET first_order_at = a.first_at, last_order_at = a.last_at, order_count = a.n,
                        net_spend_base = a.spend
                    FROM (
                        SELECT customer_id, min(placed_at) FILTER (WHERE is_sale) AS first_at,
                               max(placed_at) FILTER (WHERE is_sale) AS last_at,
                               count(*) FILTER (WHERE is_sale) AS n,
                               coalesce(sum(net_base) FILTER (WHERE is_sale), 0) AS spend
                        FROM customers_order WHERE customer_id = ANY(%s) GROUP BY customer_id
                    ) a
                    WHERE c.id = a.customer_id
                    """,
                    [chunk],
                )
        return
    sale = Q(orders__is_sale=True)
    for chunk in _chunks(ids):
        figures = (
            Customer.objects.filter(pk__in=chunk)
            .annotate(
                first_at=Min("orders__placed_at", filter=sale), last_at=Max("orders__placed_at", filter=sale),
                n=Count("orders", filter=sale), spend=Sum("orders__net_base", filter=sale),
            )
            .values_list("pk", "first_at", "last_at", "n", "spend")
        )
        rows = [
            Customer(pk=pk, first_order_at=first_at, last_order_at=last_at, order_count=n, net_spend_base=spend or 0)
            for pk, first_at, last_at, n, spend in figures
        ]
        Customer.objects.bulk_update(rows, ["first_order_at", "last_order_at", "order_count", "net_spend_base"])


@dataclass(slots=True)
class PreparedOrder:
    """An order record with its money worked out and the values its row gets."""

    record: OrderRecord
    amounts: OrderAmounts
    values: dict
    lines: list[tuple[int, int, Decimal, Decimal, Decimal, Decimal | None]]  # product, qty, price, discount, amount, base


def prepare(
    record: OrderRecord, *, customer_id: int | None, product_ids: dict[str, int], rate: Decimal | None,
) -> PreparedOrder:
    amounts = order_amounts(record)
    values = {
        "placed_at": record.placed_at, "market": record.market, "currency": record.currency,
        "financial_status": record.financial_status, "fulfillment_status": record.fulfillment_status,
        "cancelled": record.cancelled, "cancelled_at": record.cancelled_at, "is_sale": amounts.is_sale,
        "subtotal": amounts.subtotal, "discount": amounts.discount, "shipping": amounts.shipping,
        "taxes": amounts.taxes, "total": amounts.total, "refunded": amounts.refunded, "gross": amounts.gross,
        "net": amounts.net, "fx_rate": rate, "gross_base": to_base(amounts.gross, rate),
        "net_base": to_base(amounts.net, rate), "refunded_base": to_base(amounts.refunded, rate),
        "item_count": amounts.item_count, "customer_id": customer_id, "source_updated_at": record.updated_at,
        "lines_digest": lines_digest(record), "landing_url": record.landing_url, "referring_site": record.referring_site,
    }
    lines = [
        (product_ids[line.sku], line.quantity, line.unit_price, line.discount, amount, to_base(amount, rate))
        for line, amount in zip(record.lines, amounts.line_amounts)
    ]
    return PreparedOrder(record, amounts, values, lines)


def _rates(records: list[OrderRecord]) -> tuple[dict[str, Decimal | None], set[str]]:
    per_usd = fx_rates_per_usd()
    base = settings.C2F_BASE_CURRENCY
    rates = {currency: base_rate(currency, base=base, per_usd=per_usd) for currency in {r.currency for r in records}}
    return rates, {currency for currency, rate in rates.items() if rate is None}


def _dedupe(records: list[OrderRecord]) -> list[OrderRecord]:
    """The last record of each order id (a webhook batch or two files may repeat one)."""
    return list({record.external_id: record for record in records}.values())


def orders_store(
    *, records: list[OrderRecord], platform: str, cycle: Cycle | None = None, source: str = "import",
    is_demo: bool = False, file: str = "",
) -> StoreResult:
    """Upsert ``records`` of ``platform`` in one transaction. New orders join ``cycle``; stored ones keep
    theirs and the exchange rate they were first stored at. A record whose ``updated_at`` is older than the
    stored order's changes nothing (an out-of-order webhook)."""
    records = _dedupe(records)
    result = StoreResult()
    if not records:
        return result
    line_count = sum(len(r.lines) for r in records)
    with transaction.atomic():
        product_ids, result.products_new = products_ensure(records, file=file)
        rates, result.missing_rates = _rates(records)
        if connection.vendor == "postgresql" and line_count >= COPY_THRESHOLD:
            from .orders_copy import orders_upsert_copy

            known = orders_upsert_copy(
                records, platform=platform, cycle=cycle, product_ids=product_ids, rates=rates, result=result,
                is_demo=is_demo, source=source,
            )
            customer_figures_refresh(customer_ids=known)
        else:
            customer_ids, result.customers_new = customers_ensure(
                records, platform=platform, source=source, is_demo=is_demo
            )
            _orders_upsert(records, platform=platform, cycle=cycle, customer_ids=customer_ids,
                           product_ids=product_ids, rates=rates, result=result, is_demo=is_demo)
            customer_figures_refresh(customer_ids=customer_ids.values())
    return result


def _orders_upsert(records, *, platform, cycle, customer_ids, product_ids, rates, result, is_demo):
    now = timezone.now()
    existing: dict[str, Order] = {}
    for chunk in _chunks([r.external_id for r in records]):
        for order in Order.objects.filter(platform=platform, external_id__in=chunk):
            existing[order.external_id] = order
    new_orders, changed, line_rows = [], [], []
    for record in records:
        order = existing.get(record.external_id)
        rate = rates[record.currency]
        if order is not None:
            if record.updated_at and order.source_updated_at and record.updated_at < order.source_updated_at:
                result.stale += 1
                result.order_ids[record.external_id] = order.pk
                continue
            if order.fx_rate is not None and order.currency == record.currency:
                rate = order.fx_rate
        prepared = prepare(record, customer_id=customer_ids.get(record.customer_key), product_ids=product_ids, rate=rate)
        values = prepared.values
        if order is None:
            order = Order(cycle=cycle, platform=platform, external_id=record.external_id, is_demo=is_demo, **values)
            new_orders.append((order, prepared))
            continue
        for name in KEPT_WHEN_UNSAID:
            if not values[name]:
                values[name] = getattr(order, name)
        same_lines = order.lines_digest == values["lines_digest"] and order.fx_rate == rate
        if same_lines and all(getattr(order, name) == values[name] for name in ORDER_FIELDS):
            result.unchanged += 1
            result.order_ids[record.external_id] = order.pk
            continue
        for name in ORDER_FIELDS:
            setattr(order, name, values[name])
        order.updated_at = now
        changed.append((order, prepared, same_lines))
    Order.objects.bulk_create([order for order, _ in new_orders], batch_size=CHUNK)
    Order.objects.bulk_update([order for order, _, _ in changed], [*ORDER_FIELDS, "updated_at"], batch_size=CHUNK)
    rewrite = [order.pk for order, _, same in changed if not same]
    for chunk in _chunks(rewrite):
        OrderLine.objects.filter(order_id__in=chunk).delete()
    for order, prepared in [*new_orders, *((o, p) for o, p, same in changed if not same)]:
        for product_id, quantity, price, discount, amount, amount_base in prepared.lines:
            line_rows.append(OrderLine(
                order_id=order.pk, product_id=product_id, quantity=quantity, unit_price=price, discount=discount,
                amount=amount, amount_base=amount_base,
            ))
    OrderLine.objects.bulk_create(line_rows, batch_size=CHUNK)
    result.new, result.updated, result.lines = len(new_orders), len(changed), len(line_rows)
    for order, _ in new_orders:
        result.order_ids[order.external_id] = order.pk
    for order, _, _ in changed:
        result.order_ids[order.external_id] = order.pk

"""DEMO orders: a seeded population of shoppers with distinct tastes, flagged ``is_demo``.

The shoppers are drawn from a few planted tastes so that the portraits of link 8
have real groups to find; every row is marked demo and comes from the ``demo``
platform, never presented as shop data.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from django.conf import settings
from django.db import transaction

from core.demo_catalog import DEMO_ATTRIBUTES, DEMO_CATALOGUE, DEMO_MARKETS
from core.models import Cycle
from customers.amounts import base_rate, to_base
from customers.models import Customer, Order, OrderLine, Platform, Product, Review, ReviewSource
from design.models import Concept
from design.selectors import fx_rates_per_usd
from promotion.models import TrackedLink

from .orders_store import customer_figures_refresh
from .products import demo_catalogue_ensure, products_for_concept

DEMO_WINDOW_DAYS = 182
DEMO_ORDER_CURRENCY = "USD"


@dataclass(frozen=True)
class DemoTaste:
    key: str
    attributes: tuple[str, ...]
    price_sensitivity: tuple[float, float]
    markets: dict[str, float]
    share: float
    extra_orders: float  # mean number of repeat orders


DEMO_TASTES = (
    DemoTaste("cosy-winter", ("sherpa", "chunky knit", "cream", "sage green"), (0.0, 0.3),
              {"US": 0.45, "GB": 0.40, "DE": 0.15}, 0.30, 1.2),
    DemoTaste("natural-summer", ("linen", "bamboo", "waffle", "cooling"), (0.2, 0.5),
              {"US": 0.30, "GB": 0.15, "DE": 0.55}, 0.25, 0.8),
    DemoTaste("family", ("kids", "muslin", "floral"), (0.6, 1.0),
              {"US": 0.55, "GB": 0.30, "DE": 0.15}, 0.25, 1.5),
    DemoTaste("boho", ("boho", "tassel", "terracotta", "velvet"), (0.3, 0.6),
              {"US": 0.40, "GB": 0.45, "DE": 0.15}, 0.20, 1.0),
)

_REVIEW_TEXT = {
    5: ["Exactly what I hoped for.", "Lovely quality, buying another.", "Beautiful, soft and well made."],
    4: ["Nice, colour slightly different from the photo.", "Good value, arrived quickly."],
    3: ["It's fine.", "Okay for the price."],
    2: ["Thinner than expected.", "Not really my style after all."],
}


@dataclass
class _Sellable:
    product: Product
    attributes: frozenset[str]
    price: float
    from_concept: bool


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _sellables(concept: Concept | None) -> list[_Sellable]:
    prices = {sku: price for sku, _title, _cat, _attrs, price in DEMO_CATALOGUE}
    attrs = {sku: frozenset(names) for sku, _title, _cat, names, _price in DEMO_CATALOGUE}
    items = [_Sellable(p, attrs[p.sku], prices[p.sku], False) for p in demo_catalogue_ensure()]
    if concept is not None:
        for product in products_for_concept(concept=concept):
            names = frozenset(product.attributes.values_list("name", flat=True))
            items.append(_Sellable(product, names, float(concept.target_price), True))
    return items


def _anchor(cycle: Cycle) -> datetime:
    created = cycle.created_at.astimezone(dt_timezone.utc)
    return datetime(created.year, created.month, created.day, tzinfo=dt_timezone.utc)


def demo_orders_generate(
    *,
    cycle: Cycle,
    concept: Concept | None = None,
    tracked_links: Iterable[TrackedLink] = (),
    n_customers: int = 240,
    seed: int,
    window: tuple[datetime, datetime] | None = None,
    selling_from: datetime | None = None,
    stock: dict[tuple[int, str], int] | None = None,
) -> dict:
    """Generate DEMO customers, orders, lines and reviews for ``cycle``.

    Orders are placed within ``window`` (default: the ``DEMO_WINDOW_DAYS`` before the cycle was
    opened). The concept's products sell only from ``selling_from`` (its batch received and its
    campaign started) and at most the ``stock`` made for each (variant id, market); an order
    comes through a tracked link only after that link's post went out. Deterministic for a seed;
    external ids come from the cycle number and an index, so running it again for the same cycle
    stores nothing new.
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    rng = random.Random(seed)
    links = sorted(tracked_links, key=lambda link: link.code)
    link_markets = {link.pk: link.campaign.market for link in links}
    link_sent = {link.pk: _sent_at(link) for link in links}
    if window is None:
        anchor = _anchor(cycle)
        window = (anchor - timedelta(days=DEMO_WINDOW_DAYS), anchor)
    start, end = window
    span = max(1, int((end - start).total_seconds()))
    prefix = f"C{cycle.number}"

    with transaction.atomic():
        sellables = _sellables(concept)
        other_attributes = sorted(DEMO_ATTRIBUTES)
        taste_weights = {t.key: t.share for t in DEMO_TASTES}
        tastes = {t.key: t for t in DEMO_TASTES}

        customers: list[dict] = []
        orders: list[dict] = []
        for i in range(n_customers):
            taste = tastes[_weighted_choice(rng, taste_weights)]
            liked = set(rng.sample(taste.attributes, k=min(3, len(taste.attributes))))
            if rng.random() < 0.3:
                liked.add(rng.choice(other_attributes))
            sensitivity = rng.uniform(*taste.price_sensitivity)
            market = _weighted_choice(rng, taste.markets)
            customer_key = f"{prefix}-{i:05d}"
            customers.append({"external_id": customer_key, "country": market, "taste": taste.key})

            weights = [
                (len(liked & s.attributes) ** 2 + 0.03) * math.exp(-sensitivity * s.price / 60.0)
                for s in sellables
            ]
            # Before the batch is on sale, only the rest of the catalogue can be bought.
            weights_before = [0.0 if s.from_concept else w for s, w in zip(sellables, weights, strict=True)]
            n_orders = 1 + min(5, int(rng.expovariate(1.0 / taste.extra_orders)))
            for _ in range(n_orders):
                placed_at = end - timedelta(seconds=rng.randrange(span))
                on_sale = selling_from is None or placed_at >= selling_from
                n_lines = rng.choices([1, 2, 3], weights=[0.6, 0.3, 0.1])[0]
                picked: list[int] = []
                for _ in range(n_lines):
                    choice = rng.choices(range(len(sellables)), weights=weights if on_sale else weights_before)[0]
                    if choice not in picked:
                        picked.append(choice)
                lines = []
                for index in picked:
                    item = sellables[index]
                    discount = rng.choice([0.0, 0.0, 0.0, 0.1, 0.15])
                    lines.append({
                        "sellable": item,
                        "quantity": rng.choices([1, 2, 3], weights=[0.8, 0.15, 0.05])[0],
                        "unit_price": _money(item.price * (1 - discount)),
                        "overlap": len(liked & item.attributes),
                    })
                orders.append({
                    "customer": customer_key,
                    "market": market,
                    "placed_at": placed_at,
                    "lines": lines,
                    "link_draw": rng.random(),
                    "link_pick": rng.random(),
                    "review_draws": [(rng.random(), rng.random(), rng.randrange(3, 21)) for _ in lines],
                })

        orders.sort(key=lambda o: (o["placed_at"], o["customer"]))
        for j, order in enumerate(orders):
            order["external_id"] = f"{prefix}-O{j:06d}"
        if stock is not None:
            orders = _within_stock(orders, stock)
        ordering = {order["customer"] for order in orders}
        customers = [c for c in customers if c["external_id"] in ordering]

        return _store(
            cycle=cycle, customers=customers, orders=orders, links=links, link_markets=link_markets,
            link_sent=link_sent, until=end,
        )


def _sent_at(link: TrackedLink) -> datetime | None:
    """When the link's post went out; None while it has not (a link without a post: its campaign's start)."""
    post = link.post
    if post is None:
        return datetime.combine(link.campaign.starts_on, datetime.min.time(), tzinfo=dt_timezone.utc)
    return post.sent_at if post.status == post.Status.SENT else None


def _within_stock(orders: list[dict], stock: dict[tuple[int, str], int]) -> list[dict]:
    """The orders in time order with the concept's lines cut to the units still in stock for their
    variant and market; an order left with no line is not placed."""
    left = {(variant_id, market.upper()): units for (variant_id, market), units in stock.items()}
    kept = []
    for order in orders:
        lines, draws = [], []
        for line, draw in zip(order["lines"], order["review_draws"], strict=True):
            if line["sellable"].from_concept:
                key = (line["sellable"].product.variant_id, order["market"].upper())
                quantity = min(line["quantity"], left.get(key, 0))
                if not quantity:
                    continue
                left[key] -= quantity
                line = {**line, "quantity": quantity}
            lines.append(line)
            draws.append(draw)
        if lines:
            kept.append({**order, "lines": lines, "review_draws": draws})
    return kept


def _pick_link(
    order: dict, links: list[TrackedLink], link_markets: dict[int, str], link_sent: dict[int, datetime | None]
) -> TrackedLink | None:
    if not links:
        return None
    has_concept_product = any(line["sellable"].from_concept for line in order["lines"])
    chance = 0.5 if has_concept_product else 0.08
    if order["link_draw"] >= chance:
        return None
    same_market = [
        link for link in links
        if link_markets[link.pk] == order["market"] and link_sent[link.pk] is not None
        and link_sent[link.pk] < order["placed_at"]
    ]
    if not same_market:
        return None
    return same_market[int(order["link_pick"] * len(same_market))]


def _store(*, cycle, customers, orders, links, link_markets, link_sent, until) -> dict:
    first_seen: dict[str, datetime] = {}
    for order in orders:
        key = order["customer"]
        first_seen[key] = min(first_seen.get(key, order["placed_at"]), order["placed_at"])

    keys = [c["external_id"] for c in customers]
    existing_customers = dict(
        Customer.objects.filter(platform=Platform.DEMO, external_id__in=keys).values_list("external_id", "pk")
    )
    new_customers = [
        Customer(
            platform=Platform.DEMO,
            external_id=c["external_id"],
            email=f"{c['external_id'].lower()}@demo.invalid",
            country=c["country"],
            first_seen=first_seen.get(c["external_id"]),
            is_demo=True,
        )
        for c in customers
        if c["external_id"] not in existing_customers
    ]
    Customer.objects.bulk_create(new_customers, batch_size=500)
    customer_ids = dict(existing_customers)
    customer_ids.update({c.external_id: c.pk for c in new_customers})

    order_keys = [o["external_id"] for o in orders]
    existing_orders = set(
        Order.objects.filter(platform=Platform.DEMO, external_id__in=order_keys).values_list("external_id", flat=True)
    )
    fresh = [o for o in orders if o["external_id"] not in existing_orders]
    rate = base_rate(DEMO_ORDER_CURRENCY, base=settings.C2F_BASE_CURRENCY, per_usd=fx_rates_per_usd())
    order_rows = []
    for order in fresh:
        total = sum((line["unit_price"] * line["quantity"] for line in order["lines"]), Decimal("0.00"))
        link = _pick_link(order, links, link_markets, link_sent)
        order_rows.append(
            Order(
                cycle=cycle,
                customer_id=customer_ids[order["customer"]],
                platform=Platform.DEMO,
                external_id=order["external_id"],
                placed_at=order["placed_at"],
                market=order["market"],
                currency=DEMO_ORDER_CURRENCY,
                financial_status="paid",
                fulfillment_status="fulfilled",
                subtotal=total,
                total=total,
                gross=total,
                net=total,
                fx_rate=rate,
                gross_base=to_base(total, rate),
                net_base=to_base(total, rate),
                refunded_base=to_base(Decimal("0.00"), rate),
                item_count=sum(line["quantity"] for line in order["lines"]),
                tracked_link=link,
                is_demo=True,
            )
        )
    Order.objects.bulk_create(order_rows, batch_size=500)

    line_rows, review_rows = [], []
    for order, row in zip(fresh, order_rows):
        for line, (draw, text_draw, days) in zip(order["lines"], order["review_draws"]):
            amount = line["unit_price"] * line["quantity"]
            line_rows.append(
                OrderLine(order=row, product=line["sellable"].product, quantity=line["quantity"],
                          unit_price=line["unit_price"], amount=amount, amount_base=to_base(amount, rate))
            )
            if draw < 0.08 and row.placed_at + timedelta(days=days) <= until:
                rating = 5 if line["overlap"] >= 2 else 4 if line["overlap"] == 1 else 2 + int(text_draw * 2)
                texts = _REVIEW_TEXT[rating]
                review_rows.append(
                    Review(
                        product=line["sellable"].product,
                        customer_id=row.customer_id,
                        order=row,
                        source=ReviewSource.DEMO,
                        rating=rating,
                        text=texts[int(text_draw * len(texts))],
                        created_at=row.placed_at + timedelta(days=days),
                        is_demo=True,
                    )
                )
    OrderLine.objects.bulk_create(line_rows, batch_size=500)
    Review.objects.bulk_create(review_rows, batch_size=500)
    customer_figures_refresh(customer_ids={row.customer_id for row in order_rows})

    return {
        "customers": len(new_customers),
        "orders": len(order_rows),
        "lines": len(line_rows),
        "reviews": len(review_rows),
        "attributed": sum(1 for row in order_rows if row.tracked_link_id),
        "already_present": len(existing_orders),
        "markets": sorted({c["country"] for c in customers} & set(DEMO_MARKETS)),
    }

"""DEMO participants for the loop: a buyer panel, a partner factory, the panel's votes, pre-orders,
and the calendar their work is dated on.

Everything here is generated deterministically and flagged ``is_demo``; the
dashboard shows a banner wherever demo records appear. Emails go to the
reserved ``.example`` domain, which never delivers.

The loop plays a demo cycle's months in a second, so what its people do is dated on a
``DemoCalendar``: the round, then the batch made, shipped and received, then the campaign, its
posts and clicks, then the shop's orders, in that order and never after now.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.utils import timezone

from core.demo_catalog import DEMO_MARKETS
from core.models import Cycle
from design.models import Concept
from production.models import Factory, PreOrder
from production.services import factory_create, pre_order_create
from samples.models import Buyer, VoteRound
from samples.services import buyer_upsert, vote_record

DEMO_FACTORY_NAME = "Demo partner factory (Shaoxing)"

_FIRST = ["Emma", "Liam", "Olivia", "Noah", "Mia", "Lukas", "Hannah", "Oliver", "Sophie", "Jack", "Lena", "James"]
_LAST = ["Walker", "Schmidt", "Taylor", "Brown", "Fischer", "Clarke", "Meyer", "Wilson", "Becker", "Hughes", "Wagner", "Evans"]
_COMPANIES = {
    "US": ["Hearth & Loom Stores", "Prairie Home Goods", "Coastline Living"],
    "GB": ["Thistle Interiors", "Marlow Home", "Northgate Linens"],
    "DE": ["Wohnwerk Handel", "Nordlicht Textil", "Heimhaus Versand"],
}
# Which colours each market's buyers lean to (grey sells as blue grey in the US).
_MARKET_COLOUR_TASTE = {
    "US": {"blue grey": 5, "cream": 2, "sage green": 2},
    "GB": {"sage green": 4, "cream": 3, "blue grey": 2},
    "DE": {"cream": 4, "sage green": 2, "blue grey": 2},
}


# One demo cycle's story, in days from its start.
DEMO_CYCLE_DAYS = 120
ROUND_OPENS, ROUND_CLOSES = 2, 12
PRE_ORDERS_FROM, PRE_ORDERS_UNTIL = 3, 12
BATCH_ACCEPTED, BATCH_SHIPPED, BATCH_RECEIVED = 14, 38, 66
CAMPAIGN_STARTS = 67


@dataclass(frozen=True)
class DemoCalendar:
    """When the demo's people act on one cycle: ``day(n)`` is n days into its story, which runs
    from ``start`` to ``end`` (never after now)."""

    start: datetime
    end: datetime

    def day(self, days: float) -> datetime:
        return min(self.start + timedelta(days=days), self.end)


def demo_calendar(*, cycle: Cycle) -> DemoCalendar:
    """The demo story of ``cycle``: the first demo cycle's story ends ``DEMO_CYCLE_DAYS`` before it
    was opened, each following cycle's story the same time later, and none after now (a later
    cycle's story ends now). Deterministic: the same cycle always gets the same days."""
    first = Cycle.objects.filter(is_demo=True).order_by("number").values_list("number", "created_at").first()
    number, opened = first if first else (cycle.number, cycle.created_at)
    opened = opened.astimezone(dt_timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    start = opened - timedelta(days=2 * DEMO_CYCLE_DAYS) + timedelta(days=DEMO_CYCLE_DAYS) * (cycle.number - number)
    end = start + timedelta(days=DEMO_CYCLE_DAYS)
    now = timezone.now()
    if end > now:
        end = now
        start = now - timedelta(days=DEMO_CYCLE_DAYS)
    return DemoCalendar(start=start, end=end)


def demo_buyers_ensure(per_market: int = 16, markets: list[str] | None = None) -> list[Buyer]:
    """The demo buyer panel (idempotent); with ``markets``, only the buyers who buy for those markets."""
    rng = random.Random(2024)
    wanted = {m.upper() for m in markets} if markets else set(DEMO_MARKETS)
    buyers = []
    for market in DEMO_MARKETS:
        for i in range(per_market):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            buyers.append(
                buyer_upsert(
                    email=f"buyer{len(buyers) + 1:02d}.{market.lower()}@buyers.example",
                    name=f"{first} {last}",
                    company=_COMPANIES[market][i % len(_COMPANIES[market])],
                    country=market if market != "GB" else "GB",
                    markets=[market],
                    language="de" if market == "DE" else "en",
                    is_demo=True,
                )
            )
    return [buyer for buyer in buyers if buyer.markets and buyer.markets[0] in wanted]


def demo_factory_ensure() -> Factory:
    factory = Factory.objects.filter(name=DEMO_FACTORY_NAME).first()
    if factory is None:
        # The demo factory's API key is not printed: a real one comes from create_factory.
        factory, _key = factory_create(
            name=DEMO_FACTORY_NAME,
            categories=["blanket", "throw", "cushion cover", "bath towel", "duvet cover"],
            min_batch=150,
            lead_time_days=25,
            weekly_capacity=2500,
            is_demo=True,
        )
    return factory


def demo_votes_record(*, vote_round: VoteRound, appeal: float, seed: int) -> int:
    """The demo panel's votes on a round. ``appeal`` (0..1) shifts scores and quantities."""
    rng = random.Random(seed)
    concept = vote_round.sample.concept
    variants = list(concept.variants.order_by("sku"))
    recorded = 0
    invitations = vote_round.invitations.select_related("buyer").order_by("buyer__email")
    for invitation in invitations:
        if rng.random() > 0.8:  # a fifth of the panel does not answer
            continue
        market = (invitation.buyer.markets or [""])[0]
        taste = _MARKET_COLOUR_TASTE.get(market, {})
        weights = [taste.get(v.colour, 1) for v in variants]
        variant = rng.choices(variants, weights=weights)[0] if variants else None
        score = max(1, min(5, round(rng.gauss(2.9 + 1.6 * appeal, 0.8))))
        quantity = 0 if score <= 2 else rng.choice([24, 36, 48, 60, 72, 120]) * (score - 2) // 2
        price = (concept.target_price * Decimal(str(round(rng.uniform(0.42, 0.62), 2)))).quantize(Decimal("0.01"))
        vote_record(
            invitation=invitation,
            score=score,
            would_order_qty=quantity,
            preferred_variant=variant,
            acceptable_price=price,
            market=market,
            comment=rng.choice(
                [
                    "",
                    "Lovely hand feel, would take it for autumn.",
                    "Colour range works for our stores.",
                    "Price is tight for our margin.",
                    "Packaging needs a hanging card.",
                    "Strong trend in our region right now.",
                ]
            ),
            is_demo=True,
        )
        recorded += 1
    return recorded


def demo_pre_orders_create(*, concept: Concept, seed: int, between: tuple[datetime, datetime] | None = None) -> int:
    """A few DEMO pre-orders for ``concept``'s variants in its target markets; returns how many were created.

    Each market leans to one colour (its buyers' favourite among the concept's colours, or one
    drawn from ``seed``), so the split over variants is visibly uneven. References are
    ``DEMO-PRE-<concept id>-<n>`` on the ``demo`` channel: running it again with the same seed
    creates nothing new.
    """
    rng = random.Random(seed * 7919 + concept.pk)
    variants = list(concept.variants.order_by("sku"))
    markets = [m.strip().upper() for m in concept.target_markets or [] if isinstance(m, str) and m.strip()]
    if not variants or not markets:
        return 0
    colours = sorted({v.colour for v in variants})
    prefix = f"DEMO-PRE-{concept.pk}-"
    existing = set(
        PreOrder.objects.filter(channel=PreOrder.Channel.DEMO, reference__startswith=prefix).values_list(
            "reference", "variant_id", "market"
        )
    )
    since, until = between or (timezone.now() - timedelta(days=21), timezone.now() - timedelta(days=1))
    span = max(1, int((until - since).total_seconds()))
    created = number = 0
    for market in markets:
        taste = _MARKET_COLOUR_TASTE.get(market, {})
        liked = [c for c in colours if taste.get(c)]
        favourite = max(liked, key=lambda c: (taste[c], c)) if liked else rng.choice(colours)
        for index in range(rng.randint(5, 8)):
            colour = favourite if index == 0 or rng.random() < 0.75 else rng.choice(colours)
            variant = rng.choice([v for v in variants if v.colour == colour])
            # The first line of a market is a shop's wholesale PO; the rest are shoppers' pre-orders.
            quantity = 12 if index == 0 else rng.choice([1, 1, 1, 2, 2, 3, 4])
            offset = rng.randrange(span)
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            number += 1
            reference = f"{prefix}{number:03d}"
            if (reference, variant.pk, market) in existing:
                continue
            pre_order_create(
                variant=variant, market=market, quantity=quantity, reference=reference,
                channel=PreOrder.Channel.DEMO, is_demo=True,
                customer=f"{first.lower()}.{last.lower()}@shoppers.example",
                ordered_at=since + timedelta(seconds=offset),
            )
            created += 1
    return created

"""DEMO participants for the loop: a buyer panel, a partner factory, the panel's votes, pre-orders.

Everything here is generated deterministically and flagged ``is_demo``; the
dashboard shows a banner wherever demo records appear. Emails go to the
reserved ``.example`` domain, which never delivers.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo_catalog import DEMO_MARKETS
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


def demo_buyers_ensure(per_market: int = 8) -> list[Buyer]:
    rng = random.Random(2024)
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
    return buyers


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


def demo_pre_orders_create(*, concept: Concept, seed: int) -> int:
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
    now = timezone.now()
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
            days_ago, hours_ago = rng.randint(1, 20), rng.randint(0, 23)
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            number += 1
            reference = f"{prefix}{number:03d}"
            if (reference, variant.pk, market) in existing:
                continue
            pre_order_create(
                variant=variant, market=market, quantity=quantity, reference=reference,
                channel=PreOrder.Channel.DEMO, is_demo=True,
                customer=f"{first.lower()}.{last.lower()}@shoppers.example",
                ordered_at=now - timedelta(days=days_ago, hours=hours_ago),
            )
            created += 1
    return created

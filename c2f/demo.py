"""DEMO participants for the loop: a buyer panel, a partner factory, and the panel's votes.

Everything here is generated deterministically and flagged ``is_demo``; the
dashboard shows a banner wherever demo records appear. Emails go to the
reserved ``.example`` domain, which never delivers.
"""

import random
from decimal import Decimal

from core.demo_catalog import DEMO_MARKETS
from production.models import Factory
from production.services import factory_create
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

"""Link 2 writes: the lexicon, and opportunities mined from a cycle's hotspots."""

import math
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

from django.db import transaction

from core.models import Cycle
from hotspots.models import AmazonListing, Hotspot, RelatedQuery

from .lexicon import STARTER_LEXICON
from .mining import Matcher, TitleSupply
from .models import Attribute, Opportunity

# How much a perfect fit to last cycle's portrait briefs lifts an opportunity.
FIT_WEIGHT = 0.5
# A pair of attributes is scored a little below its parts: it is a guess about co-demand.
PAIR_DISCOUNT = 0.9
MAX_OPPORTUNITIES = 30
# Growth moves an opportunity by up to ±25 %; Amazon competition (0 crowded .. 1 open) by up to ±25 % when known.
GROWTH_WEIGHT = 0.25
COMPETITION_WEIGHT = 0.5
# Supply (share of the market's Amazon listing titles that already carry the attributes) by up to ±15 %.
SUPPLY_WEIGHT = 0.3
FORMULA = (
    "demand × pair_discount × (1 + 0.25·tanh(growth)) × (1 + 0.5·(competition − 0.5), or 1 when unknown) "
    "× (1 + 0.3·(0.5 − supply), or 1 when unknown) × (1 + 0.5·fit)"
)


def attribute_lexicon_seed() -> int:
    """Add the starter lexicon's missing attributes; returns how many were created."""
    existing = set(Attribute.objects.values_list("kind", "name"))
    new = [
        Attribute(kind=kind, name=name, synonyms=synonyms)
        for kind, terms in STARTER_LEXICON.items()
        for name, synonyms in terms.items()
        if (kind, name) not in existing
    ]
    Attribute.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def attribute_matcher() -> Matcher:
    return Matcher(Attribute.objects.values_list("kind", "name", "synonyms"))


def listing_supply(
    *, markets: Iterable[str] | None = None, matcher: Matcher | None = None
) -> dict[str, TitleSupply]:
    """Market -> the attributes in its Amazon listing titles (each ASIN's latest snapshot); one query.

    ``markets`` None reads every market. Markets without imported listings are left out: their supply is unknown."""
    matcher = matcher or attribute_matcher()
    latest: dict[tuple[str, str], str] = {}
    rows = AmazonListing.objects.all()
    if markets is not None:
        rows = rows.filter(market__in=set(markets))
    rows = rows.order_by("market", "asin", "-snapshot").values_list("market", "asin", "title")
    for market, asin, title in rows:
        latest.setdefault((market, asin), title)
    titles: dict[str, list[str]] = defaultdict(list)
    for (market, _asin), title in latest.items():
        titles[market].append(title)
    return {market: TitleSupply(found, matcher) for market, found in titles.items()}


def _fit(names: frozenset[str], fit_attribute_sets: list[frozenset[str]]) -> float:
    """Best share of an opportunity's attributes that a portrait brief asks for (0..1)."""
    if not fit_attribute_sets or not names:
        return 0.0
    return max(len(names & wanted) / len(names) for wanted in fit_attribute_sets)


def opportunities_mine(
    *, cycle: Cycle, fit_attribute_sets: Iterable[Iterable[str]] = ()
) -> list[Opportunity]:
    """Turn a cycle's hotspots into ranked opportunities (category + attributes + market).

    Single attributes come straight from hotspot keywords; pairs of attributes
    that shoppers search together (in the same keyword or its related queries)
    in one category and market become combined opportunities. Score parts:
    demand (mean hotspot score of the evidence), growth (mean growth of the
    evidence), competition (mean Amazon competition part of the evidence
    hotspots that have one; 1 = open, 0 = crowded with look-alikes), supply
    (when Amazon listings of the market are imported: the share of their titles
    that carry all the opportunity's attributes, so a set every look-alike
    already carries ranks lower and one nobody sells yet ranks higher), and fit to
    the briefs the caller passes in (the previous cycle's portrait segments).
    ``FORMULA`` says how they combine; every part is stored on the opportunity.
    """
    fit_sets = [frozenset(s) for s in fit_attribute_sets]
    matcher = attribute_matcher()
    hotspots = list(Hotspot.objects.filter(cycle=cycle).order_by("-score"))
    supply_by_market = listing_supply(markets={h.market for h in hotspots}, matcher=matcher)
    related = defaultdict(list)
    for keyword, market, query in RelatedQuery.objects.filter(
        keyword__in={h.keyword for h in hotspots}
    ).values_list("keyword", "market", "query"):
        related[(keyword, market)].append(query)

    groups: dict[tuple[str, str, frozenset[str]], list[Hotspot]] = defaultdict(list)
    for hotspot in hotspots:
        names = [name for _kind, name in matcher.find(hotspot.keyword)]
        category = hotspot.category or "uncategorised"
        for name in names:
            groups[(category, hotspot.market, frozenset([name]))].append(hotspot)
        co_searched = set(names)
        for query in related.get((hotspot.keyword, hotspot.market), []):
            co_searched.update(name for _kind, name in matcher.find(query))
        for pair in combinations(sorted(co_searched), 2):
            groups[(category, hotspot.market, frozenset(pair))].append(hotspot)

    # Attributes searched in different keywords of the same category and market also pair up.
    singles = defaultdict(list)
    for (category, market, names), evidence in groups.items():
        if len(names) == 1:
            singles[(category, market)].append((next(iter(names)), evidence))
    for (category, market), items in singles.items():
        items.sort(key=lambda item: -max(h.score for h in item[1]))
        for (a, ev_a), (b, ev_b) in combinations(items[:4], 2):
            key = (category, market, frozenset([a, b]))
            if key not in groups:
                groups[key] = ev_a + ev_b

    scored = []
    for (category, market, names), evidence in groups.items():
        evidence = list({h.pk: h for h in evidence}.values())
        demand = sum(h.score for h in evidence) / len(evidence)
        growth = sum(h.growth for h in evidence) / len(evidence)
        fit = _fit(names, fit_sets)
        discount = PAIR_DISCOUNT if len(names) > 1 else 1.0
        known = [
            h.components["parts"]["competition"] for h in evidence
            if isinstance(h.components, dict) and "competition" in (h.components.get("parts") or {})
        ]
        competition = sum(known) / len(known) if known else None
        growth_factor = 1 + GROWTH_WEIGHT * math.tanh(growth)
        competition_factor = 1.0 if competition is None else 1 + COMPETITION_WEIGHT * (competition - 0.5)
        titles = supply_by_market.get(market)
        supply = titles.share(names) if titles else None
        supply_factor = 1.0 if supply is None else 1 + SUPPLY_WEIGHT * (0.5 - supply)
        score = round(
            demand * discount * growth_factor * competition_factor * supply_factor * (1 + FIT_WEIGHT * fit), 2
        )
        components = {
            "demand": round(demand, 2),
            "growth": round(growth, 3),
            "growth_factor": round(growth_factor, 3),
            "competition": None if competition is None else round(competition, 3),
            "competition_factor": round(competition_factor, 3),
            "competition_known_for": f"{len(known)} of {len(evidence)} hotspots",
            "supply": None if supply is None else round(supply, 3),
            "supply_factor": round(supply_factor, 3),
            "supply_listings": titles.listings if titles else 0,
            "supply_matching": titles.matching(names) if titles else 0,
            "fit": round(fit, 2),
            "pair_discount": discount,
            "formula": FORMULA,
        }
        scored.append((score, category, market, names, evidence, components))
    scored.sort(key=lambda row: (-row[0], row[1], row[2], sorted(row[3])))
    scored = scored[:MAX_OPPORTUNITIES]

    attributes = {a.name: a for a in Attribute.objects.filter(name__in={n for row in scored for n in row[3]})}
    with transaction.atomic():
        existing = {o.key: o for o in Opportunity.objects.filter(cycle=cycle)}
        keep = []
        for rank, (score, category, market, names, evidence, components) in enumerate(scored, start=1):
            key = "|".join([category, market, *sorted(names)])
            opportunity = existing.pop(key, None) or Opportunity(cycle=cycle, key=key)
            opportunity.category, opportunity.market = category, market
            opportunity.score, opportunity.components, opportunity.rank = score, components, rank
            opportunity.is_demo = any(h.is_demo for h in evidence)
            opportunity.save()
            opportunity.attributes.set([attributes[n] for n in sorted(names)])
            opportunity.hotspots.set(evidence)
            keep.append(opportunity)
        # Opportunities no longer supported by the data go, unless a concept already grew from one.
        Opportunity.objects.filter(pk__in=[o.pk for o in existing.values()], concepts__isnull=True).delete()
    return keep

"""Opportunities from a cycle's hotspots: grouped by category, market and attribute set, scored, ranked. No Django.

Single attributes come straight from hotspot keywords; pairs of attributes that shoppers
search together (in the same keyword or its related queries) in one category and market
become combined opportunities, and so do the strongest single attributes of one category and
market taken two by two. Score parts: demand (mean hotspot score of the evidence), growth (mean
growth of the evidence), competition (mean Amazon competition part of the evidence hotspots
that have one; 1 = open, 0 = crowded with look-alikes), supply (when Amazon listings of the
market are known: the share of their titles that carry all the opportunity's attributes, so a
set every look-alike already carries ranks lower and one nobody sells yet ranks higher), and fit
to the briefs passed in (the previous cycle's portrait segments), and what shoppers said in
reviews (when customers handed review evidence over: requests for an attribute and praise lift
an opportunity carrying it, complaints about it lower it, in the same category and market or
where the review's category or market is unknown). ``FORMULA`` says how they combine; every part
is kept in the components.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from .mining import Matcher, TitleSupply

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
# The strongest single attributes of a category and market that pair up with each other.
SINGLES_PAIRED = 4
# Reviews move an opportunity by up to ±20 %: tanh of (requests + praise/2 − complaints) over REVIEW_SCALE
# reviews, so five requests lift it by about 15 % and a single one by 4 %. Modest on purpose: reviews
# speak of what was bought, searches of what is wanted.
REVIEW_WEIGHT = 0.2
REVIEW_SCALE = 5.0
REVIEW_PRAISE_WEIGHT = 0.5
FORMULA = (
    "demand × pair_discount × (1 + 0.25·tanh(growth)) × (1 + 0.5·(competition − 0.5), or 1 when unknown) "
    "× (1 + 0.3·(0.5 − supply), or 1 when unknown) × (1 + 0.5·fit) "
    "× (1 + 0.2·tanh((requests + praise/2 − complaints) / 5), or 1 without review evidence)"
)
UNCATEGORISED = "uncategorised"


@dataclass(frozen=True)
class HotspotEvidence:
    """What scoring needs of one hotspot; ``competition`` is the Amazon part of its score, None when unknown."""

    id: int
    keyword: str
    market: str
    category: str
    score: float
    growth: float
    competition: float | None = None
    is_demo: bool = False


@dataclass(frozen=True)
class ReviewSignal:
    """Reviews about one attribute: ``kind`` is complaint, request or praise; ``category`` and ``market``
    empty when unknown (then they count for every category or market)."""

    attribute: str
    kind: str
    count: int
    category: str = ""
    market: str = ""


@dataclass(frozen=True)
class ScoredOpportunity:
    key: str
    category: str
    market: str
    names: frozenset[str]
    score: float
    rank: int
    components: dict
    evidence: tuple[HotspotEvidence, ...]

    @property
    def is_demo(self) -> bool:
        return any(h.is_demo for h in self.evidence)


Group = tuple[str, str, frozenset[str]]


def opportunity_key(category: str, market: str, names: Iterable[str]) -> str:
    """``category|market|sorted attribute names``: stable across re-runs."""
    return "|".join([category, market, *sorted(names)])


def evidence_group(
    hotspots: Iterable[HotspotEvidence], *, related: Mapping[tuple[str, str], list[str]], matcher: Matcher
) -> dict[Group, list[HotspotEvidence]]:
    """(category, market, attribute set) -> the hotspots behind it, strongest-first as given.

    ``related`` maps a (keyword, market) to its related search queries; ``hotspots`` come
    strongest first, which decides the single attributes that pair up.
    """
    groups: dict[Group, list[HotspotEvidence]] = defaultdict(list)
    for hotspot in hotspots:
        names = [name for _kind, name in matcher.find(hotspot.keyword)]
        category = hotspot.category or UNCATEGORISED
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
        for (a, ev_a), (b, ev_b) in combinations(items[:SINGLES_PAIRED], 2):
            key = (category, market, frozenset([a, b]))
            if key not in groups:
                groups[key] = ev_a + ev_b
    return groups


def brief_fit(names: frozenset[str], fit_attribute_sets: list[frozenset[str]]) -> float:
    """Best share of an opportunity's attributes that a portrait brief asks for (0..1)."""
    if not fit_attribute_sets or not names:
        return 0.0
    return max(len(names & wanted) / len(names) for wanted in fit_attribute_sets)


def review_counts(
    names: frozenset[str], *, category: str, market: str, signals: Iterable[ReviewSignal]
) -> dict[str, int]:
    """Reviews about any of ``names`` that apply to ``category`` and ``market``, by kind."""
    counts = {"request": 0, "complaint": 0, "praise": 0}
    category, market = category.lower(), market.upper()
    for signal in signals:
        if signal.attribute not in names or signal.kind not in counts:
            continue
        if signal.category and signal.category.lower() != category:
            continue
        if signal.market and signal.market.upper() != market:
            continue
        counts[signal.kind] += signal.count
    return counts


def review_factor(counts: Mapping[str, int]) -> tuple[float, float]:
    """(net, factor): net = requests + praise/2 − complaints; factor = 1 + 0.2·tanh(net / 5)."""
    net = counts.get("request", 0) + REVIEW_PRAISE_WEIGHT * counts.get("praise", 0) - counts.get("complaint", 0)
    return net, 1 + REVIEW_WEIGHT * math.tanh(net / REVIEW_SCALE)


def group_score(
    names: frozenset[str],
    evidence: list[HotspotEvidence],
    *,
    titles: TitleSupply | None,
    fit_attribute_sets: list[frozenset[str]],
    reviews: Mapping[str, int] | None = None,
) -> tuple[float, dict]:
    """The score of one group of evidence and the parts it is made of (see ``FORMULA``); ``reviews``
    are the review counts by kind that apply to the group (``review_counts``)."""
    demand = sum(h.score for h in evidence) / len(evidence)
    growth = sum(h.growth for h in evidence) / len(evidence)
    fit = brief_fit(names, fit_attribute_sets)
    discount = PAIR_DISCOUNT if len(names) > 1 else 1.0
    known = [h.competition for h in evidence if h.competition is not None]
    competition = sum(known) / len(known) if known else None
    growth_factor = 1 + GROWTH_WEIGHT * math.tanh(growth)
    competition_factor = 1.0 if competition is None else 1 + COMPETITION_WEIGHT * (competition - 0.5)
    supply = titles.share(names) if titles else None
    supply_factor = 1.0 if supply is None else 1 + SUPPLY_WEIGHT * (0.5 - supply)
    reviews = reviews or {}
    reviewed = any(reviews.values())
    net, reviews_factor = review_factor(reviews) if reviewed else (0.0, 1.0)
    score = round(
        demand * discount * growth_factor * competition_factor * supply_factor * (1 + FIT_WEIGHT * fit) * reviews_factor,
        2,
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
        "reviews_requests": reviews.get("request", 0),
        "reviews_praise": reviews.get("praise", 0),
        "reviews_complaints": reviews.get("complaint", 0),
        "reviews_net": round(net, 1),
        "reviews_factor": round(reviews_factor, 3),
        "formula": FORMULA,
    }
    return score, components


def opportunities_rank(
    hotspots: Iterable[HotspotEvidence],
    *,
    related: Mapping[tuple[str, str], list[str]],
    matcher: Matcher,
    supply_by_market: Mapping[str, TitleSupply],
    fit_attribute_sets: Iterable[Iterable[str]] = (),
    review_signals: Iterable[ReviewSignal] = (),
    limit: int = MAX_OPPORTUNITIES,
) -> list[ScoredOpportunity]:
    """The best ``limit`` opportunities, ranked 1.. by score (ties by category, market, attribute names).

    ``review_signals`` (what shoppers said in reviews, by attribute) move the groups carrying
    those attributes; they never make a group on their own: demand comes from searches.
    """
    fit_sets = [frozenset(s) for s in fit_attribute_sets]
    signals = list(review_signals)
    scored = []
    for (category, market, names), evidence in evidence_group(hotspots, related=related, matcher=matcher).items():
        evidence = list({h.id: h for h in evidence}.values())
        reviews = review_counts(names, category=category, market=market, signals=signals) if signals else None
        score, components = group_score(
            names, evidence, titles=supply_by_market.get(market), fit_attribute_sets=fit_sets, reviews=reviews
        )
        scored.append((score, category, market, names, evidence, components))
    scored.sort(key=lambda row: (-row[0], row[1], row[2], sorted(row[3])))
    return [
        ScoredOpportunity(
            key=opportunity_key(category, market, names), category=category, market=market, names=names,
            score=score, rank=rank, components=components, evidence=tuple(evidence),
        )
        for rank, (score, category, market, names, evidence, components) in enumerate(scored[:limit], start=1)
    ]

"""Link 2 reads: the lexicon matcher, what opportunity mining reads (hotspots, related queries, listings),
ranked opportunities, and where attributes are in demand."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd
from django.db.models import Case, Min, Q, When
from django.urls import reverse

from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.dashboard.queries import correlated_count, correlated_first
from core.models import Cycle
from hotspots.models import AmazonKeywordMetric, AmazonListing, Hotspot, RelatedQuery, TrendPoint
from hotspots.selectors import HotspotsProgress, hotspots_cycle_progress

from .mining import Matcher, TitleSupply
from .models import Attribute, AttributeEvidence, Opportunity
from .scoring import HotspotEvidence, ReviewSignal


def attribute_matcher() -> Matcher:
    """The lexicon's attributes and their synonyms, ready to find in text; one query."""
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


def hotspot_evidence(*, cycle: Cycle) -> list[HotspotEvidence]:
    """The cycle's hotspots as opportunity mining reads them, strongest first; one query."""
    rows = (
        Hotspot.objects.filter(cycle=cycle)
        .order_by("-score", "id")
        .values_list("id", "keyword", "market", "category", "score", "growth", "components", "is_demo")
    )
    evidence = []
    for pk, keyword, market, category, score, growth, components, is_demo in rows:
        parts = (components.get("parts") if isinstance(components, dict) else None) or {}
        evidence.append(HotspotEvidence(
            id=pk, keyword=keyword, market=market, category=category, score=score, growth=growth,
            competition=parts.get("competition") if isinstance(parts, dict) else None, is_demo=is_demo,
        ))
    return evidence


def related_queries(*, keywords: Iterable[str]) -> dict[tuple[str, str], list[str]]:
    """(keyword, market) -> the queries searched with it (top, rising, breakout) for ``keywords``; one query."""
    related = defaultdict(list)
    for keyword, market, query in RelatedQuery.objects.filter(keyword__in=set(keywords)).values_list(
        "keyword", "market", "query"
    ):
        related[(keyword, market)].append(query)
    return dict(related)


def attribute_names() -> set[str]:
    """Every attribute name of the lexicon; one query."""
    return set(Attribute.objects.values_list("name", flat=True))


def _evidence_for(cycle: Cycle | None):
    rows = AttributeEvidence.objects.filter(source=AttributeEvidence.Source.REVIEWS)
    return rows.filter(cycle__isnull=True) if cycle is None else rows.filter(Q(cycle__isnull=True) | Q(cycle=cycle))


def review_signals(*, cycle: Cycle) -> list[ReviewSignal]:
    """What shoppers said in reviews, as opportunity mining reads it: the evidence handed over for
    every cycle and for ``cycle``; one query."""
    return [
        ReviewSignal(attribute=name, kind=kind, count=count, category=category, market=market)
        for name, kind, count, category, market in _evidence_for(cycle)
        .order_by("attribute__name", "kind", "category", "market")
        .values_list("attribute__name", "kind", "count", "category", "market")
    ]


def review_evidence_for_opportunity(*, opportunity: Opportunity) -> list[AttributeEvidence]:
    """The review evidence about an opportunity's attributes that applies to its category and market
    (or whose category or market is unknown), requests first; two queries."""
    names = [a.name for a in opportunity.attributes.all()]
    return list(
        _evidence_for(opportunity.cycle)
        .filter(attribute__name__in=names)
        .filter(Q(category="") | Q(category__iexact=opportunity.category))
        .filter(Q(market="") | Q(market__iexact=opportunity.market))
        .select_related("attribute")
        .order_by(
            Case(When(kind="request", then=0), When(kind="complaint", then=1), default=2), "-count", "attribute__name",
        )
    )


def opportunities_ranked(*, cycle: Cycle):
    return Opportunity.objects.filter(cycle=cycle).prefetch_related("attributes").order_by("rank")


def opportunity_top(*, cycle: Cycle) -> Opportunity | None:
    return opportunities_ranked(cycle=cycle).first()


def opportunity_list_for_hotspot(*, hotspot: Hotspot) -> list[Opportunity]:
    """The opportunities a hotspot is evidence for, by rank; two queries (attributes prefetched)."""
    return list(
        Opportunity.objects.filter(hotspots=hotspot).select_related("cycle").prefetch_related("attributes").order_by("rank")
    )


@dataclass
class AttributeDemand:
    """Attributes found in a cycle's hotspots (their keywords and related queries), market by market."""

    attributes: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # (attribute, market) -> mean hotspot score of the keywords naming it; and how many.
    by_market: dict[tuple[str, str], float] = field(default_factory=dict)
    count_by_market: dict[tuple[str, str], int] = field(default_factory=dict)
    # (attribute, category) -> hotspots naming it.
    by_category: dict[tuple[str, str], int] = field(default_factory=dict)
    # Attribute pairs searched together (same keyword or its related queries), and attribute x category.
    pairs: list[tuple[str, str, int]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    # (attribute, category, market) -> hotspot series ids naming it, for demand over time.
    series: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    # Amazon keyword-tool phrases: (attribute, market) -> summed monthly search volume of the phrases naming it.
    amazon_volume: dict[tuple[str, str], int] = field(default_factory=dict)
    amazon_markets: list[str] = field(default_factory=list)
    amazon_attributes: list[str] = field(default_factory=list)
    # Amazon listing titles: (attribute, market) -> share of the market's listings whose title carries it.
    supply: dict[tuple[str, str], float] = field(default_factory=dict)
    supply_listings: dict[str, int] = field(default_factory=dict)
    supply_attributes: list[str] = field(default_factory=list)

    @property
    def supply_markets(self) -> list[str]:
        return sorted(self.supply_listings)

    def supply_matrix(self) -> list[list[float | None]]:
        """Percent of listings, attribute by attribute (rows) and market by market (columns)."""
        return [
            [round(100 * self.supply.get((a, m), 0.0), 1) for m in self.supply_markets] for a in self.supply_attributes
        ]

    def amazon_matrix(self) -> list[list[int | None]]:
        return [[self.amazon_volume.get((a, m)) for m in self.amazon_markets] for a in self.amazon_attributes]

    def matrix(self, *, by: str = "market") -> list[list[float | None]]:
        if by == "market":
            return [[self.by_market.get((a, m)) for m in self.markets] for a in self.attributes]
        return [[self.by_category.get((a, c)) for c in self.categories] for a in self.attributes]


def attribute_demand(*, cycle: Cycle, market: str = "", category: str = "") -> AttributeDemand:
    """Mine the lexicon's attributes out of the cycle's hotspot keywords and their related queries (three queries)."""
    matcher = attribute_matcher()
    hotspots = Hotspot.objects.filter(cycle=cycle).only("keyword", "market", "category", "score", "series_id")
    if market:
        hotspots = hotspots.filter(market__iexact=market)
    if category:
        hotspots = hotspots.filter(category__iexact=category)
    hotspots = list(hotspots.order_by("-score", "keyword", "market"))
    related = defaultdict(list)
    for keyword, mkt, query in RelatedQuery.objects.filter(keyword__in={h.keyword for h in hotspots}).values_list(
        "keyword", "market", "query"
    ):
        related[(keyword, mkt)].append(query)
    result = AttributeDemand()
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    pairs: Counter = Counter()
    for hotspot in hotspots:
        own = matcher.find(hotspot.keyword)
        for kind, name in own:
            result.kinds[name] = kind
            scores[(name, hotspot.market)].append(hotspot.score)
            cat = hotspot.category or "uncategorised"
            result.by_category[(name, cat)] = result.by_category.get((name, cat), 0) + 1
            result.series.setdefault((name, cat, hotspot.market), []).append(hotspot.series_id)
        together = {name for _k, name in own}
        for query in related.get((hotspot.keyword, hotspot.market), []):
            found = matcher.find(query)
            result.kinds.update({name: kind for kind, name in found})
            together.update(name for _k, name in found)
        for a, b in combinations(sorted(together), 2):
            pairs[(a, b)] += 1
    result.by_market = {key: round(sum(v) / len(v), 2) for key, v in scores.items()}
    result.count_by_market = {key: len(v) for key, v in scores.items()}
    totals = Counter()
    for (name, _m), value in result.by_market.items():
        totals[name] += value * result.count_by_market[(name, _m)]
    result.attributes = [name for name, _t in totals.most_common()]
    result.markets = sorted({m for _a, m in result.by_market})
    result.categories = sorted({c for _a, c in result.by_category})
    result.pairs = [(a, b, n) for (a, b), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))]
    _amazon_volume(result, matcher=matcher, market=market)
    _listing_supply(result, matcher=matcher, market=market)
    return result


def _listing_supply(result: AttributeDemand, *, matcher, market: str) -> None:
    """Attributes in Amazon listing titles, as the share of each market's listings carrying them (one query)."""
    by_market = listing_supply(markets={market.upper()} if market else None, matcher=matcher)
    totals: Counter = Counter()
    for mkt, titles in by_market.items():
        result.supply_listings[mkt] = titles.listings
        for name, share in titles.shares().items():
            result.supply[(name, mkt)] = share
            totals[name] += share
        for name, kind in titles.kinds.items():
            result.kinds.setdefault(name, kind)
    result.supply_attributes = [name for name, _t in totals.most_common(40)]


def _amazon_volume(result: AttributeDemand, *, matcher, market: str) -> None:
    """Attributes in Amazon keyword-tool phrases, weighted by search volume; each phrase's latest snapshot."""
    metrics = AmazonKeywordMetric.objects.filter(search_volume__isnull=False)
    if market:
        metrics = metrics.filter(market__iexact=market)
    seen = set()
    volume: Counter = Counter()
    for keyword, mkt, searches in metrics.order_by("keyword", "market", "-snapshot", "tool").values_list(
        "keyword", "market", "search_volume"
    ):
        if (keyword, mkt) in seen:
            continue
        seen.add((keyword, mkt))
        for kind, name in matcher.find(keyword):
            result.kinds.setdefault(name, kind)
            volume[(name, mkt)] += searches
    result.amazon_volume = dict(volume)
    totals: Counter = Counter()
    for (name, _m), searches in volume.items():
        totals[name] += searches
    result.amazon_attributes = [name for name, _t in totals.most_common(40)]
    result.amazon_markets = sorted({m for _a, m in volume})


def attribute_demand_over_time(*, demand: AttributeDemand, attributes: list[str], freq: str = "MS") -> pd.DataFrame:
    """Monthly mean search interest of the hotspot series naming each attribute (one query):
    columns ``attribute · category · market``, one row per month."""
    wanted = {key: ids for key, ids in demand.series.items() if key[0] in set(attributes)}
    ids = {i for series_ids in wanted.values() for i in series_ids}
    if not ids:
        return pd.DataFrame()
    frame = pd.DataFrame.from_records(
        TrendPoint.objects.filter(series_id__in=ids, is_partial=False).values_list("series_id", "date", "value"),
        columns=["series_id", "date", "value"],
    )
    if frame.empty:
        return pd.DataFrame()
    frame["date"] = pd.to_datetime(frame["date"])
    columns = {}
    for (name, cat, mkt), series_ids in sorted(wanted.items()):
        part = frame[frame["series_id"].isin(series_ids)]
        if part.empty:
            continue
        columns[f"{name} · {cat} · {mkt or 'world'}"] = part.set_index("date")["value"].resample(freq).mean()
    return pd.DataFrame(columns).sort_index()


@dataclass(frozen=True, kw_only=True)
class AnalysisProgress(LinkProgress):
    opportunities: int
    top_opportunity_id: int | None
    top_opportunity_rank: int | None


def analysis_cycle_progress(*, cycle: Cycle, hotspots: HotspotsProgress | None = None) -> AnalysisProgress:
    """Link 2 on ``cycle``: ranked opportunities and the first of them. One query, and link 1's
    when its progress is not handed in."""
    if hotspots is None:
        hotspots = hotspots_cycle_progress(cycle=cycle)
    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_opportunities=correlated_count(Opportunity, link="cycle"),
            top_pk=correlated_first(Opportunity, link="cycle", field="pk", order_by=("rank", "pk")),
            top_rank=correlated_first(Opportunity, link="cycle", field="rank", order_by=("rank", "pk")),
        )
        .values("n_opportunities", "top_pk", "top_rank")
        .get()
    )
    if row["top_pk"] is not None:
        state = ProgressState.DONE
        action, url = f"Review opportunity #{row['top_rank']}", reverse("analysis:detail", args=[row["top_pk"]])
    elif hotspots.hotspots:
        state = ProgressState.IN_PROGRESS
        action, url = f"Mine opportunities from {hotspots.hotspots} hotspots", cycle_list_url("analysis:list", cycle=cycle)
    else:
        state, action, url = ProgressState.NOT_STARTED, "Waits for hotspots", cycle_list_url("hotspots:list", cycle=cycle)
    return AnalysisProgress(
        state=state,
        next_action=action,
        next_url=url,
        counts=(("opportunities", str(row["n_opportunities"])),),
        opportunities=row["n_opportunities"],
        top_opportunity_id=row["top_pk"],
        top_opportunity_rank=row["top_rank"],
    )


def opportunities_first_created(*, opportunity_ids) -> datetime.datetime | None:
    """When the first of ``opportunity_ids`` was mined, or None when there is none; one query."""
    return Opportunity.objects.filter(pk__in=list(opportunity_ids)).aggregate(first=Min("created_at"))["first"]

"""Link 1 reads."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from core import formats
from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.dashboard.queries import correlated_aggregate, correlated_count, correlated_first
from core.dashboard.todo import RECENT_DAYS, SECTION_LIMIT, TodoItem
from core.models import Cycle, TaskRun

from .models import (
    AmazonKeywordMetric,
    Granularity,
    Hotspot,
    RegionInterest,
    RelatedQuery,
    RelatedTopic,
    TrendImport,
    TrendPoint,
    TrendSeries,
    WatchKeyword,
    Watchlist,
)

# Which series of a keyword and market to score and chart when several were stored.
GRANULARITY_PREFERENCE = [Granularity.WEEK, Granularity.DAY, Granularity.MONTH, Granularity.HOURS, Granularity.MINUTES]


def series_preference(series: TrendSeries) -> tuple:
    """Sort key among a keyword and market's series: the preferred granularity first, then the newest."""
    return (GRANULARITY_PREFERENCE.index(series.granularity), -series.updated_at.timestamp())


def hotspot_list(*, cycle: Cycle) -> QuerySet[Hotspot]:
    return Hotspot.objects.filter(cycle=cycle).select_related("series").order_by("-score", "keyword", "market")


def trend_series_points(*, series: TrendSeries) -> list[tuple]:
    """(date, value, is_partial) in date order: what a sparkline or chart draws."""
    return list(TrendPoint.objects.filter(series=series).order_by("date").values_list("date", "value", "is_partial"))


def trend_points_by_series(*, series_ids: list[int]) -> dict[int, list[tuple]]:
    """Points of many series in one query (for sparklines on a list page)."""
    points: dict[int, list[tuple]] = {pk: [] for pk in series_ids}
    for series_id, day, value, partial in (
        TrendPoint.objects.filter(series_id__in=series_ids)
        .order_by("series_id", "date")
        .values_list("series_id", "date", "value", "is_partial")
    ):
        points[series_id].append((day, value, partial))
    return points


def related_query_list(*, keyword: str, market: str) -> QuerySet[RelatedQuery]:
    return RelatedQuery.objects.filter(keyword__iexact=keyword, market=market)


def watchlist_list(*, cycle: Cycle) -> QuerySet[Watchlist]:
    return Watchlist.objects.filter(cycle=cycle).prefetch_related("keywords").order_by("id")


def trend_import_list() -> QuerySet[TrendImport]:
    return TrendImport.objects.order_by("-created_at", "-id")


def keyword_series_by_market(*, keyword: str) -> dict[str, list[tuple]]:
    """Each market's preferred series of a keyword (weekly, then daily, monthly, daily means of hourly and 8-minute
    points; case-insensitive):
    market -> [(date, value)] for a chart, in two queries."""
    chosen: dict[str, TrendSeries] = {}
    for series in TrendSeries.objects.filter(keyword__iexact=keyword).order_by("id"):
        best = chosen.get(series.market)
        if best is None or series_preference(series) < series_preference(best):
            chosen[series.market] = series
    points = trend_points_by_series(series_ids=[s.pk for s in chosen.values()])
    return {market: [(d, v) for d, v, _p in points[s.pk]] for market, s in sorted(chosen.items())}


def amazon_metric_list(*, keyword: str) -> QuerySet[AmazonKeywordMetric]:
    return AmazonKeywordMetric.objects.filter(keyword=" ".join(keyword.split()).casefold()).order_by("market", "-snapshot")


def task_run_imports(*, task_run: TaskRun) -> QuerySet[TrendImport]:
    return TrendImport.objects.filter(task_run=task_run).order_by("id")


def import_task_runs(*, limit: int = 10) -> list[TaskRun]:
    return list(TaskRun.objects.filter(kind="hotspots.import").order_by("-created_at", "-id")[:limit])


def series_recent_values(*, series_ids: list[int], n: int = 52) -> dict[int, list[float | None]]:
    """The last ``n`` values of each series, oldest first, in one query."""
    if not series_ids:
        return {}
    rows = (
        TrendPoint.objects.filter(series_id__in=set(series_ids))
        .annotate(position=Window(RowNumber(), partition_by=[F("series_id")], order_by=F("date").desc()))
        .filter(position__lte=n)
        .order_by("series_id", "date")
        .values_list("series_id", "value")
    )
    values: dict[int, list[float | None]] = defaultdict(list)
    for series_id, value in rows:
        values[series_id].append(value)
    return dict(values)


def watchlist_exists(*, cycle: Cycle) -> bool:
    return Watchlist.objects.filter(cycle=cycle).exists()


def watch_keyword_list(*, cycle: Cycle) -> list[str]:
    """The keywords the cycle's watchlists follow, as entered."""
    return list(WatchKeyword.objects.filter(watchlist__cycle=cycle).order_by("id").values_list("keyword", flat=True))


def watchlist_markets(*, cycle: Cycle) -> list[str]:
    """Every market any of the cycle's watchlists covers, sorted."""
    return sorted({m for markets in Watchlist.objects.filter(cycle=cycle).values_list("markets", flat=True) for m in markets})


@dataclass(frozen=True, kw_only=True)
class HotspotsProgress(LinkProgress):
    watchlists: int
    watch_keywords: int
    hotspots: int


def hotspots_cycle_progress(*, cycle: Cycle) -> HotspotsProgress:
    """Link 1 on ``cycle``: watchlists, scored hotspots and the top one. One query."""
    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_watchlists=correlated_count(Watchlist, link="cycle"),
            n_watch_keywords=correlated_count(WatchKeyword, link="watchlist__cycle"),
            n_hotspots=correlated_count(Hotspot, link="cycle"),
            n_keywords=correlated_aggregate(Hotspot, link="cycle", aggregate=Count("keyword", distinct=True), default=0),
            n_markets=correlated_aggregate(Hotspot, link="cycle", aggregate=Count("market", distinct=True), default=0),
            top_score=correlated_aggregate(Hotspot, link="cycle", aggregate=Max("score")),
            top_pk=correlated_first(Hotspot, link="cycle", field="pk", order_by=("-score", "keyword")),
            top_keyword=correlated_first(Hotspot, link="cycle", field="keyword", order_by=("-score", "keyword")),
        )
        .values("n_watchlists", "n_watch_keywords", "n_hotspots", "n_keywords", "n_markets", "top_score", "top_pk", "top_keyword")
        .get()
    )
    if row["n_hotspots"]:
        state = ProgressState.DONE
        action, url = f"Review top hotspot “{row['top_keyword']}”", reverse("hotspots:detail", args=[row["top_pk"]])
    elif row["n_watch_keywords"]:
        state, action, url = ProgressState.IN_PROGRESS, "Import trend exports", cycle_list_url("hotspots:list", cycle=cycle)
    else:
        state, action, url = ProgressState.NOT_STARTED, "Create a watchlist", reverse("admin:hotspots_watchlist_add")
    top_score = row["top_score"]
    return HotspotsProgress(
        state=state,
        next_action=action,
        next_url=url,
        counts=(
            ("watchlists", f"{row['n_watchlists']} ({row['n_watch_keywords']} keywords)"),
            ("hotspots", f"{row['n_keywords']} keywords × {row['n_markets']} markets"),
            ("top score", f"{top_score:.2f}" if top_score is not None else "—"),
        ),
        watchlists=row["n_watchlists"],
        watch_keywords=row["n_watch_keywords"],
        hotspots=row["n_hotspots"],
    )


def series_of_imports(*, import_ids: list[int]) -> dict[int, list[TrendSeries]]:
    """The series each import last wrote (links on the upload report); one query."""
    found: dict[int, list[TrendSeries]] = {}
    for series in TrendSeries.objects.filter(last_import_id__in=import_ids).order_by("keyword", "market"):
        found.setdefault(series.last_import_id, []).append(series)
    return found


def open_cycle() -> Cycle | None:
    """The newest cycle that is not closed: the one the "Score hotspots" button scores."""
    return Cycle.objects.exclude(status=Cycle.Status.CLOSED).order_by("-number").first()


def keyword_regions_by_market(*, keyword: str, limit: int = 15) -> dict[str, list[RegionInterest]]:
    """market -> its regions ranked by interest (highest first, empty cells last), case-insensitive; one query."""
    by_market: dict[str, list[RegionInterest]] = {}
    rows = RegionInterest.objects.filter(keyword__iexact=keyword).order_by("market", F("value").desc(nulls_last=True), "region")
    for row in rows:
        regions = by_market.setdefault(row.market, [])
        if len(regions) < limit and row.value is not None:
            regions.append(row)
    return {market: regions for market, regions in by_market.items() if regions}


def keyword_topics_by_market(*, keyword: str) -> dict[str, dict[str, list[RelatedTopic]]]:
    """market -> {"top": [...], "rising": [...]} related topics in Google's order; one query."""
    found: dict[str, dict[str, list[RelatedTopic]]] = {}
    for topic in RelatedTopic.objects.filter(keyword__iexact=keyword).order_by("market", "kind", "rank"):
        found.setdefault(topic.market, {"top": [], "rising": []})[topic.kind].append(topic)
    return found


def hotspots_behind(*, opportunity_ids, limit: int = 20) -> list[dict]:
    """The highest-scored hotspots behind ``opportunity_ids`` (at most ``limit``), as ``{"keyword", "market",
    "score"}``; one query."""
    return list(
        Hotspot.objects.filter(opportunities__in=list(opportunity_ids)).distinct()
        .order_by("-score", "keyword").values("keyword", "market", "score")[:limit]
    )


def hotspots_todo(*, limit: int = SECTION_LIMIT) -> list[TodoItem]:
    """Imported files and live pulls that failed in the last ``RECENT_DAYS`` days and were not
    imported since; files belong to no cycle. One query."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    fixed = TrendImport.objects.filter(
        filename=OuterRef("filename"), status=TrendImport.Status.OK, created_at__gt=OuterRef("created_at")
    )
    failed = (
        TrendImport.objects.filter(status=TrendImport.Status.FAILED, created_at__gte=since)
        .filter(~Exists(fixed))
        .order_by("-created_at", "-pk")
    )
    items = []
    for record in failed[:limit]:
        url = (
            reverse("hotspots:import_run", args=[record.task_run_id]) if record.task_run_id
            else f"{reverse('hotspots:imports')}?status={TrendImport.Status.FAILED}"
        )
        items.append(TodoItem(
            section="import_failed", title=record.filename, urgent=True, when=record.created_at,
            detail=f"{record.get_source_display()}, {formats.datetime_(record.created_at)}: {record.error[:160]}",
            action="See why", url=url,
        ))
    return items

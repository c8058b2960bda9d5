"""Link 1 reads."""

from django.db.models import QuerySet

from core.models import Cycle, TaskRun

from .models import AmazonKeywordMetric, Hotspot, RelatedQuery, TrendImport, TrendPoint, TrendSeries, Watchlist


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
    """Each market's preferred series of a keyword (weekly, then daily, monthly, hourly; case-insensitive):
    market -> [(date, value)] for a chart, in two queries."""
    rank = {"week": 0, "day": 1, "month": 2, "hour": 3}
    chosen: dict[str, TrendSeries] = {}
    for series in TrendSeries.objects.filter(keyword__iexact=keyword).order_by("id"):
        best = chosen.get(series.market)
        if best is None or (rank[series.granularity], -series.updated_at.timestamp()) < (
            rank[best.granularity], -best.updated_at.timestamp()
        ):
            chosen[series.market] = series
    points = trend_points_by_series(series_ids=[s.pk for s in chosen.values()])
    return {market: [(d, v) for d, v, _p in points[s.pk]] for market, s in sorted(chosen.items())}


def amazon_metric_list(*, keyword: str) -> QuerySet[AmazonKeywordMetric]:
    return AmazonKeywordMetric.objects.filter(keyword=" ".join(keyword.split()).casefold()).order_by("market", "-snapshot")


def task_run_imports(*, task_run: TaskRun) -> QuerySet[TrendImport]:
    return TrendImport.objects.filter(task_run=task_run).order_by("id")


def import_task_runs(*, limit: int = 10) -> list[TaskRun]:
    return list(TaskRun.objects.filter(kind="hotspots.import").order_by("-created_at", "-id")[:limit])

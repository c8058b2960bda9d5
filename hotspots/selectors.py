"""Link 1 reads."""

from django.db.models import QuerySet

from core.models import Cycle

from .models import Hotspot, RelatedQuery, TrendImport, TrendPoint, TrendSeries, Watchlist


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

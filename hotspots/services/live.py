"""Live pulls: a watchlist's keywords asked of Google Trends through pytrends or SerpApi, stored like imports."""

from django.db import transaction

from ..models import LiveSource, TrendImport, Watchlist
from ..sources.base import RateLimited, SourceError
from .imports import ImportReport, region_interest_store, related_list_store, trend_series_upsert


def live_source_for(*, watchlist: Watchlist):
    """The watchlist's chosen source; SerpApi only when a key is configured."""
    from ..sources import serpapi_source
    from ..sources.pytrends_source import PytrendsSource

    if watchlist.live_source == LiveSource.SERPAPI:
        if not serpapi_source.is_configured():
            raise SourceError("this watchlist pulls through SerpApi, but SERPAPI_API_KEY is not set")
        return serpapi_source.SerpApiSource()
    return PytrendsSource()


def fallback_source():
    """SerpApi when pytrends is refused and a key is set, else None (the task retries pytrends later)."""
    from ..sources import serpapi_source

    return serpapi_source.SerpApiSource() if serpapi_source.is_configured() else None


def trends_pull(*, watchlist: Watchlist, source=None, fallback=None) -> list[ImportReport]:
    """Pull a watchlist's keywords live, one market at a time, one transaction and TrendImport per market.

    A market refused by the source (HTTP 429) is asked of ``fallback`` (SerpApi when configured, for a
    pytrends watchlist) before giving up; ``RateLimited`` then propagates (the task retries it with backoff);
    markets pulled before it stay stored, the refused market stores nothing. Through SerpApi each keyword's
    interest by region and related queries and topics are pulled and stored too.
    """
    if source is None:
        try:
            source = live_source_for(watchlist=watchlist)
        except SourceError as exc:
            record = _log_failed(watchlist, "", watchlist.live_source, str(exc))
            return [ImportReport(filename=record.filename, kind=record.kind, status=record.status, error=str(exc),
                                 import_id=record.pk)]
        if fallback is None and source.name == "pytrends":
            fallback = fallback_source()
    keywords = list(watchlist.keywords.order_by("id").values_list("keyword", flat=True))
    reports = []
    for market in watchlist.markets or [""]:
        used = source
        try:
            try:
                series = used.interest_over_time(keywords=keywords, market=market, timeframe=watchlist.timeframe)
            except RateLimited as refused:
                if fallback is None:
                    raise
                _log_failed(watchlist, market, used.name, f"refused, asked {fallback.name} instead: {refused}")
                used = fallback
                series = used.interest_over_time(keywords=keywords, market=market, timeframe=watchlist.timeframe)
            extras = _extras(used, keywords=keywords, market=market, timeframe=watchlist.timeframe)
        except RateLimited as exc:
            # Logged for the run log, then handed to the task, which retries later with backoff.
            _log_failed(watchlist, market, used.name, f"refused, will retry later: {exc}")
            raise
        except SourceError as exc:
            report = ImportReport(filename=_name(watchlist, market), kind=used.name)
            report.status, report.error = TrendImport.Status.FAILED, str(exc)
            report.import_id = _log_failed(watchlist, market, used.name, str(exc)).pk
            reports.append(report)
            continue
        reports.append(_store_pull(watchlist, market, used.name, series, extras))
    return reports


def _name(watchlist: Watchlist, market: str) -> str:
    return f"{watchlist.name} [{market or 'worldwide'}]"[:255]


def _log_failed(watchlist: Watchlist, market: str, source_name: str, error: str) -> TrendImport:
    return TrendImport.objects.create(
        filename=_name(watchlist, market), kind=source_name, source=source_name,
        status=TrendImport.Status.FAILED, error=error,
    )


def _extras(source, *, keywords: list[str], market: str, timeframe: str) -> list:
    """Regions and related lists per keyword, from a source that offers them (SerpApi)."""
    if not hasattr(source, "related_queries"):
        return []
    found = []
    for keyword in keywords:
        found.append(source.interest_by_region(keyword=keyword, market=market, timeframe=timeframe))
        found.append(source.related_queries(keyword=keyword, market=market, timeframe=timeframe))
        found.append(source.related_topics(keyword=keyword, market=market, timeframe=timeframe))
    return found


def _store_pull(watchlist: Watchlist, market: str, source_name: str, series, extras) -> ImportReport:
    from .. import importers

    report = ImportReport(filename=_name(watchlist, market), kind=source_name)
    with transaction.atomic():
        record = TrendImport.objects.create(
            filename=report.filename, kind=source_name, source=source_name, status=TrendImport.Status.OK,
        )
        report.new, report.updated, report.unchanged = trend_series_upsert(
            source=source_name, series=series, record=record,
        )
        for parsed in extras:
            if isinstance(parsed, importers.GeoMap):
                region_interest_store(parsed=parsed, report=report, is_demo=False, source=source_name)
            else:
                related_list_store(parsed=parsed, report=report, is_demo=False, source=source_name)
        record.new, record.updated, record.unchanged = report.new, report.updated, report.unchanged
        record.save(update_fields=["new", "updated", "unchanged"])
        report.import_id = record.pk
    return report


__all__ = ["fallback_source", "live_source_for", "trends_pull"]

"""Link 1 writes: trend imports, watchlists and hotspot scores."""

import pathlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import Cycle

from . import importers
from .importers import ImportProblem
from .models import (
    Granularity,
    Hotspot,
    RegionInterest,
    RelatedQuery,
    TrendImport,
    TrendPoint,
    TrendSeries,
    TrendSource,
    Watchlist,
    WatchKeyword,
)
from .scoring import PERIODS_PER_YEAR, score_series

BATCH = 500
GRANULARITY_PREFERENCE = [Granularity.WEEK, Granularity.DAY, Granularity.MONTH, Granularity.HOUR]


@dataclass
class ImportReport:
    filename: str
    kind: str = ""
    status: str = TrendImport.Status.OK
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error: str = ""
    line: int | None = None
    field: str | None = None
    import_id: int | None = None


def trends_import_files(
    *,
    paths: list[pathlib.Path] | None = None,
    uploads: list[tuple[str, bytes]] | None = None,
    is_demo: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[ImportReport]:
    """Import Google Trends exports; one transaction per file, one TrendImport row per file.

    A file that fails stores nothing of its own and leaves earlier files in place.
    Re-importing a file changes nothing (every row comes back "unchanged").
    """
    items: list[tuple[str, bytes | OSError]] = []
    for path in paths or []:
        path = pathlib.Path(path)
        try:
            items.append((path.name, path.read_bytes()))
        except OSError as exc:
            items.append((path.name, exc))
    items.extend(uploads or [])
    reports = []
    for done, (filename, data) in enumerate(items, start=1):
        reports.append(_import_one(filename, data, is_demo=is_demo))
        if progress:
            progress(done, len(items))
    return reports


def _import_one(filename: str, data: bytes | OSError, *, is_demo: bool) -> ImportReport:
    report = ImportReport(filename=filename[:255])
    try:
        if isinstance(data, OSError):
            raise ImportProblem(filename, None, None, f"cannot read the file ({data.strerror or data})")
        parsed = importers.parse_export(data, filename)
        report.kind = parsed.kind
        with transaction.atomic():
            record = TrendImport.objects.create(
                filename=report.filename, kind=parsed.kind, source=TrendSource.TRENDS_EXPORT,
                status=TrendImport.Status.OK, is_demo=is_demo,
            )
            if isinstance(parsed, importers.MultiTimeline):
                _store_timeline(parsed, record=record, report=report, is_demo=is_demo)
            elif isinstance(parsed, importers.GeoMap):
                _store_geo_map(parsed, report=report, is_demo=is_demo)
            else:
                _store_related(parsed, report=report, is_demo=is_demo)
            record.new, record.updated = report.new, report.updated
            record.unchanged, record.rejected = report.unchanged, report.rejected
            record.save(update_fields=["new", "updated", "unchanged", "rejected"])
            report.import_id = record.pk
    except ImportProblem as problem:
        report = ImportReport(
            filename=report.filename, kind=report.kind, status=TrendImport.Status.FAILED,
            error=problem.reason, line=problem.line, field=problem.field,
        )
        record = TrendImport.objects.create(
            filename=report.filename, kind=report.kind, source=TrendSource.TRENDS_EXPORT,
            status=TrendImport.Status.FAILED, error=problem.message, is_demo=is_demo,
        )
        report.import_id = record.pk
    return report


def trend_series_upsert(
    *, source: str, series: list[importers.TimelineSeries], category: str = "", is_demo: bool = False,
    record: TrendImport | None = None,
) -> tuple[int, int, int]:
    """Store parsed series and points set-wise; returns (new, updated, unchanged) point counts.

    A stored complete point is never replaced by a partial one; a stored partial
    point is replaced as soon as any other value for its date arrives.
    """
    keywords = {s.keyword for s in series}
    existing = {
        (s.keyword, s.market, s.granularity): s
        for s in TrendSeries.objects.filter(source=source, keyword__in=keywords)
    }
    created, touched = [], []
    for one in series:
        key = (one.keyword, one.market, one.granularity)
        row = existing.get(key)
        if row is None:
            row = TrendSeries(
                source=source, keyword=one.keyword, market=one.market, granularity=one.granularity,
                category=category[:120], is_demo=is_demo, last_import=record,
            )
            existing[key] = row
            created.append(row)
        else:
            row.category = category[:120] or row.category
            row.is_demo = row.is_demo and is_demo
            row.last_import = record
            row.updated_at = timezone.now()
            touched.append(row)
    TrendSeries.objects.bulk_create(created, batch_size=BATCH)
    TrendSeries.objects.bulk_update(touched, ["category", "is_demo", "last_import", "updated_at"], batch_size=BATCH)

    by_series = {existing[(s.keyword, s.market, s.granularity)].pk: s for s in series}
    dates = [p.date for s in series for p in s.points]
    stored = {}
    if dates and touched:
        stored = {
            (p.series_id, p.date): p
            for p in TrendPoint.objects.filter(
                series_id__in=[row.pk for row in touched], date__gte=min(dates), date__lte=max(dates)
            ).only("id", "series_id", "date", "value", "is_partial")
        }
    new_points, changed = [], []
    unchanged = 0
    for series_id, one in by_series.items():
        for point in one.points:
            old = stored.get((series_id, point.date))
            if old is None:
                new_points.append(
                    TrendPoint(series_id=series_id, date=point.date, value=point.value, is_partial=point.is_partial)
                )
            elif (old.value, old.is_partial) == (point.value, point.is_partial) or (
                point.is_partial and not old.is_partial
            ):
                unchanged += 1
            else:
                old.value, old.is_partial = point.value, point.is_partial
                changed.append(old)
    TrendPoint.objects.bulk_create(new_points, batch_size=BATCH)
    TrendPoint.objects.bulk_update(changed, ["value", "is_partial"], batch_size=BATCH)
    return len(new_points), len(changed), unchanged


def _store_timeline(parsed, *, record, report, is_demo):
    report.new, report.updated, report.unchanged = trend_series_upsert(
        source=TrendSource.TRENDS_EXPORT, series=parsed.series, category=parsed.category,
        is_demo=is_demo, record=record,
    )


def _upsert_rows(model, *, lookup: dict, key_fields: tuple, rows: list[dict], value_fields: list[str], report):
    stored = {tuple(getattr(obj, f) for f in key_fields): obj for obj in model.objects.filter(**lookup)}
    created, changed = [], []
    for row in rows:
        key = tuple(row[f] for f in key_fields)
        obj = stored.get(key)
        if obj is None:
            created.append(model(**row))
        elif all(getattr(obj, f) == row[f] for f in value_fields):
            report.unchanged += 1
        else:
            for f in value_fields:
                setattr(obj, f, row[f])
            changed.append(obj)
    model.objects.bulk_create(created, batch_size=BATCH)
    model.objects.bulk_update(changed, value_fields, batch_size=BATCH)
    report.new += len(created)
    report.updated += len(changed)


def _store_geo_map(parsed: importers.GeoMap, *, report, is_demo):
    source = TrendSource.TRENDS_EXPORT
    rows = [
        {"source": source, "keyword": c.keyword, "market": c.market, "region": r.region[:200],
         "value": r.value, "is_demo": is_demo}
        for c in parsed.columns for r in c.regions
    ]
    _upsert_rows(
        RegionInterest, lookup={"source": source, "keyword__in": {c.keyword for c in parsed.columns}},
        key_fields=("keyword", "market", "region"), rows=rows, value_fields=["value"], report=report,
    )
    report.rejected = len(parsed.rejected)


def _store_related(parsed: importers.RelatedQueries, *, report, is_demo):
    source = TrendSource.TRENDS_EXPORT
    rows = [
        {"source": source, "keyword": parsed.keyword, "market": parsed.market, "kind": kind, "query": r.query,
         "value": r.value, "is_breakout": r.is_breakout, "is_demo": is_demo}
        for kind, section in ((RelatedQuery.Kind.TOP, parsed.top), (RelatedQuery.Kind.RISING, parsed.rising))
        for r in section
    ]
    _upsert_rows(
        RelatedQuery, lookup={"source": source, "keyword": parsed.keyword, "market": parsed.market},
        key_fields=("kind", "query"), rows=rows, value_fields=["value", "is_breakout"], report=report,
    )
    report.rejected = len(parsed.rejected)


def trends_pull(*, watchlist: Watchlist, source=None) -> list[ImportReport]:
    """Pull a watchlist's keywords live, one market at a time, one transaction and TrendImport per market.

    ``RateLimited`` propagates (the task retries it with backoff); markets pulled
    before it stay stored, the refused market stores nothing.
    """
    from .sources.base import RateLimited, SourceError
    from .sources.pytrends_source import PytrendsSource

    source = source or PytrendsSource()
    keywords = list(watchlist.keywords.order_by("id").values_list("keyword", flat=True))
    reports = []
    for market in watchlist.markets or [""]:
        report = ImportReport(filename=f"{watchlist.name} [{market or 'worldwide'}]"[:255], kind="pytrends")
        try:
            series = source.interest_over_time(keywords=keywords, market=market, timeframe=watchlist.timeframe)
        except RateLimited:
            raise
        except SourceError as exc:
            report.status, report.error = TrendImport.Status.FAILED, str(exc)
            report.import_id = TrendImport.objects.create(
                filename=report.filename, kind="pytrends", source=TrendSource.PYTRENDS,
                status=TrendImport.Status.FAILED, error=str(exc),
            ).pk
            reports.append(report)
            continue
        with transaction.atomic():
            record = TrendImport.objects.create(
                filename=report.filename, kind="pytrends", source=TrendSource.PYTRENDS, status=TrendImport.Status.OK,
            )
            report.new, report.updated, report.unchanged = trend_series_upsert(
                source=TrendSource.PYTRENDS, series=series, record=record,
            )
            record.new, record.updated, record.unchanged = report.new, report.updated, report.unchanged
            record.save(update_fields=["new", "updated", "unchanged"])
            report.import_id = record.pk
        reports.append(report)
    return reports


def watchlist_create(
    *,
    cycle: Cycle,
    name: str,
    keywords: list[tuple[str, str]],
    markets: list[str],
    origin: str = WatchKeyword.Origin.SEED,
    seeded_by_brief=None,
    is_demo: bool = False,
    timeframe: str = "today 5-y",
) -> Watchlist:
    """Create the cycle's watchlist ``name`` or add to it; keywords are (keyword, category), deduplicated
    case-insensitively (the first spelling wins), markets are geo codes (blank = worldwide)."""
    if not name.strip():
        raise ValidationError({"name": "A watchlist needs a name."})
    if origin not in WatchKeyword.Origin.values:
        raise ValidationError({"origin": f"{origin!r} is not one of {', '.join(WatchKeyword.Origin.values)}."})
    clean_markets = []
    for market in markets:
        code = market.strip().upper()
        if len(code) > 12:
            raise ValidationError({"markets": f"{market!r} is not a geo code such as US, GB or DE."})
        if code not in clean_markets:
            clean_markets.append(code)
    wanted: dict[str, tuple[str, str]] = {}
    for position, pair in enumerate(keywords, start=1):
        keyword, category = (" ".join(str(part).split()) for part in pair)
        if not keyword:
            raise ValidationError({"keywords": f"Keyword {position} is empty."})
        if len(keyword) > 200 or len(category) > 80:
            raise ValidationError({"keywords": f"Keyword {position} ({keyword[:40]!r}) or its category is too long."})
        wanted.setdefault(keyword.casefold(), (keyword, category))
    with transaction.atomic():
        watchlist, created = Watchlist.objects.select_for_update().get_or_create(
            cycle=cycle, name=name.strip()[:120],
            defaults={"markets": clean_markets, "timeframe": timeframe, "seeded_by_brief": seeded_by_brief,
                      "is_demo": is_demo},
        )
        if not created:
            merged = watchlist.markets + [m for m in clean_markets if m not in watchlist.markets]
            if merged != watchlist.markets:
                watchlist.markets = merged
                watchlist.save(update_fields=["markets"])
        have = {k.casefold() for k in watchlist.keywords.values_list("keyword", flat=True)}
        WatchKeyword.objects.bulk_create(
            [
                WatchKeyword(watchlist=watchlist, keyword=keyword, category=category, origin=origin)
                for folded, (keyword, category) in wanted.items()
                if folded not in have
            ]
        )
    return watchlist


def hotspots_score(*, cycle: Cycle) -> list[Hotspot]:
    """Score every watchlist keyword x market of the cycle that has a stored series; updates in place."""
    targets: dict[tuple[str, str], tuple[str, str]] = {}
    for keyword, category, markets in WatchKeyword.objects.filter(watchlist__cycle=cycle).values_list(
        "keyword", "category", "watchlist__markets"
    ):
        for market in markets or [""]:
            targets.setdefault((keyword.casefold(), market), (keyword, category))
    if not targets:
        return []
    candidates = (
        TrendSeries.objects.annotate(folded=Lower("keyword"))
        .filter(folded__in={k for k, _m in targets}, market__in={m for _k, m in targets})
        .order_by("id")
    )
    rank = {g: i for i, g in enumerate(GRANULARITY_PREFERENCE)}
    chosen: dict[tuple[str, str], TrendSeries] = {}
    for series in candidates:
        key = (series.keyword.casefold(), series.market)
        if key not in targets:
            continue
        best = chosen.get(key)
        if best is None or (rank[series.granularity], -series.updated_at.timestamp()) < (
            rank[best.granularity], -best.updated_at.timestamp()
        ):
            chosen[key] = series
    values: dict[int, list] = {s.pk: [] for s in chosen.values()}
    for series_id, value, is_partial in (
        TrendPoint.objects.filter(series_id__in=values).order_by("series_id", "date")
        .values_list("series_id", "value", "is_partial")
    ):
        if not is_partial:
            values[series_id].append(value)

    with transaction.atomic():
        stored = {(h.keyword, h.market): h for h in Hotspot.objects.select_for_update().filter(cycle=cycle)}
        created, changed = [], []
        for key, series in sorted(chosen.items()):
            result = score_series(values[series.pk], periods_per_year=PERIODS_PER_YEAR.get(series.granularity))
            if result is None:
                continue
            keyword, category = targets[key]
            hotspot = stored.get((keyword, series.market))
            if hotspot is None:
                hotspot = Hotspot(cycle=cycle, keyword=keyword, market=series.market)
                created.append(hotspot)
            else:
                changed.append(hotspot)
            hotspot.series = series
            hotspot.category = category
            hotspot.score, hotspot.level = result.score, result.level
            hotspot.growth, hotspot.slope = result.growth, result.slope
            hotspot.components = {**result.components(), "granularity": series.granularity}
            hotspot.is_demo = series.is_demo
        Hotspot.objects.bulk_create(created, batch_size=BATCH)
        Hotspot.objects.bulk_update(
            changed, ["series", "category", "score", "level", "growth", "slope", "components", "is_demo"],
            batch_size=BATCH,
        )
    return sorted(created + changed, key=lambda h: (-h.score, h.keyword, h.market))

"""Trend imports: export files, stored through one idempotent upsert that uploads and live pulls use too."""

import datetime
import io
import pathlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.files import read_limited
from core.models import TaskRun

from .. import importers
from ..importers import ImportProblem
from ..models import (
    AmazonKeywordMetric,
    AmazonListing,
    RegionInterest,
    RelatedQuery,
    RelatedTopic,
    TrendImport,
    TrendPoint,
    TrendSeries,
    TrendSource,
)

BATCH = 500


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

    @property
    def ok(self) -> bool:
        return self.status == TrendImport.Status.OK


def trends_import_files(
    *,
    paths: list[pathlib.Path] | None = None,
    uploads: list[tuple[str, bytes]] | None = None,
    is_demo: bool = False,
    progress: Callable[[int, int], None] | None = None,
    mapping: dict[str, str] | None = None,
    market: str = "",
    snapshot: datetime.date | None = None,
    task_run: TaskRun | None = None,
    keyword: str = "",
) -> list[ImportReport]:
    """Import Google Trends exports and Amazon keyword-tool and listing exports; one transaction and one
    TrendImport row per file.

    A file that fails stores nothing of its own and leaves earlier files in place.
    Re-importing a file changes nothing (every row comes back "unchanged").
    ``mapping`` (field -> header, see ``KeywordColumnMapping``) reads the files as
    generic keyword CSVs; ``market`` and ``snapshot`` name an Amazon export's
    marketplace and date when its file name does not (the date defaults to today). For Google Trends
    files that do not say it, ``market`` (``WORLD`` for worldwide) names the country of a map of one
    country's regions or of a related list without a title line, and ``keyword`` that list's keyword.
    """
    items: list[tuple[str, bytes | OSError | ImportProblem]] = []
    for path in paths or []:
        path = pathlib.Path(path)
        try:
            items.append((path.name, read_limited(path, max_bytes=importers.common.MAX_BYTES, file=path.name)))
        except (OSError, ImportProblem) as exc:
            items.append((path.name, exc))
    items.extend(uploads or [])
    reports = []
    options = {"mapping": mapping or None, "market": market, "snapshot": snapshot, "keyword": keyword}
    for done, (filename, data) in enumerate(items, start=1):
        reports.append(_import_one(filename, data, is_demo=is_demo, options=options, task_run=task_run))
        if progress:
            progress(done, len(items))
    return reports


def _import_one(
    filename: str, data: bytes | OSError | ImportProblem, *, is_demo: bool, options: dict | None = None,
    task_run: TaskRun | None = None,
) -> ImportReport:
    report = ImportReport(filename=filename[:255])
    options = options or {}
    source = TrendSource.TRENDS_EXPORT
    try:
        if isinstance(data, OSError):
            raise ImportProblem(filename, None, None, f"cannot read the file ({data.strerror or data})")
        if isinstance(data, ImportProblem):
            raise data
        parsed = importers.parse_export(
            data, filename, mapping=options.get("mapping"), market=options.get("market") or "",
            snapshot=options.get("snapshot"), keyword=options.get("keyword") or "",
        )
        report.kind = parsed.kind
        if isinstance(parsed, importers.AmazonKeywords):
            source = TrendSource.AMAZON_EXPORT
        elif isinstance(parsed, importers.AmazonListings):
            source = TrendSource.AMAZON_LISTINGS
        with transaction.atomic():
            record = TrendImport.objects.create(
                filename=report.filename, kind=parsed.kind, source=source,
                status=TrendImport.Status.OK, is_demo=is_demo, task_run=task_run,
            )
            if isinstance(parsed, importers.MultiTimeline):
                _store_timeline(parsed, record=record, report=report, is_demo=is_demo)
            elif isinstance(parsed, importers.GeoMap):
                region_interest_store(parsed=parsed, report=report, is_demo=is_demo)
            elif isinstance(parsed, importers.AmazonKeywords):
                _store_amazon(parsed, record=record, report=report, is_demo=is_demo)
            elif isinstance(parsed, importers.AmazonListings):
                _store_listings(parsed, record=record, report=report, is_demo=is_demo)
            else:
                related_list_store(parsed=parsed, report=report, is_demo=is_demo)
            record.new, record.updated = report.new, report.updated
            record.unchanged, record.rejected = report.unchanged, report.rejected
            record.summary = import_summary(parsed)
            record.save(update_fields=["new", "updated", "unchanged", "rejected", "summary"])
            report.import_id = record.pk
    except ImportProblem as problem:
        if problem.kind:
            report.kind = problem.kind
        if report.kind.startswith("amazon:"):
            source = TrendSource.AMAZON_EXPORT
        elif report.kind.startswith("amazon_listings:"):
            source = TrendSource.AMAZON_LISTINGS
        report = ImportReport(
            filename=report.filename, kind=report.kind, status=TrendImport.Status.FAILED,
            error=problem.reason, line=problem.line, field=problem.field,
        )
        record = TrendImport.objects.create(
            filename=report.filename, kind=report.kind, source=source,
            status=TrendImport.Status.FAILED, error=problem.message, is_demo=is_demo, task_run=task_run,
        )
        report.import_id = record.pk
    return report


def import_summary(parsed) -> dict:
    """What a parsed file holds, for the page that reports an upload: keywords, markets, dates, counts."""
    if isinstance(parsed, importers.MultiTimeline):
        days = [p.date for s in parsed.series for p in s.points]
        return {"keywords": [s.keyword for s in parsed.series], "markets": sorted({s.market for s in parsed.series}),
                "granularity": sorted({s.granularity for s in parsed.series}),
                "first": min(days).isoformat() if days else "", "last": max(days).isoformat() if days else "",
                "points": len(days)}
    if isinstance(parsed, importers.GeoMap):
        return {"keywords": [c.keyword for c in parsed.columns], "markets": sorted({c.market for c in parsed.columns}),
                "regions": sum(len(c.regions) for c in parsed.columns)}
    if isinstance(parsed, importers.RelatedQueries):
        return {"keywords": [parsed.keyword], "markets": [parsed.market], "top": len(parsed.top),
                "rising": len(parsed.rising)}
    markets = [parsed.market] if getattr(parsed, "market", "") else []
    return {"keywords": [], "markets": markets, "rows": len(getattr(parsed, "rows", []))}


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
    if connection.vendor == "postgresql":
        return trend_points_upsert_copy(
            rows=((series_id, p.date, p.value, p.is_partial) for series_id, one in by_series.items() for p in one.points),
            fresh_series_ids={row.pk for row in created},
        )
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


_POINTS_IN = "hotspots_trendpoint_in"
_COPY_NULL = "\\N"
_UPSERT_POINTS = f"""
WITH done AS (
    INSERT INTO hotspots_trendpoint AS old (series_id, date, value, is_partial)
    SELECT series_id, date, value, is_partial FROM {_POINTS_IN}
    ON CONFLICT (series_id, date) DO UPDATE SET value = EXCLUDED.value, is_partial = EXCLUDED.is_partial
    WHERE (old.value IS DISTINCT FROM EXCLUDED.value OR old.is_partial <> EXCLUDED.is_partial)
      AND NOT (EXCLUDED.is_partial AND NOT old.is_partial)
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM done
"""


def trend_points_upsert_copy(*, rows, fresh_series_ids: set[int] = frozenset()) -> tuple[int, int, int]:
    """PostgreSQL only: (series_id, date, value, is_partial) rows -> stored; returns (new, updated, unchanged).

    Points of series created in this same transaction (``fresh_series_ids``) cannot clash with anything
    stored, so they are COPYed straight into the points table. The others are COPYed into a temporary
    table and merged with one INSERT ... ON CONFLICT DO UPDATE that touches only changed rows. Same rules
    and counts as the ORM path: a complete point is never replaced by a partial one.
    """
    fresh, other = io.StringIO(), io.StringIO()
    n_fresh = n_other = 0
    for series_id, day, value, partial in rows:
        text = _COPY_NULL if value is None else repr(float(value))
        line = f"{series_id}\t{day.isoformat()}\t{text}\t{'t' if partial else 'f'}\n"
        if series_id in fresh_series_ids:
            fresh.write(line)
            n_fresh += 1
        else:
            other.write(line)
            n_other += 1
    new = updated = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if n_fresh:
            fresh.seek(0)
            cursor.cursor.copy_expert("COPY hotspots_trendpoint (series_id, date, value, is_partial) FROM STDIN", fresh)
            new += n_fresh
        if n_other:
            other.seek(0)
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {_POINTS_IN} "
                "(series_id bigint, date date, value double precision, is_partial boolean) ON COMMIT DELETE ROWS"
            )
            cursor.execute(f"TRUNCATE {_POINTS_IN}")
            cursor.cursor.copy_expert(f"COPY {_POINTS_IN} (series_id, date, value, is_partial) FROM STDIN", other)
            cursor.execute(_UPSERT_POINTS)
            inserted, changed = cursor.fetchone()
            new += inserted
            updated += changed
    return new, updated, n_fresh + n_other - new - updated


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


def region_interest_store(
    *, parsed: importers.GeoMap, report: ImportReport, is_demo: bool, source=TrendSource.TRENDS_EXPORT
):
    """A map's regions upserted on (source, keyword, market, region); counts go on ``report``."""
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


def _store_amazon(parsed: importers.AmazonKeywords, *, record, report, is_demo):
    snapshot = parsed.snapshot or timezone.localdate()
    rows = [
        {"tool": parsed.tool, "keyword": r.keyword, "market": parsed.market, "snapshot": snapshot,
         "last_import": record, "is_demo": is_demo,
         **{name: getattr(r, name) for name in AmazonKeywordMetric.VALUE_FIELDS}}
        for r in parsed.rows
    ]
    _upsert_rows(
        AmazonKeywordMetric,
        lookup={"tool": parsed.tool, "market": parsed.market, "snapshot": snapshot},
        key_fields=("keyword",), rows=rows, value_fields=AmazonKeywordMetric.VALUE_FIELDS, report=report,
    )
    report.rejected = len(parsed.rejected)


def _store_listings(parsed: importers.AmazonListings, *, record, report, is_demo):
    snapshot = parsed.snapshot or timezone.localdate()
    rows = [
        {"asin": r.asin, "market": parsed.market, "snapshot": snapshot, "tool": parsed.tool, "title": r.title,
         "brand": r.brand, "price": r.price, "monthly_sales": r.monthly_sales, "monthly_revenue": r.monthly_revenue,
         "reviews": r.reviews, "rating": r.rating, "last_import": record, "is_demo": is_demo}
        for r in parsed.rows
    ]
    _upsert_rows(
        AmazonListing,
        lookup={"market": parsed.market, "snapshot": snapshot},
        key_fields=("asin",), rows=rows, value_fields=AmazonListing.VALUE_FIELDS, report=report,
    )
    report.rejected = len(parsed.rejected)


def related_list_store(
    *, parsed: importers.RelatedQueries, report: ImportReport, is_demo: bool, source=TrendSource.TRENDS_EXPORT
):
    """Related queries upserted on (kind, query), or related topics on (kind, rank), for one keyword and market."""
    sections = ((RelatedQuery.Kind.TOP, parsed.top), (RelatedQuery.Kind.RISING, parsed.rising))
    if parsed.is_topics:
        rows = [
            {"source": source, "keyword": parsed.keyword, "market": parsed.market, "kind": kind, "rank": r.rank,
             "title": r.query[:300], "topic_type": r.topic_type[:100], "value": r.value, "is_breakout": r.is_breakout,
             "is_demo": is_demo}
            for kind, section in sections for r in section
        ]
        _upsert_rows(
            RelatedTopic, lookup={"source": source, "keyword": parsed.keyword, "market": parsed.market},
            key_fields=("kind", "rank"), rows=rows, value_fields=["title", "topic_type", "value", "is_breakout"],
            report=report,
        )
    else:
        rows = [
            {"source": source, "keyword": parsed.keyword, "market": parsed.market, "kind": kind, "query": r.query,
             "value": r.value, "is_breakout": r.is_breakout, "is_demo": is_demo}
            for kind, section in sections for r in section
        ]
        _upsert_rows(
            RelatedQuery, lookup={"source": source, "keyword": parsed.keyword, "market": parsed.market},
            key_fields=("kind", "query"), rows=rows, value_fields=["value", "is_breakout"], report=report,
        )
    report.rejected = len(parsed.rejected)

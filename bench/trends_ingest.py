"""Ingest N trend points into PostgreSQL through the import service's upsert path, against a raw COPY.

    DATABASE_URL=postgres://... .venv/bin/python bench/trends_ingest.py [--size 1000000]

Works in its own throwaway database (created, migrated, dropped). Weekly series
of 260 points (five years), as many as make up --size. The baseline formats the
same (series, date, value, partial) rows and COPYs them straight into the
points table (psycopg2 copy_expert), same table, same indexes. The service path
is ``hotspots.services.trend_series_upsert`` as an import calls it: series rows,
then the points (on PostgreSQL: COPY into a temporary table and one
INSERT ... ON CONFLICT DO UPDATE ... WHERE changed). A second run of the same
rows (all unchanged) is timed as well.
"""

import argparse
import datetime
import io
import random
import time

from benchdb import bench_database


POINTS_PER_SERIES = 260


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="trend points to ingest")
    size = parser.parse_args().size
    with bench_database("ingest"):
        from django.db import connection, transaction

        from hotspots.importers import TimelinePoint, TimelineSeries
        from hotspots.models import TrendPoint, TrendSeries
        from hotspots.services import trend_series_upsert

        rng = random.Random(7)
        n_series = max(1, -(-size // POINTS_PER_SERIES))
        start = datetime.date(2019, 1, 6)
        days = [start + datetime.timedelta(weeks=i) for i in range(POINTS_PER_SERIES)]
        series = []
        for s in range(n_series):
            count = POINTS_PER_SERIES if s < n_series - 1 else size - POINTS_PER_SERIES * (n_series - 1)
            points = [TimelinePoint(days[i], float(rng.randint(0, 100)), i == count - 1) for i in range(count)]
            series.append(TimelineSeries(f"bench keyword {s}", "US", "United States", "week", points))
        total = sum(len(s.points) for s in series)

        # Series rows first, so the baseline's points have somewhere to point.
        trend_series_upsert(source="trends_export", series=[TimelineSeries(s.keyword, "US", "", "week") for s in series])
        ids = dict(TrendSeries.objects.values_list("keyword", "id"))

        t0 = time.perf_counter()
        buffer = io.StringIO()
        for one in series:
            sid = ids[one.keyword]
            for p in one.points:
                buffer.write(f"{sid}\t{p.date.isoformat()}\t{p.value!r}\t{'t' if p.is_partial else 'f'}\n")
        buffer.seek(0)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.cursor.copy_expert("COPY hotspots_trendpoint (series_id, date, value, is_partial) FROM STDIN", buffer)
        copy_seconds = time.perf_counter() - t0
        assert TrendPoint.objects.count() == total
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE hotspots_trendpoint, hotspots_trendseries CASCADE")
            cursor.execute("VACUUM ANALYZE hotspots_trendpoint")

        t0 = time.perf_counter()
        with transaction.atomic():
            new, updated, unchanged = trend_series_upsert(source="trends_export", series=series)
        upsert_seconds = time.perf_counter() - t0
        assert (new, updated, unchanged) == (total, 0, 0), (new, updated, unchanged)

        t0 = time.perf_counter()
        with transaction.atomic():
            again = trend_series_upsert(source="trends_export", series=series)
        rerun_seconds = time.perf_counter() - t0
        assert again == (0, 0, total), again

        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE hotspots_trendpoint")
            cursor.execute("VACUUM ANALYZE hotspots_trendpoint")
        t0 = time.perf_counter()
        with transaction.atomic():
            merged = trend_series_upsert(source="trends_export", series=series)
        merge_seconds = time.perf_counter() - t0
        assert merged == (total, 0, 0), merged

        def line(label, seconds):
            print(f"{label:<52}{seconds:7.2f} s {total / seconds:11,.0f} points/s  ratio to COPY {copy_seconds / seconds:.2f}")

        print(f"data: {total:,} weekly points in {n_series:,} series of up to {POINTS_PER_SERIES} points, "
              f"PostgreSQL {connection.pg_version}")
        line("raw COPY into hotspots_trendpoint (baseline)", copy_seconds)
        line("import upsert, new series (COPY straight in)", upsert_seconds)
        line("import upsert, known series, new points (merge)", merge_seconds)
        line("import upsert again, all unchanged", rerun_seconds)
        print("target: import upsert rate >= 1/3 of the raw COPY rate (ratio >= 0.33)")


if __name__ == "__main__":
    main()

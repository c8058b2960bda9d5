"""The hotspot list page with N trend points stored: query count and server time, against a bare view.

    DATABASE_URL=postgres://... .venv/bin/python bench/hotspot_list.py [--size 1000000] [--requests 60]

Works in its own throwaway PostgreSQL database (created, migrated, dropped).
Stores weekly series of 260 points (as many as make up --size), one watchlist
keyword per series, scores them into hotspots, then requests the first page of
``/hotspots/?cycle=1`` (sorted by score, 50 rows, a 52-point sparkline per row)
and a bare view (a staff-only view returning a fixed text through the same
middleware) through Django's test client, logged in as a merchandiser.
Prints queries per request and p50/p95 server time of each.
"""

import argparse
import datetime
import random
import statistics
import time

from benchdb import bench_database

POINTS_PER_SERIES = 260
urlpatterns = []


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="trend points stored")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    args = parser.parse_args()
    with bench_database("hotlist"):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.decorators import user_passes_test
        from django.db import connection, transaction
        from django.http import HttpResponse
        from django.test import Client, override_settings
        from django.urls import include, path

        from core.models import Cycle
        from hotspots.importers import TimelinePoint, TimelineSeries
        from hotspots.models import TrendPoint, Watchlist, WatchKeyword
        from hotspots.services import hotspots_score, trend_series_upsert

        @user_passes_test(lambda u: u.is_staff)
        def bare(request):
            return HttpResponse("ok")

        urlpatterns[:] = [path("bare/", bare), path("", include("c2f.urls"))]

        rng = random.Random(7)
        n_series = max(1, -(-args.size // POINTS_PER_SERIES))
        start = datetime.date(2019, 1, 6)
        days = [start + datetime.timedelta(weeks=i) for i in range(POINTS_PER_SERIES)]
        series = []
        for s in range(n_series):
            count = POINTS_PER_SERIES if s < n_series - 1 else args.size - POINTS_PER_SERIES * (n_series - 1)
            base, drift = rng.uniform(5, 60), rng.uniform(-0.1, 0.1)
            points = [TimelinePoint(days[i], round(min(100, max(0, base + drift * i + rng.gauss(0, 4))), 1)) for i in range(count)]
            series.append(TimelineSeries(f"bench keyword {s}", "US", "United States", "week", points))
        t0 = time.perf_counter()
        with transaction.atomic():
            trend_series_upsert(source="trends_export", series=series)
        cycle = Cycle.objects.create(number=1, name="bench")
        watchlist = Watchlist.objects.create(cycle=cycle, name="bench", markets=["US"])
        WatchKeyword.objects.bulk_create(
            WatchKeyword(watchlist=watchlist, keyword=s.keyword, category=f"category {i % 12}") for i, s in enumerate(series)
        )
        hotspots = hotspots_score(cycle=cycle)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        setup_seconds = time.perf_counter() - t0
        points = TrendPoint.objects.count()

        user = get_user_model().objects.create_user("bench", password="x", is_staff=True)
        client = Client()
        client.force_login(user)
        results = {}
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
            for label, url in (("hotspot list /hotspots/?cycle=1", "/hotspots/?cycle=1"), ("bare staff view", "/bare/")):
                for _ in range(5):
                    assert client.get(url).status_code == 200
                queries = []

                def count(execute, sql, params, many, context, queries=queries):
                    queries.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    response = client.get(url)
                assert response.status_code == 200
                if url.startswith("/hotspots"):
                    assert response.content.count(b'class="sparkline"') == min(50, len(hotspots))
                timings = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    client.get(url)
                    timings.append((time.perf_counter() - t0) * 1000)
                results[label] = (len(queries), statistics.median(timings), percentile(timings, 0.95))

        print(f"data: {points:,} trend points in {n_series:,} weekly series, {len(hotspots):,} hotspots "
              f"(setup {setup_seconds:.0f} s), PostgreSQL {connection.pg_version}, {args.requests} requests each")
        for label, (n_queries, p50, p95) in results.items():
            print(f"{label:<34} {n_queries:3d} queries   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        page, bare_view = results["hotspot list /hotspots/?cycle=1"], results["bare staff view"]
        print(f"ratio list/bare p95: {page[2] / bare_view[2]:.1f}x;  target p95 < 300 ms -> {'met' if page[2] < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()

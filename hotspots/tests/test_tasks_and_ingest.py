"""The periodic pull and its default schedule, the upload task, watchlist edits, the PostgreSQL ingest path."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_celery_beat.models import PeriodicTask
from scipy import stats

from core.models import Cycle, TaskRun
from hotspots.importers import TimelinePoint, TimelineSeries
from hotspots.models import TrendImport, TrendPoint, TrendSeries, TrendUpload, WatchKeyword
from hotspots.scoring import trend_slope
from hotspots.services import trend_series_upsert, trend_upload_stage, watchlist_update
from hotspots.tasks import import_uploads, pull_all_watchlists

from .conftest import YEEZY
from .factories import CycleFactory, WatchKeywordFactory, WatchlistFactory, weekly_series

D = datetime.date


@pytest.mark.django_db
def test_default_weekly_pull_schedule_is_installed():
    task = PeriodicTask.objects.get(task="hotspots.pull_all")
    assert task.enabled and task.crontab.day_of_week == "1" and task.crontab.hour == "3"


@pytest.mark.django_db
def test_pull_all_pulls_the_newest_open_cycle_only():
    closed = CycleFactory(number=1, status=Cycle.Status.CLOSED)
    WatchlistFactory(cycle=closed, name="old")
    newest = CycleFactory(number=2)
    # No keywords: the pull asks Google nothing, but still logs one run per market.
    watchlist = WatchlistFactory(cycle=newest, name="new", markets=["US", "DE"])
    assert pull_all_watchlists.delay().get() == [watchlist.pk]
    assert sorted(TrendImport.objects.filter(source="pytrends").values_list("filename", "status")) == [
        ("new [DE]", "ok"), ("new [US]", "ok"),
    ]


@pytest.mark.django_db
def test_import_task_is_idempotent_and_skips_a_missing_run():
    run = trend_upload_stage(files=[(YEEZY.name, YEEZY.read_bytes())])
    first = import_uploads.delay(run.pk).get()
    assert [(r["kind"], r["status"], r["new"]) for r in first] == [("multiTimeline", "ok", 205)]
    assert import_uploads.delay(run.pk).get() == []
    assert import_uploads.delay(999999).get() == []
    run.refresh_from_db()
    assert (run.status, run.done, run.message) == (TaskRun.Status.DONE, 1, "1 of 1 files imported")
    assert not TrendUpload.objects.exists() and TrendPoint.objects.count() == 205


@pytest.mark.django_db
def test_upload_stage_refuses_empty_and_oversized():
    with pytest.raises(ValidationError, match="at least one file"):
        trend_upload_stage(files=[])
    with pytest.raises(ValidationError, match="big.csv: larger than"):
        trend_upload_stage(files=[("big.csv", b"x" * (20 * 1024 * 1024 + 1))])
    assert not TaskRun.objects.exists() and not TrendUpload.objects.exists()


@pytest.mark.django_db
def test_watchlist_update_is_all_or_nothing():
    watchlist = WatchlistFactory(markets=["US"])
    keep = WatchKeywordFactory(watchlist=watchlist, keyword="mermaid blanket")
    with pytest.raises(ValidationError, match="Keyword 2 is empty"):
        watchlist_update(watchlist=watchlist, markets=["DE"], add_keywords=[("a", ""), ("", "")],
                         remove_keyword_ids=[keep.pk])
    watchlist.refresh_from_db()
    assert watchlist.markets == ["US"] and WatchKeyword.objects.filter(pk=keep.pk).exists()
    watchlist_update(watchlist=watchlist, add_keywords=[("MERMAID BLANKET", ""), ("sherpa", "throw")])
    assert sorted(watchlist.keywords.values_list("keyword", "origin")) == [("mermaid blanket", "seed"), ("sherpa", "manual")]


def test_slope_and_p_value_match_linregress():
    rng = np.random.default_rng(3)
    for _ in range(50):
        window = rng.normal(40, 5, 26) + rng.normal(0, 0.4) * np.arange(26)
        fit = stats.linregress(np.arange(26), window)
        slope, p_value = trend_slope(window)
        assert slope == pytest.approx(fit.slope) and p_value == pytest.approx(fit.pvalue, abs=1e-12)
    assert trend_slope(np.arange(10.0)) == (pytest.approx(1.0), 0.0)
    assert trend_slope(np.full(10, 5.0)) == (0.0, 1.0)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_copy_path_merges_new_and_known_series(django_assert_max_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY ingest path runs on PostgreSQL only")
    known = weekly_series(keyword="known", values=[10.0, 20.0, None], source="trends_export")
    TrendPoint.objects.filter(series=known, date=D(2024, 1, 21)).update(is_partial=True)
    incoming = [
        TimelineSeries("known", "US", "United States", "week", [
            TimelinePoint(D(2024, 1, 7), 10.0), TimelinePoint(D(2024, 1, 14), 25.0),
            TimelinePoint(D(2024, 1, 21), 30.0), TimelinePoint(D(2024, 1, 28), None, True),
        ]),
        TimelineSeries("fresh", "US", "United States", "week", [
            TimelinePoint(D(2024, 1, 7) + datetime.timedelta(weeks=i), float(i)) for i in range(3000)
        ]),
    ]
    with django_assert_max_num_queries(12):
        assert trend_series_upsert(source="trends_export", series=incoming) == (3001, 2, 1)
    assert list(known.points.order_by("date").values_list("value", "is_partial")) == [
        (10.0, False), (25.0, False), (30.0, False), (None, True),
    ]
    assert TrendSeries.objects.get(keyword="fresh").points.count() == 3000
    assert trend_series_upsert(source="trends_export", series=incoming) == (0, 0, 3004)

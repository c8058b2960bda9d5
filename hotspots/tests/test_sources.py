"""Live source: the batching/rescaling maths on DataFrames, and pytrends driven through recorded-shaped
HTTP answers (matched by path only) to check batches, partial points and the 429 path."""

import datetime
import json
import re
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from django.conf import settings
import responses

from hotspots.models import TrendImport, TrendPoint, TrendSeries
from hotspots.services import trends_pull, watchlist_create
from hotspots.sources.base import RateLimited, SourceError
from hotspots.sources.pytrends_source import PytrendsSource
from hotspots.sources.throttle import RequestsPerMinute
from hotspots.sources.rescale import keyword_batches, rescale_batches

from .factories import CycleFactory

WEEKS = pd.date_range("2026-01-04", periods=6, freq="7D")


def test_batches_hold_the_anchor_and_at_most_four_others():
    keywords = ["a", "b", "c", "d", "e", "f", "g", "b"]
    assert keyword_batches(keywords, anchor="a") == [["a", "b", "c", "d", "e"], ["a", "f", "g"]]
    assert keyword_batches(["a"], anchor="a") == [["a"]]
    assert all(len(batch) <= 5 for batch in keyword_batches([str(i) for i in range(30)], anchor="0"))


def _google_scaled(true: dict[str, list[float]], partial_last: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(true, index=WEEKS)
    frame = (frame * 100 / frame.to_numpy().max()).round()
    frame["isPartial"] = [False] * (len(WEEKS) - 1) + [partial_last]
    return frame


def test_rescaling_restores_one_scale_across_batches():
    true = {
        "anchor": [10, 12, 11, 10, 12, 11],
        "big": [200, 210, 220, 230, 240, 250],
        "small": [1, 2, 2, 3, 3, 4],
        "mid": [20, 20, 20, 20, 20, 20],
    }
    first = _google_scaled({k: true[k] for k in ("anchor", "small")})
    second = _google_scaled({k: true[k] for k in ("anchor", "big", "mid")}, partial_last=True)
    combined = rescale_batches([first, second], anchor="anchor")
    assert list(combined.columns) == ["anchor", "small", "big", "mid", "isPartial"]
    assert combined["big"].max() == 100.0
    # Proportions survive: mid is ~2x the anchor, big's last week is 25x the anchor's first.
    assert combined["mid"].mean() / combined["anchor"].mean() == pytest.approx(20 / 11, rel=0.05)
    assert combined["big"].iloc[-1] / combined["anchor"].iloc[0] == pytest.approx(25, rel=0.1)
    assert combined["isPartial"].tolist() == [False] * 5 + [True]


def test_rescaling_refuses_an_anchor_without_interest():
    zero = _google_scaled({"anchor": [0] * 6, "x": [5] * 6})
    zero["anchor"] = 0
    with pytest.raises(SourceError, match="no interest in batch 1"):
        rescale_batches([zero], anchor="anchor")


TRUE_INTEREST = {
    "sherpa blanket": [40, 42, 45, 50, 55, 30],
    "mermaid blanket": [5, 6, 8, 10, 14, 8],
    "boho throw": [10, 10, 11, 12, 12, 7],
    "linen duvet cover": [20, 21, 19, 20, 22, 12],
    "waffle bath towel": [15, 14, 13, 12, 12, 6],
    "weighted blanket": [80, 85, 90, 95, 100, 50],
}


def _keywords(request) -> list[str]:
    req = json.loads(parse_qs(urlparse(request.url).query)["req"][0])
    return [item["keyword"] for item in req["comparisonItem"]]


def _explore(request):
    keywords = _keywords(request)
    widget = {
        "request": {
            "time": "today 5-y",
            "comparisonItem": [{"keyword": k, "geo": {"country": "US"}} for k in keywords],
        },
        "token": "APP6_UEAAAAA",
        "id": "TIMESERIES",
        "type": "fe_line_chart",
        "title": "Interest over time",
    }
    return 200, {"Content-Type": "application/json; charset=utf-8"}, ")]}'" + json.dumps({"widgets": [widget]})


def _multiline(request):
    keywords = _keywords(request)
    top = max(max(TRUE_INTEREST[k]) for k in keywords)
    rows = []
    for i, week in enumerate(WEEKS):
        values = [round(TRUE_INTEREST[k][i] * 100 / top) for k in keywords]
        row = {
            "time": str(int(week.timestamp())),
            "formattedTime": week.strftime("%b %-d, %Y"),
            "formattedAxisTime": week.strftime("%b %-d, %Y"),
            "value": values,
            "hasData": [True] * len(values),
            "formattedValue": [str(v) for v in values],
        }
        if i == len(WEEKS) - 1:
            row["isPartial"] = True
        rows.append(row)
    body = ")]}',\n" + json.dumps({"default": {"timelineData": rows, "averages": []}})
    return 200, {"Content-Type": "application/json; charset=utf-8"}, body


def _serve(rsps, *, explore_status=200):
    rsps.add(responses.GET, re.compile(r".*/explore/\?geo=.*"), body="", status=200)
    if explore_status == 200:
        rsps.add_callback(responses.POST, re.compile(r".*/api/explore\?.*"), callback=_explore)
    else:
        rsps.add(responses.POST, re.compile(r".*/api/explore\?.*"), status=explore_status, body="")
    rsps.add_callback(responses.GET, re.compile(r".*/api/widgetdata/multiline\?.*"), callback=_multiline)


@pytest.mark.django_db
def test_pull_stores_rescaled_series_with_partial_last_week():
    watchlist = watchlist_create(
        cycle=CycleFactory(), name="live", markets=["US"], keywords=[(k, "") for k in TRUE_INTEREST]
    )
    with responses.RequestsMock() as rsps:
        _serve(rsps)
        reports = trends_pull(watchlist=watchlist, source=PytrendsSource(pause=0))
        explore_calls = [c for c in rsps.calls if "/api/explore" in c.request.url]
    assert len(explore_calls) == 2  # six keywords: anchor + four, then anchor + one
    assert [(r.status, r.new) for r in reports] == [("ok", 36)]
    assert TrendSeries.objects.filter(source="pytrends", market="US", granularity="week").count() == 6
    weighted = TrendPoint.objects.filter(series__keyword="weighted blanket").order_by("date")
    assert weighted[4].value == 100.0
    sherpa = TrendPoint.objects.filter(series__keyword="sherpa blanket").order_by("date")
    assert sherpa[0].value == pytest.approx(40, abs=1.5)
    assert [p.is_partial for p in weighted] == [False] * 5 + [True]
    assert weighted[0].date == datetime.date(2026, 1, 4)


@pytest.mark.django_db
def test_http_429_raises_rate_limited_and_stores_nothing():
    watchlist = watchlist_create(cycle=CycleFactory(), name="live", markets=["US"], keywords=[("x", "")])
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _serve(rsps, explore_status=429)
        with pytest.raises(RateLimited):
            trends_pull(watchlist=watchlist, source=PytrendsSource(pause=0))
    assert not TrendSeries.objects.exists()
    logged = TrendImport.objects.get()  # the refusal shows in the run log
    assert logged.status == "failed" and logged.error.startswith("refused, will retry later")
    # ... and the source is asked less often for a while.
    assert PytrendsSource().throttle.allowed_per_minute() == settings.C2F_PYTRENDS_PER_MINUTE // 2


@pytest.mark.django_db
def test_other_http_errors_are_a_failed_report():
    watchlist = watchlist_create(cycle=CycleFactory(), name="live", markets=["GB"], keywords=[("x", "")])
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _serve(rsps, explore_status=500)
        [report] = trends_pull(watchlist=watchlist, source=PytrendsSource(pause=0))
    assert report.status == "failed" and "500" in report.error
    assert TrendImport.objects.get().status == "failed"
    assert not TrendSeries.objects.exists()


class _Clock:
    def __init__(self, now: float):
        self.now, self.slept = now, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_throttle_spends_a_minutes_budget_then_waits_for_the_next_minute():
    clock = _Clock(6_000_000.0 + 10)  # ten seconds into a minute
    throttle = RequestsPerMinute("test-source", 3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        throttle.acquire()
    assert clock.slept == []
    throttle.acquire()
    assert clock.slept == [pytest.approx(50.05)]


def test_throttle_halves_after_a_refusal_and_gives_up_past_its_longest_wait():
    clock = _Clock(6_000_000.0)
    throttle = RequestsPerMinute("test-refused", 4, max_wait=5, clock=clock, sleep=clock.sleep)
    throttle.refused()
    assert throttle.allowed_per_minute() == 2
    throttle.acquire()
    throttle.acquire()
    with pytest.raises(RateLimited) as refused:
        throttle.acquire()
    assert refused.value.retry_after == pytest.approx(60.05)
    for _ in range(10):
        throttle.refused()
    assert throttle.allowed_per_minute() == 1


def test_throttle_refuses_a_zero_budget():
    with pytest.raises(ValueError):
        RequestsPerMinute("test-zero", 0)

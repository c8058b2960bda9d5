"""SerpApi's Google Trends engine driven through answers in the shape its documentation gives, served at the
HTTP layer: batches rescaled like pytrends, regions and related lists stored, retries, budget and refusals."""

import datetime
import json
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from django.test import override_settings

from hotspots.models import RegionInterest, RelatedQuery, RelatedTopic, TrendImport, TrendPoint, TrendSeries
from hotspots.services import trends_pull, watchlist_create
from hotspots.sources.base import RateLimited, SourceError
from hotspots.sources.serpapi_source import BASE_URL, SerpApiSource
from hotspots.sources.throttle import RequestsPerMinute

from .factories import CycleFactory

pytestmark = pytest.mark.django_db
WEEKS = [datetime.datetime(2026, 1, 4) + datetime.timedelta(days=7 * i) for i in range(6)]
TRUE = {
    "sherpa blanket": [40, 42, 45, 50, 55, 30],
    "mermaid blanket": [5, 6, 8, 10, 14, 8],
    "boho throw": [10, 10, 11, 12, 12, 7],
    "linen duvet cover": [20, 21, 19, 20, 22, 12],
    "waffle bath towel": [15, 14, 13, 12, 12, 6],
    "weighted blanket": [80, 85, 90, 95, 100, 50],
}


def _query(request) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}


def _timeseries(params: dict) -> dict:
    keywords = params["q"].split(",")
    top = max(max(TRUE[k]) for k in keywords)
    rows = []
    for i, week in enumerate(WEEKS):
        values = [round(TRUE[k][i] * 100 / top) for k in keywords]
        row = {
            "date": week.strftime("%b %-d – ") + (week + datetime.timedelta(days=6)).strftime("%-d, %Y"),
            "timestamp": str(int(week.replace(tzinfo=datetime.timezone.utc).timestamp())),
            "values": [{"query": k, "value": str(v), "extracted_value": v} for k, v in zip(keywords, values)],
        }
        if i == len(WEEKS) - 1:
            row["partial_data"] = True
        rows.append(row)
    return {"search_metadata": {"status": "Success"}, "interest_over_time": {"timeline_data": rows}}


ANSWERS = {
    "GEO_MAP_0": {
        "search_metadata": {"status": "Success"},
        "interest_by_region": [
            {"geo": "US-HI", "location": "Hawaii", "max_value_index": 0, "value": "100", "extracted_value": 100},
            {"geo": "US-ME", "location": "Maine", "max_value_index": 0, "value": "83", "extracted_value": 83},
            {"geo": "US-TX", "location": "Texas", "max_value_index": 0, "value": "<1", "extracted_value": 0},
        ],
    },
    "RELATED_QUERIES": {
        "search_metadata": {"status": "Success"},
        "related_queries": {
            "rising": [
                {"query": "blanket hoodie", "value": "Breakout", "extracted_value": 3950},
                {"query": "sherpa throw", "value": "+250%", "extracted_value": 250},
            ],
            "top": [
                {"query": "sherpa blanket throw", "value": "100", "extracted_value": 100},
                {"query": "grey sherpa", "value": "<1", "extracted_value": 0},
            ],
        },
    },
    "RELATED_TOPICS": {
        "search_metadata": {"status": "Success"},
        "related_topics": {
            "rising": [{"topic": {"value": "/m/0bh9x", "title": "Fleece", "type": "Textile"},
                        "value": "Breakout", "extracted_value": 5100}],
            "top": [{"topic": {"value": "/m/0b6m0", "title": "Blanket", "type": "Topic"},
                     "value": "100", "extracted_value": 100},
                    {"topic": {"value": "/m/0k8z", "title": "Amazon", "type": "Company"},
                     "value": "12", "extracted_value": 12}],
        },
    },
}


def _answer(request):
    params = _query(request)
    kind = params["data_type"]
    body = _timeseries(params) if kind == "TIMESERIES" else ANSWERS[kind]
    return 200, {"Content-Type": "application/json"}, json.dumps(body)


def _source(**kwargs) -> SerpApiSource:
    return SerpApiSource(key="test-key", sleep=lambda _s: None, backoff=0, **kwargs)


def test_batches_are_rescaled_and_every_request_carries_the_key_and_engine():
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, BASE_URL, callback=_answer)
        series = _source().interest_over_time(keywords=list(TRUE), market="US", timeframe="today 3-m")
        sent = [_query(call.request) for call in rsps.calls]
    assert len(sent) == 2  # six keywords: anchor + four, then anchor + one
    assert {(q["engine"], q["api_key"], q["geo"], q["date"], q["data_type"]) for q in sent} == {
        ("google_trends", "test-key", "US", "today 3-m", "TIMESERIES")
    }
    assert sent[1]["q"] == "sherpa blanket,weighted blanket"
    by_keyword = {s.keyword: s for s in series}
    assert by_keyword["weighted blanket"].points[4].value == 100.0
    assert by_keyword["sherpa blanket"].points[0].value == pytest.approx(40, abs=1.5)
    assert [p.is_partial for p in by_keyword["weighted blanket"].points] == [False] * 5 + [True]
    assert by_keyword["mermaid blanket"].granularity == "week"
    assert by_keyword["mermaid blanket"].points[0].date == datetime.date(2026, 1, 4)


@override_settings(SERPAPI_API_KEY="test-key")
def test_a_serpapi_watchlist_stores_series_regions_queries_and_topics():
    watchlist = watchlist_create(cycle=CycleFactory(), name="live", markets=["US"],
                                 keywords=[("sherpa blanket", "")])
    watchlist.live_source = "serpapi"
    watchlist.save()
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, BASE_URL, callback=_answer)
        [report] = trends_pull(watchlist=watchlist)
    assert (report.status, report.kind) == ("ok", "serpapi")
    assert TrendSeries.objects.get().source == "serpapi"
    assert TrendPoint.objects.count() == 6
    regions = dict(RegionInterest.objects.filter(source="serpapi", market="US").values_list("region", "value"))
    assert regions == {"Hawaii": 100.0, "Maine": 83.0, "Texas": 0.5}
    rising = RelatedQuery.objects.get(query="blanket hoodie")
    assert (rising.kind, rising.is_breakout, rising.value) == ("rising", True, None)
    assert RelatedQuery.objects.get(query="grey sherpa").value == 0.5
    topics = list(RelatedTopic.objects.order_by("kind", "rank").values_list("kind", "rank", "title", "topic_type", "value"))
    assert topics == [("rising", 1, "Fleece", "Textile", None), ("top", 1, "Blanket", "Topic", 100.0),
                      ("top", 2, "Amazon", "Company", 12.0)]
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, BASE_URL, callback=_answer)
        [again] = trends_pull(watchlist=watchlist)
    assert (again.new, again.updated) == (0, 0)


@override_settings(SERPAPI_API_KEY="test-key")
def test_pytrends_refused_falls_back_to_serpapi():
    class Refusing:
        name = "pytrends"

        def interest_over_time(self, **_kwargs):
            raise RateLimited("Google Trends refused with HTTP 429")

    watchlist = watchlist_create(cycle=CycleFactory(), name="w", markets=["US"], keywords=[("sherpa blanket", "")])
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, BASE_URL, callback=_answer)
        [report] = trends_pull(watchlist=watchlist, source=Refusing(), fallback=_source())
    assert (report.status, report.kind) == ("ok", "serpapi")
    logged = TrendImport.objects.get(status="failed")
    assert logged.source == "pytrends" and "asked serpapi instead" in logged.error


@override_settings(SERPAPI_API_KEY="")
def test_without_a_key_nothing_changes():
    from hotspots.services import fallback_source, live_source_for

    watchlist = watchlist_create(cycle=CycleFactory(), name="w", markets=["US"], keywords=[("x", "")])
    assert fallback_source() is None
    assert live_source_for(watchlist=watchlist).name == "pytrends"
    watchlist.live_source = "serpapi"
    with pytest.raises(SourceError, match="SERPAPI_API_KEY"):
        live_source_for(watchlist=watchlist)
    [report] = trends_pull(watchlist=watchlist)
    assert report.status == "failed" and "SERPAPI_API_KEY is not set" in report.error
    assert not TrendSeries.objects.exists()
    with pytest.raises(SourceError, match="not configured"):
        SerpApiSource(key="")


def test_server_errors_are_retried_then_succeed_and_429_is_a_refusal():
    waits = []
    source = SerpApiSource(key="k", sleep=waits.append, backoff=1.0)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE_URL, status=503, json={"error": "busy"})
        rsps.add_callback(responses.GET, BASE_URL, callback=_answer)
        geo = source.interest_by_region(keyword="x", market="US")
    assert [r.region for r in geo.columns[0].regions] == ["Hawaii", "Maine", "Texas"]
    assert len(waits) == 1 and 1.0 <= waits[0] <= 1.5
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE_URL, status=429, json={"error": "Your account has run out of searches."},
                 headers={"Retry-After": "120"})
        with pytest.raises(RateLimited, match="run out of searches") as caught:
            source.related_queries(keyword="x", market="US")
    assert caught.value.retry_after == 120.0
    assert source.throttle.allowed_per_minute() == source.throttle.per_minute // 2


def test_bad_key_and_malformed_answers_are_source_errors():
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE_URL, status=401, json={"error": "Invalid API key."})
        with pytest.raises(SourceError, match="HTTP 401: Invalid API key"):
            _source().related_topics(keyword="x", market="US")
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE_URL, body="<html>", status=200)
        with pytest.raises(SourceError, match="not JSON"):
            _source().related_topics(keyword="x", market="US")
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE_URL, json={"search_metadata": {"status": "Success"},
                                                "interest_over_time": {"timeline_data": []}})
        with pytest.raises(SourceError, match="no data"):
            _source().interest_over_time(keywords=["x"], market="US")


def test_its_own_budget_refuses_past_the_minute():
    clock = [0.0]
    throttle = RequestsPerMinute("serpapi", 1, max_wait=0, clock=lambda: clock[0], sleep=lambda _s: None)
    source = _source(throttle=throttle)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_callback(responses.GET, BASE_URL, callback=_answer)
        source.related_queries(keyword="x", market="US")
        with pytest.raises(RateLimited, match="budget spent"):
            source.related_queries(keyword="x", market="US")
        assert len(rsps.calls) == 1

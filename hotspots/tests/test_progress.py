"""Link 1's card on the cycle page: hotspots_cycle_progress, in one query."""

import pytest
from django.urls import reverse

from core.dashboard.progress import ProgressState
from core.tests.factories import CycleFactory
from hotspots.models import Hotspot
from hotspots.selectors import hotspots_cycle_progress

from .factories import TrendSeriesFactory, WatchKeywordFactory, WatchlistFactory

pytestmark = pytest.mark.django_db


def _hotspot(cycle, keyword: str, market: str, score: float) -> Hotspot:
    return Hotspot.objects.create(
        cycle=cycle, series=TrendSeriesFactory(keyword=keyword, market=market), keyword=keyword, category="blanket",
        market=market, score=score, level=50.0, growth=0.2, slope=0.1,
    )


def test_an_empty_cycle_asks_for_a_watchlist(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        progress = hotspots_cycle_progress(cycle=cycle)
    assert progress.state == ProgressState.NOT_STARTED
    assert (progress.next_action, progress.next_url) == ("Create a watchlist", reverse("admin:hotspots_watchlist_add"))
    assert dict(progress.counts) == {"watchlists": "0 (0 keywords)", "hotspots": "0 keywords × 0 markets", "top score": "—"}


def test_keywords_without_scores_ask_for_trend_exports(django_assert_num_queries):
    watchlist = WatchlistFactory()
    WatchKeywordFactory.create_batch(2, watchlist=watchlist)
    WatchlistFactory(cycle=watchlist.cycle)
    with django_assert_num_queries(1):
        progress = hotspots_cycle_progress(cycle=watchlist.cycle)
    assert progress.state == ProgressState.IN_PROGRESS
    assert progress.next_action == "Import trend exports"
    assert progress.next_url == f"{reverse('hotspots:list')}?cycle={watchlist.cycle.number}"
    assert dict(progress.counts)["watchlists"] == "2 (2 keywords)"
    assert (progress.watchlists, progress.watch_keywords, progress.hotspots) == (2, 2, 0)


def test_scored_hotspots_point_at_the_top_one_in_one_query_however_many(django_assert_num_queries):
    cycle = CycleFactory()
    top = _hotspot(cycle, "mermaid blanket", "US", 0.91)
    _hotspot(cycle, "mermaid blanket", "GB", 0.4)
    for i in range(20):
        _hotspot(cycle, f"sherpa throw {i}", "US", 0.1)
    _hotspot(CycleFactory(), "other cycle", "US", 0.99)
    with django_assert_num_queries(1):
        progress = hotspots_cycle_progress(cycle=cycle)
    assert progress.state == ProgressState.DONE
    assert progress.next_action == "Review top hotspot “mermaid blanket”"
    assert progress.next_url == reverse("hotspots:detail", args=[top.pk])
    assert dict(progress.counts)["hotspots"] == "21 keywords × 2 markets"
    assert dict(progress.counts)["top score"] == "0.91"
    assert progress.hotspots == 22

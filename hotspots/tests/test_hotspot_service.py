import numpy as np
import pytest
from django.core.exceptions import ValidationError

from hotspots.models import Hotspot, TrendPoint, WatchKeyword
from hotspots.services import hotspots_score, watchlist_create

from .factories import CycleFactory, TrendSeriesFactory, weekly_series

pytestmark = pytest.mark.django_db


def test_watchlist_create_dedupes_case_insensitively_and_merges():
    cycle = CycleFactory()
    watchlist = watchlist_create(
        cycle=cycle, name="Seed", markets=["us", "GB", "US"],
        keywords=[("Mermaid Blanket", "blanket"), ("mermaid  blanket", "throw"), ("boho throw", "throw")],
    )
    assert watchlist.markets == ["US", "GB"]
    assert list(watchlist.keywords.values_list("keyword", "category", "origin")) == [
        ("Mermaid Blanket", "blanket", "seed"), ("boho throw", "throw", "seed"),
    ]
    again = watchlist_create(
        cycle=cycle, name="Seed", markets=["DE"], keywords=[("BOHO THROW", ""), ("waffle bath towel", "bath towel")],
        origin="brief",
    )
    assert again.pk == watchlist.pk and again.markets == ["US", "GB", "DE"]
    assert WatchKeyword.objects.filter(watchlist=watchlist).count() == 3


def test_watchlist_create_refuses_bad_input_and_stores_nothing():
    cycle = CycleFactory()
    with pytest.raises(ValidationError, match="Keyword 2 is empty"):
        watchlist_create(cycle=cycle, name="W", markets=["US"], keywords=[("a", ""), ("  ", "")])
    with pytest.raises(ValidationError, match="origin"):
        watchlist_create(cycle=cycle, name="W", markets=["US"], keywords=[("a", "")], origin="nope")
    assert not cycle.watchlists.exists()


def test_hotspots_score_prefers_weekly_and_updates_in_place(django_assert_max_num_queries):
    cycle = CycleFactory()
    watchlist_create(
        cycle=cycle, name="W", markets=["US", "GB"],
        keywords=[("rising blanket", "blanket"), ("flat throw", "throw"), ("absent towel", "bath towel")],
    )
    rising = weekly_series(keyword="rising blanket", values=list(np.linspace(10, 90, 60)), is_demo=True)
    weekly_series(keyword="Flat Throw", values=[40.0] * 60)
    monthly = TrendSeriesFactory(keyword="rising blanket", granularity="month")
    TrendPoint.objects.create(series=monthly, date="2024-01-01", value=1)
    weekly_series(keyword="rising blanket", market="DE", values=[5.0] * 60)  # not a watched market

    with django_assert_max_num_queries(10):
        first = hotspots_score(cycle=cycle)
    assert [(h.keyword, h.market) for h in first] == [("rising blanket", "US"), ("flat throw", "US")]
    top = Hotspot.objects.get(cycle=cycle, keyword="rising blanket")
    assert top.series == rising and top.category == "blanket" and top.is_demo
    assert top.score > Hotspot.objects.get(keyword="flat throw").score
    assert top.components["granularity"] == "week" and top.components["level"] == top.level
    assert top.growth > 0 and top.slope > 0

    # New data and a re-score: same rows, new numbers.
    TrendPoint.objects.filter(series=rising).update(value=20)
    second = hotspots_score(cycle=cycle)
    assert Hotspot.objects.filter(cycle=cycle).count() == 2
    top_again = Hotspot.objects.get(cycle=cycle, keyword="rising blanket")
    assert top_again.pk == top.pk and top_again.growth == 0.0
    assert {h.pk for h in second} == {h.pk for h in first}


def test_partial_last_point_is_left_out_of_the_score():
    cycle = CycleFactory()
    watchlist_create(cycle=cycle, name="W", markets=["US"], keywords=[("x", "throw")])
    series = weekly_series(keyword="x", values=[50.0] * 30)
    last = TrendPoint.objects.filter(series=series).order_by("-date").first()
    last.value, last.is_partial = 1.0, True
    last.save()
    [hotspot] = hotspots_score(cycle=cycle)
    assert hotspot.level == 50.0 and hotspot.components["points_used"] == 29


def test_cycle_without_watchlists_scores_nothing():
    assert hotspots_score(cycle=CycleFactory()) == []

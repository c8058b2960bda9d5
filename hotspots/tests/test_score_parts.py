"""Competition, breakout and seasonality beside the trend score."""

import datetime
import math

import numpy as np
import pytest

from hotspots.models import AmazonKeywordMetric, Hotspot, RelatedQuery
from hotspots.scoring import Breakout, Competition, score_series, seasonality
from hotspots.services import hotspots_score

from .factories import CycleFactory, WatchKeywordFactory, WatchlistFactory, weekly_series

START = datetime.date(2021, 1, 3)


def weeks(n):
    return [START + datetime.timedelta(weeks=i) for i in range(n)]


def yearly(n, peak_week=47, amplitude=30.0, base=40.0):
    return [base + amplitude * math.cos(2 * math.pi * (w - peak_week) / 52) for w in range(n)]


def test_competition_part_from_volume_per_product_and_title_density():
    assert Competition().part() is None
    assert Competition(search_volume=1000, competing_products=1000).part() == pytest.approx(0.5)
    roomy = Competition(search_volume=10000, competing_products=100, title_density=0).part()
    crowded = Competition(search_volume=1000, competing_products=20000, title_density=45).part()
    assert roomy > 0.9 and crowded < 0.2
    assert Competition(title_density=60).part() == 0.0


def test_competition_lifts_an_uncrowded_keyword_and_is_shown_beside_the_score():
    values = list(np.linspace(30, 60, 80))
    plain = score_series(values)
    roomy = score_series(values, competition=Competition(search_volume=9000, competing_products=150, title_density=2))
    crowded = score_series(values, competition=Competition(search_volume=900, competing_products=15000, title_density=48))
    assert crowded.score < plain.score < roomy.score
    components = roomy.components()
    assert components["competition"] == {"search_volume": 9000, "competing_products": 150, "title_density": 2}
    assert "competition" in components["parts"] and components["weights"]["competition"] == 0.15
    assert "0.15·competition" in components["formula"]
    assert "competition" not in plain.components()["weights"]


def test_breakout_part_counts_breakouts_and_fast_risers():
    assert Breakout().part() is None
    assert Breakout(rising_known=5).part() == 0.0
    assert Breakout(breakouts=2, rising_fast=2, rising_known=6).part() == pytest.approx(1 - math.exp(-2))
    values = [50.0] * 60
    assert score_series(values, breakout=Breakout(breakouts=3, rising_known=3)).score > score_series(values).score


def test_slope_significance_is_reported():
    assert score_series(list(np.linspace(10, 90, 60))).slope_significant is True
    assert score_series([50.0] * 60).slope_significant is False


def test_yearly_peaks_give_the_next_peak_in_weeks():
    # Peaks every 52 weeks at week 47 (late November); the series ends at week 52*3 + 30.
    n = 52 * 3 + 30
    season = seasonality(weeks(n), yearly(n))
    assert season.seasonal is True and len(season.peaks) == 3
    assert season.peaks[-1] == (START + datetime.timedelta(weeks=52 * 2 + 47)).isoformat()
    assert season.weeks_to_next_peak == 52 * 3 + 47 - (n - 1) == 18
    assert datetime.date.fromisoformat(season.next_peak) == START + datetime.timedelta(weeks=52 * 3 + 47)


def test_flat_or_short_series_has_no_season():
    assert seasonality(weeks(60), yearly(60)) is None
    flat = seasonality(weeks(150), [50.0] * 150)
    assert flat.seasonal is False and flat.weeks_to_next_peak is None
    result = score_series(yearly(150), dates=weeks(150))
    assert result.season["seasonal"] is True and result.components()["season"]["next_peak"]


@pytest.mark.django_db
def test_hotspots_score_joins_amazon_competition_and_breakouts():
    cycle = CycleFactory()
    watchlist = WatchlistFactory(cycle=cycle, markets=["US", "DE"])
    WatchKeywordFactory(watchlist=watchlist, keyword="Mermaid Blanket", category="blanket")
    for market in ("US", "DE"):
        weekly_series(keyword="mermaid blanket", market=market, values=list(np.linspace(30, 60, 80)))
    AmazonKeywordMetric.objects.create(
        tool="cerebro", keyword="mermaid blanket", market="US", snapshot=datetime.date(2024, 9, 1),
        search_volume=100, competing_products=9000, title_density=40,
    )
    AmazonKeywordMetric.objects.create(
        tool="cerebro", keyword="mermaid blanket", market="US", snapshot=datetime.date(2024, 10, 1),
        search_volume=9000, competing_products=100, title_density=1,
    )
    RelatedQuery.objects.create(source="trends_export", keyword="mermaid blanket", market="DE", kind="rising",
                                query="mermaid tail blanket", value=None, is_breakout=True)
    hotspots_score(cycle=cycle)
    us = Hotspot.objects.get(cycle=cycle, market="US")
    de = Hotspot.objects.get(cycle=cycle, market="DE")
    # The latest snapshot counts; DE has no Amazon figures but a breakout.
    assert us.components["competition"]["search_volume"] == 9000
    assert us.components["breakout"] is None and de.components["competition"] is None
    assert de.components["breakout"] == {"breakouts": 1, "rising_fast": 0, "rising_known": 1}
    assert us.components["parts"]["competition"] > 0.9
    assert "season" in us.components and us.components["slope_significant"] is True

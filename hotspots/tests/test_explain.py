"""A hotspot's score in words: the points of its parts add up to the score."""

import math

from hotspots.explain import score_explained
from hotspots.scoring import Breakout, Competition, score_series


def _series(n=80):
    return [20 + 10 * math.sin(i / 8) + i * 0.4 for i in range(n)]


def test_the_points_of_the_parts_add_up_to_the_score():
    scored = score_series(_series(), periods_per_year=52)
    explained = score_explained(scored.components(), score=scored.score, granularity="week")
    assert [p.name for p in explained.parts] == ["Level", "Growth", "Year on year", "Trend", "Momentum"]
    assert math.isclose(sum(p.points for p in explained.parts), scored.score, abs_tol=0.05)
    level = explained.parts[0]
    assert level.measured.startswith(f"{scored.level:.1f} of 100 — mean of the last 12 weeks")
    assert "None" not in repr([p.measured for p in explained.parts])
    assert any("No Amazon keyword-tool export" in note for note in explained.notes)


def test_extra_parts_take_their_weight_and_say_what_was_measured():
    scored = score_series(
        _series(), periods_per_year=52,
        competition=Competition(search_volume=12000, competing_products=800, title_density=12),
        breakout=Breakout(breakouts=2, rising_fast=1, rising_known=9),
    )
    explained = score_explained(scored.components(), score=scored.score, granularity="week")
    names = [p.name for p in explained.parts]
    assert names[-2:] == ["Amazon competition", "Breakout queries"]
    assert math.isclose(sum(p.points for p in explained.parts), scored.score, abs_tol=0.05)
    assert "12,000 searches a month for 800 competing products" in explained.parts[-2].measured
    assert "2 marked Breakout, 1 rising 500% or more, of 9" in explained.parts[-1].measured


def test_components_that_are_not_a_score_are_not_explained():
    assert score_explained({"level": 0.5}, score=10.0) is None

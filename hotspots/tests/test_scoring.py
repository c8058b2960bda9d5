"""The score maths alone, on constructed series."""

import math

import numpy as np

from hotspots.scoring import score_series


def seasonal(weeks: int, peak_week: int = 0, amplitude: float = 30, base: float = 50) -> list[float]:
    return [base + amplitude * math.cos(2 * math.pi * (w - peak_week) / 52) for w in range(weeks)]


def test_rising_scores_above_flat_and_flat_above_falling():
    rising = score_series(list(np.linspace(20, 80, 104)))
    flat = score_series([50.0] * 104)
    falling = score_series(list(np.linspace(80, 20, 104)))
    assert rising.score > flat.score > falling.score
    assert rising.growth > 0 and rising.slope > 0 and rising.slope_p_value < 0.001
    assert falling.growth < 0 and falling.slope < 0


def test_flat_series_components():
    flat = score_series([50.0] * 60)
    assert (flat.level, flat.growth, flat.slope, flat.slope_p_value, flat.momentum) == (50.0, 0.0, 0.0, 1.0, 0.0)
    assert flat.score == 50.0


def test_seasonal_run_up_scores_above_the_fall_after_the_peak():
    year = seasonal(52 * 3, peak_week=0)
    # Same series, scored ten weeks before its peak and ten weeks after it.
    before_peak = score_series(year[: 52 * 2 - 10])
    after_peak = score_series(year[: 52 * 2 + 10])
    assert before_peak.score > after_peak.score
    assert before_peak.momentum > 0 > after_peak.momentum


def test_zero_series_scores_zero_without_dividing_by_zero():
    zero = score_series([0.0] * 52)
    assert zero.score == 0.0 and zero.growth == 0.0 and zero.momentum == 0.0


def test_from_nothing_to_something_is_capped():
    result = score_series([0.0] * 12 + [10.0] * 12)
    assert result.growth == 3.0
    assert math.isfinite(result.score) and 0 <= result.score <= 100


def test_empty_cells_are_dropped_and_short_series_not_scored():
    assert score_series([None, 5, None]) is None
    assert score_series([]) is None
    result = score_series([None, 10, 10, None, 10, 10])
    assert result.points_used == 4 and result.level == 10.0


def test_scores_stay_within_0_and_100():
    rng = np.random.RandomState(7)
    for _ in range(200):
        values = list(rng.randint(0, 101, rng.randint(4, 300)).astype(float))
        result = score_series(values)
        assert 0 <= result.score <= 100
        assert set(result.components()) >= {"level", "growth", "slope", "slope_p_value", "momentum", "parts"}

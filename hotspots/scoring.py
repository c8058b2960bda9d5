"""Hotspot score of one interest-over-time series. Pure numpy/pandas/scipy: no Django.

Input is the series' complete points in date order (a partial last point is left
out by the caller: Google fills it in as the period runs, so it reads low);
empty cells (None/NaN) are dropped. With ``w`` = the series' points:

- ``level``    mean of the last 12 points (Google's 0-100 index).
- ``growth``   mean of the last 12 over the mean of the 12 before, minus 1.
               Guarded: if the earlier mean is under 0.5 (nothing searched) growth
               is 0 when the last 12 are also under 0.5, else capped at ``GROWTH_CAP``.
               Fewer than 24 points: the earlier window is whatever precedes the last 12.
- ``slope``    least-squares slope (index points per period) over the last 26 points,
               with its two-sided p-value (``scipy.stats.linregress``); a constant
               window has slope 0 and p-value 1.
- ``momentum`` mean of the last 4 over the mean of the last 12, minus 1 (same guard).
- ``yoy``      mean of the last 12 over the mean of the same 12 periods one year
               earlier, minus 1 (same guard): growth with the season taken out, so a
               blanket rising into winter is not mistaken for a fad. Needs a year
               plus 12 points; without them the growth part stands in for it.

Each component is mapped to 0..1 and weighted:

    level_part    = min(level / 100, 1)
    growth_part   = 0.5 + 0.5 * tanh(growth / 0.5)
    yoy_part      = 0.5 + 0.5 * tanh(yoy / 0.5)
    trend_part    = 0.5 + 0.5 * tanh(relative_slope * (1 - p_value) / 0.5)
                    where relative_slope = slope * 26 / max(level, 1)
                    (the change across the window relative to today's level,
                    trusted as far as the fit is significant)
    momentum_part = 0.5 + 0.5 * tanh(momentum / 0.25)

    score = 100 * (0.15 level_part + 0.20 growth_part + 0.30 yoy_part
                   + 0.20 trend_part + 0.15 momentum_part) * presence
    presence = min(level / 2, 1)

A flat series scores about 42.5 + 15 * level/100; a rising one more; a falling one
less. ``presence`` brings keywords that are hardly searched (level under 2)
down towards 0, so an all-zero series scores 0. hotspots/SCORES.md says the
same for readers of the dashboard.
"""

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

LEVEL_WINDOW = 12
MOMENTUM_WINDOW = 4
SLOPE_WINDOW = 26
MIN_POINTS = 4
NOTHING = 0.5
GROWTH_CAP = 3.0
WEIGHTS = {"level": 0.15, "growth": 0.20, "yoy": 0.30, "trend": 0.20, "momentum": 0.15}
PERIODS_PER_YEAR = {"week": 52, "month": 12, "day": 365, "hour": 365}
FORMULA = (
    "100 × (0.15·level + 0.20·growth + 0.30·yoy + 0.20·trend + 0.15·momentum) × presence, "
    "each part mapped to 0..1 (see hotspots/SCORES.md)"
)


@dataclass(frozen=True)
class SeriesScore:
    score: float
    level: float
    growth: float
    slope: float
    slope_p_value: float
    momentum: float
    yoy: float | None
    points_used: int
    parts: dict

    def components(self) -> dict:
        data = asdict(self)
        data["weights"] = WEIGHTS
        data["formula"] = FORMULA
        return data


def _ratio_change(recent: float, earlier: float) -> float:
    if earlier < NOTHING:
        return 0.0 if recent < NOTHING else GROWTH_CAP
    return min(recent / earlier - 1.0, GROWTH_CAP)


def _squash(x: float, scale: float) -> float:
    return 0.5 + 0.5 * math.tanh(x / scale)


def score_series(
    values: Sequence[float | None] | pd.Series, *, periods_per_year: int | None = 52
) -> SeriesScore | None:
    """Score one series (complete points in date order); None when fewer than MIN_POINTS are known.

    ``periods_per_year`` is 52 for weekly series (12 monthly, 365 daily); None skips the yearly comparison.
    """
    y = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna().to_numpy(dtype=float)
    if len(y) < MIN_POINTS:
        return None
    last = y[-LEVEL_WINDOW:]
    before = y[:-LEVEL_WINDOW][-LEVEL_WINDOW:]
    level = float(last.mean())
    growth = _ratio_change(level, float(before.mean())) if len(before) else 0.0
    momentum = _ratio_change(float(y[-MOMENTUM_WINDOW:].mean()), level)
    yoy = None
    if periods_per_year and len(y) >= periods_per_year + LEVEL_WINDOW:
        year_ago = y[-periods_per_year - LEVEL_WINDOW : -periods_per_year]
        yoy = _ratio_change(level, float(year_ago.mean()))

    window = y[-SLOPE_WINDOW:]
    if np.ptp(window) == 0:
        slope, p_value = 0.0, 1.0
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = stats.linregress(np.arange(len(window), dtype=float), window)
        slope = float(fit.slope)
        p_value = float(fit.pvalue) if np.isfinite(fit.pvalue) else 1.0

    relative_slope = slope * SLOPE_WINDOW / max(level, 1.0)
    parts = {
        "level": min(level / 100.0, 1.0),
        "growth": _squash(growth, 0.5),
        "yoy": _squash(growth if yoy is None else yoy, 0.5),
        "trend": _squash(relative_slope * (1.0 - p_value), 0.5),
        "momentum": _squash(momentum, 0.25),
    }
    presence = min(level / 2.0, 1.0)
    score = 100.0 * sum(WEIGHTS[name] * part for name, part in parts.items()) * presence
    parts = {name: round(part, 4) for name, part in parts.items()}
    parts["presence"] = round(presence, 4)
    parts["relative_slope"] = round(relative_slope, 4)
    return SeriesScore(
        score=round(score, 2),
        level=round(level, 3),
        growth=round(growth, 4),
        slope=round(slope, 4),
        slope_p_value=round(p_value, 6),
        momentum=round(momentum, 4),
        yoy=None if yoy is None else round(yoy, 4),
        points_used=int(len(y)),
        parts=parts,
    )

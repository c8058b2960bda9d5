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
down towards 0, so an all-zero series scores 0.

Two parts join when their facts are known (otherwise the score is the one above):

    competition_part  Amazon keyword-tool figures: the mean of
                      0.5 + 0.5 * tanh(log10(search volume / competing products))
                      and 1 - min(title density / 50, 1), whichever are known
    breakout_part     rising related queries: 1 - exp(-(breakouts + rising >= 500 %) / 2)

    score = 100 * ((1 - w) * trend_sum + 0.15 competition_part + 0.10 breakout_part) * presence

where trend_sum is the weighted sum above and w the weights of the known extra
parts (0.15, 0.10, or both). Seasonality (year-over-year peaks, "next peak in N
weeks") is reported beside the score, not inside it: the yoy part already takes
the season out. ``hotspots.explain`` puts a score in words on the hotspot's page.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import special

LEVEL_WINDOW = 12
MOMENTUM_WINDOW = 4
SLOPE_WINDOW = 26
MIN_POINTS = 4
NOTHING = 0.5
GROWTH_CAP = 3.0
WEIGHTS = {"level": 0.15, "growth": 0.20, "yoy": 0.30, "trend": 0.20, "momentum": 0.15}
PERIODS_PER_YEAR = {"week": 52, "month": 12, "day": 365, "hours": 365, "minutes": 365}
EXTRA_WEIGHTS = {"competition": 0.15, "breakout": 0.10}
TITLE_DENSITY_FULL = 50
SIGNIFICANCE = 0.05
# Peaks of successive years this many days apart (or closer) make a season.
SEASON_TOLERANCE_DAYS = 28
# A year's peak must stand this far above that year's mean to count as a peak.
SEASON_LIFT = 1.25
FORMULA = (
    "100 × (0.15·level + 0.20·growth + 0.30·yoy + 0.20·trend + 0.15·momentum) × presence, "
    "each part mapped to 0..1"
)
FORMULA_EXTRA = (
    "100 × ((1 − w)·trend_sum + 0.15·competition + 0.10·breakout) × presence, with only the known extra parts "
    "and w their weights"
)


@dataclass(frozen=True)
class Competition:
    """Amazon keyword-tool figures for the keyword in this market (any may be unknown)."""

    search_volume: int | None = None
    competing_products: int | None = None
    title_density: int | None = None

    def part(self) -> float | None:
        parts = []
        if self.search_volume is not None and self.competing_products is not None:
            ratio = max(self.search_volume, 1) / max(self.competing_products, 1)
            parts.append(0.5 + 0.5 * math.tanh(math.log10(ratio)))
        if self.title_density is not None:
            parts.append(1.0 - min(self.title_density / TITLE_DENSITY_FULL, 1.0))
        return sum(parts) / len(parts) if parts else None


@dataclass(frozen=True)
class Breakout:
    """Rising related queries of the keyword in this market: how many Google marks Breakout, how many grow 500 %+."""

    breakouts: int = 0
    rising_fast: int = 0
    rising_known: int = 0

    def part(self) -> float | None:
        if not self.rising_known:
            return None
        return 1.0 - math.exp(-(self.breakouts + self.rising_fast) / 2.0)


@dataclass(frozen=True)
class Season:
    seasonal: bool
    peaks: list = field(default_factory=list)
    next_peak: str | None = None
    weeks_to_next_peak: int | None = None


def seasonality(dates: Sequence[datetime.date], values: Sequence[float]) -> Season | None:
    """Year-over-year peaks of a series: the peak of each of the last whole years counted back from the
    last point. When two or more successive peaks land within SEASON_TOLERANCE_DAYS of the same day of
    the year (and stand SEASON_LIFT above their year's mean), the next peak is the latest one plus a
    year: "next peak in N weeks". None when under two years of points are known."""
    if len(dates) < 2 or (dates[-1] - dates[0]).days < 2 * 365 - 14:
        return None
    end = dates[-1]
    days = np.fromiter((d.toordinal() for d in dates), dtype=np.int64, count=len(dates))
    y = np.asarray(values, dtype=float)
    peaks = []
    for back in range(0, 10):
        hi = days[-1] - 365 * back
        lo = hi - 365
        start, stop = np.searchsorted(days, lo, side="right"), np.searchsorted(days, hi, side="right")
        if stop - start < 4 or days[start] - lo > 45:
            break
        window = y[start:stop]
        top = float(window.max())
        # The latest of equal highs is the peak.
        at = start + len(window) - 1 - int(np.argmax(window[::-1]))
        peaks.append((datetime.date.fromordinal(int(days[at])), top > SEASON_LIFT * max(float(window.mean()), NOTHING)))
    peaks.reverse()
    if len(peaks) < 2:
        return None
    days = [d for d, _lifted in peaks]
    drift = abs(((days[-1] - days[-2]).days - 365 + 182) % 365 - 182)
    seasonal = peaks[-2][1] and peaks[-1][1] and drift <= SEASON_TOLERANCE_DAYS
    if not seasonal:
        return Season(seasonal=False, peaks=[d.isoformat() for d in days])
    upcoming = days[-1] + datetime.timedelta(weeks=52)
    while upcoming <= end:
        upcoming += datetime.timedelta(weeks=52)
    return Season(
        seasonal=True, peaks=[d.isoformat() for d in days], next_peak=upcoming.isoformat(),
        weeks_to_next_peak=(upcoming - end).days // 7,
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
    slope_significant: bool = False
    competition: dict | None = None
    breakout: dict | None = None
    season: dict | None = None

    def components(self) -> dict:
        data = asdict(self)
        data["weights"] = {**WEIGHTS, **{k: v for k, v in EXTRA_WEIGHTS.items() if k in self.parts}}
        data["formula"] = FORMULA_EXTRA if set(EXTRA_WEIGHTS) & set(self.parts) else FORMULA
        return data


def _ratio_change(recent: float, earlier: float) -> float:
    if earlier < NOTHING:
        return 0.0 if recent < NOTHING else GROWTH_CAP
    return min(recent / earlier - 1.0, GROWTH_CAP)


def _squash(x: float, scale: float) -> float:
    return 0.5 + 0.5 * math.tanh(x / scale)


def trend_slope(window: np.ndarray) -> tuple[float, float]:
    """Least-squares slope per period and its two-sided p-value (the t-test ``scipy.stats.linregress`` does)."""
    n = len(window)
    if n < 3 or np.ptp(window) == 0:
        return 0.0, 1.0
    x = np.arange(n, dtype=float) - (n - 1) / 2
    sxx = float(x @ x)
    centred = window - window.mean()
    sxy = float(x @ centred)
    slope = sxy / sxx
    residual = max(float(centred @ centred) - slope * sxy, 0.0)
    df = n - 2
    if residual <= 1e-12:
        return slope, 0.0
    t = slope / math.sqrt(residual / df / sxx)
    return slope, float(2 * special.stdtr(df, -abs(t)))


def score_series(
    values: Sequence[float | None] | pd.Series, *, periods_per_year: int | None = 52,
    dates: Sequence[datetime.date] | None = None, competition: Competition | None = None,
    breakout: Breakout | None = None,
) -> SeriesScore | None:
    """Score one series (complete points in date order); None when fewer than MIN_POINTS are known.

    ``periods_per_year`` is 52 for weekly series (12 monthly, 365 daily); None skips the yearly comparison.
    ``dates`` (one per value) adds seasonality; ``competition`` and ``breakout`` add their parts when known.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        known = ~np.isnan(values)
        y = values[known]
    else:
        raw = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce")
        known = raw.notna().to_numpy()
        y = raw.to_numpy(dtype=float)[known]
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

    slope, p_value = trend_slope(y[-SLOPE_WINDOW:])

    relative_slope = slope * SLOPE_WINDOW / max(level, 1.0)
    parts = {
        "level": min(level / 100.0, 1.0),
        "growth": _squash(growth, 0.5),
        "yoy": _squash(growth if yoy is None else yoy, 0.5),
        "trend": _squash(relative_slope * (1.0 - p_value), 0.5),
        "momentum": _squash(momentum, 0.25),
    }
    presence = min(level / 2.0, 1.0)
    total = sum(WEIGHTS[name] * part for name, part in parts.items())
    extras = {}
    competition_part = competition.part() if competition is not None else None
    if competition_part is not None:
        extras["competition"] = competition_part
    breakout_part = breakout.part() if breakout is not None else None
    if breakout_part is not None:
        extras["breakout"] = breakout_part
    if extras:
        total = (1.0 - sum(EXTRA_WEIGHTS[name] for name in extras)) * total + sum(
            EXTRA_WEIGHTS[name] * part for name, part in extras.items()
        )
        parts.update(extras)
    score = 100.0 * total * presence
    season = None
    if dates is not None:
        known_dates = [d for d, ok in zip(dates, known) if ok]
        found = seasonality(known_dates, list(y)) if len(known_dates) == len(y) else None
        season = asdict(found) if found else None
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
        slope_significant=bool(p_value < SIGNIFICANCE),
        competition=asdict(competition) if competition is not None else None,
        breakout=asdict(breakout) if breakout is not None else None,
        season=season,
    )

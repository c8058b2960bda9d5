"""Score N keyword series with the hotspot score, against a plain pandas pass over the same data.

    .venv/bin/python bench/trends_score.py [--size 10000] [--points 260]

No database: ``hotspots.scoring.score_series`` on each series (level, growth,
slope with its p-value, momentum, year-over-year, seasonality from the dates),
against one vectorised pandas pass computing level, growth, momentum and a
least-squares slope for all series at once (no p-values, no seasons, no guards).
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotspots.scoring import score_series  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="keyword series")
    parser.add_argument("--points", type=int, default=260, help="weekly points per series")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    weeks = np.arange(args.points)
    season = 20 * np.cos(2 * np.pi * (weeks[None, :] - rng.integers(0, 52, (args.size, 1))) / 52)
    trend = rng.normal(0, 0.1, (args.size, 1)) * weeks[None, :]
    values = np.clip(40 + season + trend + rng.normal(0, 5, (args.size, args.points)), 0, 100).round()
    dates = [datetime.date(2020, 1, 5) + datetime.timedelta(weeks=int(w)) for w in weeks]

    t0 = time.perf_counter()
    scores = [score_series(row, periods_per_year=52, dates=dates) for row in values]
    score_seconds = time.perf_counter() - t0
    seasonal = sum(1 for s in scores if s.season and s.season["seasonal"])

    t0 = time.perf_counter()
    frame = pd.DataFrame(values.T)
    level = frame.iloc[-12:].mean()
    before = frame.iloc[-24:-12].mean()
    growth = level / before.where(before >= 0.5) - 1
    momentum = frame.iloc[-4:].mean() / level.where(level >= 0.5) - 1
    window = frame.iloc[-26:]
    x = np.arange(len(window)) - (len(window) - 1) / 2
    slope = (window.mul(x, axis=0)).sum() / (x**2).sum()
    plain = pd.DataFrame({"level": level, "growth": growth, "momentum": momentum, "slope": slope})
    pandas_seconds = time.perf_counter() - t0
    assert len(plain) == len(scores) == args.size
    assert np.allclose(plain["level"].round(3), [s.level for s in scores])

    print(f"data: {args.size:,} weekly series of {args.points} points ({args.size * args.points:,} values)")
    print(f"hotspot score (score_series per series):  {score_seconds:7.2f} s  {args.size / score_seconds:9,.0f} series/s  "
          f"({seasonal:,} found seasonal)")
    print(f"plain pandas pass (level, growth, momentum, slope only): {pandas_seconds:7.3f} s")
    print(f"ratio score/pandas time: {score_seconds / pandas_seconds:.0f}x;  target: {args.size:,} series in under 10 s "
          f"-> {'met' if score_seconds < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Regenerate the bundled DEMO Google Trends exports: ``python hotspots/demo_data/generate.py``.

The numbers are invented (a fixed-seed random generator shaping seasonality and
trends), written in the exact layout of Google Trends' multiTimeline.csv and
relatedQueries.csv web exports so they go through the same importer as real files.
"""

import csv
import io
import pathlib
import sys
from datetime import date, timedelta

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.demo_catalog import (  # noqa: E402
    DEMO_ATTRIBUTES,
    DEMO_CATEGORIES,
    DEMO_MARKETS,
    DEMO_SEED_WATCHLIST,
    demo_keyword,
)

OUT = pathlib.Path(__file__).resolve().parent / "trends"
SEED = 20261115
END = date(2026, 11, 15)  # a Sunday: Google's weeks start on Sunday
WEEKS = 261  # "today 5-y"
PER_FILE = 5
GEO_LABEL = {"US": "United States", "GB": "United Kingdom", "DE": "Germany"}

WINTER = {"blanket", "throw", "duvet cover"}
SUMMER = {"bath towel"}
# Growth factor over the five years (1 = flat).
RISING = {"mermaid": 4.0, "chunky knit": 2.6, "sage green": 3.0, "waffle": 2.2, "boho": 1.8}
FALLING = {"plaid": 0.45, "tassel": 0.5}
# How much each word is searched, relative to the others in its category.
POPULARITY = {
    "weighted": 1.0, "sherpa": 0.8, "cooling": 0.55, "kids": 0.5, "floral": 0.45, "linen": 0.45,
    "velvet": 0.4, "bamboo": 0.35, "muslin": 0.3, "cream": 0.3, "plaid": 0.3, "chunky knit": 0.28,
    "waffle": 0.25, "boho": 0.22, "blue grey": 0.12, "terracotta": 0.03, "tassel": 0.012,
    "sage green": 0.05, "mermaid": 0.04,
}
MARKET_WEIGHT = {"US": 1.0, "GB": 0.8, "DE": 0.6}


def weeks() -> list[date]:
    return [END - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]


def shape(attribute: str, category: str, market: str, days: list[date], rng: np.random.RandomState) -> np.ndarray:
    t = np.linspace(0.0, 1.0, len(days))
    day_of_year = np.array([d.timetuple().tm_yday for d in days], dtype=float)
    winter = np.cos(2 * np.pi * (day_of_year - 355) / 365.25)  # +1 around the solstice
    if attribute == "cooling" or category in SUMMER:
        season = 1 + 0.45 * -winter
    elif category in WINTER:
        season = 1 + 0.5 * winter
    else:
        season = 1 + 0.12 * winter
    growth = RISING.get(attribute) or FALLING.get(attribute) or float(rng.uniform(0.85, 1.2))
    # Rising words gather pace towards the end, as fads do.
    trend = growth ** (t ** 1.6) if growth > 1 else growth ** t
    in_season = [(d.month == 11 and d.day >= 20) or (d.month == 12 and d.day <= 20) for d in days]
    holidays = np.where(in_season, 1.35, 1.0)
    if category == "cushion cover":
        holidays = 1 + (holidays - 1) * 0.5
    base = POPULARITY[attribute] * MARKET_WEIGHT[market] * float(rng.uniform(0.8, 1.2))
    if market == "DE" and attribute in ("boho", "mermaid"):
        base *= 0.5
    noise = rng.lognormal(0.0, 0.07, len(days))
    return base * season * trend * holidays * noise


def cell(value: float) -> str:
    rounded = int(round(value))
    if rounded == 0 and value > 0.02:
        return "<1"
    return str(rounded)


def timeline_csv(keywords: list[str], market: str, series: list[np.ndarray], days: list[date]) -> str:
    top = max(float(s.max()) for s in series)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write("Category: All categories\n\n")
    writer.writerow(["Week", *[f"{k}: ({GEO_LABEL[market]})" for k in keywords]])
    for i, day in enumerate(days):
        writer.writerow([day.isoformat(), *[cell(100 * s[i] / top) for s in series]])
    return buffer.getvalue()


def slug(text: str) -> str:
    return text.replace(" ", "-")


def write_timelines(rng: np.random.RandomState) -> list[str]:
    days = weeks()
    names = []
    for market in DEMO_MARKETS:
        for category in DEMO_CATEGORIES:
            attributes = list(DEMO_ATTRIBUTES)
            for part, start in enumerate(range(0, len(attributes), PER_FILE), start=1):
                group = attributes[start : start + PER_FILE]
                keywords = [demo_keyword(a, category) for a in group]
                series = [shape(a, category, market, days, rng) for a in group]
                name = f"multiTimeline_{market}_{slug(category)}_{part}.csv"
                (OUT / name).write_text(timeline_csv(keywords, market, series, days), encoding="utf-8")
                names.append(name)
    return names


TOP_TEMPLATES = [
    "{kw}", "{kw} queen", "{kw} for adults", "large {kw}", "{kw} sale", "best {kw}", "{kw} king",
    "soft {kw}", "{kw} gift", "{kw} kids", "{kw} uk", "{kw} pattern", "{kw} cheap", "{kw} review",
]
RISING_TEMPLATES = [
    "sage green {kw}", "{kw} terracotta", "cream {kw}", "{kw} blue grey", "boho {kw}",
    "chunky knit {kw}", "waffle {kw}", "{kw} with tassels", "organic {kw}", "{kw} aesthetic",
]


def related_csv(keyword: str, rng: np.random.RandomState) -> str:
    start = END - timedelta(weeks=WEEKS - 1)
    span = f"{start.month}/{start.day}/{start:%y} - {END.month}/{END.day}/{END:%y}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write("Category: All categories\n")
    writer.writerow([f"{keyword}: ({span}, {GEO_LABEL['US']})"])
    buffer.write("\nTOP\n")
    queries = [t.format(kw=keyword) for t in TOP_TEMPLATES[1:]]
    values = sorted(rng.randint(4, 80, len(queries)), reverse=True)
    writer.writerow([queries[0], 100])
    for query, value in zip(queries[1:], values[1:]):
        writer.writerow([query, int(value)])
    buffer.write("\nRISING\n")
    rising = [t.format(kw=keyword) for t in RISING_TEMPLATES]
    rising = [q for q in rising if len(set(q.split())) == len(q.split())]  # no "waffle waffle bath towel"
    order = rng.permutation(len(rising))
    for position, index in enumerate(order):
        if position < 3:
            writer.writerow([rising[index], "Breakout"])
        else:
            writer.writerow([rising[index], f"+{int(rng.randint(40, 2400)):,}%"])
    buffer.write("\n")
    return buffer.getvalue()


def write_related(rng: np.random.RandomState) -> list[str]:
    names = []
    for keyword, _category in DEMO_SEED_WATCHLIST:
        name = f"relatedQueries_US_{slug(keyword)}.csv"
        (OUT / name).write_text(related_csv(keyword, rng), encoding="utf-8")
        names.append(name)
    return names


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.csv"):
        old.unlink()
    rng = np.random.RandomState(SEED)
    names = write_timelines(rng) + write_related(rng)
    print(f"wrote {len(names)} files to {OUT}")


if __name__ == "__main__":
    main()

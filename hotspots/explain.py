"""A hotspot's score in words: each part with what was measured, what it means and the points it adds.

Pure: reads the components stored beside the score (``Hotspot.components``, written by
``scoring.score_series``) and returns rows a page can show; no Django. The points of the rows add
up to the score, so the page shows where every point comes from.
"""

from dataclasses import dataclass

from .scoring import EXTRA_WEIGHTS, LEVEL_WINDOW, MOMENTUM_WINDOW, SIGNIFICANCE, SLOPE_WINDOW, TITLE_DENSITY_FULL, WEIGHTS

PERIOD_WORDS = {"week": ("week", "weeks"), "month": ("month", "months"), "day": ("day", "days"), "hour": ("hour", "hours")}


@dataclass(frozen=True)
class ScorePart:
    name: str  # "Growth"
    measured: str  # "+113% — the last 12 weeks against the 12 before"
    meaning: str  # what the part says about the keyword
    part: float | None  # 0..1 after mapping; None for a row that is not a weighted part
    weight: float | None  # the weight in the score, after known extra parts took theirs
    points: float | None  # what it adds to the score: 100 × weight × part × presence


@dataclass(frozen=True)
class ScoreExplanation:
    score: float
    parts: list[ScorePart]
    presence: float
    notes: list[str]  # significance, season, what is unknown


def _signed_percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.0f}%"


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def score_explained(components: dict, *, score: float, granularity: str = "week") -> ScoreExplanation | None:
    """The rows of the score's explanation, or None when the components are not a score's."""
    parts = components.get("parts") if isinstance(components, dict) else None
    if not isinstance(parts, dict) or not all(_number(parts.get(name)) is not None for name in WEIGHTS):
        return None
    one, many = PERIOD_WORDS.get(granularity, ("period", "periods"))
    presence = _number(parts.get("presence"))
    presence = 1.0 if presence is None else presence
    extras = {name: _number(parts.get(name)) for name in EXTRA_WEIGHTS if _number(parts.get(name)) is not None}
    trend_share = 1.0 - sum(EXTRA_WEIGHTS[name] for name in extras)
    level = _number(components.get("level"))
    growth = _number(components.get("growth"))
    yoy = _number(components.get("yoy"))
    momentum = _number(components.get("momentum"))
    slope = _number(components.get("slope"))
    p_value = _number(components.get("slope_p_value"))

    def row(name: str, key: str, measured: str, meaning: str, weight: float) -> ScorePart:
        part = float(parts[key])
        return ScorePart(name=name, measured=measured, meaning=meaning, part=part, weight=weight,
                         points=100.0 * weight * part * presence)

    rows = [
        row("Level", "level",
            f"{level:.1f} of 100 — mean of the last {LEVEL_WINDOW} {many}" if level is not None else "—",
            "How much it is searched now, on Google's 0–100 index of this export.",
            WEIGHTS["level"] * trend_share),
        row("Growth", "growth",
            f"{_signed_percent(growth)} — the last {LEVEL_WINDOW} {many} against the {LEVEL_WINDOW} before",
            "Rising or falling over the recent past.", WEIGHTS["growth"] * trend_share),
        row("Year on year", "yoy",
            f"{_signed_percent(yoy)} — against the same {LEVEL_WINDOW} {many} a year earlier" if yoy is not None
            else "not known: under a year of data, growth stands in for it",
            "Growth with the season taken out: a blanket rising into winter is not a fad.",
            WEIGHTS["yoy"] * trend_share),
        row("Trend", "trend",
            (f"{slope:+.2f} index points a {one} over the last {SLOPE_WINDOW} {many}, p = {p_value:.3f}"
             if slope is not None and p_value is not None else "—"),
            "A steady climb counts as far as the fit can be trusted (the lower p, the more).",
            WEIGHTS["trend"] * trend_share),
        row("Momentum", "momentum",
            f"{_signed_percent(momentum)} — the last {MOMENTUM_WINDOW} {many} against the last {LEVEL_WINDOW}",
            "Speeding up right now.", WEIGHTS["momentum"] * trend_share),
    ]
    competition = components.get("competition") if isinstance(components.get("competition"), dict) else None
    if "competition" in extras:
        facts = []
        if competition:
            if competition.get("search_volume") is not None and competition.get("competing_products") is not None:
                facts.append(f"{competition['search_volume']:,} searches a month for "
                             f"{competition['competing_products']:,} competing products")
            if competition.get("title_density") is not None:
                facts.append(f"{competition['title_density']} of page one's listings carry the phrase "
                             f"(all of them at {TITLE_DENSITY_FULL})")
        rows.append(row("Amazon competition", "competition", "; ".join(facts) or "known",
                        "Room left on Amazon: many searches per product and few titles with the phrase score high.",
                        EXTRA_WEIGHTS["competition"]))
    breakout = components.get("breakout") if isinstance(components.get("breakout"), dict) else None
    if "breakout" in extras:
        rows.append(row("Breakout queries", "breakout",
                        (f"{breakout.get('breakouts', 0)} marked Breakout, {breakout.get('rising_fast', 0)} rising 500% "
                         f"or more, of {breakout.get('rising_known', 0)} rising related queries") if breakout else "known",
                        "Searches taking off around the keyword.", EXTRA_WEIGHTS["breakout"]))

    notes = []
    if presence < 1:
        notes.append(f"Hardly searched (level under 2): every part counts ×{presence:.2f}.")
    if p_value is not None:
        notes.append(
            f"The trend is significant (p under {SIGNIFICANCE})." if p_value < SIGNIFICANCE
            else f"The trend is not significant (p = {p_value:.2f}): it counts for little."
        )
    if "competition" not in extras:
        notes.append("No Amazon keyword-tool export for this keyword and market: competition is not in the score.")
    if "breakout" not in extras:
        notes.append("No rising related queries imported: breakouts are not in the score.")
    season = components.get("season") if isinstance(components.get("season"), dict) else None
    if season and season.get("seasonal"):
        notes.append(f"Seasonal: it peaks every year; the next peak is due in {season.get('weeks_to_next_peak')} weeks "
                     f"({season.get('next_peak')}). The year-on-year part already takes the season out.")
    notes.append("50 is a flat series at a middling level; above 60 something is rising; under 40 it is falling "
                 "or hardly searched. Levels of keywords exported separately are not on one scale, so growth, "
                 "year on year, trend and momentum weigh more.")
    return ScoreExplanation(score=score, parts=rows, presence=presence, notes=notes)

"""Dates in the first column of a time export, and the granularity they imply.

Google writes ISO dates in every UI language (``2024-01-07``, ``2024-01``,
``2024-01-07T14`` for hours, ``2024-01-07T14:08`` for 8-minute points). A file
re-saved by a spreadsheet may carry the locale's own short form instead:
day-first (``07/01/2024``, ``07.01.2024``), month-first (``1/7/2024``) or
year-first with other separators (``2024/1/7``, ``2024. 1. 7.``, ``2024年1月7日``).
Whether ``01/02/2024`` is day- or month-first is decided for the whole column:
a part above 12 settles it, else the order whose dates step regularly; a column
that stays ambiguous is refused rather than guessed.
"""

import re
from collections import Counter
from datetime import date, datetime

from .locales import DATE_COLUMN_WORDS
from .problems import ImportProblem

_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[.日]?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[.月]?$")
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})\.?$")
_HOUR = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_WORDS = {granularity: {word.casefold() for word in words} for granularity, words in DATE_COLUMN_WORDS.items()}

HOUR = "hour"
MINUTE = "minute"


def parse_when(cell: str, file: str, line: int, field: str) -> tuple[datetime, str]:
    """One unambiguous date cell -> (moment, shape) where shape is "day", "month", "hour" or "minute"."""
    text = cell.strip()
    try:
        if m := _DAY.match(text):
            return datetime(int(m[1]), int(m[2]), int(m[3])), "day"
        if m := _MONTH.match(text):
            return datetime(int(m[1]), int(m[2]), 1), "month"
        if m := _HOUR.match(text):
            shape = MINUTE if m[5] and int(m[5]) else HOUR
            return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5] or 0)), shape
    except ValueError as exc:
        raise ImportProblem(file, line, field, f"{text[:40]!r} is not a valid date ({exc})") from exc
    raise ImportProblem(
        file, line, field,
        f"{text[:40]!r} is not a date (expected YYYY-MM-DD, YYYY-MM, YYYY-MM-DDTHH or a day/month/year date)",
    )


def looks_like_date(cell: str) -> bool:
    text = cell.strip()
    return bool(_DAY.match(text) or _MONTH.match(text) or _HOUR.match(text) or _SHORT.match(text))


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if len(text) == 2 else value


def _steps_spread(days: list[date]) -> int:
    ordered = sorted(days)
    return len(Counter((b - a).days for a, b in zip(ordered, ordered[1:])))


def parse_date_column(cells: list[tuple[int, str]], file: str, field: str) -> list[tuple[datetime, str]]:
    """(line, cell) of a whole date column -> (moment, shape) per cell, day- or month-first decided once."""
    short = [(line, _SHORT.match(cell.strip())) for line, cell in cells]
    if not any(match for _line, match in short):
        return [parse_when(cell, file, line, field) for line, cell in cells]
    for line, match in short:
        if not match:
            text = dict(cells)[line]
            raise ImportProblem(file, line, field, f"{text[:40]!r} is not written like the other dates of the column")
    firsts = [int(m[1]) for _l, m in short]
    seconds = [int(m[2]) for _l, m in short]
    orders = []
    if max(seconds) <= 12:
        orders.append("dmy")
    if max(firsts) <= 12:
        orders.append("mdy")
    if not orders:
        line = next(line for line, m in short if int(m[1]) > 12 and int(m[2]) > 12)
        raise ImportProblem(file, line, field, f"{dict(cells)[line][:40]!r} is not a valid date")
    results: dict[str, list[datetime]] = {}
    for order in orders:
        try:
            results[order] = [
                datetime(_year(m[3]), int(m[2]), int(m[1])) if order == "dmy" else datetime(_year(m[3]), int(m[1]), int(m[2]))
                for _l, m in short
            ]
        except ValueError:
            continue
    if len(results) == 2:
        spreads = {order: _steps_spread([moment.date() for moment in moments]) for order, moments in results.items()}
        if spreads["dmy"] != spreads["mdy"]:
            results = {min(spreads, key=spreads.get): results[min(spreads, key=spreads.get)]}
        elif len(short) > 1:
            raise ImportProblem(
                file, short[0][0], field,
                f"dates like {dict(cells)[short[0][0]]!r} read as day-first and as month-first alike; "
                "export again with ISO dates (YYYY-MM-DD)",
            )
        else:
            results = {"dmy": results["dmy"]}
    if not results:
        raise ImportProblem(file, short[0][0], field, f"{dict(cells)[short[0][0]][:40]!r} is not a valid date")
    (moments,) = results.values()
    return [(moment, "day") for moment in moments]


def granularity_of(moments: list[datetime], shapes: set[str], label: str) -> str:
    """"minute", "hour", "day", "week" or "month" of the points as they are in the file."""
    if MINUTE in shapes:
        return MINUTE
    if HOUR in shapes:
        ordered = sorted(moments)
        steps = sorted((b - a).total_seconds() for a, b in zip(ordered, ordered[1:]))
        return MINUTE if steps and steps[len(steps) // 2] < 3600 else HOUR
    if shapes == {"month"}:
        return "month"
    days = sorted({m.date() for m in moments})
    if len(days) >= 2:
        steps = sorted((b - a).days for a, b in zip(days, days[1:]))
        step = steps[len(steps) // 2]
        if step >= 28:
            return "month"
        if step >= 7:
            return "week"
        return "day"
    word = label.strip().casefold()
    for granularity, words in _WORDS.items():
        if word in words:
            return granularity
    return "day"


def as_date(moment: datetime) -> date:
    return moment.date()

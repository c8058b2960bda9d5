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

import functools
import re
from collections import Counter
from datetime import date, datetime

from babel.dates import get_date_format

from .locales import DATE_COLUMN_WORDS
from .problems import ImportProblem

_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[.日]?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[.月]?$")
# 07/01/2024, 1/7/24, 07.01.24 г., 7. 1. 2024., 24. 1. 7. (Korean: two-digit year first)
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{1,2})\s*\.?\s*(?:[^\W\d_]{1,3}\.?)?$")
_BIDI = re.compile("[\u200e\u200f\u061c]")
_HOUR = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_WORDS = {granularity: {word.casefold() for word in words} for granularity, words in DATE_COLUMN_WORDS.items()}

HOUR = "hour"
MINUTE = "minute"


def parse_when(cell: str, file: str, line: int, field: str) -> tuple[datetime, str]:
    """One unambiguous date cell -> (moment, shape) where shape is "day", "month", "hour" or "minute"."""
    text = _BIDI.sub("", cell).strip()
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
    text = _BIDI.sub("", cell).replace("\u202f", " ").strip()
    return bool(_DAY.match(text) or _MONTH.match(text) or _HOUR.match(text) or _SHORT.match(text))


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if len(text) == 2 else value


def _step_kinds(days: list[date]) -> set[str]:
    """What the steps between the dates are: "day", "week", "month", or the number of days when none of these."""
    ordered = sorted(set(days))
    kinds = set()
    for a, b in zip(ordered, ordered[1:]):
        step = (b - a).days
        kinds.add("day" if step == 1 else "week" if step == 7 else "month" if 28 <= step <= 31 else str(step))
    return kinds


def _plausible(days: list[date]) -> bool:
    """Steps Google's series take: every day, every week, or every month."""
    return len(_step_kinds(days)) == 1 and _step_kinds(days) <= {"day", "week", "month"}


_ORDERS = {"dmy": (3, 2, 1), "mdy": (3, 1, 2), "ymd": (1, 2, 3)}


@functools.cache
def locale_order(tag: str) -> str:
    """"dmy", "mdy" or "ymd": the order of the locale's short date (CLDR), e.g. en -> mdy, de -> dmy, ko -> ymd."""
    pattern = get_date_format("short", locale=tag).pattern
    positions = {part: pattern.find(part) for part in "dMy"}
    return "".join(part.lower() for part in sorted(positions, key=positions.get))


def parse_date_column(
    cells: list[tuple[int, str]], file: str, field: str, *, prefer: tuple[str, ...] = ()
) -> list[tuple[datetime, str]]:
    """(line, cell) of a whole date column -> (moment, shape) per cell; day-, month- or year-first decided once:
    the order of the file's UI language (``prefer``, CLDR locales) when it reads, else the one that fits."""
    texts = {line: _BIDI.sub("", cell).replace("\u202f", " ").strip() for line, cell in cells}
    short = [(line, _SHORT.match(texts[line])) for line, _cell in cells]
    if not any(match for _line, match in short):
        return [parse_when(cell, file, line, field) for line, cell in cells]
    for line, match in short:
        if not match:
            raise ImportProblem(file, line, field, f"{texts[line][:40]!r} is not written like the other dates of the column")
    results: dict[str, list[datetime]] = {}
    for order, (year, month, day) in _ORDERS.items():
        if order == "ymd" and any(len(m[1]) != 2 or len(m[3]) > 2 for _l, m in short):
            continue
        if order != "ymd" and any(len(m[3]) not in (2, 4) for _l, m in short):
            continue
        try:
            results[order] = [datetime(_year(m[year]), int(m[month]), int(m[day])) for _l, m in short]
        except ValueError:
            continue
    if not results:
        line = next((l for l, m in short if int(m[1]) > 12 and int(m[2]) > 12), short[0][0])
        raise ImportProblem(file, line, field, f"{texts[line][:40]!r} is not a valid date")
    # The UI's own order; a category line two UIs share ("Category: All categories", en-US and en-GB) may give two.
    wanted = [order for order in dict.fromkeys(locale_order(tag) for tag in prefer) if order in results]
    if wanted:
        results = {order: results[order] for order in wanted}
    if len(results) > 1 and len(short) > 1:
        plausible = {o: m for o, m in results.items() if _plausible([moment.date() for moment in m])}
        results = plausible or results
    # The date column's word ("Month", "Semaine", "週") says which step the dates take.
    named = next((g for g, words in _WORDS.items() if field.strip().casefold() in words), None)
    if len(results) > 1 and named in ("day", "week", "month"):
        fitting = {o: m for o, m in results.items() if _step_kinds([moment.date() for moment in m]) == {named}}
        results = fitting or results
    if len(results) > 1:
        raise ImportProblem(
            file, short[0][0], field,
            f"dates like {texts[short[0][0]]!r} read as day-first and as month-first alike; "
            "export again with ISO dates (YYYY-MM-DD)",
        )
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

"""Dates in the first column of a time export, and the granularity they imply."""

import re
from datetime import date, datetime

from .problems import ImportProblem

_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_HOUR = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:Z|[+-]\d{2}:?\d{2})?$")

# Header words of the date column in several UI languages, used only when one row can't show the step.
_LABEL_HINTS = {
    "week": {"week", "semana", "minggu", "woche", "semaine", "settimana", "hafta", "tydzień"},
    "day": {"day", "dia", "día", "hari", "tag", "jour", "giorno", "date", "data"},
    "month": {"month", "mês", "mes", "bulan", "monat", "mois", "mese", "maand"},
    "hour": {"time", "hora", "waktu", "zeit", "heure", "ora", "hour"},
}


def parse_when(cell: str, file: str, line: int, field: str) -> tuple[datetime, str]:
    """One date cell -> (moment, shape) where shape is "day", "month" or "hour"."""
    text = cell.strip()
    try:
        if m := _DAY.match(text):
            return datetime(int(m[1]), int(m[2]), int(m[3])), "day"
        if m := _MONTH.match(text):
            return datetime(int(m[1]), int(m[2]), 1), "month"
        if m := _HOUR.match(text):
            return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5] or 0)), "hour"
    except ValueError as exc:
        raise ImportProblem(file, line, field, f"{text[:40]!r} is not a valid date ({exc})") from exc
    raise ImportProblem(
        file, line, field, f"{text[:40]!r} is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY-MM-DDTHH)"
    )


def looks_like_date(cell: str) -> bool:
    text = cell.strip()
    return bool(_DAY.match(text) or _MONTH.match(text) or _HOUR.match(text))


def granularity_of(moments: list[datetime], shapes: set[str], label: str) -> str:
    if "hour" in shapes:
        return "hour"
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
    for granularity, words in _LABEL_HINTS.items():
        if word in words:
            return granularity
    return "day"


def as_date(moment: datetime) -> date:
    return moment.date()

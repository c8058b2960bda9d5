"""Numbers, money, shares and dates as the dashboard shows them: in the user's locale and time zone.

The locale is the language active for the request (the dashboard speaks ``LANGUAGE_CODE``); the
time zone is the one Django has active (``TIME_ZONE``, named at the foot of every page). Babel formats from the Unicode CLDR data, so
``8990.82000000000`` in USD reads ``$8,990.82`` in English and ``8.990,82 $`` in German.
Every function answers "—" for a missing value, so a template never prints ``None``.
"""

import datetime
from decimal import Decimal, InvalidOperation

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from django.conf import settings
from django.utils import timezone, translation

MISSING = "—"


def current_locale() -> str:
    """The Babel locale of the active language (``en-us`` becomes ``en_US``)."""
    code = translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return "en_US"
    return code


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _pattern(digits: int, suffix: str = "") -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "") + suffix


def money(amount, currency: str | None) -> str:
    """``$8,990.82``: the amount in ``currency`` with that currency's own decimals."""
    number = _decimal(amount)
    if number is None:
        return MISSING
    code = (currency or "").strip().upper()
    if len(code) != 3:
        return format_decimal(number, format=_pattern(2), locale=current_locale())
    return format_currency(number, code, locale=current_locale())


def number(value, digits: int | None = None) -> str:
    """``12,345`` or, with ``digits``, ``1,234.50``; without, at most three decimals."""
    parsed = _decimal(value)
    if parsed is None:
        return MISSING
    if digits is None:
        return format_decimal(parsed, locale=current_locale())
    return format_decimal(parsed, format=_pattern(digits), locale=current_locale())


def percent(share, digits: int = 0) -> str:
    """A share from 0 to 1 as ``45%`` (``digits`` decimals)."""
    parsed = _decimal(share)
    if parsed is None:
        return MISSING
    return format_percent(parsed, format=_pattern(digits, "%"), locale=current_locale())


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.timezone.utc)
    return timezone.localtime(value)


def date(value) -> str:
    """``Nov 30, 2026``: a date, or a moment's date in the active time zone."""
    if not value:
        return MISSING
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return format_date(value, "medium", locale=current_locale())


def datetime_(value) -> str:
    """``Nov 30, 2026, 8:21 AM``: a moment in the active time zone (its name is on every page)."""
    if not value:
        return MISSING
    if not isinstance(value, datetime.datetime):
        return date(value)
    local, locale = _local(value), current_locale()
    return f"{format_date(local, 'medium', locale=locale)}, {format_time(local, 'short', locale=locale)}"


def datetime_iso(value) -> str:
    """The moment in ISO 8601 with its offset, for ``<time datetime=…>``."""
    if not isinstance(value, datetime.datetime):
        return value.isoformat() if value else ""
    return _local(value).isoformat(timespec="minutes")


def time_zone_name() -> str:
    return timezone.get_current_timezone_name()

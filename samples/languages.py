"""The buyer's language: the vote page and the invitation speak it, with its numbers, money and dates.

Strings are translated by Django's gettext catalogues (``locale/``); numbers,
money and dates are formatted by Babel from the Unicode CLDR data. Every formatter here reads the language active at the time of the call
(``translation.override(buyer_language(...))``), so the same template renders
German for a German buyer and Japanese for a Japanese one.
"""

from datetime import datetime
from decimal import Decimal

from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils import timezone, translation

FALLBACK = "en"


def buyer_language(code: str | None) -> str:
    """The language of ``settings.LANGUAGES`` a buyer is addressed in.

    "de-AT" and "de_DE" become "de", "zh-CN" and "zh" become "zh-hans"; a language
    the catalogues do not speak (or none) falls back to English.
    """
    code = (code or "").strip().replace("_", "-").lower()
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return FALLBACK


def buyer_languages() -> list[tuple[str, str]]:
    """(code, name in that language) of every language buyers can be addressed in."""
    return list(settings.LANGUAGES)


def _babel_locale() -> str:
    return translation.to_locale(translation.get_language() or FALLBACK)


def buyer_money(amount: Decimal | int | float | None, currency: str) -> str:
    """``24,50 $`` for German, ``$24.50`` for English, ``US$24.50`` for Chinese; "" for no amount."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(str(amount)), currency, locale=_babel_locale())


def buyer_number(value: Decimal | int | float | None) -> str:
    """``1.200`` for German, ``1,200`` for English, ``1 200`` for Polish; "" for no value."""
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=_babel_locale())


def buyer_datetime(value: datetime) -> str:
    """``7. Dezember 2026, 07:10 UTC``, ``2026年12月7日 7:10 UTC``: the long date and the short
    time joined as the language joins them, in the site's time zone, with its name."""
    local, locale = timezone.localtime(value), _babel_locale()
    # Babel's own format_datetime joins the same way, dropping the pattern's quotes.
    joined = (
        get_datetime_format("long", locale=locale)
        .replace("'", "")
        .replace("{0}", format_time(local, "short", locale=locale))
        .replace("{1}", format_date(local, "long", locale=locale))
    )
    return f"{joined} {local.strftime('%Z')}".strip()


def buyer_date(value: datetime) -> str:
    """``7. Dezember 2026``, ``2026年12月7日``: the long date, in the site's time zone."""
    return format_date(timezone.localtime(value), "long", locale=_babel_locale())

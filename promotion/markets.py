"""Which clock and currency a market runs on: a campaign's dates and post times are in its market's time zone.

A market is an ISO 3166 country code (``DE``, ``US``). Countries that span several zones get the zone
most of their shoppers live in (the table below); every other country takes the zone CLDR lists for it
through Babel (``territory_zones``), and the currency CLDR says is legal tender there now.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from babel.numbers import get_territory_currencies

DEFAULT_TIME_ZONE = "UTC"

# Countries with more than one zone: the one most of the population keeps.
MAIN_TIME_ZONES = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "MX": "America/Mexico_City",
    "BR": "America/Sao_Paulo",
    "AR": "America/Argentina/Buenos_Aires",
    "CL": "America/Santiago",
    "AU": "Australia/Sydney",
    "NZ": "Pacific/Auckland",
    "RU": "Europe/Moscow",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "CN": "Asia/Shanghai",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "DE": "Europe/Berlin",
    "GB": "Europe/London",
    "UK": "Europe/London",
    "MY": "Asia/Kuala_Lumpur",
    "UA": "Europe/Kyiv",
    "EC": "America/Guayaquil",
}


def market_code(market: str) -> str:
    return (market or "").strip().upper()[:2]


def market_known(code: str) -> bool:
    """A two-letter country code CLDR knows (``GB``, ``DE``); ``UK`` is taken for the United Kingdom."""
    return len(code) == 2 and code.isalpha() and code.isupper() and (
        code == "UK" or code in get_global("territory_zones") or bool(get_territory_currencies(code)))


def market_time_zone(market: str) -> str:
    """The IANA zone a campaign in ``market`` plans in; UTC when the market names no country."""
    code = market_code(market)
    name = MAIN_TIME_ZONES.get(code)
    if name is None:
        zones = (get_global("territory_zones").get(code) or ()) if code.isalpha() and code != "ZZ" else ()
        name = zones[0] if zones else DEFAULT_TIME_ZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return DEFAULT_TIME_ZONE
    return name


def market_currency(market: str) -> str:
    """The currency shoppers in ``market`` pay in today (CLDR), or "" when unknown."""
    code = market_code(market)
    try:
        currencies = get_territory_currencies(code, date.today())
    except Exception:  # noqa: BLE001 - Babel raises several kinds for an unknown territory
        return ""
    return currencies[0] if currencies else ""


def time_zone_valid(name: str) -> bool:
    return name in available_timezones()


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in a zone (a daylight-saving change)."""


def local_to_utc(local: datetime, *, zone: str) -> datetime:
    """``local`` (naive, read on the clocks of ``zone``) as an aware datetime.

    Refuses a time that the clocks skip (spring forward) or show twice (fall back), naming it, so a
    post is never scheduled an hour off without anyone being told.
    """
    tz = ZoneInfo(zone)
    local = local.replace(tzinfo=None)
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    when = local.strftime("%Y-%m-%d %H:%M")
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise LocalTimeError(f"{when} does not exist in {zone}: the clocks skip it (daylight saving begins).")
    if first.utcoffset() != second.utcoffset():
        raise LocalTimeError(f"{when} happens twice in {zone} (daylight saving ends): pick another time.")
    return first


def utc_to_local(moment: datetime, *, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def day_start(day: date, *, zone: str) -> datetime:
    """Midnight of ``day`` on the clocks of ``zone``, aware."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))

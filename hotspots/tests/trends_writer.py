"""Generated Google Trends exports, written the way the web UI writes them in a given UI language.

For property tests only: nothing here is real data. Header words come from
``hotspots.importers.locales``, country names from CLDR (Babel), dates and
numbers in the locale's own short form; a spreadsheet re-save changes the
delimiter, adds a BOM, CRLF line ends and a trailing empty column.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from hotspots.importers.locales import TrendsLocale

RESAVES = ("ui", "excel_semicolon", "libreoffice_tab")


@dataclass
class Written:
    text: str
    name: str


def country_name(locale: TrendsLocale, code: str) -> str:
    return locale.worldwide if not code else Locale.parse(locale.babel).territories[code]


def short_date(locale: TrendsLocale, day: date) -> str:
    return format_date(day, "short", locale=locale.babel)


def period(locale: TrendsLocale, start: date, end: date, dash: str) -> str:
    return f"{short_date(locale, start)}{dash}{short_date(locale, end)}"


def growth(locale: TrendsLocale, number: int) -> str:
    return locale.growth.format(n=format_decimal(number, locale=locale.babel, numbering_system="latn"))


def _csv(rows: list[list[str]], resave: str) -> str:
    delimiter = {"ui": ",", "excel_semicolon": ";", "libreoffice_tab": "\t"}[resave]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if resave != "ui" else "\n")
    for row in rows:
        writer.writerow(row + ([""] if resave == "excel_semicolon" and row else []))
    text = out.getvalue()
    return ("\ufeff" + text) if resave != "ui" else text


def category_line(locale: TrendsLocale) -> list[str]:
    return [f"{locale.category}{locale.colon}{locale.all_categories}"]


def timeline(
    locale: TrendsLocale, *, keywords: list[str], market: str, step: str, start: date, values: list[list[str]],
    resave: str = "ui", dates: str = "iso",
) -> Written:
    word = {"day": locale.day, "week": locale.week, "month": locale.month}[step]
    header = [word] + [f"{k}: ({country_name(locale, market)})" for k in keywords]
    rows = [category_line(locale), [], header]
    for number, cells in enumerate(values):
        if step == "month":
            day = date(start.year + (start.month - 1 + number) // 12, (start.month - 1 + number) % 12 + 1, 1)
            iso = day.strftime("%Y-%m")
        else:
            day = start + timedelta(days=number * (7 if step == "week" else 1))
            iso = day.isoformat()
        rows.append([short_date(locale, day) if dates == "locale" else iso, *cells])
    return Written(_csv(rows, resave), "multiTimeline.csv")


def world_map(
    locale: TrendsLocale, *, keyword: str, regions: list[str], values: list[str], start: date, end: date, dash: str,
    resave: str = "ui",
) -> Written:
    rows = [category_line(locale), [], [locale.country, f"{keyword}: ({period(locale, start, end, dash)})"]]
    rows += [[country_name(locale, code), value] for code, value in zip(regions, values)]
    return Written(_csv(rows, resave), "geoMap.csv")


def related(
    locale: TrendsLocale, *, keyword: str, market: str, top: list[tuple[str, str]], rising: list[tuple[str, str]],
    start: date, end: date, dash: str, resave: str = "ui", topics: bool = False,
) -> Written:
    where = country_name(locale, market)
    rows = [category_line(locale), [f"{keyword}: ({period(locale, start, end, dash)}, {where})"], [], ["TOP"]]
    rows += [list(row) for row in top]
    rows += [[], ["RISING"]] + [list(row) for row in rising]
    return Written(_csv(rows, resave), "relatedEntities.csv" if topics else "relatedQueries.csv")

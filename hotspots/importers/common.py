"""What every Google Trends export shares: reading (through ``core.files``), the category line, header cells, values."""

import csv
import re
from dataclasses import dataclass

from core.files import Row, decode, detect_delimiter, looks_like_formula, read_csv

from .geo import market_for_label
from .problems import ImportProblem

MAX_BYTES = 20 * 1024 * 1024
MAX_LINE = 10_000
# Formulas: a keyword or label cell that looks like one refuses the file (check_text); a formula-like
# region, query, keyword or listing title is a rejected row (the parsers call looks_like_formula).
__all__ = ["LABELLED", "MAX_BYTES", "MAX_LINE", "Row", "looks_like_formula", "read_rows"]

# "keyword: (United States)", "keyword: (12/2/18 - 12/2/19, United States)", "关键词：（美国）"
# The brackets run to the last one: a country name may hold its own ("Myanmar (Burma)").
LABELLED = re.compile(r"^(?P<keyword>.*?)\s*[:：]\s*[(（](?P<label>.*)[)）]\s*$", re.S)
# The category line's colon: ASCII, full width (Chinese, Japanese), or with a space before it (French).
_QUOTED = re.compile(r'"[^"\n]*"')
_BRACKETS = re.compile(r"[(（][^\n]*[)）]")
_CATEGORY = re.compile(r"^(?P<label>[^:：]{1,40}?)\s*[:：]\s*(?P<value>.*)$", re.S)


def read_rows(data: bytes | str, file: str, *, delimiter: str | None = None) -> list[Row]:
    """An export's rows with their line numbers, read by the core toolkit within the limits of trend files:
    any encoding it reads, the delimiter told from the content, cells stripped, trailing empty cells kept."""
    if delimiter is None:
        delimiter = trends_delimiter(decode(data, file=file, max_bytes=MAX_BYTES).text)
    return list(read_csv(data, file=file, max_bytes=MAX_BYTES, max_line_chars=MAX_LINE, delimiter=delimiter).rows())


def trends_delimiter(text: str) -> str:
    """A tab outside quotes means a spreadsheet's tab-separated re-save: Google's exports and the keywords in
    them never hold a tab. Otherwise the toolkit tells it (``core.files.detect_delimiter``)."""
    head = [_QUOTED.sub("", line) for line in text.splitlines()[:200]]
    if any("\t" in line.strip() for line in head):
        return "\t"
    # A related list with empty sections: only its title line ("Love, Bonito: (..., Worldwide)") holds a comma.
    others = [line for line in head if line.strip() and not LABELLED.match(line.strip())]
    if not any("," in line or ";" in line for line in others):
        return next((d for d in (",", ";", "\t") if d not in text), ",")
    # Excel's semicolon re-save puts a semicolon on every line; commas then sit inside cells ("+1,000%").
    split = {d: sum(len(next(csv.reader([_BRACKETS.sub("", line)], delimiter=d))) > 1 for line in others) for d in ",;"}
    if split[";"] > split[","]:
        return ";"
    return detect_delimiter(text)


def trimmed(cells: list[str]) -> list[str]:
    """Cells without the empty ones a spreadsheet pads a row with."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def is_blank(row: Row) -> bool:
    return not trimmed(row.cells)


def locale_hint(rows: list[Row]) -> tuple[str, ...]:
    """The CLDR locales of the UI that wrote the file, told from its category line; empty when unknown."""
    from .locales import ui_locales

    first = next((trimmed(row.cells) for row in rows if not is_blank(row)), [])
    return ui_locales(first[0]) if len(first) == 1 else ()


def split_category(rows: list[Row]) -> tuple[str, list[Row]]:
    """The ``Category: ...`` line in whatever UI language (may be missing), and the rows after it."""
    content = [row for row in rows if not is_blank(row)]
    if not content:
        return "", []
    first = trimmed(content[0].cells)
    if len(first) == 1 and not LABELLED.match(first[0]) and (match := _CATEGORY.match(first[0])):
        if match["label"].strip():
            return match["value"].strip(), content[1:]
    return "", content


@dataclass(frozen=True)
class ColumnLabel:
    keyword: str
    market: str
    market_label: str
    period: str = ""


def split_label(label: str) -> tuple[str, str]:
    """What is in a column label's brackets -> (period, geo).

    Maps and related lists put the time range first, sometimes with commas inside it
    ("9/23/23, 8:22 PM - 9/24/23, 8:22 PM, United Kingdom"); a geo name has no digits.
    So the geo is the trailing comma-separated parts without a digit, the period the rest.
    """
    parts = [part.strip() for part in label.split(",")]
    cut = len(parts)
    while cut and not any(ch.isdigit() for ch in parts[cut - 1]):
        cut -= 1
    return ", ".join(parts[:cut]), ", ".join(part for part in parts[cut:] if part)


def parse_column_label(
    cell: str, file: str, line: int, *, blank_keyword: str = "", prefer: tuple[str, ...] = ()
) -> ColumnLabel:
    """``yeezy: (United States)`` -> keyword and market; a column may also have no ``: (geo)`` suffix.

    A geo that is neither a country name CLDR knows in some UI language nor a worldwide
    word is refused with the file, line and label: it is never stored as a market.
    ``blank_keyword`` names the series of a column without a search term (a category-only export).
    """
    match = LABELLED.match(cell)
    if match:
        keyword, label = match["keyword"].strip(), match["label"].strip()
    else:
        keyword, label = cell.strip(), ""
    period, geo_label = split_label(label) if label else ("", "")
    keyword = keyword or blank_keyword
    check_text(keyword, file, line, cell, what="keyword")
    if len(keyword) > 200:
        raise ImportProblem(file, line, cell[:40], "keyword is longer than 200 characters")
    market = market_for_label(geo_label, prefer)
    if market is None:
        raise ImportProblem(
            file, line, cell[:60],
            f"market {geo_label[:60]!r} is not a country name in any Google Trends language (CLDR); "
            "nothing was stored",
        )
    return ColumnLabel(keyword=keyword, market=market, market_label=geo_label, period=period)


def check_text(value: str, file: str, line: int, field: str, *, what: str) -> None:
    if not value:
        raise ImportProblem(file, line, field, f"empty {what}")
    if looks_like_formula(value):
        raise ImportProblem(file, line, field, f"{what} {value[:40]!r} looks like a spreadsheet formula")


_NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d+)?$")
_LESS_THAN_ONE = re.compile(r"^[<＜]\s*1$")
# "<1": searched, but under one on Google's 0-100 scale. Stored as this value everywhere (series, maps, TOP lists).
LESS_THAN_ONE = 0.5


def parse_index(cell: str, file: str, line: int, field: str, *, percent_ok: bool = False) -> tuple[float | None, bool]:
    """A 0-100 interest value -> (value, is_partial). Empty -> None, ``<1`` or ``< 1`` -> 0.5, ``27 %`` for map shares."""
    text = cell.replace("\u00a0", " ").replace("\u202f", " ").strip()
    partial = False
    if text.endswith("*"):
        partial, text = True, text[:-1].strip()
    if percent_ok and text.endswith("%"):
        text = text[:-1].strip()
    if not text:
        return None, partial
    if _LESS_THAN_ONE.match(text):
        return LESS_THAN_ONE, partial
    if not _NUMBER.match(text):
        raise ImportProblem(file, line, field, f"{cell[:40]!r} is not a number from 0 to 100")
    value = float(text.replace(",", "."))
    if value > 100:
        raise ImportProblem(file, line, field, f"{cell[:40]!r} is above 100, the top of Google's scale")
    return value, partial

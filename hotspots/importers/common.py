"""What every Google Trends export shares: reading (through ``core.files``), the category line, header cells, values."""

import re
from dataclasses import dataclass

from core.files import Row, looks_like_formula, read_csv

from .geo import market_for_label
from .problems import ImportProblem

MAX_BYTES = 20 * 1024 * 1024
MAX_LINE = 10_000
# Formulas: a keyword or label cell that looks like one refuses the file (check_text); a formula-like
# region, query, keyword or listing title is a rejected row (the parsers call looks_like_formula).
__all__ = ["LABELLED", "MAX_BYTES", "MAX_LINE", "Row", "looks_like_formula", "read_rows"]

# "keyword: (United States)" or "keyword: (12/2/18 - 12/2/19, United States)"
LABELLED = re.compile(r"^(?P<keyword>.*?):\s*\((?P<label>[^()]*)\)\s*$", re.S)
_DATE_RANGE = re.compile(r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*-\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*$")


def read_rows(data: bytes | str, file: str, *, delimiter: str | None = None) -> list[Row]:
    """An export's rows with their line numbers, read by the core toolkit within the limits of trend files:
    any encoding it reads, the delimiter told from the content, cells stripped, trailing empty cells kept."""
    return list(read_csv(data, file=file, max_bytes=MAX_BYTES, max_line_chars=MAX_LINE, delimiter=delimiter).rows())


def trimmed(cells: list[str]) -> list[str]:
    """Cells without the empty ones a spreadsheet pads a row with."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def is_blank(row: Row) -> bool:
    return not trimmed(row.cells)


def split_category(rows: list[Row]) -> tuple[str, list[Row]]:
    """The ``Category: ...`` line in whatever UI language (may be missing), and the rows after it."""
    content = [row for row in rows if not is_blank(row)]
    if not content:
        return "", []
    first = trimmed(content[0].cells)
    if len(first) == 1 and ":" in first[0] and not LABELLED.match(first[0]):
        label, _, value = first[0].partition(":")
        if label.strip() and len(label) <= 40:
            return value.strip(), content[1:]
    return "", content


@dataclass(frozen=True)
class ColumnLabel:
    keyword: str
    market: str
    market_label: str


def parse_column_label(cell: str, file: str, line: int) -> ColumnLabel:
    """``yeezy: (United States)`` -> keyword and market; a column may also have no ``: (geo)`` suffix."""
    match = LABELLED.match(cell)
    if match:
        keyword, label = match["keyword"].strip(), match["label"].strip()
    else:
        keyword, label = cell.strip(), ""
    # Related queries and maps put the time range in the brackets, sometimes before the geo.
    parts = [part.strip() for part in label.split(",")] if label else []
    if parts and _DATE_RANGE.match(parts[0]):
        parts = parts[1:]
    geo_label = ", ".join(parts)
    if _DATE_RANGE.match(geo_label):
        geo_label = ""
    check_text(keyword, file, line, cell, what="keyword")
    if len(keyword) > 200:
        raise ImportProblem(file, line, cell[:40], "keyword is longer than 200 characters")
    return ColumnLabel(keyword=keyword, market=market_for_label(geo_label)[:100], market_label=geo_label)


def check_text(value: str, file: str, line: int, field: str, *, what: str) -> None:
    if not value:
        raise ImportProblem(file, line, field, f"empty {what}")
    if looks_like_formula(value):
        raise ImportProblem(file, line, field, f"{what} {value[:40]!r} looks like a spreadsheet formula")


_NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d+)?$")
_LESS_THAN_ONE = re.compile(r"^<\s*1$")


def parse_index(cell: str, file: str, line: int, field: str, *, percent_ok: bool = False) -> tuple[float | None, bool]:
    """A 0-100 interest value -> (value, is_partial). Empty -> None, ``<1`` -> 0.5, ``27 %`` for map shares."""
    text = cell.strip()
    partial = False
    if text.endswith("*"):
        partial, text = True, text[:-1].strip()
    if percent_ok and text.endswith("%"):
        text = text[:-1].strip()
    if not text:
        return None, partial
    if _LESS_THAN_ONE.match(text):
        return 0.5, partial
    if not _NUMBER.match(text):
        raise ImportProblem(file, line, field, f"{cell[:40]!r} is not a number from 0 to 100")
    value = float(text.replace(",", "."))
    if value > 100:
        raise ImportProblem(file, line, field, f"{cell[:40]!r} is above 100, the top of Google's scale")
    return value, partial

"""What every Google Trends export shares: text decoding, the category line, header cells, values."""

import csv
import io
import re
from dataclasses import dataclass

from .geo import market_for_label
from .problems import ImportProblem

MAX_BYTES = 20 * 1024 * 1024
MAX_LINE = 10_000
# A cell a spreadsheet would run as a formula; refused rather than stored.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "keyword: (United States)" or "keyword: (12/2/18 - 12/2/19, United States)"
LABELLED = re.compile(r"^(?P<keyword>.*?):\s*\((?P<label>[^()]*)\)\s*$", re.S)
_DATE_RANGE = re.compile(r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*-\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*$")


@dataclass(frozen=True)
class Row:
    line: int
    cells: list[str]


def decode(data: bytes | str, file: str) -> str:
    """Bytes of an export -> text: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if isinstance(data, str):
        text = data.lstrip("\ufeff")
    else:
        if len(data) > MAX_BYTES:
            raise ImportProblem(file, None, None, f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise ImportProblem(file, None, None, "not readable as UTF-16 text") from exc
        elif b"\x00" in data:
            raise ImportProblem(file, None, None, "binary content, not a CSV export")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise ImportProblem(file, None, None, "not a text file (neither UTF-8 nor Windows-1252)") from exc
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise ImportProblem(file, None, None, "binary content, not a CSV export")
    return text


def read_rows(text: str, file: str, *, delimiter: str = ",") -> list[Row]:
    """CSV rows with their line numbers; trailing empty cells (spreadsheet padding) kept as they are."""
    rows = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if len(line) > MAX_LINE:
            raise ImportProblem(file, number, None, f"line is longer than {MAX_LINE} characters")
        if _CONTROL.search(line):
            raise ImportProblem(file, number, None, "binary content, not a CSV export")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            rows.append(Row(line=start, cells=[cell.strip() for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportProblem(file, reader.line_num or start, None, f"not valid CSV ({exc})") from exc
    return rows


def delimiter_of(text: str) -> str:
    """``;`` for a spreadsheet saved with a semicolon separator (first line has ``;`` and no comma), else ``,``."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first and "," not in first else ","


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
    if value.startswith(FORMULA_START):
        raise ImportProblem(file, line, field, f"{what} {value[:40]!r} looks like a spreadsheet formula")


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


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

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

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "keyword: (United States)", "keyword: (12/2/18 - 12/2/19, United States)", "关键词：（美国）"
# The brackets run to the last one: a country name may hold its own ("Myanmar (Burma)").
LABELLED = re.compile(r"^(?P<keyword>.*?)\s*[:：]\s*[(（](?P<label>.*)[)）]\s*$", re.S)
# The category line's colon: ASCII, full width (Chinese, Japanese), or with a space before it (French).
_QUOTED = re.compile(r'"[^"]*"')
_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_CATEGORY = re.compile(r"^(?P<label>[^:：]{1,40}?)\s*[:：]\s*(?P<value>.*)$", re.S)


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


def _without_brackets(line: str) -> str:
    """The line with bracketed parts taken out, nested ones too ("x: (1/1/20 - 1/1/25, Myanmar (Burma))")."""
    while True:
        shorter = _BRACKETS.sub("", line)
        if shorter == line:
            return line
        line = shorter


def delimiter_of(text: str) -> str:
    """``,``, ``;`` or a tab, told from the first lines.

    Google writes commas; a spreadsheet re-save writes semicolons (Excel in many locales, padding every
    row to the same width) or tabs. A tab outside a label means a tab-separated file: Google's text never
    holds one. Between comma and semicolon, the one that splits more lines wins, a tie going to the
    semicolon. The category line usually has no separator, and commas inside brackets belong to a label
    ("keyword: (1/1/20 - 1/1/25, United States)"), so neither is counted; when nothing splits a line, the
    delimiter is one the text does not hold, so no label is cut.
    """
    lines = [_without_brackets(line) for line in text.splitlines() if line.strip()][:12]
    if any("\t" in _QUOTED.sub("", line).strip() for line in lines):
        return "\t"
    best, best_score = None, 0
    for delimiter in (";", ","):
        score = sum(len(next(csv.reader([line], delimiter=delimiter))) > 1 for line in lines)
        if score > best_score:
            best, best_score = delimiter, score
    if best is None:
        return next((d for d in (",", ";", "\t") if d not in text), ",")
    return best


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

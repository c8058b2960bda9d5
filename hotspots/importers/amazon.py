"""Amazon keyword-tool exports: Helium 10 Cerebro and Magnet, Jungle Scout, or any CSV with a saved mapping.

One row per keyword phrase. The tool is told from the header (Cerebro has
"Cerebro IQ Score" or ASIN columns, Magnet "Magnet IQ Score", Jungle Scout
"Search Volume (Exact)"/"Exact Search Volume"...); any other CSV with a
"Keyword" and a "Search Volume" column is read by the same column names as
"generic", and one with other names needs a saved column mapping. The marketplace and the
snapshot date come from the file name the tools give their exports
(``US_AMAZON_cerebro_B0..._2024-03-01.csv``) unless the caller names them.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from .common import Row, looks_like_formula, trimmed
from .problems import ImportProblem

CEREBRO = "cerebro"
MAGNET = "magnet"
JUNGLE_SCOUT = "jungle_scout"
GENERIC = "generic"

# What we keep of a keyword-tool row; a saved column mapping names a header for each.
FIELDS = ("keyword", "search_volume", "search_volume_trend", "competing_products", "title_density",
          "suggested_bid", "price")
INTEGER_FIELDS = {"search_volume", "competing_products", "title_density"}

# Header names of each tool, most specific first; matched case-insensitively, spaces squeezed.
HEADERS = {
    "keyword": ["keyword phrase", "keyword", "search term", "keywords"],
    "search_volume": [
        "search volume", "search volume (exact)", "exact search volume", "exact match search volume",
        "search volume (broad)", "broad search volume", "monthly search volume",
    ],
    "search_volume_trend": [
        "search volume trend", "monthly trend", "30-day trend", "trend", "quarterly trend",
    ],
    "competing_products": [
        "competing products", "organic product count", "sponsored product count", "competitors",
    ],
    "title_density": ["title density"],
    "suggested_bid": [
        "suggested ppc bid", "h10 ppc sugg. bid", "sponsored product bid", "ppc bid (exact)", "ppc bid exact",
        "ppc bid (broad)", "ppc bid broad", "suggested bid",
    ],
    "price": ["price", "average price", "avg. price", "avg price"],
}

_ASIN = re.compile(r"^B0[0-9A-Z]{8}$")
_FILE_MARKET = re.compile(r"(?:^|[\\/])([A-Za-z]{2})_AMAZON", re.I)
_FILE_DATE = re.compile(r"(20\d{2})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_NOTHING = {"", "-", "—", "n/a", "na", "none", "null", "--"}
MARKETS = {"US", "CA", "MX", "BR", "GB", "UK", "DE", "FR", "IT", "ES", "NL", "SE", "PL", "BE", "TR", "AE", "SA",
           "EG", "IN", "JP", "AU", "SG"}


@dataclass
class KeywordRow:
    keyword: str
    line: int
    search_volume: int | None = None
    search_volume_trend: float | None = None
    competing_products: int | None = None
    title_density: int | None = None
    suggested_bid: float | None = None
    price: float | None = None


@dataclass
class AmazonKeywords:
    tool: str
    market: str
    snapshot: date | None
    rows: list[KeywordRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return f"amazon:{self.tool}"


def _norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().casefold().split())


def _header_row(rows: list[Row]) -> Row | None:
    for row in rows:
        if trimmed(row.cells):
            return row
    return None


def tool_of(rows: list[Row]) -> str | None:
    """Which keyword tool wrote these rows, or None when they are not a keyword-tool export."""
    header = _header_row(rows)
    if header is None:
        return None
    names = {_norm(cell) for cell in header.cells}
    has_keyword = bool(names & {"keyword phrase", "keyword", "search term"})
    has_volume = any(name in names for name in HEADERS["search_volume"])
    if not (has_keyword and has_volume):
        return None
    if "magnet iq score" in names:
        return MAGNET
    if "cerebro iq score" in names or any(_ASIN.match(cell.strip()) for cell in header.cells):
        return CEREBRO
    if names & {"search volume (exact)", "exact search volume", "exact match search volume",
                "sponsored product bid", "ease to rank", "relevancy score", "ppc bid (exact)", "ppc bid exact"}:
        return JUNGLE_SCOUT
    if "keyword phrase" in names:
        # Helium 10's shared column names without an IQ score: Magnet when no ASIN columns.
        return MAGNET
    # Another tool's keyword CSV that uses the common column names.
    return GENERIC


def market_from_filename(file: str) -> str:
    """``US_AMAZON_cerebro_...`` -> US; otherwise a two-capital marketplace token such as ``..._DE_...``."""
    match = _FILE_MARKET.search(file or "")
    if match:
        code = match[1].upper()
    else:
        name = re.split(r"[\\/]", file or "")[-1]
        tokens = [t for t in re.split(r"[_\-. ()]+", name) if t in MARKETS]
        if not tokens:
            return ""
        code = tokens[0]
    return "GB" if code == "UK" else code


def snapshot_from_filename(file: str) -> date | None:
    for match in _FILE_DATE.finditer(file or ""):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def parse_number(cell: str, file: str, line: int, column: str, *, integer: bool) -> float | int | None:
    """``1,234`` ``$0.84`` ``8.5%`` ``-12%`` ``>1000`` ``€1,05`` -> number; ``-`` ``N/A`` empty -> None."""
    text = cell.strip()
    if text.casefold() in _NOTHING:
        return None
    text = text.lstrip("><≥≤~").strip()
    text = re.sub(r"^[$€£¥]|[$€£¥]$|\s|%$", "", text)
    text = re.sub(r"^([-+]?)[$€£¥]", r"\1", text)
    if re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})+,\d+", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d+,\d{1,2}", text):
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        raise ImportProblem(file, line, column, f"{cell[:40]!r} is not a number")
    value = float(text)
    if abs(value) > 1e12:
        raise ImportProblem(file, line, column, f"{cell[:40]!r} is out of range")
    if integer:
        if value < 0:
            raise ImportProblem(file, line, column, f"{cell[:40]!r} cannot be negative")
        return int(round(value))
    return value


def resolve_columns(header: Row, file: str, *, mapping: dict[str, str] | None) -> dict[str, int]:
    """Field -> column index, from the tool's known names or the saved mapping (field -> header text)."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        positions.setdefault(_norm(cell), index)
    columns: dict[str, int] = {}
    if mapping:
        for name, wanted in mapping.items():
            if name not in FIELDS or not str(wanted).strip():
                continue
            index = positions.get(_norm(str(wanted)))
            if index is None:
                raise ImportProblem(file, header.line, str(wanted)[:60], f"column for {name} not found in the header")
            columns[name] = index
    else:
        for name, candidates in HEADERS.items():
            for candidate in candidates:
                if candidate in positions:
                    columns[name] = positions[candidate]
                    break
    if "keyword" not in columns:
        raise ImportProblem(file, header.line, "keyword", "no keyword column in the header")
    if len(columns) < 2:
        raise ImportProblem(file, header.line, None, "no metric column (search volume, competing products...)")
    return columns


def parse_amazon_keywords(
    rows: list[Row], file: str, *, tool: str | None = None, mapping: dict[str, str] | None = None,
    market: str = "", snapshot: date | None = None,
) -> AmazonKeywords:
    header = _header_row(rows)
    if header is None:
        raise ImportProblem(file, None, None, "the file is empty")
    tool = GENERIC if mapping else (tool or tool_of(rows))
    if tool is None:
        raise ImportProblem(file, header.line, None, "not an Amazon keyword-tool export (no keyword and search volume columns)")
    columns = resolve_columns(header, file, mapping=mapping)
    market = (market or market_from_filename(file)).strip().upper()
    market = "GB" if market == "UK" else market
    if not market:
        raise ImportProblem(
            file, None, "market", "marketplace unknown: name it (US, DE...) or keep the tool's file name (US_AMAZON_...)"
        )
    if len(market) > 12 or not market.isalnum():
        raise ImportProblem(file, None, "market", f"{market[:20]!r} is not a marketplace code such as US or DE")
    result = AmazonKeywords(
        tool=tool, market=market, snapshot=snapshot or snapshot_from_filename(file),
        columns={name: header.cells[index] for name, index in columns.items()},
    )
    seen: dict[str, int] = {}
    for row in rows:
        if row.line <= header.line or not trimmed(row.cells):
            continue
        if len(trimmed(row.cells)) > len(header.cells):
            raise ImportProblem(file, row.line, None, f"{len(trimmed(row.cells))} cells but the header has {len(header.cells)}")
        cells = row.cells + [""] * (len(header.cells) - len(row.cells))
        keyword = " ".join(cells[columns["keyword"]].split()).casefold()
        if not keyword:
            result.rejected.append((row.line, "empty keyword"))
            continue
        if looks_like_formula(keyword) or len(keyword) > 200:
            result.rejected.append((row.line, f"keyword {keyword[:40]!r} refused (formula-like or too long)"))
            continue
        if keyword in seen:
            result.rejected.append((row.line, f"keyword {keyword[:40]!r} already given at line {seen[keyword]}"))
            continue
        seen[keyword] = row.line
        item = KeywordRow(keyword=keyword, line=row.line)
        for name, index in columns.items():
            if name == "keyword":
                continue
            value = parse_number(cells[index], file, row.line, header.cells[index][:60], integer=name in INTEGER_FIELDS)
            setattr(item, name, value)
        result.rows.append(item)
    if not seen and not result.rejected:
        raise ImportProblem(file, header.line + 1, None, "no keyword rows under the header")
    return result

"""Amazon product-listing exports: Helium 10 Xray and Jungle Scout product exports.

One row per listing (ASIN) on a search or category page. Xray names the title
column "Product Details", Jungle Scout "Product Name"; both have an "ASIN"
column, which is how the kind is told from the header (``listing_header``, used by
``detect.py``). Header names are matched case-insensitively, with spaces
squeezed and a trailing currency sign (``Price  $``, ``Revenue (€)``) dropped.
Marketplace and snapshot date come from the file name (``..._US_2024-10-01.csv``)
unless the caller names them, as for keyword-tool exports.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from .amazon import market_from_filename, parse_number, snapshot_from_filename
from .common import Row, looks_like_formula, trimmed
from .problems import ImportProblem

XRAY = "xray"
JUNGLE_SCOUT = "jungle_scout"

MAX_TITLE = 500
MAX_BRAND = 120
MAX_INTEGER = 2_147_483_647
# Where the header may sit: Jungle Scout puts a few summary lines above it in some exports.
HEADER_SEARCH = 10

# Field -> header names of both tools, most specific first.
HEADERS = {
    "title": ["product details", "product name", "product title", "title"],
    "asin": ["asin"],
    "brand": ["brand"],
    "price": ["price", "avg. price", "price (avg)"],
    "monthly_sales": [
        "asin sales", "sales", "est. monthly sales", "est. monthly units sold", "monthly sales",
        "est. sales", "parent level sales",
    ],
    "monthly_revenue": [
        "asin revenue", "revenue", "est. monthly revenue", "monthly revenue", "parent level revenue",
    ],
    "reviews": ["review count", "reviews", "# of reviews", "ratings count"],
    "rating": ["rating", "ratings", "star rating"],
}
TITLE_HEADERS = {"product details": XRAY, "product name": JUNGLE_SCOUT}
INTEGER_FIELDS = {"monthly_sales", "reviews"}
NUMBER_FIELDS = ("price", "monthly_sales", "monthly_revenue", "reviews", "rating")

_ASIN = re.compile(r"^[A-Z0-9]{10}$")
_DOTTED_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_CURRENCY = re.compile(r"\s*(?:\(\s*)?[$€£¥₹]\s*\)?\s*$")


@dataclass
class ListingRow:
    asin: str
    title: str
    line: int
    brand: str = ""
    price: float | None = None
    monthly_sales: int | None = None
    monthly_revenue: float | None = None
    reviews: int | None = None
    rating: float | None = None


@dataclass
class AmazonListings:
    tool: str
    market: str
    snapshot: date | None
    rows: list[ListingRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return f"amazon_listings:{self.tool}"


def norm_header(cell: str) -> str:
    text = " ".join(cell.replace("\ufeff", "").strip().casefold().split())
    return _CURRENCY.sub("", text)


def listing_header(rows: list[Row]) -> tuple[Row, str] | None:
    """The header row of a listing export and the tool that wrote it, or None."""
    content = [row for row in rows if trimmed(row.cells)][:HEADER_SEARCH]
    for row in content:
        names = {norm_header(cell) for cell in row.cells}
        if "asin" not in names:
            continue
        for title, tool in TITLE_HEADERS.items():
            if title in names:
                return row, tool
    return None


def _columns(header: Row) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        positions.setdefault(norm_header(cell), index)
    columns: dict[str, int] = {}
    for name, candidates in HEADERS.items():
        for candidate in candidates:
            if candidate in positions:
                columns[name] = positions[candidate]
                break
    return columns


def _text(value: str, limit: int) -> str | None:
    """Single-spaced text, or None when a spreadsheet would run it or it is too long."""
    value = " ".join(value.split())
    if looks_like_formula(value) or len(value) > limit:
        return None
    return value


def parse_amazon_listings(
    rows: list[Row], file: str, *, market: str = "", snapshot: date | None = None,
) -> AmazonListings:
    found = listing_header(rows)
    if found is None:
        raise ImportProblem(file, None, None, "not an Amazon listing export (no ASIN and product title columns)")
    header, tool = found
    columns = _columns(header)
    market = (market or market_from_filename(file)).strip().upper()
    market = "GB" if market == "UK" else market
    if not market:
        raise ImportProblem(
            file, None, "market", "marketplace unknown: name it (US, DE...) or put it in the file name (..._US_...)"
        )
    if len(market) > 12 or not market.isalnum():
        raise ImportProblem(file, None, "market", f"{market[:20]!r} is not a marketplace code such as US or DE")
    result = AmazonListings(
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
        asin = cells[columns["asin"]].strip().upper()
        if not _ASIN.match(asin):
            result.rejected.append((row.line, f"ASIN {asin[:20]!r} is not 10 letters and digits"))
            continue
        if asin in seen:
            result.rejected.append((row.line, f"ASIN {asin} already given at line {seen[asin]}"))
            continue
        title = _text(cells[columns["title"]], MAX_TITLE)
        if not title:
            why = "empty title" if title == "" else f"title {cells[columns['title']][:40]!r} refused (formula-like or too long)"
            result.rejected.append((row.line, why))
            continue
        brand = _text(cells[columns["brand"]], MAX_BRAND) if "brand" in columns else ""
        if brand is None:
            result.rejected.append((row.line, f"brand {cells[columns['brand']][:40]!r} refused (formula-like or too long)"))
            continue
        seen[asin] = row.line
        item = ListingRow(asin=asin, title=title, brand=brand, line=row.line)
        for name in NUMBER_FIELDS:
            if name not in columns:
                continue
            column = header.cells[columns[name]][:60]
            cell = cells[columns[name]]
            if name in INTEGER_FIELDS and _DOTTED_THOUSANDS.match(cell.strip()):
                # A count written the German way ("2.310") is thousands, not a fraction.
                cell = cell.replace(".", "")
            value = parse_number(cell, file, row.line, column, integer=name in INTEGER_FIELDS)
            if value is not None and value < 0:
                raise ImportProblem(file, row.line, column, f"{cells[columns[name]][:40]!r} cannot be negative")
            if name in INTEGER_FIELDS and value is not None and value > MAX_INTEGER:
                raise ImportProblem(file, row.line, column, f"{cells[columns[name]][:40]!r} is out of range")
            if name == "rating" and value is not None and value > 5:
                raise ImportProblem(file, row.line, column, f"{cells[columns[name]][:40]!r} is not a rating from 0 to 5")
            setattr(item, name, value)
        result.rows.append(item)
    if not result.rows and not result.rejected:
        raise ImportProblem(file, header.line + 1, None, "no listing rows under the header")
    return result

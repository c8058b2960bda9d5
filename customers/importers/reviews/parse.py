"""Review exports -> plain review records. Pure: no Django here.

Files are read by ``core.files`` (UTF-8 with or without a byte order mark, UTF-16, Windows-1252;
comma, semicolon or tab). Every bad row becomes a ``FileProblem`` naming the file, line and
column, and a file with any problem is refused whole (``ReviewsRefused``) by the caller.

Rules for a row:

- the rating is a whole number of stars from 1 to 5 (``4``, ``4.0``, ``4 out of 5 stars``);
  with a saved mapping it may be on a 10-point or 100-point scale, brought to 1–5;
- the date is an ISO 8601 date or date and time (``2015-08-31``, ``2025-03-02 10:12:00 UTC``,
  ``2025-03-02T10:12:00-05:00``), from 1995 up to tomorrow;
- the product reference (SKU, handle or ASIN) and the review id are keys: never empty, at most
  120 and 80 characters, never formula-like;
- the title, text and name are free text: kept as written, defused when a spreadsheet would run
  them (a leading ``'``), the text at most 20,000 characters;
- an email only serves to find the customer: it is not kept, and one that is no address is
  ignored;
- a country is a two-letter code; Shopify's and Judge.me's free-text location is read only when
  it is one, and otherwise not kept.

A review without an id in the export is known by a hash of its content (``h:`` + 40 hex digits),
so the same file read twice yields the same ids. A row repeating an earlier row of the file is
counted as a duplicate, not a problem; a review id given twice with different content is one.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from core.files import FileProblem, Problems, TooManyProblems, defuse, looks_like_formula, read_csv

from .layouts import AMAZON, FIELDS, FORMATS, GENERIC, LAYOUTS, ReviewLayout, generic_layout, recognise

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 20
MAX_TEXT = 20_000
MAX_LENGTHS = {"review_id": 80, "product": 120, "product_title": 200, "title": 200, "reviewer": 120}
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_RATING = re.compile(r"^([0-9]{1,3})(?:[.,]0+)?(?:\s*(?:/\s*(?:5|10|100)|out\s+of\s+(?:5|10|100)|stars?|%))*$", re.I)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S")


class ReviewsRefused(Exception):
    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(slots=True)
class ReviewRecord:
    line: int
    external_id: str
    product: str  # SKU, handle or ASIN as the export names it
    product_alt: str  # a second reference (Judge.me's product id), tried when the first finds nothing
    product_title: str
    rating: int
    title: str
    body: str
    created_at: datetime
    reviewer: str
    email: str  # lower case; only to find the customer
    country: str


@dataclass
class ParsedReviews:
    format: str
    reviews: list[ReviewRecord] = field(default_factory=list)
    duplicates: int = 0
    spam: int = 0


def parse_review_date(text: str, *, now: datetime | None = None) -> datetime:
    """An aware datetime (UTC when the export gives no offset); ``ValueError`` when not a review date."""
    value = text.strip()
    moment = None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        for pattern in _DATE_FORMATS:
            try:
                moment = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError("not a date")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if not EARLIEST <= moment <= now + timedelta(days=1):
        raise ValueError("out of range")
    return moment


def parse_rating(text: str, *, scale: int = 5) -> int:
    """Stars from 1 to 5; ``ValueError`` otherwise. On a 10- or 100-point scale the value is brought to 1–5."""
    match = _RATING.match(text.strip())
    if not match:
        raise ValueError("not a rating")
    value = int(match.group(1))
    if scale == 5:
        if not 1 <= value <= 5:
            raise ValueError("out of range")
        return value
    if not 0 <= value <= scale:
        raise ValueError("out of range")
    return max(1, min(5, round(value * 5 / scale)))


def content_id(source: str, record: ReviewRecord) -> str:
    """``h:`` and 40 hex digits of a hash of what the review says, for exports without a review id."""
    parts = [source, record.product, str(record.rating), record.created_at.isoformat(), record.reviewer,
             record.title, record.body]
    return "h:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _clean(text: str, *, html_cells: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if html_cells:
        text = html.unescape(_BREAK.sub("\n", text))
    return text.strip()


class _Reader:
    def __init__(self, layout: ReviewLayout, problems: Problems, columns: dict[str, str]):
        self.layout = layout
        self.problems = problems
        self.columns = columns  # field -> header as written in the file

    def cell(self, row: dict, name: str) -> tuple[str, str]:
        header = self.columns.get(name, "")
        return (row.get(header, "") if header else ""), header

    def key(self, line: int, name: str, value: str, header: str, *, required: bool) -> str | None:
        if not value:
            if required:
                self.problems.add(line, header, f"{name.replace('_', ' ')} is empty")
            return "" if not required else None
        if len(value) > MAX_LENGTHS[name]:
            self.problems.add(line, header, f"longer than {MAX_LENGTHS[name]} characters")
            return None
        if looks_like_formula(value):
            self.problems.add(line, header, f"{value[:40]!r} looks like a spreadsheet formula")
            return None
        return value

    def text(self, value: str, limit: int) -> str:
        value = defuse(_clean(value, html_cells=self.layout.html))
        return value if len(value) <= limit else value[: limit - 1] + "…"

    def record(self, line: int, row: dict) -> ReviewRecord | None:
        ok = True
        review_id, review_header = self.cell(row, "review_id")
        review_id = self.key(line, "review_id", review_id, review_header, required="review_id" in self.layout.required)
        product, product_header = self.cell(row, "product")
        product_alt, alt_header = self.cell(row, "product_alt")
        if not product and product_alt:
            product, product_header, product_alt = product_alt, alt_header, ""
        product = self.key(line, "product", product, product_header, required=True)
        product_alt = self.key(line, "product", product_alt, alt_header, required=False) or ""
        ok = review_id is not None and product is not None

        value, header = self.cell(row, "rating")
        rating = None
        try:
            rating = parse_rating(value, scale=self.layout.rating_scale)
        except ValueError:
            scale = "1 to 5" if self.layout.rating_scale == 5 else f"0 to {self.layout.rating_scale}"
            shown = repr(value[:20]) if value else "empty"
            self.problems.add(line, header, f"rating {shown} is not a whole number of stars from {scale}")
            ok = False

        value, header = self.cell(row, "created_at")
        created = None
        try:
            created = parse_review_date(value)
        except ValueError as exc:
            reason = "lies outside 1995 to tomorrow" if str(exc) == "out of range" else "is not a date"
            self.problems.add(line, header, f"{value[:40]!r} {reason}" if value else "date is empty")
            ok = False

        body, body_header = self.cell(row, "body")
        body = defuse(_clean(body, html_cells=self.layout.html))
        if len(body) > MAX_TEXT:
            self.problems.add(line, body_header, f"review text longer than {MAX_TEXT:,} characters")
            ok = False

        country, country_header = self.cell(row, "country")
        country = country.strip().upper()
        country = self.layout.country_codes.get(country, country)
        if country and not _COUNTRY.match(country):
            self.problems.add(line, country_header, f"{country[:20]!r} is not a two-letter country code")
            ok = False
        if not country:
            location = self.cell(row, "location")[0].strip().upper()
            country = location if _COUNTRY.match(location) else ""

        email = self.cell(row, "email")[0].strip().lower()
        if not _EMAIL.match(email) or looks_like_formula(email) or len(email) > 254:
            email = ""
        if not ok:
            return None
        return ReviewRecord(
            line=line, external_id=review_id, product=product, product_alt=product_alt,
            product_title=self.text(self.cell(row, "product_title")[0], MAX_LENGTHS["product_title"]),
            rating=rating, title=self.text(self.cell(row, "title")[0], MAX_LENGTHS["title"]), body=body,
            created_at=created, reviewer=self.text(self.cell(row, "reviewer")[0], MAX_LENGTHS["reviewer"]),
            email=email, country=country,
        )


def _columns(layout: ReviewLayout, header: list[str], file: str) -> dict[str, str]:
    """Field -> the header cell as written; ``ReviewsRefused`` naming what is missing."""
    written = {}
    for cell in header:
        written.setdefault(cell.strip().lower(), cell)
    missing = [layout.columns[name] for name in layout.required if layout.columns.get(name, "") not in written]
    if missing:
        other = recognise(header)
        hint = f"; the header is a {other.label}: choose the {other.format} format" if other and other is not layout else ""
        raise ReviewsRefused([
            FileProblem(file, 1, column, f"column missing from the header; the {layout.label} has it{hint}")
            for column in missing
        ])
    return {name: written[header_] for name, header_ in layout.columns.items() if header_ in written}


def parse_reviews(
    data: bytes | str, file: str, fmt: str, *, mapping: dict[str, str] | None = None, rating_scale: int = 5,
) -> ParsedReviews:
    """Read one review export of format ``fmt`` (one of ``FORMATS``; ``generic`` needs ``mapping``, field ->
    header). ``ReviewsRefused`` lists every problem found (up to ``MAX_PROBLEMS``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown review format {fmt!r}")
    if fmt == GENERIC:
        if not mapping:
            raise ReviewsRefused([FileProblem(file, None, None, "a generic review file needs a column mapping")])
        layout = generic_layout(mapping, rating_scale=rating_scale)
    else:
        layout = LAYOUTS[fmt]
    problems = Problems(file, limit=MAX_PROBLEMS)
    parsed = ParsedReviews(format=fmt)
    try:
        table = read_csv(data, file=file, max_bytes=MAX_FILE_BYTES)
        if fmt == AMAZON and table.delimiter == "\t":
            # Amazon's tab-separated dumps hold quote marks as plain text ("The Burning Room", du Connelly...).
            table = replace(table, quoted=False)
        _read(table, layout, problems, parsed)
    except FileProblem as problem:
        problems.append(problem)
    except TooManyProblems:
        pass
    if problems:
        raise ReviewsRefused(list(problems))
    if not parsed.reviews and not parsed.spam:
        raise ReviewsRefused([FileProblem(file, 2, None, "no reviews in the file")])
    return parsed


def _read(table, layout: ReviewLayout, problems: Problems, parsed: ParsedReviews) -> None:
    rows = table.rows()
    header = next(rows, None)
    if header is None or not any(header.cells):
        raise FileProblem(table.file, 1, None, "the file is empty: no header")
    columns = _columns(layout, header.cells, table.file)
    reader = _Reader(layout, problems, columns)
    width = len(header.cells)
    seen: dict[str, tuple[int, tuple]] = {}
    for item in rows:
        cells, line = item.cells, item.line
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            problems.add(line, None, f"{len(cells)} cells where the header has {width} columns")
            continue
        row = dict(zip(header.cells, cells + [""] * (width - len(cells))))
        spam_header = columns.get("spam")
        if layout.spam_value and spam_header and row.get(spam_header, "").strip().lower() == layout.spam_value:
            parsed.spam += 1
            continue
        record = reader.record(line, row)
        if record is None:
            continue
        if not record.external_id:
            record.external_id = content_id(layout.format, record)
        content = (record.product, record.rating, record.created_at, record.reviewer, record.title, record.body)
        earlier = seen.get(record.external_id)
        if earlier is not None:
            if earlier[1] == content:
                parsed.duplicates += 1
            else:
                problems.add(line, columns.get("review_id"),
                             f"review {record.external_id[:40]!r} already appeared at line {earlier[0]} with other content")
            continue
        seen[record.external_id] = (line, content)
        parsed.reviews.append(record)


def preview(data: bytes | str, file: str, *, rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """The header and first ``rows`` rows of a CSV, to build a column mapping on; ``FileProblem`` if unreadable."""
    table = read_csv(data, file=file, max_bytes=MAX_FILE_BYTES)
    lines = table.rows()
    header = next(lines, None)
    if header is None or not any(header.cells):
        raise FileProblem(file, 1, None, "the file is empty: no header")
    first = []
    for row in lines:
        if any(row.cells):
            first.append(row.cells)
        if len(first) >= rows:
            break
    return header.cells, first


__all__ = [
    "FIELDS", "MAX_FILE_BYTES", "ParsedReviews", "ReviewRecord", "ReviewsRefused", "content_id", "parse_rating",
    "parse_review_date", "parse_reviews", "preview",
]

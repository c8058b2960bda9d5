"""Pre-order files -> plain pre-order lines. Pure: no database here.

Two formats, told apart by the header row:

- the **template**: ``reference,sku,market,quantity,ordered_at,customer`` (any column
  order, case-insensitive; ``customer`` may be left out). ``reference`` is the shop's
  order number or the buyer's PO, ``sku`` a variant's SKU, ``market`` a market code
  (``US``, ``GB``, ``DE`` ...), ``quantity`` a whole number above 0, ``ordered_at`` an
  ISO 8601 date or date and time (a time without offset is UTC), ``customer`` a name
  or email.
- a **Shopify orders export** (Admin → Orders → Export), read by
  ``core.files.shopify_orders``: one row per line item, the order's own columns
  filled on its first row. Orders refunded, voided or cancelled, and line items
  without a SKU (tips, gift cards), are skipped and counted. The market is the
  2-letter shipping country (the billing country when there is none).

Files are read by ``core.files`` (UTF-8, UTF-16 or Windows-1252; comma, semicolon
or tab). Formulas: a reference or SKU that a spreadsheet would run is refused, a
customer or a Shopify tag is stored defused (a leading ``'``). Every problem names
the file, the line, the column and the reason; the caller refuses a file with any
problem whole.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from core.files import FileProblem, Problems, Row, TooManyProblems, defuse, looks_like_formula, read_csv
from core.files import shopify_orders as shopify

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
MAX_PROBLEMS = 50
MAX_QUANTITY = 100_000
MAX_LENGTHS = {"reference": 80, "sku": 64, "customer": 200, "note": 2000}
PROGRESS_EVERY = 2_000

TEMPLATE = "template"
SHOPIFY = "shopify"
TEMPLATE_COLUMNS = ("reference", "sku", "market", "quantity", "ordered_at", "customer")
TEMPLATE_REQUIRED = ("reference", "sku", "market", "quantity", "ordered_at")
SHOPIFY_REQUIRED = ("name", "created_at", "lineitem_quantity", "lineitem_sku", "shipping_country")
SHOPIFY_SKIPPED_STATUSES = {shopify.REFUNDED, shopify.VOIDED}
_MARKET = re.compile(r"^[A-Z][A-Z0-9-]{1,11}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass
class PreOrderLine:
    line: int
    reference: str
    sku: str
    market: str
    quantity: int
    ordered_at: datetime
    customer: str = ""
    note: str = ""


@dataclass
class ParsedFile:
    filename: str
    format: str = ""
    lines: list[PreOrderLine] = field(default_factory=list)
    problems: Problems | None = None
    skipped: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    neutralised: int = 0
    rows_read: int = 0

    def __post_init__(self):
        if self.problems is None:
            self.problems = Problems(self.filename, limit=MAX_PROBLEMS)

    def problem(self, line: int | None, column: str | None, reason: str) -> None:
        self.problems.add(line, column, reason)


# --- single values: shared by the file formats and by manual entry --------------------

def clean_reference(value) -> str:
    reference = value.strip() if isinstance(value, str) else ""
    if not reference:
        raise ValueError("the reference (order or PO number) is empty")
    if len(reference) > MAX_LENGTHS["reference"]:
        raise ValueError(f"the reference is longer than {MAX_LENGTHS['reference']} characters")
    if looks_like_formula(reference):
        raise ValueError(f"the reference {reference[:40]!r} looks like a spreadsheet formula")
    return reference


def clean_sku(value) -> str:
    sku = value.strip() if isinstance(value, str) else ""
    if not sku:
        raise ValueError("the SKU is empty")
    if len(sku) > MAX_LENGTHS["sku"]:
        raise ValueError(f"the SKU is longer than {MAX_LENGTHS['sku']} characters")
    if looks_like_formula(sku):
        raise ValueError(f"the SKU {sku[:40]!r} looks like a spreadsheet formula")
    return sku


def clean_market(value) -> str:
    market = value.strip().upper() if isinstance(value, str) else ""
    if not market:
        raise ValueError("the market is empty")
    if not _MARKET.match(market):
        raise ValueError(f"{market[:20]!r} is not a market code (US, GB, DE ...)")
    return market


def clean_quantity(value) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        quantity = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise ValueError("the quantity is empty")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"{text[:20]!r} is not a whole number")
        quantity = int(text)
    if quantity <= 0:
        raise ValueError(f"{quantity} is not a quantity above 0")
    if quantity > MAX_QUANTITY:
        raise ValueError(f"{quantity} is more than {MAX_QUANTITY:,} units")
    return quantity


def clean_customer(value) -> str:
    # Defused first, so the stored text (with its leading ') is what must fit.
    customer = defuse(value.strip() if isinstance(value, str) else "")
    if len(customer) > MAX_LENGTHS["customer"]:
        raise ValueError(f"longer than {MAX_LENGTHS['customer']} characters")
    return customer


def clean_ordered_at(value, *, now: datetime) -> datetime:
    """An aware datetime from an ISO 8601 date / date-time or Shopify's ``2025-03-02 09:14:08 -0500``."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise ValueError("the order date is empty")
        try:
            moment = shopify.parse_datetime(text)
        except ValueError:
            raise ValueError(f"{text[:40]!r} is not a date (YYYY-MM-DD) or an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{value!s:.40} is out of range") from None
    if moment < _EARLIEST:
        raise ValueError(f"{moment:%Y-%m-%d} is before 2000")
    if moment > now + timedelta(days=1):
        raise ValueError(f"{moment:%Y-%m-%d %H:%M} UTC is in the future")
    return moment


# --- files -----------------------------------------------------------------------------

def parse_pre_orders(
    data: bytes | str, *, filename: str, now: datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> ParsedFile:
    """Read one pre-order file (template or Shopify export); ``progress(done, total)`` is told every few thousand rows."""
    parsed = ParsedFile(filename=filename)
    now = now or datetime.now(timezone.utc)
    try:
        table = read_csv(data, file=filename, max_bytes=MAX_FILE_BYTES, max_lines=MAX_LINES)
        rows = _counted(table.rows(), parsed, total=table.lines, progress=progress)
        header = next(rows, None)
        if header is None:
            parsed.problem(1, None, "the file is empty")
            return parsed
        if shopify.is_orders_header(header.cells):
            parsed.format = SHOPIFY
            _read_shopify(rows, header, parsed, now=now)
        elif {"reference", "sku"} <= {cell.lower() for cell in header.cells}:
            parsed.format = TEMPLATE
            _read_template(rows, header, parsed, now=now)
        else:
            parsed.problem(
                header.line, None,
                "not a pre-order file: expected the template header "
                f"{','.join(TEMPLATE_COLUMNS)} or a Shopify orders export "
                f"(Name, Created at, Lineitem quantity, Lineitem sku, Shipping Country); "
                f"found {', '.join(h[:30] for h in header.cells[:8]) or 'nothing'}",
            )
            return parsed
    except FileProblem as problem:
        parsed.problems.append(problem)
    except TooManyProblems:
        pass
    if not parsed.problems and not parsed.lines and not parsed.skipped:
        parsed.problem(2, None, "no pre-order lines under the header")
    return parsed


def _counted(rows: Iterable[Row], parsed: ParsedFile, *, total: int, progress) -> Iterator[Row]:
    """The rows, counting the non-blank ones under the header and telling ``progress`` every few thousand."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return
    yield header
    for row in rows:
        if any(row.cells):
            parsed.rows_read += 1
            if progress is not None and parsed.rows_read % PROGRESS_EVERY == 0:
                progress(row.line, total)
        yield row


def _add(record: PreOrderLine | None, parsed: ParsedFile, seen: dict, *, merge: bool) -> None:
    """Keep a line once per reference, SKU and market: a Shopify order's repeated SKU adds up, a template's is refused."""
    if record is None:
        return
    key = (record.reference, record.sku, record.market)
    first = seen.get(key)
    if first is None:
        seen[key] = record
        parsed.lines.append(record)
        return
    duplicate = {"line": record.line, "first_line": first.line, "reference": record.reference, "sku": record.sku,
                 "market": record.market}
    if merge:
        first.quantity += record.quantity
        if first.quantity > MAX_QUANTITY:
            parsed.problem(record.line, "Lineitem quantity", f"order {record.reference} has more than {MAX_QUANTITY:,} of {record.sku}")
        parsed.duplicates.append(duplicate | {"merged": True})
    else:
        parsed.duplicates.append(duplicate | {"merged": False})
        parsed.problem(
            record.line, "reference",
            f"reference {record.reference}, SKU {record.sku}, market {record.market} is already given on line {first.line}",
        )


def _read_template(rows: Iterable[Row], header: Row, parsed: ParsedFile, *, now) -> None:
    columns = [cell.lower() for cell in header.cells]
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        parsed.problem(header.line, repeated[0], "this column appears more than once in the header")
        return
    missing = [c for c in TEMPLATE_REQUIRED if c not in columns]
    for column in missing:
        parsed.problem(header.line, column, "column missing from the header")
    if missing:
        return
    seen: dict[tuple[str, str, str], PreOrderLine] = {}
    for row in rows:
        if not any(row.cells):
            continue
        if len(row.cells) != len(columns):
            parsed.problem(row.line, None, f"{len(row.cells)} values for {len(columns)} columns")
            continue
        _add(_template_row(dict(zip(columns, row.cells)), row.line, parsed, now), parsed, seen, merge=False)


def _field(parsed: ParsedFile, line: int, column: str, clean, value, **kwargs):
    try:
        return clean(value, **kwargs), True
    except ValueError as exc:
        parsed.problem(line, column, str(exc))
        return None, False


def _template_row(row: dict, line: int, parsed: ParsedFile, now) -> PreOrderLine | None:
    reference, ok1 = _field(parsed, line, "reference", clean_reference, row["reference"])
    sku, ok2 = _field(parsed, line, "sku", clean_sku, row["sku"])
    market, ok3 = _field(parsed, line, "market", clean_market, row["market"])
    quantity, ok4 = _field(parsed, line, "quantity", clean_quantity, row["quantity"])
    ordered_at, ok5 = _field(parsed, line, "ordered_at", clean_ordered_at, row["ordered_at"], now=now)
    customer, ok6 = _customer(parsed, line, "customer", row.get("customer", ""))
    if not all((ok1, ok2, ok3, ok4, ok5, ok6)):
        return None
    return PreOrderLine(line, reference, sku, market, quantity, ordered_at, customer)


def _customer(parsed: ParsedFile, line: int, column: str, value: str) -> tuple[str, bool]:
    customer, ok = _field(parsed, line, column, clean_customer, value)
    if ok and customer != value.strip():
        parsed.neutralised += 1
    return customer or "", ok


def _read_shopify(rows: Iterable[Row], header: Row, parsed: ParsedFile, *, now) -> None:
    export = shopify.read_shopify_orders(
        rows, header=header, file=parsed.filename, problems=parsed.problems, required=SHOPIFY_REQUIRED
    )
    seen: dict[tuple[str, str, str], PreOrderLine] = {}
    for order in export.orders:
        for record in _shopify_lines(order, export, parsed, now):
            _add(record, parsed, seen, merge=True)


def _shopify_lines(order: shopify.ShopifyOrder, export: shopify.ShopifyExport, parsed: ParsedFile, now):
    """The pre-order lines of one order: one per line item with a SKU, none for an order that was called off."""
    column = export.column
    reference, ok = _field(parsed, order.line, column("name"), clean_reference, order.name)
    if not ok:
        return
    skip = ""
    if order.financial_status in SHOPIFY_SKIPPED_STATUSES:
        skip = f"financial status {order.financial_status}"
    elif order.is_cancelled:
        skip = "order cancelled"
    country_column = column(order.country_field)
    country = getattr(order, order.country_field).upper()
    tags = order.tags
    note = f"Shopify tags: {defuse(tags)}"[: MAX_LENGTHS["note"]] if tags else ""
    for item in order.lines:
        if skip or not item.sku:
            parsed.skipped.append({"line": item.line, "reference": reference, "reason": skip or "line item without a SKU"})
            continue
        sku, ok2 = _field(parsed, item.line, column("lineitem_sku"), clean_sku, item.sku)
        quantity, ok3 = _field(parsed, item.line, column("lineitem_quantity"), clean_quantity, item.quantity)
        ordered_at, ok4 = _field(parsed, item.line, column("created_at"), clean_ordered_at, order.created_at, now=now)
        ok5 = bool(_COUNTRY.match(country))
        if not ok5:
            reason = "the country is empty" if not country else f"{country[:20]!r} is not a 2-letter country code"
            parsed.problem(item.line, country_column, reason)
        customer, ok6 = _customer(parsed, item.line, column("email"), order.email.lower())
        if all((ok2, ok3, ok4, ok5, ok6)):
            yield PreOrderLine(item.line, reference, sku, country, quantity, ordered_at, customer, note)

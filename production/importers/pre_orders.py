"""Pre-order files -> plain pre-order lines. Pure: no database here.

Two formats, told apart by the header row:

- the **template**: ``reference,sku,market,quantity,ordered_at,customer`` (any column
  order, case-insensitive; ``customer`` may be left out). ``reference`` is the shop's
  order number or the buyer's PO, ``sku`` a variant's SKU, ``market`` a market code
  (``US``, ``GB``, ``DE`` ...), ``quantity`` a whole number above 0, ``ordered_at`` an
  ISO 8601 date or date and time (a time without offset is UTC), ``customer`` a name
  or email.
- a **Shopify orders export** (Admin → Orders → Export): one row per line item; the
  order's own columns (``Created at``, ``Email``, ``Financial Status``, ``Shipping
  Country``, ``Tags``) are filled on its first row only and carried to the rest.
  Orders whose financial status is refunded or voided, and line items without a SKU
  (tips, gift cards), are skipped and counted. The market is the 2-letter shipping
  country (the billing country when there is none).

Every problem names the file, the line, the column and the reason; the caller
refuses a file with any problem whole.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

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
SHOPIFY_REQUIRED = ("Name", "Created at", "Lineitem quantity", "Lineitem sku", "Shipping Country")
SHOPIFY_ORDER_COLUMNS = ("Created at", "Email", "Financial Status", "Shipping Country", "Billing Country", "Tags")
SHOPIFY_SKIPPED_STATUSES = {"refunded", "voided"}

# A cell a spreadsheet would run as a formula when the data is opened again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKET = re.compile(r"^[A-Z][A-Z0-9-]{1,11}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self):
        where = f"{self.file}, line {self.line}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason, "message": str(self)}


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
    problems: list[Problem] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    neutralised: int = 0
    rows_read: int = 0

    def problem(self, line: int, column: str, reason: str) -> None:
        self.problems.append(Problem(self.filename, line, column, reason))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems


class _TooManyProblems(Exception):
    pass


# --- single values: shared by the file formats and by manual entry --------------------

def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


def neutralise(value: str) -> str:
    """Free text kept as written, but never run as a formula by a spreadsheet: a leading ' defuses it."""
    return f"'{value}" if looks_like_formula(value) else value


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
    customer = value.strip() if isinstance(value, str) else ""
    if len(customer) > MAX_LENGTHS["customer"]:
        raise ValueError(f"longer than {MAX_LENGTHS['customer']} characters")
    return neutralise(customer)


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
        moment = None
        for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"):
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        if moment is None:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
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

def decode(data: bytes, parsed: ParsedFile) -> str | None:
    if len(data) > MAX_FILE_BYTES:
        parsed.problem(0, "", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    if b"\x00" in data:
        parsed.problem(0, "", "binary data (NUL bytes), not a CSV file")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        parsed.problem(line, "", f"not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8")
        return None
    if text.count("\n") > MAX_LINES + 1:
        parsed.problem(0, "", f"more than {MAX_LINES:,} lines; split the file")
        return None
    return text


def parse_pre_orders(
    data: bytes, *, filename: str, now: datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> ParsedFile:
    """Read one pre-order file (template or Shopify export); ``progress(done, total)`` is told every few thousand rows."""
    parsed = ParsedFile(filename=filename)
    now = now or datetime.now(timezone.utc)
    try:
        text = decode(data, parsed)
        if text is None:
            return parsed
        total = text.count("\n")
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader)
        except StopIteration:
            parsed.problem(1, "", "the file is empty")
            return parsed
        except csv.Error as exc:
            parsed.problem(1, "", f"malformed CSV header ({exc})")
            return parsed
        header = [cell.strip() for cell in header]
        kind = detect_format(header)
        if kind is None:
            parsed.problem(
                1, "",
                "not a pre-order file: expected the template header "
                f"{','.join(TEMPLATE_COLUMNS)} or a Shopify orders export "
                f"({', '.join(SHOPIFY_REQUIRED)}); found {', '.join(h[:30] for h in header[:8]) or 'nothing'}",
            )
            return parsed
        parsed.format = kind
        columns = header if kind == SHOPIFY else [h.lower() for h in header]
        repeated = sorted({c for c in columns if c and columns.count(c) > 1})
        if repeated:
            parsed.problem(1, repeated[0], "this column appears more than once in the header")
            return parsed
        required = SHOPIFY_REQUIRED if kind == SHOPIFY else TEMPLATE_REQUIRED
        missing = [c for c in required if c not in columns]
        for column in missing:
            parsed.problem(1, column, "column missing from the header")
        if missing:
            return parsed
        _read_rows(reader, columns, kind, parsed, now=now, total=total, progress=progress)
    except _TooManyProblems:
        parsed.problems.append(Problem(filename, 0, "", f"stopped after {MAX_PROBLEMS} problems"))
    if not parsed.problems and not parsed.lines and not parsed.skipped:
        parsed.problem(2, "", "no pre-order lines under the header")
    return parsed


def detect_format(header: list[str]) -> str | None:
    if {"Name", "Lineitem sku", "Lineitem quantity"} <= set(header):
        return SHOPIFY
    lowered = {h.lower() for h in header}
    if {"reference", "sku"} <= lowered:
        return TEMPLATE
    return None


def _read_rows(reader, columns, kind, parsed: ParsedFile, *, now, total, progress) -> None:
    seen: dict[tuple[str, str, str], PreOrderLine] = {}
    orders: dict[str, dict] = {}  # Shopify: the order's own columns, from its first row
    last_line = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.problem(reader.line_num, "", f"malformed CSV ({exc})")
            return
        line, last_line = last_line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        parsed.rows_read += 1
        if progress is not None and parsed.rows_read % PROGRESS_EVERY == 0:
            progress(last_line, total)
        if len(values) != len(columns):
            parsed.problem(line, "", f"{len(values)} values for {len(columns)} columns")
            continue
        row = dict(zip(columns, values))
        record = _shopify_row(row, line, parsed, orders, now) if kind == SHOPIFY else _template_row(row, line, parsed, now)
        if record is None:
            continue
        key = (record.reference, record.sku, record.market)
        first = seen.get(key)
        if first is None:
            seen[key] = record
            parsed.lines.append(record)
            continue
        duplicate = {"line": line, "first_line": first.line, "reference": record.reference, "sku": record.sku,
                     "market": record.market}
        if kind == SHOPIFY:
            # One order may list the same SKU on two line items: one pre-order line of both quantities.
            first.quantity += record.quantity
            if first.quantity > MAX_QUANTITY:
                parsed.problem(line, "Lineitem quantity", f"order {record.reference} has more than {MAX_QUANTITY:,} of {record.sku}")
            parsed.duplicates.append(duplicate | {"merged": True})
        else:
            parsed.duplicates.append(duplicate | {"merged": False})
            parsed.problem(
                line, "reference",
                f"reference {record.reference}, SKU {record.sku}, market {record.market} is already given on line {first.line}",
            )


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


def _shopify_row(row: dict, line: int, parsed: ParsedFile, orders: dict, now) -> PreOrderLine | None:
    reference, ok = _field(parsed, line, "Name", clean_reference, row["Name"])
    if not ok:
        return None
    order = orders.get(reference)
    if order is None:
        order = orders[reference] = {c: row.get(c, "").strip() for c in SHOPIFY_ORDER_COLUMNS}
    else:
        for column in SHOPIFY_ORDER_COLUMNS:
            order[column] = order[column] or row.get(column, "").strip()
    status = order["Financial Status"].lower()
    if status in SHOPIFY_SKIPPED_STATUSES:
        parsed.skipped.append({"line": line, "reference": reference, "reason": f"financial status {status}"})
        return None
    if not row["Lineitem sku"].strip():
        parsed.skipped.append({"line": line, "reference": reference, "reason": "line item without a SKU"})
        return None
    sku, ok2 = _field(parsed, line, "Lineitem sku", clean_sku, row["Lineitem sku"])
    quantity, ok3 = _field(parsed, line, "Lineitem quantity", clean_quantity, row["Lineitem quantity"])
    ordered_at, ok4 = _field(parsed, line, "Created at", clean_ordered_at, order["Created at"], now=now)
    country_column = "Shipping Country" if order["Shipping Country"] or not order["Billing Country"] else "Billing Country"
    country = order[country_column].upper()
    ok5 = bool(_COUNTRY.match(country))
    if not ok5:
        reason = "the country is empty" if not country else f"{country[:20]!r} is not a 2-letter country code"
        parsed.problem(line, country_column, reason)
    customer, ok6 = _customer(parsed, line, "Email", order["Email"].lower())
    tags = order["Tags"]
    note = f"Shopify tags: {neutralise(tags)}"[: MAX_LENGTHS["note"]] if tags else ""
    if not all((ok2, ok3, ok4, ok5, ok6)):
        return None
    return PreOrderLine(line, reference, sku, country, quantity, ordered_at, customer, note)

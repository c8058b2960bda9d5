"""Shop order exports -> plain order records. Pure: no Django here.

Anything that cannot be read becomes a ``RowProblem`` naming the file, line and
column; a file with problems is refused whole by the caller.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .layouts import Layout

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 20
MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("99999999.99")
MAX_LENGTHS = {"order": 80, "customer": 80, "sku": 64, "title": 200, "category": 80, "email": 254}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self):
        where = f"{self.file}, line {self.line}" + (f", column {self.field!r}" if self.field else "")
        return f"{where}: {self.reason}"


class ImportRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class LineRecord:
    line: int
    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    category: str = ""
    attributes: list[str] = field(default_factory=list)


@dataclass
class OrderRecord:
    line: int
    external_id: str
    customer_key: str
    email: str
    placed_at: datetime
    market: str
    currency: str
    total: Decimal | None
    lines: list[LineRecord] = field(default_factory=list)

    @property
    def computed_total(self) -> Decimal:
        return sum((li.unit_price * li.quantity for li in self.lines), Decimal("0.00"))


def decode(data: bytes, file: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused([RowProblem(file, 0, "", f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")])
    if b"\x00" in data[:4096]:
        raise ImportRefused([RowProblem(file, 1, "", "binary data, not a CSV export")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused([RowProblem(file, line, "", "not UTF-8 text")]) from None


class _Rows:
    """Reads one export, collecting problems instead of stopping at the first."""

    def __init__(self, text: str, file: str, layout: Layout):
        self.file = file
        self.layout = layout
        self.problems: list[RowProblem] = []
        delimiter = layout.delimiter
        first_line = text.split("\n", 1)[0]
        if delimiter == "\t" and "\t" not in first_line and "," in first_line:
            delimiter = ","
        self.reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)

    def problem(self, line: int, column: str, reason: str) -> None:
        self.problems.append(RowProblem(self.file, line, column, reason))
        if len(self.problems) >= MAX_PROBLEMS:
            raise ImportRefused(self.problems)


def _text(row: dict, column: str | None) -> str:
    if not column:
        return ""
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _amount(rows: _Rows, line: int, column: str, value: str) -> Decimal | None:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        rows.problem(line, column, f"{value[:40]!r} is not an amount")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        rows.problem(line, column, f"{value[:40]!r} is not an amount between 0 and {MAX_AMOUNT}")
        return None
    return amount.quantize(Decimal("0.01"))


def _limited(rows: _Rows, line: int, column: str, value: str, kind: str) -> str | None:
    if len(value) > MAX_LENGTHS[kind]:
        rows.problem(line, column, f"longer than {MAX_LENGTHS[kind]} characters")
        return None
    return value


def _order_fields(rows: _Rows, line: int, row: dict) -> OrderRecord | None:
    layout = rows.layout
    ok = True
    external_id = _text(row, layout.order_id)
    if not external_id:
        rows.problem(line, layout.order_id, "order id is empty")
        ok = False
    elif _limited(rows, line, layout.order_id, external_id, "order") is None:
        ok = False

    email = _text(row, layout.email).lower()
    if email:
        if not _EMAIL.match(email):
            rows.problem(line, layout.email, f"{email[:60]!r} is not an email address")
            ok = False
        elif _limited(rows, line, layout.email, email, "email") is None:
            ok = False
    customer = _text(row, layout.customer_id)
    if customer in ("", "0"):
        customer = email
    if not customer:
        rows.problem(line, layout.customer_id or layout.email or "", "no customer id or email for this order")
        ok = False
    elif _limited(rows, line, layout.customer_id or layout.email, customer, "customer") is None:
        ok = False

    placed_raw = _text(row, layout.placed_at)
    placed_at = None
    try:
        placed_at = _parse_datetime(placed_raw)
    except ValueError:
        rows.problem(line, layout.placed_at, f"{placed_raw[:40]!r} is not a date and time")
        ok = False

    currency = _text(row, layout.currency).upper()
    if not _CURRENCY.match(currency):
        rows.problem(line, layout.currency, f"{currency[:20]!r} is not a three-letter currency code")
        ok = False

    market = ""
    for column in layout.countries:
        market = _text(row, column).upper()
        if market:
            if not _COUNTRY.match(market):
                rows.problem(line, column, f"{market[:20]!r} is not a two-letter country code")
                ok = False
            break

    total = None
    raw_total = _text(row, layout.total)
    if raw_total:
        total = _amount(rows, line, layout.total, raw_total)
        ok = ok and total is not None
    if not ok:
        return None
    return OrderRecord(line, external_id, customer, email, placed_at, market, currency, total)


def _line_fields(rows: _Rows, line: int, row: dict) -> LineRecord | None:
    layout = rows.layout
    ok = True
    sku = _text(row, layout.sku)
    if not sku:
        rows.problem(line, layout.sku, "SKU is empty")
        ok = False
    elif _limited(rows, line, layout.sku, sku, "sku") is None:
        ok = False
    title = _text(row, layout.title)[: MAX_LENGTHS["title"]] or sku
    raw_quantity = _text(row, layout.quantity)
    quantity = None
    if not raw_quantity.isdigit() or not 0 < int(raw_quantity) <= MAX_QUANTITY:
        rows.problem(line, layout.quantity, f"{raw_quantity[:20]!r} is not a quantity from 1 to {MAX_QUANTITY}")
        ok = False
    else:
        quantity = int(raw_quantity)
    raw_price = _text(row, layout.price)
    price = _amount(rows, line, layout.price, raw_price) if raw_price else None
    if not raw_price:
        rows.problem(line, layout.price, "price is empty")
    if price is None or not ok:
        return None
    if layout.price_is_line_total:
        price = (price / quantity).quantize(Decimal("0.01"))
    category = _text(row, layout.category)
    if _limited(rows, line, layout.category, category, "category") is None:
        return None
    attributes = [a.strip().lower() for a in _text(row, layout.attributes).split(";") if a.strip()]
    return LineRecord(line, sku, title, quantity, price, category, attributes)


def parse_orders(data: bytes, file: str, layout: Layout) -> list[OrderRecord]:
    rows = _Rows(decode(data, file), file, layout)
    try:
        header = rows.reader.fieldnames or []
    except csv.Error as exc:
        raise ImportRefused([RowProblem(file, 1, "", f"unreadable header: {exc}")]) from None
    missing = [c for c in layout.required if c not in header]
    if missing:
        raise ImportRefused([
            RowProblem(file, 1, c, f"column missing from the header of a {layout.platform} export") for c in missing
        ])

    orders: list[OrderRecord] = []
    seen: dict[str, int] = {}
    current: OrderRecord | None = None
    current_id = None
    try:
        for row in rows.reader:
            line = rows.reader.line_num
            if None in row:
                rows.problem(line, "", "more cells than the header has columns")
                continue
            if not any((v or "").strip() for v in row.values()):
                continue
            if not any(_text(row, c) for c in (layout.sku, layout.quantity, layout.price)):
                continue  # a continuation row (extra promotions, notes) with no line item
            order_id = _text(row, layout.order_id)
            if order_id and order_id != current_id:
                if order_id in seen:
                    rows.problem(line, layout.order_id, f"order {order_id[:40]!r} already appeared at line {seen[order_id]}")
                    current, current_id = None, order_id
                    continue
                seen[order_id] = line
                current_id = order_id
                current = _order_fields(rows, line, row)
                if current is not None:
                    orders.append(current)
            elif not order_id:
                rows.problem(line, layout.order_id, "order id is empty")
                continue
            line_record = _line_fields(rows, line, row)
            if current is not None and line_record is not None:
                current.lines.append(line_record)
    except csv.Error as exc:
        rows.problem(rows.reader.line_num, "", f"malformed CSV: {exc}")

    for order in orders:
        if order.total is None:
            order.total = order.computed_total
    if rows.problems:
        raise ImportRefused(rows.problems)
    if not orders:
        raise ImportRefused([RowProblem(file, 2, "", "no orders in the file")])
    return orders

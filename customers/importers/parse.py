"""Shop order exports -> plain order records. Pure: no Django here.

Files are read by ``core.files`` (UTF-8, UTF-16 or Windows-1252; comma, semicolon
or tab), Shopify exports by its Shopify orders reader. Anything that cannot be read
becomes a ``FileProblem`` naming the file, line and column; a file with problems is
refused whole by the caller. An order with neither a customer id nor an email (a
draft, point-of-sale or guest-checkout order) is no problem: it is left out and
listed in ``ParsedOrders.guests``, since an order is stored with its customer.

Formulas: an order id, customer id, email or SKU that a spreadsheet would run is
refused; a product title or category is stored defused (a leading ``'``).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from core.files import (
    DELIMITERS, CsvText, FileProblem, Problems, TooManyProblems, defuse, looks_like_formula, read_csv,
)
from core.files import shopify_orders as shopify

from .layouts import FORMATS, LAYOUTS, Layout

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 20
MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("99999999.99")
MAX_LENGTHS = {"order": 80, "customer": 80, "sku": 64, "title": 200, "category": 80, "email": 254}
SHOPIFY_REQUIRED = ("name", "created_at", "currency", "lineitem_sku", "lineitem_quantity", "lineitem_price", "email")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportRefused(Exception):
    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(slots=True)
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


@dataclass(frozen=True)
class GuestOrder:
    """An order without a customer id or email, left out of the import."""

    line: int
    external_id: str


@dataclass
class ParsedOrders:
    orders: list[OrderRecord] = field(default_factory=list)
    guests: list[GuestOrder] = field(default_factory=list)


Cell = tuple[str, str]  # (value as written, its column)


class _Checks:
    """The rules of an order and a line item, whichever export they came from."""

    def __init__(self, problems: Problems):
        self.problems = problems

    def problem(self, line: int, column: str | None, reason: str) -> None:
        self.problems.add(line, column, reason)

    def amount(self, line: int, column: str, value: str) -> Decimal | None:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            self.problem(line, column, f"{value[:40]!r} is not an amount")
            return None
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            self.problem(line, column, f"{value[:40]!r} is not an amount between 0 and {MAX_AMOUNT}")
            return None
        return amount.quantize(Decimal("0.01"))

    def key(self, line: int, cell: Cell, kind: str) -> str | None:
        """A value that identifies something (order, customer, SKU): limited in length, never formula-like."""
        value, column = cell
        if len(value) > MAX_LENGTHS[kind]:
            self.problem(line, column, f"longer than {MAX_LENGTHS[kind]} characters")
            return None
        if looks_like_formula(value):
            self.problem(line, column, f"{value[:40]!r} looks like a spreadsheet formula")
            return None
        return value

    def order(
        self, line: int, *, order_id: Cell, customer_id: Cell | None, email: Cell, placed_at: Cell, currency: Cell,
        countries: list[Cell], total: Cell | None,
    ) -> OrderRecord | GuestOrder | None:
        ok = True
        external_id = order_id[0]
        if not external_id:
            self.problem(line, order_id[1], "order id is empty")
            return None
        if self.key(line, order_id, "order") is None:
            return None

        address = email[0].lower()
        customer = customer_id[0] if customer_id else ""
        if customer in ("", "0"):
            customer = address
        if not customer:
            return GuestOrder(line, external_id)
        if address:
            if not _EMAIL.match(address):
                self.problem(line, email[1], f"{address[:60]!r} is not an email address")
                ok = False
            elif self.key(line, (address, email[1]), "email") is None:
                ok = False
        customer_column = customer_id[1] if customer_id and customer_id[0] not in ("", "0") else email[1]
        if ok and self.key(line, (customer, customer_column), "customer") is None:
            ok = False

        placed = None
        try:
            placed = shopify.parse_datetime(placed_at[0])
        except ValueError:
            self.problem(line, placed_at[1], f"{placed_at[0][:40]!r} is not a date and time")
            ok = False

        code = currency[0].upper()
        if not _CURRENCY.match(code):
            self.problem(line, currency[1], f"{code[:20]!r} is not a three-letter currency code")
            ok = False

        market = ""
        for value, column in countries:
            market = value.upper()
            if market:
                if not _COUNTRY.match(market):
                    self.problem(line, column, f"{market[:20]!r} is not a two-letter country code")
                    ok = False
                break

        amount = None
        if total and total[0]:
            amount = self.amount(line, total[1], total[0])
            ok = ok and amount is not None
        if not ok:
            return None
        return OrderRecord(line, external_id, customer, address, placed, market, code, amount)

    def line_item(
        self, line: int, *, sku: Cell, title: str, quantity: Cell, price: Cell, price_is_line_total: bool,
        category: Cell = ("", ""), attributes: str = "",
    ) -> LineRecord | None:
        ok = True
        if not sku[0]:
            self.problem(line, sku[1], "SKU is empty")
            ok = False
        elif self.key(line, sku, "sku") is None:
            ok = False
        count = None
        if not quantity[0].isdigit() or not 0 < int(quantity[0]) <= MAX_QUANTITY:
            self.problem(line, quantity[1], f"{quantity[0][:20]!r} is not a quantity from 1 to {MAX_QUANTITY}")
            ok = False
        else:
            count = int(quantity[0])
        unit_price = self.amount(line, price[1], price[0]) if price[0] else None
        if not price[0]:
            self.problem(line, price[1], "price is empty")
        if unit_price is None or not ok:
            return None
        if price_is_line_total:
            unit_price = (unit_price / count).quantize(Decimal("0.01"))
        kind = defuse(category[0])
        if len(kind) > MAX_LENGTHS["category"]:
            self.problem(line, category[1], f"longer than {MAX_LENGTHS['category']} characters")
            return None
        names = [a.strip().lower() for a in attributes.split(";") if a.strip()]
        return LineRecord(line, sku[0], defuse(title or sku[0])[: MAX_LENGTHS["title"]], count, unit_price, kind, names)


def _text(row: dict, column: str | None) -> str:
    return row.get(column, "") if column else ""


def _read_columns(table: CsvText, layout: Layout, checks: _Checks, parsed: ParsedOrders) -> None:
    """An export with one row per line item and the order's columns on each row (Amazon, WooCommerce, generic)."""
    file = table.file
    rows = table.rows()
    header = next(rows, None)
    columns = header.cells if header else []
    missing = [c for c in layout.required if c not in columns]
    if missing:
        raise ImportRefused([
            FileProblem(file, 1, c, f"column missing from the header of a {layout.platform} export") for c in missing
        ])
    width = len(columns)
    seen: dict[str, int] = {}
    current: OrderRecord | None = None
    current_id = None
    left_out = False  # the rest of a guest order, or of an order that appeared before
    for item in rows:
        cells, line = item.cells, item.line
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            checks.problem(line, None, "more cells than the header has columns")
            continue
        row = dict(zip(columns, cells + [""] * (width - len(cells))))
        if not any(_text(row, c) for c in (layout.sku, layout.quantity, layout.price)):
            continue  # a continuation row (extra promotions, notes) with no line item
        order_id = _text(row, layout.order_id)
        if order_id and order_id != current_id:
            if order_id in seen:
                checks.problem(line, layout.order_id, f"order {order_id[:40]!r} already appeared at line {seen[order_id]}")
                current, current_id, left_out = None, order_id, True
                continue
            seen[order_id] = line
            current_id, left_out = order_id, False
            current = checks.order(
                line,
                order_id=(order_id, layout.order_id),
                customer_id=(_text(row, layout.customer_id), layout.customer_id) if layout.customer_id else None,
                email=(_text(row, layout.email), layout.email),
                placed_at=(_text(row, layout.placed_at), layout.placed_at),
                currency=(_text(row, layout.currency), layout.currency),
                countries=[(_text(row, c), c) for c in layout.countries],
                total=(_text(row, layout.total), layout.total) if layout.total else None,
            )
            if isinstance(current, GuestOrder):
                parsed.guests.append(current)
                current, left_out = None, True
                continue
            if current is not None:
                parsed.orders.append(current)
        elif not order_id:
            checks.problem(line, layout.order_id, "order id is empty")
            continue
        elif left_out:
            continue
        record = checks.line_item(
            line, sku=(_text(row, layout.sku), layout.sku), title=_text(row, layout.title),
            quantity=(_text(row, layout.quantity), layout.quantity), price=(_text(row, layout.price), layout.price),
            price_is_line_total=layout.price_is_line_total,
            category=(_text(row, layout.category), layout.category or ""), attributes=_text(row, layout.attributes),
        )
        if current is not None and record is not None:
            current.lines.append(record)


def _read_shopify(table: CsvText, checks: _Checks, parsed: ParsedOrders) -> None:
    export = shopify.ShopifyExport(table.rows(), file=table.file, problems=checks.problems, required=SHOPIFY_REQUIRED)
    column = {key: export.column(key) for key in (
        "name", "email", "created_at", "currency", "shipping_country", "billing_country", "total", "lineitem_sku",
        "lineitem_quantity", "lineitem_price",
    )}
    for order in export.iter_orders():
        record = checks.order(
            order.line,
            order_id=(order.name, column["name"]),
            customer_id=None,
            email=(order.email, column["email"]),
            placed_at=(order.created_at, column["created_at"]),
            currency=(order.currency, column["currency"]),
            countries=[(order.shipping_country, column["shipping_country"]),
                       (order.billing_country, column["billing_country"])],
            total=(order.total, column["total"]),
        )
        if isinstance(record, GuestOrder):
            parsed.guests.append(record)
            continue
        items = [
            checks.line_item(
                item.line, sku=(item.sku, column["lineitem_sku"]), title=item.title,
                quantity=(item.quantity, column["lineitem_quantity"]), price=(item.price, column["lineitem_price"]),
                price_is_line_total=False,
            )
            for item in order.lines
        ]
        if record is not None:
            record.lines = [item for item in items if item is not None]
            parsed.orders.append(record)


def parse_orders(data: bytes | str, file: str, fmt: str) -> ParsedOrders:
    """Read one export of format ``fmt`` (one of ``FORMATS``); ``ImportRefused`` lists every problem found."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    layout = LAYOUTS.get(fmt)
    problems = Problems(file, limit=MAX_PROBLEMS)
    checks = _Checks(problems)
    parsed = ParsedOrders()
    # The format's own delimiter wins a tie.
    preferred = layout.delimiter if layout else ","
    delimiters = (preferred, *(d for d in DELIMITERS if d != preferred))
    try:
        table = read_csv(data, file=file, max_bytes=MAX_FILE_BYTES, delimiters=delimiters)
        if layout is None:
            _read_shopify(table, checks, parsed)
        else:
            _read_columns(table, layout, checks, parsed)
    except FileProblem as problem:
        problems.append(problem)
    except TooManyProblems:
        pass
    if problems:
        raise ImportRefused(list(problems))
    for order in parsed.orders:
        if order.total is None:
            order.total = order.computed_total
    if not parsed.orders and not parsed.guests:
        raise ImportRefused([FileProblem(file, 2, None, "no orders in the file")])
    return parsed

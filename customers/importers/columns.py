"""Exports with one row per line item and the order's columns on each row (Amazon, WooCommerce, generic, a
saved column mapping), and marketplaces that export orders and items as two files joined by order id.

The rows of one order need not follow each other: they are gathered by order id. The order's own
columns are read from its first row.
"""

from dataclasses import dataclass
from decimal import Decimal

from core.files import CsvText, FileProblem

from .checks import CENT, Checks
from .landing import landing_reduce, referrer_reduce
from .layouts import Layout, normalise
from .records import PENDING, ZERO, ImportRefused, LineRecord, OrderRecord, ParsedOrders

# Amazon marketplaces by the sales channel's domain, for reports without a ship country.
_CHANNEL_MARKETS = {
    "amazon.com": "US", "amazon.ca": "CA", "amazon.com.mx": "MX", "amazon.com.br": "BR", "amazon.co.uk": "GB",
    "amazon.de": "DE", "amazon.fr": "FR", "amazon.it": "IT", "amazon.es": "ES", "amazon.nl": "NL", "amazon.se": "SE",
    "amazon.pl": "PL", "amazon.com.be": "BE", "amazon.com.tr": "TR", "amazon.ae": "AE", "amazon.sa": "SA",
    "amazon.in": "IN", "amazon.co.jp": "JP", "amazon.com.au": "AU", "amazon.sg": "SG", "amazon.eg": "EG",
}
_LINE_FIELDS = ("sku", "title", "quantity", "price")


@dataclass(frozen=True)
class ReadOptions:
    """How to read values a layout does not pin down: the date format (``iso`` or a ``strptime`` pattern),
    decimal commas, and the currency and market of files that do not say."""

    date_format: str = "iso"
    decimal_comma: bool = False
    currency: str = ""
    market: str = ""


class _Columns:
    """A layout's fields found in one file's header: their positions and their names as the file writes them."""

    def __init__(self, header: list[str], layout: Layout, file: str, line: int):
        names = [normalise(cell) for cell in header]
        self.width = len(header)
        self.positions: dict[str, list[int]] = {}
        self.written: dict[str, str] = {}
        for key, candidates in layout.fields.items():
            found = [names.index(normalise(c)) for c in candidates if normalise(c) in names]
            if key not in ("name", "market"):
                found = found[:1]
            if found:
                self.positions[key] = found
                self.written[key] = header[found[0]]
        missing = [key for key in layout.required if key not in self.positions]
        if missing:
            raise ImportRefused([
                FileProblem(file, line, layout.fields[key][0], f"column missing from the header of a {layout.kind} export")
                for key in missing
            ])

    def has(self, key: str) -> bool:
        return key in self.positions

    def column(self, key: str) -> str:
        return self.written.get(key, key)

    def value(self, cells: list[str], key: str) -> str:
        positions = self.positions.get(key)
        if not positions:
            return ""
        if key == "name":
            return " ".join(cells[p] for p in positions if cells[p])
        for p in positions:
            if cells[p]:
                return cells[p]
        return ""


def _rows(table: CsvText):
    rows = table.rows()
    header = next((row for row in rows if any(row.cells)), None)
    if header is None:
        raise ImportRefused([FileProblem(table.file, 1, None, "the file is empty")])
    return header, rows


class ColumnReader:
    """Reads one file of a layout into ``parsed``; ``with_lines=False`` for the orders file of a two-file export."""

    def __init__(self, table: CsvText, layout: Layout, checks: Checks, parsed: ParsedOrders, options: ReadOptions):
        self.table, self.layout, self.checks, self.parsed, self.options = table, layout, checks, parsed, options
        header, self.rows = _rows(table)
        self.header_line = header.line
        self.columns = _Columns(header.cells, layout, table.file, header.line)

    def read(self, orders: dict[str, OrderRecord], *, with_lines: bool = True) -> None:
        columns, checks, width = self.columns, self.checks, self.columns.width
        seen_bad: set[str] = set()
        current = ""
        for row in self.rows:
            cells, line = row.cells, row.line
            if not any(cells):
                continue
            if len(cells) != width:
                if len(cells) > width and not any(cells[width:]):
                    cells = cells[:width]
                elif len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                else:
                    checks.problem(line, None, "more cells than the header has columns")
                    continue
            self.parsed.rows += 1
            order_id = columns.value(cells, "order_id")
            if not order_id:
                checks.problem(line, columns.column("order_id"), "order id is empty")
                continue
            record = orders.get(order_id)
            if with_lines and order_id != current and (record is not None or order_id in seen_bad):
                # The rows of one order follow each other: a repeat further down is a second copy, not more items.
                first = record.line if record is not None else None
                where = f" at line {first}" if first else ""
                checks.problem(line, columns.column("order_id"), f"order {order_id[:40]!r} already appeared{where}", order_id)
                current = order_id
                continue
            current = order_id
            if record is None:
                if order_id in seen_bad:
                    continue
                record = self.order(cells, line, order_id)
                if record is None:
                    seen_bad.add(order_id)
                    continue
                orders[order_id] = record
                self.parsed.orders.append(record)
            if with_lines:
                self.line_item(cells, line, record)

    def order(self, cells: list[str], line: int, order_id: str) -> OrderRecord | None:
        columns, checks, options, layout = self.columns, self.checks, self.options, self.layout
        value = columns.value
        if checks.key(order_id, "order", line, columns.column("order_id"), order_id) is None:
            return None
        placed = checks.moment(value(cells, "placed_at"), line, columns.column("placed_at"), order_id, options.date_format)
        status = layout.state(value(cells, "status"), value(cells, "line_status"))
        currency_text = value(cells, "currency") or options.currency
        if not currency_text:
            checks.problem(line, columns.column("currency"), "the currency is empty; give the file's currency on import", order_id)
            return None
        currency = checks.currency(currency_text, line, columns.column("currency"), order_id)
        if placed is None or currency is None:
            return None
        record = OrderRecord(line=line, external_id=order_id, placed_at=placed, currency=currency)
        record.financial_status, record.fulfillment_status, record.cancelled = status
        customer_id = value(cells, "customer_id")
        email = value(cells, "email")
        if email:
            email = checks.email(email, line, columns.column("email"), order_id)
            if email is None:
                return None
            record.email = email
        if customer_id and customer_id not in layout.guest_customer_ids:
            if checks.key(customer_id, "customer", line, columns.column("customer_id"), order_id) is None:
                return None
            record.customer_key = customer_id
        else:
            record.customer_key = record.email
        if record.customer_key:
            record.name = checks.text(value(cells, "name"), "name")
            record.accepts_marketing = checks.flag(value(cells, "accepts_marketing"))
        market = value(cells, "market")
        if market:
            if checks.country(market, line, columns.column("market"), order_id) is None:
                return None
            record.market = market.upper()
        else:
            channel = value(cells, "sales_channel").casefold()
            record.market = _CHANNEL_MARKETS.get(channel, options.market)
        cancelled_at = value(cells, "cancelled_at")
        if cancelled_at:
            record.cancelled = True
            record.cancelled_at = checks.moment(cancelled_at, line, columns.column("cancelled_at"), order_id, options.date_format)
        for key in ("subtotal", "discount", "shipping", "taxes", "total", "refunded"):
            text = value(cells, key)
            if text:
                amount = checks.amount(text, line, columns.column(key), order_id, decimal_comma=options.decimal_comma,
                                       signed=layout.signed_discounts)
                if amount is None:
                    return None
                setattr(record, key, amount)
        record.landing_url = landing_reduce(value(cells, "landing_url"))
        record.referring_site = referrer_reduce(value(cells, "referring_site"))
        return record

    def line_item(self, cells: list[str], line: int, record: OrderRecord) -> None:
        columns, checks, options, layout = self.columns, self.checks, self.options, self.layout
        value = columns.value
        if not any(value(cells, key) for key in _LINE_FIELDS):
            return  # a row with no line item (a note, a promotion line)
        order_id = record.external_id
        quantity = checks.quantity(value(cells, "quantity"), line, columns.column("quantity"), order_id)
        price_text = value(cells, "price")
        if not price_text:
            if not (record.cancelled or record.financial_status == PENDING):
                checks.problem(line, columns.column("price"), "the price is empty", order_id)
                return
            price = ZERO
        else:
            price = checks.amount(price_text, line, columns.column("price"), order_id, decimal_comma=options.decimal_comma)
        if quantity is None or price is None:
            return
        if quantity == 0:
            self.parsed.notes.append(f"line {line}: a line item with quantity 0 is left out")
            return
        sku = value(cells, "sku")
        if sku and checks.key(sku, "sku", line, columns.column("sku"), order_id) is None:
            return
        discount = ZERO
        discount_text = value(cells, "line_discount")
        if discount_text:
            discount = checks.amount(discount_text, line, columns.column("line_discount"), order_id,
                                     decimal_comma=options.decimal_comma, signed=layout.signed_discounts)
            if discount is None:
                return
        line_total = price if layout.price == "line" else price * quantity
        net_text = value(cells, "line_net")
        if net_text and not discount_text:
            net = checks.amount(net_text, line, columns.column("line_net"), order_id, decimal_comma=options.decimal_comma)
            if net is None:
                return
            discount = max(line_total - net, ZERO)
        unit = (line_total / quantity).quantize(CENT) if layout.price == "line" else price
        names = tuple(a.strip().lower() for a in value(cells, "attributes").split(";") if a.strip())
        title = value(cells, "title") or sku
        record.lines.append(LineRecord(
            line, sku, checks.text(title, "title"), quantity, unit, Decimal(discount).quantize(CENT),
            checks.text(value(cells, "category"), "category"), names,
        ))


def read_columns(table: CsvText, layout: Layout, checks: Checks, parsed: ParsedOrders, options: ReadOptions) -> None:
    ColumnReader(table, layout, checks, parsed, options).read({})


def read_two_tables(
    orders_table: CsvText, items_table: CsvText, *, order_layout: Layout, item_layout: Layout,
    order_checks: Checks, item_checks: Checks, parsed: ParsedOrders, options: ReadOptions,
) -> None:
    """An orders file and an items file joined on the order id; an item of an order the orders file lacks
    is a problem on the item's line."""
    orders: dict[str, OrderRecord] = {}
    ColumnReader(orders_table, order_layout, order_checks, parsed, options).read(orders, with_lines=False)
    items = ColumnReader(items_table, item_layout, item_checks, parsed, options)
    columns = items.columns
    for row in items.rows:
        cells, line = row.cells, row.line
        if not any(cells):
            continue
        if len(cells) < columns.width:
            cells = cells + [""] * (columns.width - len(cells))
        parsed.rows += 1
        order_id = columns.value(cells, "order_id")
        record = orders.get(order_id)
        if record is None:
            if order_id not in parsed.rejected:
                item_checks.problem(line, columns.column("order_id"), f"order {order_id[:40]!r} is not in the orders file", order_id)
            continue
        items.line_item(cells, line, record)

"""Shopify's orders export (Admin → Orders → Export) -> plain order records. Pure: no Django here.

What the export looks like, across its versions:

- One row per line item. The order's own columns (email, statuses, money, dates,
  addresses, notes, tags) are filled on its first row only; the rows after it repeat
  the order's ``Name`` and carry their line item. A row with no line item at all
  (nothing in the line item columns) adds nothing but may fill an order column the
  first row left empty.
- Headers differ a little between versions and tools (``Fulfilled at`` /
  ``Fulfillment Date``, ``Accepts Marketing`` / ``Accepts Email Marketing``,
  ``Cancelled at`` / ``Canceled at``, ``Lineitem sku`` / ``Line item SKU``...); they
  are matched ignoring case, spaces and punctuation, and ``columns`` keeps each as
  the file writes it, for messages.
- ``Email`` is empty for draft orders, point-of-sale sales without a customer and
  some manual orders.
- ``Notes`` may hold line breaks, commas and quotes (the cell is quoted).
- ``Financial Status`` is one of pending, authorized, partially_paid, paid,
  partially_refunded, refunded, voided, expired (some tools write ``Partially
  Refunded``: it is given here as ``partially_refunded``); ``Cancelled at`` is set
  on a cancelled order, ``Refunded Amount`` on a refunded one.

``read_shopify_orders`` (or ``ShopifyExport(...).iter_orders()``, one order at a
time) groups the rows into orders and reports what breaks the
export's shape (a missing or repeated column, a row of the wrong width, an empty
order name, an order whose rows are split apart) as ``FileProblem``s. Values are
given as written, stripped; each importer checks the ones it uses by its own rules.
``parse_datetime`` reads Shopify's dates.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from functools import lru_cache
from operator import itemgetter

from .problems import Problems
from .tables import Row

PENDING = "pending"
AUTHORIZED = "authorized"
PARTIALLY_PAID = "partially_paid"
PAID = "paid"
PARTIALLY_REFUNDED = "partially_refunded"
REFUNDED = "refunded"
VOIDED = "voided"
EXPIRED = "expired"

# Field -> header names, the current export's first.
ORDER_COLUMNS = {
    "name": ("Name", "Order Name"),
    "email": ("Email", "Customer Email"),
    "financial_status": ("Financial Status", "Payment Status"),
    "paid_at": ("Paid at",),
    "fulfillment_status": ("Fulfillment Status", "Fulfilment Status"),
    "fulfilled_at": ("Fulfilled at", "Fulfillment Date"),
    "accepts_marketing": ("Accepts Marketing", "Accepts Email Marketing"),
    "currency": ("Currency",),
    "subtotal": ("Subtotal",),
    "shipping": ("Shipping",),
    "taxes": ("Taxes",),
    "total": ("Total",),
    "discount_code": ("Discount Code", "Discount Codes"),
    "discount_amount": ("Discount Amount",),
    "shipping_method": ("Shipping Method",),
    "created_at": ("Created at",),
    "billing_name": ("Billing Name",),
    "billing_country": ("Billing Country",),
    "shipping_name": ("Shipping Name",),
    "shipping_country": ("Shipping Country",),
    "notes": ("Notes", "Note"),
    "note_attributes": ("Note Attributes",),
    "cancelled_at": ("Cancelled at", "Canceled at"),
    "payment_method": ("Payment Method",),
    "refunded_amount": ("Refunded Amount",),
    "outstanding_balance": ("Outstanding Balance",),
    "tags": ("Tags",),
    "source": ("Source",),
    "phone": ("Phone",),
    "id": ("Id", "Order ID"),
}
LINE_COLUMNS = {
    "lineitem_quantity": ("Lineitem quantity",),
    "lineitem_name": ("Lineitem name", "Lineitem title"),
    "lineitem_price": ("Lineitem price",),
    "lineitem_compare_at_price": ("Lineitem compare at price",),
    "lineitem_sku": ("Lineitem sku",),
    "lineitem_requires_shipping": ("Lineitem requires shipping",),
    "lineitem_taxable": ("Lineitem taxable",),
    "lineitem_fulfillment_status": ("Lineitem fulfillment status", "Lineitem fulfilment status"),
    "lineitem_discount": ("Lineitem discount",),
    "vendor": ("Vendor",),
}
_STATUS_FIELDS = ("financial_status", "fulfillment_status")
# The columns that make a row a line item.
_ITEM_FIELDS = ("lineitem_quantity", "lineitem_name", "lineitem_price", "lineitem_sku")


def normalise(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


_COLUMNS = ORDER_COLUMNS | LINE_COLUMNS
_FIELD_BY_HEADER = {normalise(name): key for key, names in _COLUMNS.items() for name in names}


@dataclass(slots=True)
class LineItem:
    line: int
    title: str = ""
    sku: str = ""
    quantity: str = ""
    price: str = ""
    compare_at_price: str = ""
    discount: str = ""
    fulfillment_status: str = ""
    requires_shipping: str = ""
    taxable: str = ""
    vendor: str = ""


_ITEM_ATTRIBUTES = {
    "lineitem_name": "title", "lineitem_sku": "sku", "lineitem_quantity": "quantity", "lineitem_price": "price",
    "lineitem_compare_at_price": "compare_at_price", "lineitem_discount": "discount",
    "lineitem_fulfillment_status": "fulfillment_status", "lineitem_requires_shipping": "requires_shipping",
    "lineitem_taxable": "taxable", "vendor": "vendor",
}


@dataclass(slots=True)
class ShopifyOrder:
    """One order as the export writes it; ``line`` is its first row."""

    line: int
    name: str
    email: str = ""
    financial_status: str = ""
    paid_at: str = ""
    fulfillment_status: str = ""
    fulfilled_at: str = ""
    accepts_marketing: str = ""
    currency: str = ""
    subtotal: str = ""
    shipping: str = ""
    taxes: str = ""
    total: str = ""
    discount_code: str = ""
    discount_amount: str = ""
    shipping_method: str = ""
    created_at: str = ""
    billing_name: str = ""
    billing_country: str = ""
    shipping_name: str = ""
    shipping_country: str = ""
    notes: str = ""
    note_attributes: str = ""
    cancelled_at: str = ""
    payment_method: str = ""
    refunded_amount: str = ""
    outstanding_balance: str = ""
    tags: str = ""
    source: str = ""
    phone: str = ""
    id: str = ""
    lines: list[LineItem] = field(default_factory=list)

    @property
    def is_cancelled(self) -> bool:
        return bool(self.cancelled_at)

    @property
    def is_refunded(self) -> bool:
        return self.financial_status == REFUNDED

    @property
    def is_partially_refunded(self) -> bool:
        return self.financial_status == PARTIALLY_REFUNDED

    @property
    def is_voided(self) -> bool:
        return self.financial_status == VOIDED

    @property
    def country_field(self) -> str:
        """Where the order's country is: the shipping country, or the billing country when there is none."""
        return "shipping_country" if self.shipping_country or not self.billing_country else "billing_country"


_ORDER_FIELDS = [f.name for f in fields(ShopifyOrder) if f.name not in ("line", "name", "lines")]
_ITEM_KEY_OF = {attribute: key for key, attribute in _ITEM_ATTRIBUTES.items()}


def header_fields(cells: Iterable[str]) -> set[str]:
    return {_FIELD_BY_HEADER[name] for name in map(normalise, cells) if name in _FIELD_BY_HEADER}


def is_orders_header(cells: Iterable[str]) -> bool:
    """Whether a header row is a Shopify orders export's: an order name and line item quantity and SKU."""
    return {"name", "lineitem_quantity", "lineitem_sku"} <= header_fields(cells)


@lru_cache(maxsize=256)
def status(value: str) -> str:
    """``Partially Refunded`` -> ``partially_refunded``."""
    if not value:
        return value
    return "_".join(value.casefold().replace("-", " ").split())


def parse_datetime(text: str) -> datetime:
    """``2025-03-02 09:14:08 -0500`` (or any ISO 8601 date and time) -> an aware datetime; UTC when no offset.

    Raises ``ValueError`` for anything else.
    """
    value = text.strip()
    if len(value) == 25 and value[19] == " " and value[20] in "+-":
        # The export's own shape, ``2025-03-02 09:14:08 -0500``: rewritten for the fast ISO reader.
        value = f"{value[:19]}{value[20:23]}:{value[23:]}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        # A one-digit hour (``9:14:08``), as a spreadsheet may write it back.
        for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"):
            try:
                return datetime.strptime(value, pattern)
            except ValueError:
                continue
        raise
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ShopifyExport:
    """An orders export being read: its header when made, its orders one by one as each one ends (``iter_orders``).

    ``required`` names the fields (keys of ``ORDER_COLUMNS`` and ``LINE_COLUMNS``) the caller
    needs besides ``name``; a missing one is a problem and no order is read. Problems go to
    ``problems``, which may stop the reading by raising ``TooManyProblems``.
    """

    def __init__(
        self, rows: Iterable[Row], *, file: str, problems: Problems, required: Iterable[str] = (),
        header: Row | None = None,
    ):
        self.file = file
        self.problems = problems
        # Field -> the header as this file writes it.
        self.columns: dict[str, str] = {}
        # Non-blank rows under the header, once read.
        self.rows = 0
        self.orders: list[ShopifyOrder] = []
        self._rows = iter(rows)
        self._index: dict[str, int] = {}
        if header is None:
            header = next((row for row in self._rows if any(row.cells)), None)
        self.header_line = header.line if header else 1
        self._width = len(header.cells) if header else 0
        if header is None:
            problems.add(1, None, "the file is empty")
        self.readable = header is not None and self._read_header(header, ("name", *required))

    def column(self, key: str) -> str:
        """The header of ``key`` as written in the file, or its usual name when the file lacks it."""
        return self.columns.get(key) or _COLUMNS[key][0]

    def _read_header(self, header: Row, required: tuple[str, ...]) -> bool:
        seen: set[str] = set()
        for position, cell in enumerate(header.cells):
            name = normalise(cell)
            if name and name in seen:
                self.problems.add(header.line, cell, "this column appears more than once in the header")
                return False
            seen.add(name)
            key = _FIELD_BY_HEADER.get(name)
            if key and key not in self._index:
                self._index[key] = position
                self.columns[key] = cell.strip()
        missing = [key for key in dict.fromkeys(required) if key not in self._index]
        for key in missing:
            self.problems.add(header.line, self.column(key), "column missing from the header")
        return not missing

    def iter_orders(self) -> Iterator[ShopifyOrder]:
        """Each order once its last row is read, in the order of the file.

        Rows may come stripped or not (``CsvText.rows(strip=False)`` is faster on wide exports): the cells
        read are stripped here. Every cell of an order or a line item is fetched with one ``itemgetter``;
        a column the file lacks reads from an empty cell added at the end of the row.
        """
        if not self.readable:
            return
        index, width, problems = self._index, self._width, self.problems
        name_at = index["name"]
        # Positions in ShopifyOrder's and LineItem's field order; ``width`` is the empty cell appended to a row.
        order_cells = itemgetter(*[index.get(key, width) for key in _ORDER_FIELDS])
        item_order = [f.name for f in fields(LineItem) if f.name != "line"]
        item_cells = itemgetter(*[index.get(_ITEM_KEY_OF[name], width) for name in item_order])
        marks_item = itemgetter(*[index.get(key, width) for key in _ITEM_FIELDS])
        financial_at, fulfillment_at = _ORDER_FIELDS.index("financial_status"), _ORDER_FIELDS.index("fulfillment_status")
        item_status_at = item_order.index("fulfillment_status")
        strip = str.strip
        first_line: dict[str, int] = {}
        current: ShopifyOrder | None = None
        empty: list[str] = []
        empty_cells = None
        split_apart = ""
        for row in self._rows:
            cells = row.cells
            if not any(cells):
                continue
            self.rows += 1
            if len(cells) != width:
                if len(cells) > width and not any(map(strip, cells[width:])):
                    cells = cells[:width]
                else:
                    problems.add(row.line, None, f"{len(cells)} values for {width} columns")
                    continue
            name = cells[name_at].strip()
            if not name:
                if any(map(strip, cells)):
                    problems.add(row.line, self.column("name"), "the order name is empty")
                continue
            if name == split_apart:
                continue
            cells.append("")
            if current is None or name != current.name:
                if current is not None:
                    yield current
                    current = None
                if name in first_line:
                    problems.add(
                        row.line, self.column("name"),
                        f"order {name[:40]!r} already appeared at line {first_line[name]}; the rows of one order follow each other",
                    )
                    split_apart = name
                    continue
                first_line[name], split_apart = row.line, ""
                values = list(map(strip, order_cells(cells)))
                values[financial_at] = status(values[financial_at])
                values[fulfillment_at] = status(values[fulfillment_at])
                current = ShopifyOrder(row.line, name, *values)
                # The order's empty columns, which a later row of it may fill (most later rows repeat or leave them).
                empty = [key for key, value in zip(_ORDER_FIELDS, values) if not value]
                empty_cells = itemgetter(*[index.get(key, width) for key in empty], width) if empty else None
            elif empty_cells is not None and any(empty_cells(cells)):
                for key, value in zip(empty, map(strip, empty_cells(cells))):
                    if value and not getattr(current, key):
                        setattr(current, key, status(value) if key in _STATUS_FIELDS else value)
            if any(map(strip, marks_item(cells))):
                values = list(map(strip, item_cells(cells)))
                values[item_status_at] = status(values[item_status_at])
                current.lines.append(LineItem(row.line, *values))
        if current is not None:
            yield current


def read_shopify_orders(
    rows: Iterable[Row], *, file: str, problems: Problems, required: Iterable[str] = (), header: Row | None = None,
) -> ShopifyExport:
    """Read a whole orders export (after ``header``, or from the first non-blank row): ``export.orders`` holds them."""
    export = ShopifyExport(rows, file=file, problems=problems, required=required, header=header)
    export.orders = list(export.iter_orders())
    return export

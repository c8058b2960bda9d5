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

``read_shopify_orders`` groups the rows into orders and reports what breaks the
export's shape (a missing or repeated column, a row of the wrong width, an empty
order name, an order whose rows are split apart) as ``FileProblem``s. Values are
given as written, stripped; each importer checks the ones it uses by its own rules.
``parse_datetime`` reads Shopify's dates.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone

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


_FIELD_BY_HEADER = {
    normalise(name): key for columns in (ORDER_COLUMNS, LINE_COLUMNS) for key, names in columns.items() for name in names
}


@dataclass
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


@dataclass
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


@dataclass
class ShopifyExport:
    file: str
    header_line: int = 1
    # Field -> the header as this file writes it.
    columns: dict[str, str] = field(default_factory=dict)
    orders: list[ShopifyOrder] = field(default_factory=list)
    # Non-blank rows under the header.
    rows: int = 0

    def column(self, key: str) -> str:
        """The header of ``key`` as written in the file, or its usual name when the file lacks it."""
        return self.columns.get(key) or (ORDER_COLUMNS | LINE_COLUMNS)[key][0]


def header_fields(cells: Iterable[str]) -> set[str]:
    return {_FIELD_BY_HEADER[name] for name in map(normalise, cells) if name in _FIELD_BY_HEADER}


def is_orders_header(cells: Iterable[str]) -> bool:
    """Whether a header row is a Shopify orders export's: an order name and line item quantity and SKU."""
    return {"name", "lineitem_quantity", "lineitem_sku"} <= header_fields(cells)


def status(value: str) -> str:
    """``Partially Refunded`` -> ``partially_refunded``."""
    return re.sub(r"[\s-]+", "_", value.strip().casefold())


def parse_datetime(text: str) -> datetime:
    """``2025-03-02 09:14:08 -0500`` (or any ISO 8601 date and time) -> an aware datetime; UTC when no offset.

    Raises ``ValueError`` for anything else.
    """
    value = text.strip()
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def read_shopify_orders(
    rows: Iterable[Row], *, file: str, problems: Problems, required: Iterable[str] = ("name",),
    header: Row | None = None,
) -> ShopifyExport:
    """Group an orders export's rows (after ``header``, or from the first non-blank row) into orders.

    ``required`` names the fields (keys of ``ORDER_COLUMNS`` and ``LINE_COLUMNS``) the caller
    needs; a missing one is a problem and no order is read. Problems go to ``problems``,
    which may stop the reading by raising ``TooManyProblems``.
    """
    rows = iter(rows)
    if header is None:
        header = next((row for row in rows if any(row.cells)), None)
        if header is None:
            problems.add(1, None, "the file is empty")
            return ShopifyExport(file=file)
    export = ShopifyExport(file=file, header_line=header.line)
    index: dict[str, int] = {}
    seen_headers: set[str] = set()
    for position, cell in enumerate(header.cells):
        name = normalise(cell)
        if name and name in seen_headers:
            problems.add(header.line, cell, "this column appears more than once in the header")
            return export
        seen_headers.add(name)
        key = _FIELD_BY_HEADER.get(name)
        if key and key not in index:
            index[key] = position
            export.columns[key] = cell
    missing = [key for key in required if key not in index]
    for key in missing:
        problems.add(header.line, export.column(key), "column missing from the header")
    if missing:
        return export

    width = len(header.cells)
    first_line: dict[str, int] = {}
    current: ShopifyOrder | None = None
    split_apart = ""
    for row in rows:
        cells = row.cells
        if not any(cells):
            continue
        export.rows += 1
        if len(cells) != width:
            if len(cells) > width and not any(cells[width:]):
                cells = cells[:width]
            else:
                problems.add(row.line, None, f"{len(cells)} values for {width} columns")
                continue
        values = {key: cells[position] for key, position in index.items()}
        name = values["name"]
        if not name:
            problems.add(row.line, export.column("name"), "the order name is empty")
            continue
        if name == split_apart:
            continue
        if current is None or name != current.name:
            if name in first_line:
                problems.add(
                    row.line, export.column("name"),
                    f"order {name[:40]!r} already appeared at line {first_line[name]}; the rows of one order follow each other",
                )
                current, split_apart = None, name
                continue
            first_line[name], split_apart = row.line, ""
            current = ShopifyOrder(line=row.line, name=name, **_order_values(values))
            export.orders.append(current)
        else:
            for key, value in _order_values(values).items():
                if value and not getattr(current, key):
                    setattr(current, key, value)
        if any(values.get(key) for key in _ITEM_FIELDS):
            current.lines.append(
                LineItem(line=row.line, **{
                    attribute: status(values[key]) if key == "lineitem_fulfillment_status" else values[key]
                    for key, attribute in _ITEM_ATTRIBUTES.items() if key in values
                })
            )
    return export


def _order_values(values: dict[str, str]) -> dict[str, str]:
    return {
        key: status(values[key]) if key in _STATUS_FIELDS else values[key]
        for key in _ORDER_FIELDS if key in values
    }

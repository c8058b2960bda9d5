"""Where each shop's one-row-per-item export keeps the facts of an order, and what its states mean.

``shopify`` (the Orders export) is read by ``core.files.shopify_orders``; the other shops write one
row per line item with the order's columns on each row, and are described here as a ``Layout``: for
each field, the headers it goes by (matched ignoring case, spaces and punctuation). The column names
follow the shops' own exports:

- Amazon **All Orders report** (Reports → Fulfillment → All Orders, or
  ``GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL``; tab-delimited): ``amazon-order-id``,
  ``purchase-date``, ``order-status``, ``sku``, ``quantity``, ``item-price`` (the line's total),
  ``item-promotion-discount`` (written negative), ``ship-country``... It names no buyer: its orders are
  guest orders. Prices are empty while an order is pending.
- Amazon **Order Report** of seller-fulfilled orders (tab-delimited): ``order-id``, ``buyer-email``,
  ``purchase-date``, ``sku``, ``quantity-purchased``, ``item-price`` (the line's total).
- WooCommerce, **Customer/Order CSV Export**, one row per item: ``order_id``, ``order_date``, ``status``,
  ``customer_id`` (0 for guests), ``billing_email``, ``item_subtotal`` (line before discounts) and
  ``item_total`` (after).
- WooCommerce, **Advanced Order Export For WooCommerce** default fields: ``Order Number``, ``Order
  Status`` (``Completed``, ``Refunded``...), ``Order Date``, ``Email (Billing)``, ``SKU``, ``Quantity``,
  ``Item Cost`` (unit price), ``Order Line (w/o tax)``; no currency column (give it on import).
- ``generic``: the fixed header ``GENERIC_HEADER``, or any export through a saved column mapping.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .records import (
    FULFILLED, PAID, PARTIAL, PARTIALLY_REFUNDED, PENDING, REFUNDED, UNFULFILLED, VOIDED,
)

# (financial status, fulfillment status, cancelled) for a shop's status words.
State = tuple[str, str, bool]
UNKNOWN_STATE: State = ("", "", False)


def normalise(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


@dataclass(frozen=True)
class Layout:
    """Headers per field. Order fields: ``order_id``, ``placed_at``, ``customer_id``, ``email``, ``name``
    (several columns are joined, e.g. first and last name), ``currency``, ``market`` (the first filled of
    several), ``status``, ``line_status``, ``cancelled_at``, ``subtotal``, ``discount``, ``shipping``,
    ``taxes``, ``total``, ``refunded``, ``accepts_marketing``, ``sales_channel``. Line fields: ``sku``,
    ``title``, ``quantity``, ``price``, ``line_net`` (the line after its discount), ``line_discount``,
    ``category``, ``attributes``."""

    platform: str
    kind: str
    fields: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    # "unit": price is a unit price; "line": the line's total (divided by the quantity).
    price: str = "unit"
    signed_discounts: bool = False
    guest_customer_ids: tuple[str, ...] = ("", "0")
    state: Callable[[str, str], State] = field(default=lambda status, line_status: UNKNOWN_STATE)
    delimiter: str = ","
    # Headers whose presence tells this layout from the format's others.
    marks: tuple[str, ...] = ()

    def matches(self, names: set[str]) -> bool:
        return all(normalise(mark) in names for mark in self.marks)


def _words(value: str) -> str:
    return " ".join(value.casefold().replace("-", " ").replace("_", " ").split())


def amazon_state(status: str, line_status: str) -> State:
    words, line_words = _words(status), _words(line_status)
    if words.startswith("cancel") or (line_words.startswith("cancel") and not words.startswith("ship")):
        return PAID, UNFULFILLED, True
    if words.startswith("pending"):
        return PENDING, UNFULFILLED, False
    if words in ("shipped", "shipped delivered to buyer") or words.startswith("shipped "):
        return PAID, FULFILLED, False
    if words in ("shipping", "partially shipped", "partiallyshipped"):
        return PAID, PARTIAL, False
    if words == "unshipped":
        return PAID, UNFULFILLED, False
    return UNKNOWN_STATE


def woocommerce_state(status: str, _line_status: str = "") -> State:
    words = _words(status).removeprefix("wc ")
    return {
        "completed": (PAID, FULFILLED, False),
        "processing": (PAID, UNFULFILLED, False),
        "on hold": (PENDING, UNFULFILLED, False),
        "pending": (PENDING, UNFULFILLED, False),
        "pending payment": (PENDING, UNFULFILLED, False),
        "cancelled": ("", UNFULFILLED, True),
        "refunded": (REFUNDED, "", False),
        "partially refunded": (PARTIALLY_REFUNDED, "", False),
        "failed": (VOIDED, UNFULFILLED, False),
    }.get(words, UNKNOWN_STATE)


AMAZON_ALL_ORDERS = Layout(
    platform="amazon",
    kind="amazon:all-orders",
    fields={
        "order_id": ("amazon-order-id",), "placed_at": ("purchase-date",), "currency": ("currency",),
        "market": ("ship-country",), "sales_channel": ("sales-channel",), "status": ("order-status",),
        "line_status": ("item-status",), "sku": ("sku",), "title": ("product-name",), "quantity": ("quantity",),
        "price": ("item-price",), "line_discount": ("item-promotion-discount",), "shipping": ("shipping-price",),
        "taxes": ("item-tax",),
    },
    required=("order_id", "placed_at", "quantity", "price", "status"),
    price="line",
    signed_discounts=True,
    state=amazon_state,
    delimiter="\t",
    marks=("amazon-order-id",),
)

AMAZON_ORDER_REPORT = Layout(
    platform="amazon",
    kind="amazon:order-report",
    fields={
        "order_id": ("order-id",), "placed_at": ("purchase-date",), "email": ("buyer-email",),
        "name": ("buyer-name",), "currency": ("currency",), "market": ("ship-country",),
        "sku": ("sku",), "title": ("product-name",), "quantity": ("quantity-purchased",), "price": ("item-price",),
        "line_discount": ("item-promotion-discount",), "shipping": ("shipping-price",), "taxes": ("item-tax",),
    },
    required=("order_id", "placed_at", "currency", "quantity", "price"),
    price="line",
    signed_discounts=True,
    delimiter="\t",
    marks=("order-id",),
)

WOOCOMMERCE_CSV_EXPORT = Layout(
    platform="woocommerce",
    kind="woocommerce:csv-export",
    fields={
        "order_id": ("order_id", "order_number"), "placed_at": ("order_date",), "status": ("status",),
        "customer_id": ("customer_id",), "email": ("billing_email", "customer_email"),
        "name": ("billing_first_name", "billing_last_name"), "currency": ("order_currency", "currency"),
        "market": ("shipping_country", "billing_country"), "discount": ("discount_total", "cart_discount"),
        "shipping": ("shipping_total",), "taxes": ("tax_total",), "total": ("order_total",),
        "refunded": ("refunded_total", "order_refund"), "sku": ("item_sku", "sku"), "title": ("item_name", "product_name"),
        "quantity": ("item_quantity", "quantity"), "price": ("item_subtotal", "item_total"), "line_net": ("item_total",),
    },
    required=("order_id", "placed_at", "quantity", "price"),
    price="line",
    state=woocommerce_state,
    marks=("order_date",),
)

WOOCOMMERCE_ADVANCED_EXPORT = Layout(
    platform="woocommerce",
    kind="woocommerce:advanced-order-export",
    fields={
        "order_id": ("Order Number", "Order ID"), "placed_at": ("Order Date",), "status": ("Order Status",),
        "customer_id": ("Customer User ID", "Customer ID"), "email": ("Email (Billing)", "Customer Email"),
        "name": ("First Name (Billing)", "Last Name (Billing)"), "currency": ("Order Currency", "Currency"),
        "market": ("Country Code (Shipping)", "Country Code (Billing)"), "discount": ("Cart Discount Amount",),
        "shipping": ("Order Shipping Amount",), "taxes": ("Order Total Tax Amount",), "total": ("Order Total Amount",),
        "refunded": ("Order Refund Amount",), "subtotal": ("Order Subtotal Amount",), "sku": ("SKU",),
        "title": ("Name", "Item Name"), "quantity": ("Quantity",), "price": ("Item Cost",),
        "line_net": ("Order Line (w/o tax)",),
    },
    required=("order_id", "placed_at", "quantity", "price"),
    price="unit",
    state=woocommerce_state,
    marks=("Order Status", "Item Cost"),
)

GENERIC_HEADER = [
    "order_id", "customer_id", "email", "placed_at", "market", "currency",
    "sku", "title", "category", "attributes", "quantity", "unit_price",
]

GENERIC = Layout(
    platform="generic",
    kind="generic",
    fields={
        "order_id": ("order_id",), "customer_id": ("customer_id",), "email": ("email",), "placed_at": ("placed_at",),
        "market": ("market",), "currency": ("currency",), "status": ("status",), "sku": ("sku",),
        "title": ("title",), "category": ("category",), "attributes": ("attributes",), "quantity": ("quantity",),
        "price": ("unit_price",), "line_discount": ("discount",), "refunded": ("refunded",),
        "accepts_marketing": ("accepts_marketing",), "landing_url": ("landing_url",),
        "referring_site": ("referring_site",),
    },
    required=("order_id", "placed_at", "currency", "quantity", "price"),
)

SHOPIFY = "shopify"
# The layouts of each format, the first whose marks the header has is used.
LAYOUTS: dict[str, tuple[Layout, ...]] = {
    "amazon": (AMAZON_ALL_ORDERS, AMAZON_ORDER_REPORT),
    "woocommerce": (WOOCOMMERCE_ADVANCED_EXPORT, WOOCOMMERCE_CSV_EXPORT),
    "generic": (GENERIC,),
}
# Every format the importer reads.
FORMATS = (SHOPIFY, *LAYOUTS)
PREFERRED_DELIMITER = {SHOPIFY: ",", "amazon": "\t", "woocommerce": ",", "generic": ","}

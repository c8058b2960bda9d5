"""Where each shop export keeps the facts of an order.

``shopify``, the Orders export CSV (Admin → Orders → Export), is read by
``core.files.shopify_orders``, which knows its columns across export versions and
its multi-line orders. The other formats are one row per line item with the
order's columns on every row; their column names follow the shops' own exports:

- ``amazon``: the seller-fulfilled Order Report (tab-delimited). ``item-price``
  is the amount for the whole quantity, not a unit price.
- ``woocommerce``: Customer/Order CSV Export, "Default – One Row per Item".
  ``item_total`` is the amount for the line; guests have ``customer_id`` 0.
- ``generic``: the fixed header in ``GENERIC_HEADER``, for any other shop.
  ``placed_at`` is ISO 8601, ``unit_price`` a unit price, ``attributes`` lexicon
  terms separated by ``;`` (optional, as is ``category``).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    platform: str
    order_id: str
    placed_at: str
    currency: str
    sku: str
    title: str
    quantity: str
    price: str
    price_is_line_total: bool
    countries: tuple[str, ...]
    customer_id: str | None = None
    email: str | None = None
    total: str | None = None
    category: str | None = None
    attributes: str | None = None
    delimiter: str = ","

    @property
    def required(self) -> list[str]:
        columns = [self.order_id, self.placed_at, self.currency, self.sku, self.quantity, self.price]
        return columns + [c for c in (self.customer_id or self.email,) if c]


AMAZON = Layout(
    platform="amazon",
    order_id="order-id",
    email="buyer-email",
    placed_at="purchase-date",
    currency="currency",
    countries=("ship-country",),
    sku="sku",
    title="product-name",
    quantity="quantity-purchased",
    price="item-price",
    price_is_line_total=True,
    delimiter="\t",
)

WOOCOMMERCE = Layout(
    platform="woocommerce",
    order_id="order_id",
    customer_id="customer_id",
    email="billing_email",
    placed_at="order_date",
    currency="order_currency",
    total="order_total",
    countries=("shipping_country", "billing_country"),
    sku="item_sku",
    title="item_name",
    quantity="item_quantity",
    price="item_total",
    price_is_line_total=True,
)

GENERIC_HEADER = [
    "order_id", "customer_id", "email", "placed_at", "market", "currency",
    "sku", "title", "category", "attributes", "quantity", "unit_price",
]

GENERIC = Layout(
    platform="generic",
    order_id="order_id",
    customer_id="customer_id",
    email="email",
    placed_at="placed_at",
    currency="currency",
    countries=("market",),
    sku="sku",
    title="title",
    quantity="quantity",
    price="unit_price",
    price_is_line_total=False,
    category="category",
    attributes="attributes",
)

SHOPIFY = "shopify"
LAYOUTS = {layout.platform: layout for layout in (AMAZON, WOOCOMMERCE, GENERIC)}
# Every format the importer reads.
FORMATS = (SHOPIFY, *LAYOUTS)

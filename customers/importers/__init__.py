"""Shop order exports (Shopify, Amazon, WooCommerce, generic CSV) -> plain records, read through ``core.files``.
No Django here."""

from .layouts import FORMATS, GENERIC_HEADER, LAYOUTS, SHOPIFY, Layout
from .parse import MAX_FILE_BYTES, GuestOrder, ImportRefused, LineRecord, OrderRecord, ParsedOrders, parse_orders

__all__ = [
    "FORMATS", "GENERIC_HEADER", "LAYOUTS", "MAX_FILE_BYTES", "SHOPIFY", "GuestOrder", "ImportRefused", "Layout",
    "LineRecord", "OrderRecord", "ParsedOrders", "parse_orders",
]

"""Shop order exports (Shopify, Amazon, WooCommerce, generic CSV, a saved column mapping) and the shop's order
webhooks -> plain order records, read through ``core.files``. No Django here."""

from .columns import ReadOptions
from .layouts import FORMATS, GENERIC_HEADER, LAYOUTS, SHOPIFY, Layout
from .mapping import MappingSpec
from .parse import MAX_FILE_BYTES, header_of, parse_order_tables, parse_orders, preview
from .records import ImportRefused, LineRecord, OrderRecord, ParsedOrders
from .webhook import WebhookPayloadError, order_from_webhook

__all__ = [
    "FORMATS", "GENERIC_HEADER", "LAYOUTS", "MAX_FILE_BYTES", "SHOPIFY", "ImportRefused", "Layout", "LineRecord",
    "MappingSpec", "OrderRecord", "ParsedOrders", "ReadOptions", "WebhookPayloadError", "header_of",
    "order_from_webhook", "parse_order_tables", "parse_orders", "preview",
]

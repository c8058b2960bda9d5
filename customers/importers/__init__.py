"""Shop order exports (Shopify, Amazon, WooCommerce, generic CSV) -> plain records. No Django here."""

from .layouts import GENERIC_HEADER, LAYOUTS, Layout
from .parse import ImportRefused, LineRecord, OrderRecord, RowProblem, parse_orders

__all__ = [
    "GENERIC_HEADER", "LAYOUTS", "ImportRefused", "Layout", "LineRecord", "OrderRecord", "RowProblem",
    "parse_orders",
]

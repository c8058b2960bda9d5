"""Files from outside that link 5 reads: pre-order lists and shop exports, through ``core.files``. No database here."""

from .pre_orders import (
    MAX_FILE_BYTES,
    MAX_LINES,
    SHOPIFY,
    TEMPLATE,
    TEMPLATE_COLUMNS,
    ParsedFile,
    PreOrderLine,
    parse_pre_orders,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "SHOPIFY",
    "TEMPLATE",
    "TEMPLATE_COLUMNS",
    "ParsedFile",
    "PreOrderLine",
    "parse_pre_orders",
]

"""Writes of link 7: products, DEMO orders and imported shop orders."""

from .demo_orders import DEMO_TASTES, demo_orders_generate
from .orders_import import OrdersImportReport, orders_import, orders_import_file
from .products import attributes_ensure, demo_catalogue_ensure, lexicon_terms, product_upsert, products_for_concept

__all__ = [
    "DEMO_TASTES",
    "OrdersImportReport",
    "attributes_ensure",
    "demo_catalogue_ensure",
    "demo_orders_generate",
    "lexicon_terms",
    "orders_import",
    "orders_import_file",
    "product_upsert",
    "products_for_concept",
]

"""Writes of link 7: products and their mapping to concepts, DEMO orders, imported shop orders and reviews,
and the review evidence handed to analysis."""

from .demo_orders import DEMO_TASTES, demo_orders_generate
from .orders_import import OrdersImportReport, orders_import, orders_import_file
from .product_mapping import product_map, product_unmap, products_automap
from .products import attributes_ensure, demo_catalogue_ensure, lexicon_terms, product_upsert, products_for_concept
from .review_evidence import review_evidence_hand_over, review_mentions_refresh, review_mentions_store
from .review_mappings import review_mapping_save
from .review_privacy import reviews_anonymise
from .reviews_import import (
    ReviewsImportReport, review_upload_import, review_upload_stage, reviews_import, reviews_import_data,
)

__all__ = [
    "DEMO_TASTES",
    "OrdersImportReport",
    "ReviewsImportReport",
    "attributes_ensure",
    "demo_catalogue_ensure",
    "demo_orders_generate",
    "lexicon_terms",
    "orders_import",
    "orders_import_file",
    "product_map",
    "product_unmap",
    "product_upsert",
    "products_automap",
    "products_for_concept",
    "review_evidence_hand_over",
    "review_mapping_save",
    "review_mentions_refresh",
    "review_mentions_store",
    "review_upload_import",
    "review_upload_stage",
    "reviews_anonymise",
    "reviews_import",
    "reviews_import_data",
]

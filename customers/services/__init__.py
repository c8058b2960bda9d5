"""Writes of link 7: products and their mapping to concepts, shop orders (files, uploads, webhooks), DEMO
orders, customers' consent, export and erasure, imported reviews and the review evidence handed to analysis."""

from .attribution import orders_attribute_hand_over, orders_attribute_recent, orders_attribution_soon
from .demo_orders import DEMO_TASTES, demo_orders_generate
from .figures import sales_figures_refresh, sales_figures_refresh_soon
from .mappings import column_mapping_save
from .orders_import import (
    OrdersImportReport, mapping_spec, orders_import, orders_import_data, orders_import_file, orders_import_many,
    orders_import_tables,
)
from .orders_store import StoreResult, customer_figures_refresh, erased_key, no_sku_key, orders_store
from .pre_orders import pre_orders_fulfil_for
from .privacy import customer_consent_set, customer_erase, customer_export_record
from .product_mapping import product_map, product_unmap, products_automap
from .products import attributes_ensure, demo_catalogue_ensure, lexicon_terms, product_upsert, products_for_concept
from .review_evidence import review_evidence_hand_over, review_mentions_refresh, review_mentions_store
from .review_mappings import review_mapping_save
from .review_privacy import reviews_anonymise
from .reviews_import import (
    ReviewsImportReport, review_upload_import, review_upload_stage, reviews_import, reviews_import_data,
)
from .uploads import MAX_UPLOAD_FILES, orders_upload_import, orders_upload_stage
from .webhooks import WebhookOutcome, webhook_order_receive

__all__ = [
    "DEMO_TASTES",
    "MAX_UPLOAD_FILES",
    "OrdersImportReport",
    "ReviewsImportReport",
    "StoreResult",
    "WebhookOutcome",
    "attributes_ensure",
    "column_mapping_save",
    "customer_consent_set",
    "customer_erase",
    "customer_export_record",
    "customer_figures_refresh",
    "demo_catalogue_ensure",
    "demo_orders_generate",
    "erased_key",
    "lexicon_terms",
    "mapping_spec",
    "no_sku_key",
    "orders_attribute_hand_over",
    "orders_attribute_recent",
    "orders_attribution_soon",
    "orders_import",
    "orders_import_data",
    "orders_import_file",
    "orders_import_many",
    "orders_import_tables",
    "orders_store",
    "orders_upload_import",
    "orders_upload_stage",
    "pre_orders_fulfil_for",
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
    "sales_figures_refresh",
    "sales_figures_refresh_soon",
    "webhook_order_receive",
]

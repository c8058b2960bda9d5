"""Review exports (Shopify Product Reviews, Judge.me, Amazon, any CSV through a column mapping) -> plain
review records, read through ``core.files``. No Django here."""

from .layouts import (
    AMAZON, FORMATS, GENERIC, JUDGEME, LAYOUTS, SHOPIFY, ReviewLayout, generic_layout, guess_mapping, recognise,
)
from .parse import (
    MAX_FILE_BYTES, ParsedReviews, ReviewRecord, ReviewsRefused, content_id, parse_rating, parse_review_date,
    parse_reviews, preview,
)

__all__ = [
    "AMAZON", "FORMATS", "GENERIC", "JUDGEME", "LAYOUTS", "MAX_FILE_BYTES", "SHOPIFY", "ParsedReviews",
    "ReviewLayout", "ReviewRecord", "ReviewsRefused", "content_id", "generic_layout", "guess_mapping", "parse_rating",
    "parse_review_date", "parse_reviews", "preview", "recognise",
]

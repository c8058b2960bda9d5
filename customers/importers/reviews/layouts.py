"""Where each review export keeps the facts of a review.

- ``shopify``: Shopify's Product Reviews app export (``product_handle, state, rating, title,
  author, email, location, body, reply, created_at, replied_at``). No review id: a review is
  known by a hash of its content.
- ``judgeme``: Judge.me's export, which is also its import format (``title, body, rating,
  review_date, source, curated, reviewer_name, reviewer_email, product_id, product_handle,
  reply, reply_date, picture_urls, ip_address, location, metaobject_handle``; exports made
  by other tools in this format often carry only some of these columns). No review id either;
  rows curated as ``spam`` are left out. The IP address is never read.
- ``amazon``: the Amazon Customer Reviews dataset format (tab-separated, ``marketplace,
  customer_id, review_id, product_id, product_parent, product_title, product_category,
  star_rating, helpful_votes, total_votes, vine, verified_purchase, review_headline,
  review_body, review_date``), whose cells hold HTML line breaks and entities. The product is
  its ASIN; the marketplace is the shopper's country.
- ``generic``: any other CSV, read through a saved column mapping (``ReviewColumnMapping``).

Headers are matched without regard to case or surrounding spaces.
"""

from dataclasses import dataclass, field

SHOPIFY, JUDGEME, AMAZON, GENERIC = "shopify", "judgeme", "amazon", "generic"
FORMATS = (SHOPIFY, JUDGEME, AMAZON, GENERIC)

# The facts of a review an export may hold, by the name the importer uses.
FIELDS = ("review_id", "product", "product_alt", "product_title", "rating", "title", "body", "created_at",
          "reviewer", "email", "country", "location", "spam")


@dataclass(frozen=True)
class ReviewLayout:
    format: str
    label: str
    columns: dict[str, str]  # field -> header (lower case)
    required: tuple[str, ...]  # fields
    html: bool = False  # cells hold HTML line breaks and entities
    spam_value: str = ""  # rows whose ``spam`` column says this are left out
    rating_scale: int = 5
    country_codes: dict[str, str] = field(default_factory=dict)  # export's country code -> ISO 3166

    def header_for(self, name: str) -> str:
        return self.columns[name]


SHOPIFY_LAYOUT = ReviewLayout(
    format=SHOPIFY,
    label="Shopify Product Reviews export",
    columns={"product": "product_handle", "rating": "rating", "title": "title", "reviewer": "author",
             "email": "email", "location": "location", "body": "body", "created_at": "created_at"},
    required=("product", "rating", "created_at"),
)

JUDGEME_LAYOUT = ReviewLayout(
    format=JUDGEME,
    label="Judge.me export",
    columns={"title": "title", "body": "body", "rating": "rating", "created_at": "review_date",
             "reviewer": "reviewer_name", "email": "reviewer_email", "product": "product_handle",
             "product_alt": "product_id", "location": "location", "spam": "curated"},
    required=("product", "rating", "created_at"),
    spam_value="spam",
)

AMAZON_LAYOUT = ReviewLayout(
    format=AMAZON,
    label="Amazon review export (Amazon Customer Reviews dataset format)",
    columns={"country": "marketplace", "review_id": "review_id", "product": "product_id",
             "product_title": "product_title", "rating": "star_rating", "title": "review_headline",
             "body": "review_body", "created_at": "review_date"},
    required=("review_id", "product", "rating", "created_at"),
    html=True,
    country_codes={"UK": "GB"},
)

LAYOUTS = {layout.format: layout for layout in (SHOPIFY_LAYOUT, JUDGEME_LAYOUT, AMAZON_LAYOUT)}


def generic_layout(mapping: dict[str, str], *, rating_scale: int = 5) -> ReviewLayout:
    """A layout from a saved column mapping (field -> header); ``product``, ``rating`` and ``created_at`` needed."""
    columns = {name: header.strip().lower() for name, header in mapping.items() if name in FIELDS and header.strip()}
    return ReviewLayout(
        format=GENERIC, label="CSV read with a column mapping", columns=columns,
        required=("product", "rating", "created_at"), rating_scale=rating_scale, country_codes={"UK": "GB"},
    )


def recognise(header: list[str]) -> ReviewLayout | None:
    """The export a header belongs to, when it has every required column of one of the known formats."""
    present = {cell.strip().lower() for cell in header}
    for layout in LAYOUTS.values():
        if all(layout.columns[name] in present for name in layout.required) and (
            # Shopify and Judge.me share the handle and rating; their date and name columns tell them apart.
            layout.format != SHOPIFY or "author" in present
        ):
            return layout
    return None


# Headers other shops' exports use for each field, lower case, best first: the mapping form's first guess.
_GUESSES = {
    "review_id": ("review_id", "review id", "reviewid", "id"),
    "product": ("sku", "product_sku", "product sku", "product_handle", "handle", "asin", "product_id", "product id",
                "productid", "product"),
    "product_title": ("product_title", "product title", "product_name", "product name", "item"),
    "rating": ("rating", "star_rating", "stars", "score", "rate", "review rating"),
    "title": ("title", "review_title", "review title", "headline", "review_headline", "summary", "subject"),
    "body": ("body", "review_body", "review", "review text", "text", "comment", "content", "message"),
    "created_at": ("created_at", "review_date", "date", "created", "created at", "submitted", "published_at", "time"),
    "reviewer": ("author", "reviewer_name", "reviewer", "name", "nickname", "customer name", "display name"),
    "email": ("email", "reviewer_email", "customer email", "e-mail"),
    "country": ("country", "country_code", "marketplace", "market"),
}


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Field -> the header cell (as written) most likely to hold it, for the fields some header fits."""
    written = {}
    for cell in header:
        written.setdefault(cell.strip().lower(), cell.strip())
    guessed, used = {}, set()
    for name, candidates in _GUESSES.items():
        for candidate in candidates:
            if candidate in written and candidate not in used:
                guessed[name] = written[candidate]
                used.add(candidate)
                break
    return guessed

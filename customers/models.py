"""Link 7: customers, orders and reviews from the shops."""

from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

from analysis.models import Attribute
from core.models import Cycle, TaskRun
from design.models import Concept, Variant
from promotion.models import TrackedLink


class Platform(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    AMAZON = "amazon", "Amazon"
    WOOCOMMERCE = "woocommerce", "WooCommerce"
    GENERIC = "generic", "Generic CSV"
    DEMO = "demo", "Demo shop"


class Product(models.Model):
    """A SKU sold in the shops, mapped back to the concept and variant it came from.

    Mapped, its category and attributes are the concept's (and the variant's colour and
    material when they are lexicon terms), so portraits see what was bought; the shop's own
    category and attribute names are kept in ``shop_category`` / ``shop_attributes`` and come
    back when the mapping is removed.
    """

    class MappedBy(models.TextChoices):
        DESIGN = "design", "Made from the concept's variant"
        SKU = "sku", "SKU equals the variant's"
        SUGGESTION = "suggestion", "Suggested match accepted"
        MANUAL = "manual", "Chosen by a merchandiser"

    sku = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=80)
    attributes = models.ManyToManyField(Attribute, related_name="products", blank=True)
    concept = models.ForeignKey(Concept, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    variant = models.OneToOneField(Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="product")
    handle = models.CharField(
        max_length=120, blank=True, db_index=True,
        help_text="The shop's listing reference that reviews name the product by: a Shopify handle, an Amazon ASIN.",
    )
    shop_category = models.CharField(max_length=80, blank=True, help_text="The category the shop export gave.")
    shop_attributes = models.JSONField(default=list, blank=True, help_text="Attribute names the shop export gave.")
    mapped_by = models.CharField(max_length=12, choices=MappedBy.choices, blank=True)
    mapped_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return f"{self.title} ({self.sku})"

    def get_absolute_url(self):
        return reverse("customers:product", args=[self.pk])


class Customer(models.Model):
    """A shopper as the shops know them. Only what the product needs: a name and an email to recognise them,
    the country they buy in, their marketing consent; never a street address or a phone number.

    The order figures (first and last order, orders, net spend in the base currency) are kept up to date
    by every import, so lists sort and filter on them without reading orders. An erased customer keeps
    their row and orders, anonymous (``erased_at`` set), so revenue and portraits stay right.
    """

    class ConsentSource(models.TextChoices):
        NONE = "", "not stated"
        IMPORT = "import", "shop export"
        WEBHOOK = "webhook", "shop webhook"
        DASHBOARD = "dashboard", "set in the dashboard"

    platform = models.CharField(max_length=12, choices=Platform.choices)
    external_id = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    marketing_consent = models.BooleanField(default=False)
    consent_source = models.CharField(max_length=10, choices=ConsentSource.choices, blank=True, default="")
    consent_updated_at = models.DateTimeField(null=True, blank=True)
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(null=True, blank=True)
    order_count = models.PositiveIntegerField(default=0, help_text="Orders that are sales (not cancelled or voided).")
    net_spend_base = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text="Net of discounts and refunds, in the base currency."
    )
    erased_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["platform", "external_id"]
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="uniq_customer")]
        indexes = [
            models.Index(fields=["last_order_at", "id"], name="customer_last_order"),
            models.Index(fields=["first_order_at", "id"], name="customer_first_order"),
            models.Index(fields=["net_spend_base", "id"], name="customer_net_spend"),
            models.Index(fields=["country", "last_order_at"], name="customer_country_last"),
            # Search compares the shop's id case-blind; name and email have trigram indexes on PostgreSQL.
            models.Index(Upper("external_id"), name="customer_external_upper"),
        ]

    def __str__(self):
        if self.erased_at:
            return f"Erased customer #{self.pk}"
        return self.name or self.email or f"{self.get_platform_display()} #{self.external_id}"

    def get_absolute_url(self):
        return reverse("customers:customer", args=[self.pk])


class CustomerEvent(models.Model):
    """What was done to a customer's data and by whom: consent changes, exports, erasure."""

    class Kind(models.TextChoices):
        CONSENT = "consent", "Marketing consent changed"
        EXPORTED = "exported", "Data exported"
        ERASED = "erased", "Erased"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.CharField(max_length=150)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer", "-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.actor}"


class FinancialStatus(models.TextChoices):
    UNKNOWN = "", "unknown"
    PENDING = "pending", "Pending"
    AUTHORIZED = "authorized", "Authorized"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"
    VOIDED = "voided", "Voided"
    EXPIRED = "expired", "Expired"


class FulfillmentStatus(models.TextChoices):
    UNKNOWN = "", "unknown"
    UNFULFILLED = "unfulfilled", "Unfulfilled"
    PARTIAL = "partial", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"
    RESTOCKED = "restocked", "Restocked"


class Order(models.Model):
    """One shop order with its money in its own currency and, converted at ``fx_rate``, in the base currency.

    ``gross`` is the merchandise at list prices, ``net`` what the seller keeps of it after discounts and
    refunds; both are 0 for an order that is no sale (cancelled or voided), so sums over orders never need
    a rule. ``*_base`` are the same in the base currency (``settings.C2F_BASE_CURRENCY``), empty while the
    order's currency has no exchange rate. A guest order (draft, point of sale, guest checkout) has no
    customer. ``item_count`` is the units on its lines, so lists never read lines.
    """

    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    platform = models.CharField(max_length=12, choices=Platform.choices)
    external_id = models.CharField(max_length=80)
    placed_at = models.DateTimeField()
    market = models.CharField(max_length=12)
    currency = models.CharField(max_length=3, default="USD")
    financial_status = models.CharField(max_length=20, choices=FinancialStatus.choices, blank=True, default="")
    fulfillment_status = models.CharField(max_length=20, choices=FulfillmentStatus.choices, blank=True, default="")
    cancelled = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, help_text="When, if the shop says.")
    is_sale = models.BooleanField(default=True, help_text="Not cancelled and not voided.")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    taxes = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=12, decimal_places=2, help_text="What the shop charged, as exported.")
    refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    gross = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    net = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    fx_rate = models.DecimalField(
        max_digits=18, decimal_places=8, null=True, blank=True, help_text="Base currency units for one unit of ``currency``."
    )
    gross_base = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    net_base = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    refunded_base = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    # A digest of the lines as imported (SKU, quantity, price, discount): a newer export with other lines is a change.
    lines_digest = models.CharField(max_length=32, blank=True)
    # When the shop last changed the order, as a webhook says; an older delivery changes nothing.
    source_updated_at = models.DateTimeField(null=True, blank=True)
    # Where the shopper came from, as the shop recorded it: the landing page's path and utm_* parameters only
    # (its other parameters can carry an e-mail address) and the referring page's origin only.
    landing_url = models.CharField(max_length=500, blank=True, default="")
    referring_site = models.CharField(max_length=255, blank=True, default="")
    # Attribution: the promotion link the order came through, when known.
    tracked_link = models.ForeignKey(
        TrackedLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    is_demo = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="uniq_order"),
            models.CheckConstraint(condition=models.Q(net__gte=0, gross__gte=0), name="order_amounts_not_negative"),
        ]
        indexes = [
            models.Index(fields=["placed_at", "id"], name="order_placed"),
            models.Index(fields=["customer", "placed_at"], name="order_customer_placed"),
            # The list's market filter is case-blind (iexact compares upper cases).
            models.Index(Upper("market"), "placed_at", name="order_market_upper_placed"),
            models.Index(fields=["financial_status", "placed_at"], name="order_status_placed"),
            models.Index(fields=["platform", "placed_at"], name="order_platform_placed"),
            models.Index(fields=["cycle", "placed_at"], name="order_cycle_placed"),
            models.Index(fields=["currency"], condition=models.Q(fx_rate__isnull=True), name="order_without_rate"),
            # The newest change is what cached figures over all orders are versioned by (one index lookup).
            models.Index(fields=["updated_at"], name="order_updated"),
            models.Index(fields=["net_base", "id"], name="order_net_base"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} order {self.external_id}"

    def get_absolute_url(self):
        return reverse("customers:order", args=[self.pk])

    @property
    def is_guest(self) -> bool:
        return self.customer_id is None


class OrderLine(models.Model):
    """``unit_price`` is the list price; ``amount`` what the line came to after its discount (order currency),
    ``amount_base`` the same in the base currency."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_base = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_qty_positive")]


class ReviewSource(models.TextChoices):
    SHOPIFY = "shopify", "Shopify Product Reviews"
    JUDGEME = "judgeme", "Judge.me"
    AMAZON = "amazon", "Amazon"
    GENERIC = "generic", "Generic CSV"
    DEMO = "demo", "Demo shop"


class ReviewImport(models.Model):
    """One review export read from the dashboard or ``import_reviews``: what was stored, or why not."""

    class Status(models.TextChoices):
        OK = "ok", "Imported"
        FAILED = "failed", "Refused"

    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=12)
    status = models.CharField(max_length=10, choices=Status.choices)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0, help_text="Rows repeating an earlier row of the same file.")
    skipped = models.PositiveIntegerField(default=0, help_text="Rows the export marks as spam.")
    products_new = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="file, line, column, reason of each problem.")
    task_run = models.ForeignKey(
        TaskRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_imports",
        help_text="The dashboard upload this file belonged to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class ReviewUpload(models.Model):
    """A review export uploaded in the dashboard, held until the import task has read it (then deleted)."""

    TASK_KIND = "customers.import_reviews"  # the kind of the TaskRun showing the upload's progress

    task_run = models.ForeignKey(TaskRun, on_delete=models.CASCADE, related_name="review_uploads")
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    options = models.JSONField(default=dict, blank=True, help_text="format and column mapping id.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_run", "id"]


class ReviewColumnMapping(models.Model):
    """Which header of a review CSV holds which fact, for shops without a format of their own.

    Saved once by name and chosen for every file of that shape.
    """

    REQUIRED = ("product", "rating", "created_at")
    FIELDS = ("review_id", "product", "product_title", "rating", "title", "body", "created_at", "reviewer",
              "email", "country")

    name = models.CharField(max_length=80, unique=True)
    review_id = models.CharField(max_length=120, blank=True, help_text="Header of the review id (else a content hash).")
    product = models.CharField(max_length=120, help_text="Header of the SKU, handle or ASIN.")
    product_title = models.CharField(max_length=120, blank=True)
    rating = models.CharField(max_length=120)
    rating_scale = models.PositiveSmallIntegerField(
        default=5, choices=[(5, "1–5 stars"), (10, "1–10 points"), (100, "0–100 %")],
        help_text="Ratings are brought to 1–5 stars.",
    )
    title = models.CharField(max_length=120, blank=True)
    body = models.CharField(max_length=120, blank=True)
    created_at = models.CharField(max_length=120, help_text="Header of the review date.")
    reviewer = models.CharField(max_length=120, blank=True, help_text="Header of the reviewer's shown name.")
    email = models.CharField(max_length=120, blank=True, help_text="Header of the reviewer's email (matched to customers, not kept).")
    country = models.CharField(max_length=120, blank=True, help_text="Header of a two-letter country code.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def as_mapping(self) -> dict[str, str]:
        """Field -> header, for the filled-in fields."""
        return {name: getattr(self, name).strip() for name in self.FIELDS if getattr(self, name).strip()}


class Review(models.Model):
    """A shopper's review of a product, from a review export (or the demo shop).

    Kept: the rating, title, text, date, the name shown with the review and the shopper's
    country; the email only serves to find the customer and is not stored here.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    source = models.CharField(max_length=12, choices=ReviewSource.choices)
    external_id = models.CharField(
        max_length=80, blank=True,
        help_text="The export's review id, or 'h:' and a hash of the review's content when the export has none.",
    )
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField()
    reviewer = models.CharField(max_length=120, blank=True, help_text="The name shown with the review.")
    country = models.CharField(max_length=2, blank=True, help_text="The shopper's country, when known.")
    imported_from = models.ForeignKey(
        ReviewImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews",
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~models.Q(external_id=""), name="uniq_review_external_id",
            ),
        ]
        indexes = [models.Index(fields=["product", "-created_at"], name="review_product_recent")]

    def __str__(self):
        return f"{self.rating}/5 on {self.product.sku}" if self.product_id else f"{self.rating}/5"

    def get_absolute_url(self):
        return f"{reverse('customers:reviews')}?product={self.product_id}#review-{self.pk}"


class ReviewMention(models.Model):
    """A complaint, request or praise found in a review (``customers.review_mining``), with its words."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        REQUEST = "request", "Request"
        PRAISE = "praise", "Praise"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="mentions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    aspect = models.CharField(max_length=40, help_text="What it is about: size, thickness, accessories, an attribute.")
    term = models.CharField(max_length=80, help_text="The English term looked up in the lexicon.")
    attribute = models.ForeignKey(
        Attribute, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_mentions",
        help_text="The lexicon attribute it names, when the lexicon has the term.",
    )
    implied = models.BooleanField(default=False, help_text="A request read from a complaint (too light: wants heavy).")
    snippet = models.CharField(max_length=300)
    language = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["review", "id"]
        indexes = [models.Index(fields=["kind", "attribute"], name="review_mention_kind_attr")]

    def __str__(self):
        return f"{self.kind}: {self.term}"


class OrderColumnMapping(models.Model):
    """Which column of a marketplace's export holds which fact of an order, saved by name and reused.

    ``columns`` maps an order field (``ORDER_FIELDS``) and, for one-table exports, a line field
    (``LINE_FIELDS``) to the header the file writes. Marketplaces that export orders and items as two
    files name the items file's headers in ``item_columns`` (with ``order_id``, the column the two files
    are joined on); the orders file then holds no line fields.
    """

    ORDER_FIELDS = (
        "order_id", "placed_at", "customer_id", "email", "name", "currency", "market", "status", "cancelled_at",
        "subtotal", "discount", "shipping", "taxes", "total", "refunded", "accepts_marketing", "landing_url",
        "referring_site",
    )
    LINE_FIELDS = ("sku", "title", "quantity", "price", "line_discount", "category", "attributes")
    REQUIRED_ORDER_FIELDS = ("order_id", "placed_at")
    REQUIRED_LINE_FIELDS = ("quantity", "price")

    class DateFormat(models.TextChoices):
        ISO = "iso", "ISO 8601 or Shopify (2024-03-02 14:05:00 +0100)"
        DMY = "%d.%m.%Y", "31.12.2024 (day first, dots)"
        DMY_SLASH = "%d/%m/%Y", "31/12/2024 (day first)"
        MDY_SLASH = "%m/%d/%Y", "12/31/2024 (month first)"
        MDY_SHORT = "%m-%d-%y", "12-31-24 (month first, two-digit year)"
        YMD_SLASH = "%Y/%m/%d", "2024/12/31"

    name = models.CharField(max_length=80, unique=True)
    platform = models.CharField(
        max_length=12, choices=[c for c in Platform.choices if c[0] not in ("shopify", "demo")], default=Platform.GENERIC,
        help_text="The shop the files come from; its order ids are matched with that shop's other imports.",
    )
    columns = models.JSONField(default=dict)
    item_columns = models.JSONField(default=dict, blank=True)
    date_format = models.CharField(max_length=12, choices=DateFormat.choices, default=DateFormat.ISO)
    decimal_comma = models.BooleanField(default=False, help_text="Amounts are written 1.234,56.")
    price_is_line_total = models.BooleanField(default=False, help_text="The price column is the line's total, not a unit price.")
    default_currency = models.CharField(max_length=3, blank=True)
    default_market = models.CharField(max_length=2, blank=True)
    cancelled_values = models.CharField(max_length=300, blank=True, help_text="Status values meaning cancelled, separated by ;")
    refunded_values = models.CharField(max_length=300, blank=True, help_text="Status values meaning refunded, separated by ;")
    pending_values = models.CharField(max_length=300, blank=True, help_text="Status values meaning not paid yet, separated by ;")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_two_tables(self) -> bool:
        return bool(self.item_columns)


class OrderImport(models.Model):
    """One file (or an orders file and its items file) imported: what was stored, or why not."""

    class Status(models.TextChoices):
        OK = "ok", "Imported"
        PARTIAL = "partial", "Good rows imported"
        FAILED = "failed", "Refused"

    task_run = models.ForeignKey(
        "core.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="order_imports"
    )
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=12)
    mapping_name = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices)
    orders_new = models.PositiveIntegerField(default=0)
    orders_updated = models.PositiveIntegerField(default=0)
    orders_unchanged = models.PositiveIntegerField(default=0)
    orders_rejected = models.PositiveIntegerField(default=0)
    guest_orders = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    customers_new = models.PositiveIntegerField(default=0)
    products_new = models.PositiveIntegerField(default=0)
    pre_orders_fulfilled = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class OrderUpload(models.Model):
    """A file uploaded from the dashboard, held until the import task has read it."""

    task_run = models.ForeignKey("core.TaskRun", on_delete=models.CASCADE, related_name="order_uploads")
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    options = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]


class WebhookDelivery(models.Model):
    """One signed delivery from the shop, kept by its id so a repeated or replayed delivery changes nothing."""

    class Status(models.TextChoices):
        PROCESSED = "processed", "Processed"
        STALE = "stale", "Older than what is stored"
        FAILED = "failed", "Refused"

    webhook_id = models.CharField(max_length=100, unique=True)
    topic = models.CharField(max_length=40)
    shop_domain = models.CharField(max_length=255, blank=True)
    triggered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_deliveries")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"], name="webhook_received")]

    def __str__(self):
        return f"{self.topic} {self.webhook_id}"


class SalesMonth(models.Model):
    """Sales per calendar month (UTC) and market, in the base currency: what the revenue chart draws.

    Recomputed from the orders after every import, webhook batch and erasure (``sales_figures_refresh``),
    so the chart reads a few hundred rows whatever the number of orders.
    """

    month = models.DateField()
    market = models.CharField(max_length=12)
    orders = models.PositiveIntegerField(default=0)
    guest_orders = models.PositiveIntegerField(default=0)
    gross_base = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    net_base = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["month", "market"]
        constraints = [models.UniqueConstraint(fields=["month", "market"], name="uniq_sales_month")]


class CohortMonth(models.Model):
    """Customers of a cohort (the month of their first order) who ordered in a month: retention, and new
    (``month == cohort``) against returning customers."""

    cohort = models.DateField()
    month = models.DateField()
    customers = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "month"]
        constraints = [models.UniqueConstraint(fields=["cohort", "month"], name="uniq_cohort_month")]

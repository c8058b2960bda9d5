"""Link 7: customers, orders and reviews from the shops."""

from django.db import models
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
    platform = models.CharField(max_length=12, choices=Platform.choices)
    external_id = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    country = models.CharField(max_length=2, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["platform", "external_id"]
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="uniq_customer")]

    def __str__(self):
        return f"{self.get_platform_display()} #{self.external_id}"

    def get_absolute_url(self):
        return reverse("customers:customer", args=[self.pk])


class Order(models.Model):
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    platform = models.CharField(max_length=12, choices=Platform.choices)
    external_id = models.CharField(max_length=80)
    placed_at = models.DateTimeField()
    market = models.CharField(max_length=12)
    currency = models.CharField(max_length=3, default="USD")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # Attribution: the promotion link the order came through, when known.
    tracked_link = models.ForeignKey(
        TrackedLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="uniq_order")]

    def __str__(self):
        return f"{self.get_platform_display()} order {self.external_id}"

    def get_absolute_url(self):
        return reverse("customers:order", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

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

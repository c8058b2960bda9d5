"""Link 7: customers, orders and reviews from the shops."""

from django.db import models
from django.urls import reverse

from analysis.models import Attribute
from core.models import Cycle
from design.models import Concept, Variant
from promotion.models import TrackedLink


class Platform(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    AMAZON = "amazon", "Amazon"
    WOOCOMMERCE = "woocommerce", "WooCommerce"
    GENERIC = "generic", "Generic CSV"
    DEMO = "demo", "Demo shop"


class Product(models.Model):
    """A SKU sold in the shops, mapped back to the concept and variant it came from."""

    sku = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=80)
    attributes = models.ManyToManyField(Attribute, related_name="products", blank=True)
    concept = models.ForeignKey(Concept, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    variant = models.OneToOneField(Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="product")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return f"{self.title} ({self.sku})"


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


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    created_at = models.DateTimeField()
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5")]

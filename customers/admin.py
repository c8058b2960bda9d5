from django.contrib import admin

from .models import (
    CohortMonth, Customer, CustomerEvent, Order, OrderColumnMapping, OrderImport, OrderLine, OrderUpload, Product,
    Review, ReviewColumnMapping, ReviewImport, ReviewMention, ReviewUpload, SalesMonth, WebhookDelivery,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "title", "category", "concept", "variant", "mapped_by", "is_demo")
    list_filter = ("category", "mapped_by", "is_demo")
    search_fields = ("sku", "handle", "title")
    list_select_related = ("concept", "variant")
    autocomplete_fields = ("concept", "variant", "attributes")


class CustomerEventInline(admin.TabularInline):
    model = CustomerEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "note")
    readonly_fields = fields
    can_delete = False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("external_id", "platform", "name", "email", "country", "order_count", "net_spend_base",
                    "last_order_at", "marketing_consent", "erased_at", "is_demo")
    list_filter = ("platform", "country", "marketing_consent", "is_demo")
    search_fields = ("external_id", "email", "name")
    # Figures follow the orders; consent and erasure go through the dashboard, which records who did it.
    readonly_fields = ("first_order_at", "last_order_at", "order_count", "net_spend_base", "marketing_consent",
                       "consent_source", "consent_updated_at", "erased_at")
    inlines = [CustomerEventInline]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("product", "quantity", "unit_price", "discount", "amount", "amount_base")
    autocomplete_fields = ("product",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("external_id", "platform", "customer", "market", "financial_status", "cancelled", "total",
                    "currency", "net_base", "placed_at", "cycle", "tracked_link", "is_demo")
    list_filter = ("platform", "financial_status", "cancelled", "market", "cycle", "is_demo")
    search_fields = ("external_id", "customer__email", "customer__external_id")
    list_select_related = ("customer", "cycle", "tracked_link")
    autocomplete_fields = ("cycle", "customer", "tracked_link")
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline]


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ("order", "product", "quantity", "unit_price", "discount", "amount")
    list_filter = ("order__platform", "order__market")
    search_fields = ("order__external_id", "product__sku", "product__title")
    list_select_related = ("order", "product")
    autocomplete_fields = ("order", "product")


class ReviewMentionInline(admin.TabularInline):
    model = ReviewMention
    extra = 0
    fields = ("kind", "aspect", "term", "attribute", "implied", "snippet", "language")
    readonly_fields = fields
    can_delete = False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "rating", "source", "external_id", "customer", "country", "created_at", "is_demo")
    list_filter = ("rating", "source", "is_demo")
    search_fields = ("text", "title", "external_id", "product__sku", "product__title")
    list_select_related = ("product", "customer")
    autocomplete_fields = ("product", "customer", "order")
    readonly_fields = ("imported_from",)
    inlines = [ReviewMentionInline]


@admin.register(ReviewImport)
class ReviewImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "format", "status", "new", "updated", "unchanged", "products_new", "created_at")
    list_filter = ("status", "format")
    search_fields = ("filename",)
    readonly_fields = ("task_run", "problems", "created_at")


@admin.register(ReviewColumnMapping)
class ReviewColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("name", "product", "rating", "rating_scale", "created_at")
    search_fields = ("name",)


@admin.register(ReviewMention)
class ReviewMentionAdmin(admin.ModelAdmin):
    """What mining found in reviews; written by the import and by reading reviews again, not by hand."""

    list_display = ("review", "kind", "aspect", "term", "attribute", "implied", "language")
    list_filter = ("kind", "implied", "language")
    search_fields = ("term", "aspect", "snippet")
    list_select_related = ("review__product", "attribute")
    readonly_fields = ("review", "kind", "aspect", "term", "attribute", "implied", "snippet", "language")

    def has_add_permission(self, request):
        return False


@admin.register(ReviewUpload)
class ReviewUploadAdmin(admin.ModelAdmin):
    """Review files waiting for the import task (deleted once read); added only through the dashboard's import page."""

    list_display = ("filename", "task_run", "created_at")
    list_select_related = ("task_run",)
    readonly_fields = ("task_run", "filename", "options", "created_at")
    exclude = ("data",)

    def has_add_permission(self, request):
        return False


@admin.register(OrderColumnMapping)
class OrderColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "date_format", "updated_at")
    search_fields = ("name",)


@admin.register(OrderImport)
class OrderImportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "filename", "format", "mapping_name", "status", "orders_new", "orders_updated",
                    "orders_unchanged", "orders_rejected", "guest_orders")
    list_filter = ("status", "format")
    search_fields = ("filename",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("received_at", "topic", "webhook_id", "status", "order", "shop_domain")
    list_filter = ("status", "topic")
    search_fields = ("webhook_id",)
    list_select_related = ("order",)


@admin.register(CustomerEvent)
class CustomerEventAdmin(admin.ModelAdmin):
    """What was done to customers' data (consent, exports, erasure); written by the privacy services only."""

    list_display = ("created_at", "customer", "kind", "actor", "note")
    list_filter = ("kind",)
    search_fields = ("actor", "note")
    list_select_related = ("customer",)
    readonly_fields = ("customer", "kind", "actor", "note", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(OrderUpload)
class OrderUploadAdmin(admin.ModelAdmin):
    """Order files waiting for the import task (deleted once read); added only through the dashboard's import page."""

    list_display = ("filename", "task_run")
    list_select_related = ("task_run",)
    readonly_fields = ("task_run", "filename", "options")
    exclude = ("data",)

    def has_add_permission(self, request):
        return False


class _FiguresAdmin(admin.ModelAdmin):
    """Monthly figures recomputed from the orders after every import; read here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SalesMonth)
class SalesMonthAdmin(_FiguresAdmin):
    list_display = ("month", "market", "orders", "guest_orders", "gross_base", "net_base")
    list_filter = ("market",)
    date_hierarchy = "month"


@admin.register(CohortMonth)
class CohortMonthAdmin(_FiguresAdmin):
    list_display = ("cohort", "month", "customers")
    date_hierarchy = "cohort"

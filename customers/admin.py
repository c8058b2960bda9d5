from django.contrib import admin

from .models import (
    Customer, Order, OrderLine, Product, Review, ReviewColumnMapping, ReviewImport, ReviewMention, ReviewUpload,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "title", "category", "concept", "variant", "mapped_by", "is_demo")
    list_filter = ("category", "mapped_by", "is_demo")
    search_fields = ("sku", "handle", "title")
    list_select_related = ("concept", "variant")
    autocomplete_fields = ("concept", "variant", "attributes")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("external_id", "platform", "email", "country", "first_seen", "is_demo")
    list_filter = ("platform", "country", "is_demo")
    search_fields = ("external_id", "email")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("product", "quantity", "unit_price")
    autocomplete_fields = ("product",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("external_id", "platform", "customer", "market", "total", "currency", "placed_at", "cycle", "tracked_link", "is_demo")
    list_filter = ("platform", "market", "cycle", "is_demo")
    search_fields = ("external_id", "customer__email", "customer__external_id")
    list_select_related = ("customer", "cycle", "tracked_link")
    autocomplete_fields = ("cycle", "customer", "tracked_link")
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline]


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ("order", "product", "quantity", "unit_price")
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

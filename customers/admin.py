from django.contrib import admin

from .models import Customer, Order, OrderLine, Product, Review


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "title", "category", "concept", "variant", "is_demo")
    list_filter = ("category", "is_demo")
    search_fields = ("sku", "title")
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


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "rating", "customer", "created_at", "is_demo")
    list_filter = ("rating", "is_demo")
    search_fields = ("text", "product__sku", "product__title")
    list_select_related = ("product", "customer")
    autocomplete_fields = ("product", "customer", "order")

from django.contrib import admin, messages
from django.db.models import Sum

from .models import Factory, FactoryApiKey, ProductionEvent, ProductionOrder, ProductionOrderLine
from .services import factory_api_key_revoke


class FactoryApiKeyInline(admin.TabularInline):
    model = FactoryApiKey
    extra = 0
    fields = ("name", "prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Factory)
class FactoryAdmin(admin.ModelAdmin):
    list_display = ("name", "categories", "min_batch", "lead_time_days", "weekly_capacity", "is_demo")
    list_filter = ("is_demo",)
    search_fields = ("name",)
    inlines = [FactoryApiKeyInline]


@admin.register(FactoryApiKey)
class FactoryApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued by `manage.py create_factory`, which prints the key once; the hash never shows here."""

    list_display = ("prefix", "factory", "name", "created_at", "revoked_at", "last_used_at", "is_active")
    list_filter = ("factory", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "name", "factory__name")
    list_select_related = ("factory",)
    fields = ("factory", "name", "prefix", "created_at", "revoked_at", "last_used_at")
    readonly_fields = ("factory", "prefix", "created_at", "revoked_at", "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="active", boolean=True)
    def is_active(self, obj):
        return obj.revoked_at is None

    @admin.action(description="Revoke selected API keys")
    def revoke(self, request, queryset):
        key_ids = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        for key_id in key_ids:
            factory_api_key_revoke(key_id=key_id)
        count = len(key_ids)
        self.message_user(request, f"Revoked {count} API key(s).", messages.SUCCESS)


class ProductionOrderLineInline(admin.TabularInline):
    model = ProductionOrderLine
    extra = 0
    fields = ("variant", "market", "quantity")
    autocomplete_fields = ("variant",)


class ProductionEventInline(admin.TabularInline):
    """The order's timeline: written by the state transitions, read-only here."""

    model = ProductionEvent
    extra = 0
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProductionOrder)
class ProductionOrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "factory", "cycle", "status", "total_quantity", "unit_price", "currency", "due_date", "is_demo")
    list_filter = ("status", "cycle", "factory", "is_demo")
    search_fields = ("reference", "factory__name", "sample__concept__name")
    list_select_related = ("factory", "cycle")
    autocomplete_fields = ("cycle", "factory", "sample", "sizing_round")
    # Status moves only through the transitions, which also write the event rows.
    readonly_fields = ("status", "created_at", "updated_at")
    inlines = [ProductionOrderLineInline, ProductionEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total_quantity=Sum("lines__quantity"))

    @admin.display(description="quantity", ordering="total_quantity")
    def total_quantity(self, obj):
        return obj.total_quantity or 0


@admin.register(ProductionOrderLine)
class ProductionOrderLineAdmin(admin.ModelAdmin):
    list_display = ("order", "variant", "market", "quantity")
    list_filter = ("market", "order__cycle")
    search_fields = ("order__reference", "variant__sku")
    list_select_related = ("order", "variant")
    autocomplete_fields = ("order", "variant")


@admin.register(ProductionEvent)
class ProductionEventAdmin(admin.ModelAdmin):
    list_display = ("order", "from_status", "to_status", "actor", "created_at")
    list_filter = ("to_status", "order__factory")
    search_fields = ("order__reference", "actor", "note")
    list_select_related = ("order",)
    readonly_fields = ("order", "from_status", "to_status", "actor", "note", "created_at")

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from .models import Concept, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1
    fields = ("sku", "colour", "size", "material")


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "cycle", "status", "target_price", "unit_cost", "margin_percent", "currency", "is_demo")
    list_filter = ("status", "cycle", "category", "is_demo")
    search_fields = ("name", "category", "variants__sku")
    list_select_related = ("cycle",)
    autocomplete_fields = ("cycle", "opportunity", "brief", "target_segment", "attributes")
    readonly_fields = ("created_at",)
    inlines = [VariantInline]

    @admin.display(description="margin")
    def margin_percent(self, obj):
        margin = obj.margin
        return "—" if margin is None else f"{margin:.0%}"


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("sku", "concept", "colour", "size", "material")
    list_filter = ("concept__cycle",)
    search_fields = ("sku", "colour", "material", "concept__name")
    list_select_related = ("concept",)
    autocomplete_fields = ("concept",)

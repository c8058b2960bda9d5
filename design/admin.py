from django.contrib import admin

from core.transitions_admin import EventAdmin, EventInline, TransitionAdminMixin, transition_action

from .models import (
    ComplianceItem,
    ComplianceTemplate,
    Concept,
    ConceptEvent,
    DutyRate,
    FreightRate,
    FxRate,
    MarketFees,
    Variant,
)
from .services import concept_drop


class ConceptEventInline(EventInline):
    model = ConceptEvent


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1
    fields = ("sku", "colour", "size", "material")


class ComplianceItemInline(admin.TabularInline):
    model = ComplianceItem
    extra = 0
    fields = ("market", "title", "required", "checked", "evidence_note", "evidence_file", "checked_by", "checked_at")
    readonly_fields = ("checked_by", "checked_at")


@admin.register(Concept)
class ConceptAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = ("name", "category", "cycle", "status", "target_price", "unit_cost", "margin_percent", "currency", "is_demo")
    list_filter = ("status", "cycle", "category", "is_demo")
    search_fields = ("name", "category", "variants__sku")
    list_select_related = ("cycle",)
    autocomplete_fields = ("cycle", "opportunity", "brief", "target_segment", "attributes")
    readonly_fields = ("created_at",)
    inlines = [VariantInline, ComplianceItemInline, ConceptEventInline]
    actions = [
        transition_action(
            lambda pk, actor: concept_drop(concept_id=pk, actor=actor, note="dropped in the admin"),
            name="drop", description="Drop selected concepts",
        )
    ]

    @admin.display(description="margin")
    def margin_percent(self, obj):
        margin = obj.margin
        return "—" if margin is None else f"{margin:.0%}"


@admin.register(ConceptEvent)
class ConceptEventAdmin(EventAdmin):
    record_field = "concept"


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("sku", "concept", "colour", "size", "material")
    list_filter = ("concept__cycle",)
    search_fields = ("sku", "colour", "material", "concept__name")
    list_select_related = ("concept",)
    autocomplete_fields = ("concept",)


@admin.register(FreightRate)
class FreightRateAdmin(admin.ModelAdmin):
    list_display = ("market", "mode", "basis", "rate", "transit_days")
    list_editable = ("basis", "rate", "transit_days")
    list_filter = ("mode", "market")


@admin.register(DutyRate)
class DutyRateAdmin(admin.ModelAdmin):
    list_display = ("hs_code", "market", "rate")
    list_editable = ("rate",)
    list_filter = ("market",)
    search_fields = ("hs_code",)


@admin.register(MarketFees)
class MarketFeesAdmin(admin.ModelAdmin):
    list_display = ("market", "currency", "platform_fee", "payment_fee", "return_allowance")
    list_editable = ("currency", "platform_fee", "payment_fee", "return_allowance")


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    list_display = ("currency", "per_usd", "updated_at")
    list_editable = ("per_usd",)


@admin.register(ComplianceTemplate)
class ComplianceTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "market", "required", "applies_to_attribute")
    list_editable = ("required",)
    list_filter = ("market", "category", "required")
    search_fields = ("title", "guidance")


@admin.register(ComplianceItem)
class ComplianceItemAdmin(admin.ModelAdmin):
    list_display = ("concept", "market", "title", "required", "checked", "checked_by", "checked_at")
    list_filter = ("market", "required", "checked")
    search_fields = ("title", "concept__name", "evidence_note")
    list_select_related = ("concept",)
    autocomplete_fields = ("concept",)

from django.contrib import admin

from .models import Brief, PortraitRun, Segment, SegmentMembership


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0
    fields = ("label", "name", "size")
    show_change_link = True


@admin.register(PortraitRun)
class PortraitRunAdmin(admin.ModelAdmin):
    list_display = ("__str__", "cycle", "status", "n_customers", "n_segments", "created_at", "finished_at", "is_demo")
    list_filter = ("status", "cycle", "is_demo")
    search_fields = ("cycle__name", "error")
    list_select_related = ("cycle",)
    autocomplete_fields = ("cycle",)
    readonly_fields = ("created_at",)
    inlines = [SegmentInline]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "size", "run")
    list_filter = ("run__cycle",)
    search_fields = ("name",)
    # PortraitRun.__str__ names its cycle.
    list_select_related = ("run__cycle",)
    autocomplete_fields = ("run",)


@admin.register(SegmentMembership)
class SegmentMembershipAdmin(admin.ModelAdmin):
    list_display = ("customer", "segment", "run")
    list_filter = ("run__cycle",)
    search_fields = ("customer__external_id", "customer__email", "segment__name")
    list_select_related = ("customer", "segment", "run__cycle")
    autocomplete_fields = ("run", "segment", "customer")


@admin.register(Brief)
class BriefAdmin(admin.ModelAdmin):
    list_display = ("__str__", "category", "price_low", "price_high", "markets", "for_cycle", "run")
    list_filter = ("for_cycle", "category")
    search_fields = ("segment__name", "category", "text")
    list_select_related = ("segment", "for_cycle", "run__cycle")
    autocomplete_fields = ("run", "segment", "for_cycle")

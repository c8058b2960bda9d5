from django.contrib import admin
from django.db.models import Count

from .models import (
    AmazonKeywordMetric,
    AmazonListing,
    Hotspot,
    KeywordColumnMapping,
    TrendUpload,
    RegionInterest,
    RelatedQuery,
    RelatedTopic,
    TrendImport,
    TrendPoint,
    TrendSeries,
    Watchlist,
    WatchKeyword,
)


class WatchKeywordInline(admin.TabularInline):
    model = WatchKeyword
    extra = 1
    fields = ("keyword", "category", "origin")


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):
    list_display = ("name", "cycle", "markets", "timeframe", "live_source", "keyword_count", "seeded_by_brief", "is_demo")
    list_filter = ("cycle", "live_source", "is_demo")
    search_fields = ("name", "keywords__keyword")
    # Brief.__str__ names its segment.
    list_select_related = ("cycle", "seeded_by_brief__segment")
    autocomplete_fields = ("cycle", "seeded_by_brief")
    inlines = [WatchKeywordInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(keyword_count=Count("keywords", distinct=True))

    @admin.display(description="keywords", ordering="keyword_count")
    def keyword_count(self, obj):
        return obj.keyword_count


@admin.register(WatchKeyword)
class WatchKeywordAdmin(admin.ModelAdmin):
    list_display = ("keyword", "category", "origin", "watchlist")
    list_filter = ("origin", "watchlist__cycle")
    search_fields = ("keyword", "category", "watchlist__name")
    list_select_related = ("watchlist",)
    autocomplete_fields = ("watchlist",)


@admin.register(TrendImport)
class TrendImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "kind", "source", "status", "new", "updated", "unchanged", "rejected", "is_demo", "created_at")
    raw_id_fields = ("task_run",)
    list_filter = ("status", "source", "kind", "is_demo")
    search_fields = ("filename", "error")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"


@admin.register(TrendSeries)
class TrendSeriesAdmin(admin.ModelAdmin):
    list_display = ("keyword", "market", "granularity", "source", "category", "point_count", "is_demo", "updated_at")
    list_filter = ("source", "granularity", "market", "is_demo")
    search_fields = ("keyword", "category")
    autocomplete_fields = ("last_import",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(point_count=Count("points"))

    @admin.display(description="points", ordering="point_count")
    def point_count(self, obj):
        return obj.point_count


@admin.register(TrendPoint)
class TrendPointAdmin(admin.ModelAdmin):
    list_display = ("series", "date", "value", "is_partial")
    list_filter = ("is_partial", "series__source", "series__granularity")
    search_fields = ("series__keyword",)
    list_select_related = ("series",)
    autocomplete_fields = ("series",)
    date_hierarchy = "date"


@admin.register(RelatedQuery)
class RelatedQueryAdmin(admin.ModelAdmin):
    list_display = ("query", "keyword", "market", "kind", "value", "is_breakout", "source", "is_demo")
    list_filter = ("kind", "is_breakout", "source", "market", "is_demo")
    search_fields = ("query", "keyword")


@admin.register(RelatedTopic)
class RelatedTopicAdmin(admin.ModelAdmin):
    list_display = ("title", "topic_type", "keyword", "market", "kind", "rank", "value", "is_breakout", "source", "is_demo")
    list_filter = ("kind", "is_breakout", "source", "market", "is_demo")
    search_fields = ("title", "keyword")


@admin.register(RegionInterest)
class RegionInterestAdmin(admin.ModelAdmin):
    list_display = ("region", "keyword", "market", "value", "source", "is_demo")
    list_filter = ("source", "market", "is_demo")
    search_fields = ("region", "keyword")


@admin.register(Hotspot)
class HotspotAdmin(admin.ModelAdmin):
    list_display = ("keyword", "market", "category", "cycle", "score", "level", "growth", "slope", "is_demo")
    list_filter = ("cycle", "market", "category", "is_demo")
    search_fields = ("keyword", "category")
    list_select_related = ("cycle",)
    autocomplete_fields = ("cycle", "series")


@admin.register(KeywordColumnMapping)
class KeywordColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("name", "keyword", "search_volume", "competing_products", "title_density", "market")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "market")}),
        ("Header of each column in the CSV (leave blank when the file has none)", {
            "fields": ("keyword", "search_volume", "search_volume_trend", "competing_products", "title_density",
                       "suggested_bid", "price"),
        }),
    )


@admin.register(AmazonKeywordMetric)
class AmazonKeywordMetricAdmin(admin.ModelAdmin):
    list_display = ("keyword", "market", "snapshot", "tool", "search_volume", "search_volume_trend",
                    "competing_products", "title_density", "suggested_bid", "price", "is_demo")
    list_filter = ("tool", "market", "is_demo")
    search_fields = ("keyword",)
    date_hierarchy = "snapshot"
    raw_id_fields = ("last_import",)


@admin.register(AmazonListing)
class AmazonListingAdmin(admin.ModelAdmin):
    list_display = ("asin", "title", "brand", "market", "snapshot", "tool", "price", "monthly_sales", "reviews",
                    "rating", "is_demo")
    list_filter = ("tool", "market", "snapshot", "is_demo")
    search_fields = ("asin", "title", "brand")
    date_hierarchy = "snapshot"
    raw_id_fields = ("last_import",)


@admin.register(TrendUpload)
class TrendUploadAdmin(admin.ModelAdmin):
    """Files waiting for the import task (deleted once read); added only through the dashboard's import page."""

    list_display = ("filename", "task_run", "created_at")
    list_select_related = ("task_run",)
    readonly_fields = ("task_run", "filename", "options", "created_at")
    exclude = ("data",)

    def has_add_permission(self, request):
        return False

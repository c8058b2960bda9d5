from django.contrib import admin
from django.db import models
from django.db.models import Count

from .models import Campaign, Click, Post, TrackedLink

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("channel", "scheduled_at", "status", "text")


class TrackedLinkInline(admin.TabularInline):
    model = TrackedLink
    extra = 0
    fields = ("code", "post", "destination_url", "utm_source", "utm_medium", "utm_campaign", "utm_content")
    autocomplete_fields = ("post",)
    formfield_overrides = URL_FIELDS


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "concept", "market", "starts_on", "cycle", "production_order", "post_count", "is_demo")
    list_filter = ("cycle", "market", "is_demo")
    search_fields = ("name", "concept__name")
    list_select_related = ("concept", "cycle", "production_order")
    autocomplete_fields = ("cycle", "concept", "production_order")
    date_hierarchy = "starts_on"
    inlines = [PostInline, TrackedLinkInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts", distinct=True))

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("campaign", "channel", "status", "scheduled_at", "is_demo")
    list_filter = ("channel", "status", "campaign__cycle", "is_demo")
    search_fields = ("text", "campaign__name")
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)
    date_hierarchy = "scheduled_at"


@admin.register(TrackedLink)
class TrackedLinkAdmin(admin.ModelAdmin):
    list_display = ("code", "campaign", "utm_source", "utm_medium", "utm_campaign", "click_count")
    list_filter = ("utm_source", "utm_medium", "campaign__cycle")
    search_fields = ("code", "utm_campaign", "campaign__name", "destination_url")
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign", "post")
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(click_count=Count("clicks"))

    @admin.display(description="clicks", ordering="click_count")
    def click_count(self, obj):
        return obj.click_count


@admin.register(Click)
class ClickAdmin(admin.ModelAdmin):
    list_display = ("link", "at", "country", "referrer", "is_demo")
    list_filter = ("country", "is_demo")
    search_fields = ("link__code", "referrer")
    list_select_related = ("link",)
    autocomplete_fields = ("link",)
    date_hierarchy = "at"

from django.contrib import admin
from django.db import models
from django.db.models import Count

from core.transitions_admin import EventAdmin, EventInline, TransitionAdminMixin, transition_action

from .models import BulkExport, Campaign, CampaignEvent, Click, OrderAttribution, Post, PostEvent, PublishAttempt, TrackedLink
from .services import campaign_cancel, campaign_end, campaign_schedule, post_cancel, post_schedule

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("channel", "scheduled_at", "status", "text")
    readonly_fields = ("status",)


class CampaignEventInline(EventInline):
    model = CampaignEvent


class PostEventInline(EventInline):
    model = PostEvent


class TrackedLinkInline(admin.TabularInline):
    model = TrackedLink
    extra = 0
    fields = ("code", "post", "destination_url", "utm_source", "utm_medium", "utm_campaign", "utm_content")
    autocomplete_fields = ("post",)
    formfield_overrides = URL_FIELDS


@admin.register(Campaign)
class CampaignAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = ("name", "concept", "market", "starts_on", "status", "cycle", "production_order", "post_count", "is_demo")
    list_filter = ("status", "cycle", "market", "is_demo")
    search_fields = ("name", "concept__name")
    list_select_related = ("concept", "cycle", "production_order")
    autocomplete_fields = ("cycle", "concept", "production_order")
    date_hierarchy = "starts_on"
    inlines = [PostInline, TrackedLinkInline, CampaignEventInline]
    actions = [
        transition_action(
            lambda pk, actor: campaign_schedule(campaign_id=pk, actor=actor, note="scheduled in the admin"),
            name="schedule", description="Schedule selected campaigns",
        ),
        transition_action(
            lambda pk, actor: campaign_end(campaign_id=pk, actor=actor, note="ended in the admin"),
            name="end", description="End selected campaigns",
        ),
        transition_action(
            lambda pk, actor: campaign_cancel(campaign_id=pk, actor=actor, reason="cancelled in the admin"),
            name="cancel", description="Cancel selected campaigns",
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts", distinct=True))

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Post)
class PostAdmin(TransitionAdminMixin, admin.ModelAdmin):
    state_fields = ("status", "sent_at", "failure_reason", "released_at", "delivery_id", "bulk_export")
    inlines = [PostEventInline]
    actions = [
        transition_action(
            lambda pk, actor: post_schedule(post_id=pk, actor=actor, note="scheduled in the admin"),
            name="schedule", description="Schedule selected posts (again)",
        ),
        transition_action(
            lambda pk, actor: post_cancel(post_id=pk, actor=actor, note="cancelled in the admin"),
            name="cancel", description="Cancel selected posts",
        ),
    ]
    list_display = ("campaign", "channel", "status", "scheduled_at", "is_demo")
    list_filter = ("channel", "status", "campaign__cycle", "is_demo")
    search_fields = ("text", "campaign__name")
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)
    date_hierarchy = "scheduled_at"


@admin.register(CampaignEvent)
class CampaignEventAdmin(EventAdmin):
    record_field = "campaign"


@admin.register(PostEvent)
class PostEventAdmin(EventAdmin):
    record_field = "post"

    def get_list_select_related(self, request):
        return ("post__campaign",)  # a post is named after its campaign


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


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: looked at in the admin, written only by promotion's services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BulkExport)
class BulkExportAdmin(_ReadOnlyAdmin):
    list_display = ("filename", "campaign", "publisher", "channel", "post_count", "created_at", "accepted_at", "refused_at")
    list_filter = ("publisher", "channel")
    list_select_related = ("campaign",)
    search_fields = ("filename", "campaign__name")


@admin.register(PublishAttempt)
class PublishAttemptAdmin(_ReadOnlyAdmin):
    list_display = ("post", "number", "publisher", "at", "ok", "status_code", "duration_ms")
    list_filter = ("publisher", "ok")
    list_select_related = ("post__campaign",)
    date_hierarchy = "at"


@admin.register(OrderAttribution)
class OrderAttributionAdmin(_ReadOnlyAdmin):
    list_display = ("platform", "order_ref", "campaign", "link", "method", "placed_at", "revenue", "currency", "is_demo")
    list_filter = ("method", "platform", "is_demo")
    list_select_related = ("campaign", "link")
    search_fields = ("order_ref", "campaign__name", "link__code")
    date_hierarchy = "placed_at"

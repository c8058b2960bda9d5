from django.db.models import Count
from django.db.models.functions import TruncDate

from c2f.dashboard.charts import line_chart
from c2f.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from c2f.dashboard.selectors import correlated_count, related_model, reverse_count

from .filters import CampaignFilter
from .models import Campaign, Click, Post, TrackedLink


class CampaignListView(MerchandiserListView):
    model = Campaign
    filterset_class = CampaignFilter
    template_name = "promotion/campaign_list.html"
    title = "Campaigns"
    sort_fields = {
        "starts": ("starts_on",),
        "name": ("name",),
        "market": ("market",),
        "posts": ("n_posts",),
        "links": ("n_links",),
        "clicks": ("n_clicks",),
        "orders": ("n_orders",),
    }
    default_sort = "-starts"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle", "concept", "production_order")
            .annotate(
                n_posts=correlated_count(Post, link="campaign"),
                n_links=correlated_count(TrackedLink, link="campaign"),
                n_clicks=correlated_count(Click, link="link__campaign"),
                n_orders=reverse_count(Campaign, "links__orders"),
            )
        )


class CampaignDetailView(MerchandiserDetailView):
    model = Campaign
    template_name = "promotion/campaign_detail.html"
    context_object_name = "campaign"

    def get_queryset(self):
        return Campaign.objects.select_related("cycle", "concept", "production_order__factory")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        context["posts"] = campaign.posts.order_by("scheduled_at", "id")
        context["links"] = (
            campaign.links.select_related("post")
            .annotate(n_clicks=correlated_count(Click, link="link"), n_orders=reverse_count(TrackedLink, "orders"))
            .order_by("code")
        )
        context["orders"] = (
            related_model(Campaign, "links__orders").objects.filter(tracked_link__campaign=campaign).select_related("customer", "tracked_link").order_by("-placed_at")[:100]
        )
        per_day = list(
            Click.objects.filter(link__campaign=campaign)
            .annotate(day=TruncDate("at"))
            .order_by("day")
            .values_list("day")
            .annotate(n=Count("id"))
        )
        if per_day:
            context["clicks_chart"] = line_chart(
                x=[d.isoformat() for d, _ in per_day], y=[n for _, n in per_day], title="Clicks per day", y_title="clicks"
            )
        return context

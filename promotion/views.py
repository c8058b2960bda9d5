from django.db.models import Count
from django.db.models.functions import TruncDate

from core.dashboard.charts import line_chart
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from core.dashboard.lineage import downstream_counts, downstream_counts_annotate
from core.dashboard.queries import correlated_count

from .filters import CampaignFilter
from .models import Campaign, Click, Post, TrackedLink


class CampaignListView(MerchandiserListView):
    model = Campaign
    filterset_class = CampaignFilter
    template_name = "promotion/campaign_list.html"
    title = "Campaigns"
    sort_fields = {
        "starts": ("starts_on",),
        "status": ("status",),
        "name": ("name",),
        "market": ("market",),
        "posts": ("n_posts",),
        "links": ("n_links",),
        "clicks": ("n_clicks",),
    }
    default_sort = "-starts"
    show_downstream_counts = True  # the shop orders each campaign brought

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle", "concept", "production_order")
            .annotate(
                n_posts=correlated_count(Post, link="campaign"),
                n_links=correlated_count(TrackedLink, link="campaign"),
                n_clicks=correlated_count(Click, link="link__campaign"),
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
        context["events"] = campaign.events.all()
        context["links"] = downstream_counts_annotate(
            campaign.links.select_related("post").annotate(n_clicks=correlated_count(Click, link="link")).order_by("code")
        )
        context["link_columns"] = downstream_counts(TrackedLink)
        per_day = list(
            Click.objects.filter(link__campaign=campaign)
            .annotate(day=TruncDate("at"))
            .order_by("day")
            .values_list("day")
            .annotate(n=Count("*"))  # not COUNT(id): the (link, at) index alone answers it
        )
        if per_day:
            context["clicks_chart"] = line_chart(
                x=[d.isoformat() for d, _ in per_day], y=[n for _, n in per_day], title="Clicks per day", y_title="clicks"
            )
        return context

from django.db.models import Count

from core.dashboard.charts import CHART_LAYOUT, figure_html
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from core.dashboard.lineage import downstream_counts, downstream_counts_annotate
from core.dashboard.queries import correlated_count

from . import channel_rules
from .filters import CampaignFilter
from .forms import BulkExportForm, ReasonForm
from .models import Campaign, Click, Post, Publisher, TrackedLink
from .selectors_results import MAX_COMPARED, attribution_rollup, campaign_results, campaigns_compare
from .services import post_breaches


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
                n_clicks=correlated_count(Click, link="campaign"),
            )
        )


def _results_chart(results) -> str:
    import plotly.graph_objects as go

    x = [d.isoformat() for d, _, _ in results.days]
    fig = go.Figure([
        go.Bar(x=x, y=[c for _, c, _ in results.days], name="clicks"),
        go.Scatter(x=x, y=[o for _, _, o in results.days], name="attributed orders", yaxis="y2", mode="lines+markers"),
    ])
    fig.update_layout(title=f"Per day ({results.campaign.time_zone})", yaxis={"title": "clicks"},
                      yaxis2={"title": "orders", "overlaying": "y", "side": "right", "rangemode": "tozero"},
                      legend={"orientation": "h"}, **CHART_LAYOUT)
    return figure_html(fig)


class CampaignDetailView(MerchandiserDetailView):
    model = Campaign
    template_name = "promotion/campaign_detail.html"
    context_object_name = "campaign"

    def get_queryset(self):
        return Campaign.objects.select_related("cycle", "concept", "production_order__factory", "sample")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        posts = list(campaign.posts.select_related("link", "bulk_export").annotate(n_attempts=Count("attempts"))
                     .order_by("scheduled_at", "id"))
        for post in posts:
            post.breaches = [] if post.status not in (Post.Status.DRAFT, Post.Status.FAILED) else post_breaches(post=post)
        context["posts"] = posts
        context["events"] = campaign.events.all()
        context["links"] = downstream_counts_annotate(
            campaign.links.select_related("post").annotate(n_clicks=correlated_count(Click, link="link")).order_by("code")
        )
        context["link_columns"] = downstream_counts(TrackedLink)
        results = campaign_results(campaign=campaign)
        context["results"] = results
        if results.days:
            context["results_chart"] = _results_chart(results)
        context["is_file_publisher"] = campaign.publisher in (Publisher.HOOTSUITE, Publisher.PUBLER)
        context["exports"] = list(campaign.exports.order_by("-created_at", "-id")[:20])
        context["export_form"] = BulkExportForm(initial={"channel": (campaign.channels or ["instagram"])[0]})
        context["reason_form"] = ReasonForm()
        context["channel_rules"] = [channel_rules.RULES[c] for c in campaign.channels if c in channel_rules.RULES]
        return context


class PostDetailView(MerchandiserDetailView):
    model = Post
    template_name = "promotion/post_detail.html"
    context_object_name = "post"

    def get_queryset(self):
        return Post.objects.select_related("campaign__concept", "link", "bulk_export")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        context["campaign"] = post.campaign
        context["breaches"] = post_breaches(post=post)
        context["rules"] = channel_rules.RULES[post.channel]
        context["attempts"] = list(post.attempts.select_related("bulk_export").order_by("at", "id"))
        context["events"] = post.events.all()
        context["reason_form"] = ReasonForm()
        return context


class CampaignCompareView(MerchandiserListView):
    """Campaigns side by side (``?ids=3&ids=7``), and what all attributed orders roll up to."""

    model = Campaign
    filterset_class = CampaignFilter
    template_name = "promotion/campaign_compare.html"
    title = "Compare campaigns"
    paginate_by = 100
    default_sort = "-starts"
    sort_fields = {"starts": ("starts_on",)}

    def get_queryset(self):
        return super().get_queryset().select_related("concept").only("id", "name", "market", "starts_on", "status",
                                                                      "concept__name", "cycle_id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = self.request.GET.getlist("ids")
        compared = campaigns_compare(campaign_ids=ids)
        context["compared"] = compared
        context["selected_ids"] = {c.campaign.pk for c in compared}
        context["max_compared"] = MAX_COMPARED
        cycle = context.get("cycle")
        scope = {"campaign_ids": [c.campaign.pk for c in compared]} if compared else {
            "cycle_number": cycle.number if cycle else None}
        context["rollups"] = [(title, attribution_rollup(by=by, **scope)) for by, title in (
            ("design", "Design"), ("campaign", "Campaign"), ("channel", "Channel"), ("segment", "Segment the design aims at"))]
        return context

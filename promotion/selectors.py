"""Reads of link 6: campaigns, what they brought, and where the link stands on a cycle."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from core import formats
from core.dashboard.figures import figures_cached
from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.dashboard.queries import correlated_aggregate, correlated_count, correlated_first
from core.dashboard.todo import SECTION_LIMIT, TodoItem
from core.models import Cycle
from design.models import Concept
from production.models import ProductionOrder
from production.selectors import ProductionProgress, production_cycle_progress

from .models import Campaign, Click, OrderAttribution, Post, TrackedLink


def attributions_version() -> tuple:
    """What changes whenever an order's credit is given, moved or changed: the newest attribution id and change
    time; one query on two indexes."""
    row = OrderAttribution.objects.order_by().aggregate(newest=Max("id"), changed=Max("updated_at"))
    return row["newest"], row["changed"].isoformat() if row["changed"] else None


def campaign_list_for_concept(*, concept: Concept) -> list[Campaign]:
    """The campaigns promoting a concept, newest first; one query."""
    return list(Campaign.objects.filter(concept=concept).order_by("-starts_on", "-id"))


def campaign_list_for_production_order(*, order: ProductionOrder) -> list[Campaign]:
    """The campaigns selling a batch, newest first, each with its number of posts; one query."""
    return list(
        Campaign.objects.filter(production_order=order).annotate(n_posts=Count("posts")).order_by("-starts_on", "-id")
    )


def tracked_link_list(*, cycle: Cycle) -> list[TrackedLink]:
    """Every tracked link of the cycle's campaigns, with its campaign and post, in the model's order; one query."""
    return list(TrackedLink.objects.filter(campaign__cycle=cycle).select_related("campaign", "post"))


@dataclass(frozen=True, kw_only=True)
class PromotionProgress(LinkProgress):
    campaigns: int
    posts: int
    links: int
    clicks: int


def promotion_cycle_progress(*, cycle: Cycle, production: ProductionProgress | None = None) -> PromotionProgress:
    """Link 6 on ``cycle``: campaigns, their posts, tracked links and clicks. One query (two when a
    click came since the clicks were counted), and the earlier links' when link 5's progress is not
    handed in."""
    if production is None:
        production = production_cycle_progress(cycle=cycle)
    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_campaigns=correlated_count(Campaign, link="cycle"),
            n_posts=correlated_count(Post, link="campaign__cycle"),
            n_links=correlated_count(TrackedLink, link="campaign__cycle"),
            newest_click=Subquery(Click.objects.order_by("-id").values("id")[:1]),
        )
        .values("n_campaigns", "n_posts", "n_links", "newest_click")
        .get()
    )
    # Clicks run into the millions: counted again only once a click was added (core.dashboard.figures).
    row["n_clicks"] = figures_cached(
        key=f"cycle-clicks:{cycle.pk}", version=row["newest_click"],
        compute=lambda: Click.objects.filter(link__campaign__cycle=cycle).count(),
    )
    listed = cycle_list_url("promotion:list", cycle=cycle)
    if row["n_clicks"]:
        state, action, url = ProgressState.DONE, "Compare campaigns by clicks", listed
    elif row["n_campaigns"]:
        state, action, url = ProgressState.IN_PROGRESS, "Publish posts with tracked links", listed
    else:
        state = ProgressState.NOT_STARTED
        action = "Plan a campaign for the new batch" if production.orders else "Waits for a batch"
        url = cycle_list_url("production:list", cycle=cycle)
    return PromotionProgress(
        state=state,
        next_action=action,
        next_url=url,
        counts=(
            ("campaigns", str(row["n_campaigns"])),
            ("posts", str(row["n_posts"])),
            ("links", str(row["n_links"])),
            ("clicks", f"{row['n_clicks']:,}"),
        ),
        campaigns=row["n_campaigns"],
        posts=row["n_posts"],
        links=row["n_links"],
        clicks=row["n_clicks"],
    )


# A scheduled post still not sent this long after its time needs someone to look at it.
POST_GRACE = datetime.timedelta(hours=1)


def promotion_todo(*, cycle: Cycle | None = None, limit: int = SECTION_LIMIT) -> list[TodoItem]:
    """Campaigns (of ``cycle``, or of every cycle) with posts that failed to publish, or whose time
    passed without being sent: one item per campaign, with the oldest such post. One query."""
    late = Q(status=Post.Status.SCHEDULED, scheduled_at__lt=timezone.now() - POST_GRACE)
    failed = Q(status=Post.Status.FAILED)
    campaigns = (
        Campaign.objects.select_related("cycle")
        .annotate(
            n_failed=correlated_count(Post, link="campaign", filters=failed),
            n_late=correlated_count(Post, link="campaign", filters=late),
            first_due=correlated_aggregate(Post, link="campaign", aggregate=Min("scheduled_at"), filters=late | failed),
            reason=correlated_first(Post, link="campaign", field="failure_reason", order_by=("scheduled_at", "pk"), filters=failed),
        )
        .filter(Q(n_failed__gt=0) | Q(n_late__gt=0))
        .order_by("first_due", "pk")
    )
    if cycle is not None:
        campaigns = campaigns.filter(cycle=cycle)
    items = []
    for campaign in campaigns[:limit]:
        facts = []
        if campaign.n_failed:
            facts.append(f"{campaign.n_failed} post{'s' if campaign.n_failed != 1 else ''} failed"
                         + (f" ({campaign.reason[:120]})" if campaign.reason else ""))
        if campaign.n_late:
            facts.append(f"{campaign.n_late} post{'s' if campaign.n_late != 1 else ''} not sent")
        items.append(TodoItem(
            section="post_unsent", title=campaign.name, cycle_number=campaign.cycle.number, urgent=True,
            detail=f"{', '.join(facts)}, the first due {formats.datetime_(campaign.first_due)}",
            action="Open the campaign", url=reverse("promotion:detail", args=[campaign.pk]), when=campaign.first_due,
        ))
    return items

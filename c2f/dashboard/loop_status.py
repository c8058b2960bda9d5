"""Where one cycle stands on each of the eight links: counts, state and the next thing to do.

All counts come from one query on the cycle (scalar subqueries); a handful of
small queries fetch the records the next actions point at. No query per row.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from analysis.models import Opportunity
from core.models import Cycle
from customers.models import Order
from design.models import Concept
from hotspots.models import Hotspot, WatchKeyword, Watchlist
from portraits.models import Brief, PortraitRun, Segment
from production.models import ProductionOrder, ProductionOrderLine
from promotion.models import Campaign, Click, Post, TrackedLink
from samples.models import Invitation, Vote, VoteRound

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATE_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", DONE: "Done"}


@dataclass(frozen=True)
class LinkStatus:
    number: int
    key: str
    name: str
    url: str
    state: str
    next_action: str
    next_url: str
    counts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def _scalar(queryset, link: str, expression, default=None):
    """One aggregate over the rows of ``queryset`` that belong to the outer cycle."""
    inner = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(v=expression).values("v")
    if default is None:
        return Subquery(inner)
    return Coalesce(Subquery(inner, output_field=IntegerField()), default)


def _count(queryset, link: str, expression=None):
    return _scalar(queryset, link, expression or Count("*"), default=0)


def _cycle_counts(cycle: Cycle) -> Cycle:
    return (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_watchlists=_count(Watchlist.objects.all(), "cycle"),
            n_watch_keywords=_count(WatchKeyword.objects.all(), "watchlist__cycle"),
            n_hotspots=_count(Hotspot.objects.all(), "cycle"),
            n_hotspot_keywords=_count(Hotspot.objects.all(), "cycle", Count("keyword", distinct=True)),
            n_hotspot_markets=_count(Hotspot.objects.all(), "cycle", Count("market", distinct=True)),
            top_score=_scalar(Hotspot.objects.all(), "cycle", Max("score")),
            n_opportunities=_count(Opportunity.objects.all(), "cycle"),
            n_concepts=_count(Concept.objects.all(), "cycle"),
            n_concepts_draft=_count(Concept.objects.filter(status=Concept.Status.DRAFT), "cycle"),
            n_concepts_sampling=_count(Concept.objects.filter(status=Concept.Status.SAMPLING), "cycle"),
            n_concepts_confirmed=_count(Concept.objects.filter(status=Concept.Status.CONFIRMED), "cycle"),
            n_rounds=_count(VoteRound.objects.all(), "cycle"),
            n_rounds_open=_count(VoteRound.objects.filter(status=VoteRound.Status.OPEN), "cycle"),
            n_rounds_confirmed=_count(VoteRound.objects.filter(decision=VoteRound.Decision.CONFIRM), "cycle"),
            n_invited=_count(Invitation.objects.all(), "round__cycle"),
            n_votes=_count(Vote.objects.all(), "round__cycle"),
            n_production_orders=_count(ProductionOrder.objects.all(), "cycle"),
            n_units=_count(ProductionOrderLine.objects.all(), "order__cycle", Sum("quantity")),
            n_campaigns=_count(Campaign.objects.all(), "cycle"),
            n_posts=_count(Post.objects.all(), "campaign__cycle"),
            n_links=_count(TrackedLink.objects.all(), "campaign__cycle"),
            n_clicks=_count(Click.objects.all(), "link__campaign__cycle"),
            n_orders=_count(Order.objects.all(), "cycle"),
            n_customers=_count(Order.objects.all(), "cycle", Count("customer", distinct=True)),
            n_portrait_runs=_count(PortraitRun.objects.all(), "cycle"),
            n_segments=_count(Segment.objects.all(), "run__cycle"),
            n_briefs=_count(Brief.objects.all(), "run__cycle"),
            next_cycle_number=Subquery(Cycle.objects.filter(previous=OuterRef("pk")).values("number")[:1]),
        )
        .get()
    )


def _money(amounts: list[tuple[str, Decimal]]) -> str:
    return " · ".join(f"{currency} {total:,.0f}" for currency, total in amounts) or "0"


def cycle_loop_status(*, cycle: Cycle) -> list[LinkStatus]:
    c = _cycle_counts(cycle)
    top_hotspot = Hotspot.objects.filter(cycle=cycle).order_by("-score", "keyword").values("pk", "keyword").first()
    first_opportunity = Opportunity.objects.filter(cycle=cycle).order_by("rank").values("pk", "rank").first()
    draft_concept = (
        Concept.objects.filter(cycle=cycle, status=Concept.Status.DRAFT).order_by("created_at", "pk").values("pk", "name").first()
    )
    round_to_act_on = (
        VoteRound.objects.filter(cycle=cycle)
        .filter(Q(decision="") | Q(status=VoteRound.Status.OPEN))
        .order_by("status", "opens_at", "pk")  # "closed" sorts before "open": decisions first
        .values("pk", "status", "closes_at")
        .first()
    )
    orders_by_status = dict(
        ProductionOrder.objects.filter(cycle=cycle).order_by().values_list("status").annotate(n=Count("pk"))
    )
    revenue = list(
        Order.objects.filter(cycle=cycle).order_by("currency").values_list("currency").annotate(total=Sum("total"))
    )
    latest_run = (
        PortraitRun.objects.filter(cycle=cycle).order_by("-created_at", "-pk").values("pk", "status").first()
    )

    def url(name: str, *args) -> str:
        return reverse(name, args=args)

    def listed(app: str) -> str:
        return f"{url(f'{app}:list')}?cycle={cycle.number}"

    links = []

    # 1. Hotspots
    if c.n_hotspots:
        state, action, target = DONE, f"Review top hotspot “{top_hotspot['keyword']}”", url("hotspots:detail", top_hotspot["pk"])
    elif c.n_watch_keywords:
        state, action, target = IN_PROGRESS, "Import trend exports", listed("hotspots")
    else:
        state, action, target = NOT_STARTED, "Create a watchlist", url("admin:hotspots_watchlist_add")
    links.append(
        LinkStatus(
            1, "hotspots", "Hotspots", listed("hotspots"), state, action, target,
            [
                ("watchlists", f"{c.n_watchlists} ({c.n_watch_keywords} keywords)"),
                ("hotspots", f"{c.n_hotspot_keywords} keywords × {c.n_hotspot_markets} markets"),
                ("top score", f"{c.top_score:.2f}" if c.top_score is not None else "—"),
            ],
        )
    )

    # 2. Analysis
    if first_opportunity:
        state, action, target = DONE, f"Review opportunity #{first_opportunity['rank']}", url("analysis:detail", first_opportunity["pk"])
    elif c.n_hotspots:
        state, action, target = IN_PROGRESS, f"Mine opportunities from {c.n_hotspots} hotspots", listed("analysis")
    else:
        state, action, target = NOT_STARTED, "Waits for hotspots", listed("hotspots")
    links.append(LinkStatus(2, "analysis", "Analysis", listed("analysis"), state, action, target, [("opportunities", str(c.n_opportunities))]))

    # 3. Design
    if c.n_concepts_confirmed:
        state = DONE
    elif c.n_concepts:
        state = IN_PROGRESS
    else:
        state = NOT_STARTED
    if draft_concept:
        action, target = f"Send “{draft_concept['name']}” to sampling", url("design:detail", draft_concept["pk"])
    elif not c.n_concepts and first_opportunity:
        action, target = f"Design a concept from opportunity #{first_opportunity['rank']}", url("analysis:detail", first_opportunity["pk"])
    elif c.n_concepts_sampling:
        action, target = f"{c.n_concepts_sampling} concepts in sampling", listed("samples")
    elif c.n_concepts:
        action, target = "Review concepts", listed("design")
    else:
        action, target = "Waits for opportunities", listed("analysis")
    links.append(
        LinkStatus(
            3, "design", "Design", listed("design"), state, action, target,
            [("concepts", str(c.n_concepts)), ("draft / sampling / confirmed", f"{c.n_concepts_draft} / {c.n_concepts_sampling} / {c.n_concepts_confirmed}")],
        )
    )

    # 4. Samples
    response_rate = f"{100 * c.n_votes / c.n_invited:.0f}%" if c.n_invited else "—"
    state = DONE if c.n_rounds_confirmed else IN_PROGRESS if c.n_rounds else NOT_STARTED
    if round_to_act_on and round_to_act_on["status"] == VoteRound.Status.CLOSED:
        action, target = f"Decide on round {round_to_act_on['pk']}", url("samples:round", round_to_act_on["pk"])
    elif round_to_act_on:
        action = f"Collect votes on round {round_to_act_on['pk']} (closes {round_to_act_on['closes_at']:%Y-%m-%d})"
        target = url("samples:round", round_to_act_on["pk"])
    elif c.n_rounds_confirmed:
        action, target = "Size a batch from the confirmed round", listed("production")
    elif c.n_rounds:
        action, target = "Revise a sample and open a new round", listed("samples")
    elif c.n_concepts:
        action, target = "Open a vote round for a concept", listed("design")
    else:
        action, target = "Waits for a concept", listed("design")
    links.append(
        LinkStatus(
            4, "samples", "Samples", listed("samples"), state, action, target,
            [("rounds", f"{c.n_rounds} ({c.n_rounds_open} open)"), ("votes", f"{c.n_votes} of {c.n_invited} invited"), ("response rate", response_rate)],
        )
    )

    # 5. Production
    finished = orders_by_status.get("received", 0) + orders_by_status.get("shipped", 0)
    if not c.n_production_orders:
        state = NOT_STARTED
        action, target = ("Plan a batch for the confirmed sample", listed("production")) if c.n_rounds_confirmed else ("Waits for a confirmed sample", listed("samples"))
    elif orders_by_status.get("draft"):
        state, action, target = IN_PROGRESS, f"Release {orders_by_status['draft']} draft orders", f"{listed('production')}&status=draft"
    elif finished == c.n_production_orders - orders_by_status.get("cancelled", 0) - orders_by_status.get("declined", 0) and finished:
        state, action, target = DONE, "Promote the received stock", listed("promotion")
    else:
        state, action, target = IN_PROGRESS, "Follow orders at the factories", listed("production")
    status_labels = dict(ProductionOrder.Status.choices)
    links.append(
        LinkStatus(
            5, "production", "Production", listed("production"), state, action, target,
            [("orders", str(c.n_production_orders)), ("units", f"{c.n_units:,}")]
            + [(status_labels.get(s, s).lower(), str(n)) for s, n in sorted(orders_by_status.items())],
        )
    )

    # 6. Promotion
    if c.n_clicks:
        state, action, target = DONE, "Compare campaigns by clicks", listed("promotion")
    elif c.n_campaigns:
        state, action, target = IN_PROGRESS, "Publish posts with tracked links", listed("promotion")
    else:
        action = "Plan a campaign for the new batch" if c.n_production_orders else "Waits for a batch"
        state, target = NOT_STARTED, listed("production")
    links.append(
        LinkStatus(
            6, "promotion", "Promotion", listed("promotion"), state, action, target,
            [("campaigns", str(c.n_campaigns)), ("posts", str(c.n_posts)), ("links", str(c.n_links)), ("clicks", f"{c.n_clicks:,}")],
        )
    )

    # 7. Customers
    if c.n_orders:
        state, action, target = DONE, "Review attributed orders", f"{url('customers:orders')}?cycle={cycle.number}"
    elif c.n_clicks:
        state, action, target = IN_PROGRESS, "Import shop orders", listed("customers")
    else:
        state, action, target = NOT_STARTED, "Waits for promotion", listed("promotion")
    links.append(
        LinkStatus(
            7, "customers", "Customers", listed("customers"), state, action, target,
            [("customers", str(c.n_customers)), ("orders", str(c.n_orders)), ("revenue", _money(revenue))],
        )
    )

    # 8. Portraits
    if c.next_cycle_number:
        state, action, target = DONE, f"Go to cycle {c.next_cycle_number}", url("dashboard:cycle", c.next_cycle_number)
    elif latest_run and c.n_briefs:
        state, action, target = IN_PROGRESS, f"Open cycle {cycle.number + 1} from run #{latest_run['pk']}'s briefs", url("portraits:run", latest_run["pk"])
    elif latest_run:
        state, action, target = IN_PROGRESS, f"Review portrait run #{latest_run['pk']}", url("portraits:run", latest_run["pk"])
    elif c.n_orders:
        state, action, target = NOT_STARTED, "Build portraits", listed("portraits")
    else:
        state, action, target = NOT_STARTED, "Waits for customer orders", listed("customers")
    links.append(
        LinkStatus(
            8, "portraits", "Portraits", listed("portraits"), state, action, target,
            [("runs", str(c.n_portrait_runs)), ("segments", str(c.n_segments)), ("briefs", str(c.n_briefs))],
        )
    )
    return links

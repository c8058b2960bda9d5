"""What campaigns brought: clicks, attributed orders and revenue, cost per order; per campaign, channel and
post, per day, campaigns side by side, and rolled up to design, campaign, channel and segment.

Revenue is summed in the base currency (``C2F_BASE_CURRENCY``, at each order's own exchange rate, orders
without a known rate counted apart) and per currency it was paid in; cost per order is the campaign's
budget over its attributed orders, in the budget's currency. Every read states its queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from core import formats

from core.dashboard.figures import figures_cached

from .models import Campaign, Channel, Click, OrderAttribution, Post, TrackedLink

MAX_COMPARED = 8


def base_currency() -> str:
    return settings.C2F_BASE_CURRENCY


# The sums every read of attributed orders takes, per group: orders, revenue as paid, revenue in the base
# currency, and the orders whose revenue has no base-currency value yet (their exchange rate is unknown).
SUMS = {
    "n": Count("id"), "r": Sum("revenue"), "rb": Sum("revenue_base"),
    "nu": Count("id", filter=Q(revenue_base__isnull=True)),
}


@dataclass
class Figures:
    clicks: int = 0
    orders: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)  # as paid, per currency
    revenue_base: Decimal = Decimal("0.00")  # in the base currency, of the orders whose rate is known
    unconverted: int = 0  # orders left out of ``revenue_base``

    def add_revenue(self, currency: str, amount: Decimal | None, base: Decimal | None = None,
                    unconverted: int = 0) -> None:
        self.revenue[currency] = self.revenue.get(currency, Decimal("0.00")) + (amount or Decimal("0.00"))
        self.revenue_base += base or Decimal("0.00")
        self.unconverted += unconverted

    def add(self, other: "Figures") -> None:
        self.clicks += other.clicks
        self.orders += other.orders
        for currency, amount in other.revenue.items():
            self.add_revenue(currency, amount)
        self.revenue_base += other.revenue_base
        self.unconverted += other.unconverted

    @property
    def revenue_text(self) -> str:
        return " · ".join(f"{c} {v:,.2f}" for c, v in sorted(self.revenue.items())) or "—"

    @property
    def revenue_base_text(self) -> str:
        """The revenue in the base currency, saying how many orders it leaves out for want of a rate."""
        if not self.orders:
            return "—"
        text = formats.money(self.revenue_base, base_currency())
        return f"{text} (without {self.unconverted} order{'s' if self.unconverted != 1 else ''} not yet converted)" \
            if self.unconverted else text

    @property
    def paid_in_other_currencies(self) -> bool:
        return set(self.revenue) - {base_currency()} != set()

    @property
    def conversion(self) -> float | None:
        return self.orders / self.clicks if self.clicks else None


@dataclass
class LinkRow(Figures):
    link: TrackedLink | None = None
    channel: str = ""


@dataclass
class CampaignResults:
    campaign: Campaign
    total: Figures
    channels: list[tuple[str, Figures]]
    links: list[LinkRow]
    days: list[tuple[date, int, int]]  # day on the market's clock, clicks, orders

    @property
    def cost_per_order(self) -> Decimal | None:
        return cost_per_order(self.campaign, self.total.orders)

    @property
    def return_on_budget(self) -> Decimal | None:
        return return_on_budget(self.campaign, self.total)


def cost_per_order(campaign: Campaign, orders: int) -> Decimal | None:
    if campaign.budget is None or not orders:
        return None
    return (campaign.budget / orders).quantize(Decimal("0.01"))


def return_on_budget(campaign: Campaign, figures: Figures) -> Decimal | None:
    """Revenue in the base currency per unit of budget, when the budget is in the base currency too."""
    if not campaign.budget or (campaign.currency or base_currency()) != base_currency():
        return None
    return (figures.revenue_base / campaign.budget).quantize(Decimal("0.01"))


def campaign_results(*, campaign: Campaign) -> CampaignResults:
    """Six queries (four while no click came since the last read): links with their post, clicks per link and
    per day (``campaign_clicks``), orders and revenue per link and currency, orders per day."""
    zone = ZoneInfo(campaign.time_zone or "UTC")
    links = list(campaign.links.select_related("post").order_by("code"))
    clicks, clicks_per_day = campaign_clicks(campaign=campaign, zone=zone)
    rows = {link.pk: LinkRow(link=link, channel=link.channel or (link.post.channel if link.post else ""),
                             clicks=clicks.get(link.pk, 0)) for link in links}
    total = Figures(clicks=sum(clicks.values()))
    for link_id, currency, n, revenue, base, unconverted in (
        OrderAttribution.objects.filter(campaign=campaign).values_list("link_id", "currency").annotate(**SUMS).order_by()
    ):
        row = rows.get(link_id)
        if row is not None:
            row.orders += n
            row.add_revenue(currency, revenue, base, unconverted)
        total.orders += n
        total.add_revenue(currency, revenue, base, unconverted)
    by_channel: dict[str, Figures] = {}
    for row in rows.values():
        by_channel.setdefault(row.channel, Figures()).add(row)
    channels = sorted(by_channel.items(), key=lambda item: (-item[1].clicks, item[0]))
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, n in clicks_per_day:
        per_day[day][0] = n
    for day, n in (OrderAttribution.objects.filter(campaign=campaign).annotate(day=TruncDate("placed_at", tzinfo=zone))
                   .values_list("day").annotate(n=Count("id")).order_by("day")):
        per_day[day][1] = n
    days = [(day, c, o) for day, (c, o) in sorted(per_day.items())]
    return CampaignResults(campaign=campaign, total=total, channels=channels, links=list(rows.values()), days=days)


def campaign_clicks(*, campaign: Campaign, zone: ZoneInfo) -> tuple[dict[int, int], list[tuple[date, int]]]:
    """A campaign's clicks per link, and per day on ``zone``'s clock. A campaign's clicks run into the hundred
    thousands: counted again only once a click was stored since (one query then, three otherwise)."""
    def compute():
        per_link = dict(Click.objects.filter(campaign=campaign).values_list("link_id").annotate(n=Count("id")).order_by())
        per_day = list(Click.objects.filter(campaign=campaign).annotate(day=TruncDate("at", tzinfo=zone))
                       .values_list("day").annotate(n=Count("id")).order_by("day"))
        return per_link, per_day

    newest = Click.objects.order_by("-id").values_list("id", flat=True).first()
    return figures_cached(key=f"campaign-clicks:{campaign.pk}:{zone.key}", version=newest, compute=compute)


@dataclass
class ComparedCampaign:
    campaign: Campaign
    figures: Figures
    posts_sent: int

    @property
    def cost_per_order(self) -> Decimal | None:
        return cost_per_order(self.campaign, self.figures.orders)

    @property
    def return_on_budget(self) -> Decimal | None:
        return return_on_budget(self.campaign, self.figures)


def campaigns_compare(*, campaign_ids) -> list[ComparedCampaign]:
    """Up to ``MAX_COMPARED`` campaigns side by side, in the order given; four queries."""
    ids = []
    for value in campaign_ids:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number not in ids:
            ids.append(number)
    ids = ids[:MAX_COMPARED]
    campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in=ids).select_related("concept", "cycle")}
    clicks = dict(Click.objects.filter(campaign_id__in=ids).values_list("campaign_id").annotate(n=Count("id")).order_by())
    sent = dict(Post.objects.filter(campaign_id__in=ids, status=Post.Status.SENT).values_list("campaign_id")
                .annotate(n=Count("id")).order_by())
    figures = {pk: Figures(clicks=clicks.get(pk, 0)) for pk in campaigns}
    for campaign_id, currency, n, revenue, base, unconverted in (
        OrderAttribution.objects.filter(campaign_id__in=ids).values_list("campaign_id", "currency").annotate(**SUMS)
        .order_by()
    ):
        figures[campaign_id].orders += n
        figures[campaign_id].add_revenue(currency, revenue, base, unconverted)
    return [ComparedCampaign(campaign=campaigns[pk], figures=figures[pk], posts_sent=sent.get(pk, 0))
            for pk in ids if pk in campaigns]


ROLLUPS = {
    "design": ("campaign__concept_id", "campaign__concept__name"),
    "campaign": ("campaign_id", "campaign__name"),
    "channel": ("link__channel", "link__channel"),
    "segment": ("campaign__concept__target_segment_id", "campaign__concept__target_segment__name"),
}


@dataclass
class RollupRow:
    key: object
    label: str
    figures: Figures


def attribution_rollup(*, by: str, cycle_number: int | None = None, campaign_ids=None) -> list[RollupRow]:
    """Attributed orders and revenue grouped by design (concept), campaign, channel or the segment the design
    aims at; biggest first. One query."""
    key_field, label_field = ROLLUPS[by]
    rows = OrderAttribution.objects.all()
    if cycle_number is not None:
        rows = rows.filter(campaign__cycle__number=cycle_number)
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    grouped: dict[object, RollupRow] = {}
    for key, label, currency, n, revenue, base, unconverted in (
        rows.values_list(key_field, label_field, "currency").annotate(**SUMS).order_by()
    ):
        if by == "channel":
            label = Channel(label).label if label in Channel.values else (label or "no channel")
        row = grouped.setdefault(key, RollupRow(key=key, label=label or "no segment", figures=Figures()))
        row.figures.orders += n
        row.figures.add_revenue(currency, revenue, base, unconverted)
    return sorted(grouped.values(), key=lambda r: (-r.figures.orders, str(r.label)))

"""Orders credited to tracked links, handed over by customers (a later link) as they are imported.

Promotion never reads customers' tables: customers passes each order's facts (reference, time, money,
market, the concepts its lines came from, and the UTM parameters the shop recorded) to
``orders_attribute`` and stores the link it gets back on the order. Promotion keeps an
``OrderAttribution`` per order (no customer in it) for its results pages.

Which link an order is credited to, in this order:

1. the link the shop named (``link_code``);
2. the UTM parameters on the order (``utm_campaign`` with ``utm_content``, or with ``utm_source`` for
   the campaign's link on that channel) — what the shopper's browser carried from ``/r/<code>``;
3. else the last click, within ``C2F_ATTRIBUTION_WINDOW_DAYS`` before the order, on a link of a
   campaign for one of the order's concepts in the order's market.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.db import transaction

from ..models import Click, OrderAttribution, TrackedLink

MAX_UTM = 80


@dataclass(frozen=True)
class OrderFacts:
    platform: str
    order_ref: str
    placed_at: datetime
    revenue: Decimal
    currency: str
    market: str = ""
    revenue_base: Decimal | None = None  # the revenue in the base currency, when the order's rate is known
    concept_ids: tuple[int, ...] = ()
    utm: dict = field(default_factory=dict)  # utm_source, utm_campaign, utm_content... as the shop recorded them
    landing_url: str = ""  # the shop's landing page with its query string, when it recorded that instead
    link_code: str = ""
    is_demo: bool = False


def attribution_window() -> timedelta:
    return timedelta(days=float(getattr(settings, "C2F_ATTRIBUTION_WINDOW_DAYS", 7)))


def _utm_of(facts: OrderFacts) -> dict[str, str]:
    utm = {k: str(v or "").strip()[:MAX_UTM] for k, v in (facts.utm or {}).items() if str(k).startswith("utm_")}
    if facts.landing_url and not utm.get("utm_campaign"):
        try:
            query = urlsplit(str(facts.landing_url)[:2000]).query
        except ValueError:
            query = ""
        for key, value in parse_qsl(query, keep_blank_values=False):
            if key.startswith("utm_") and key not in utm:
                utm[key] = value.strip()[:MAX_UTM]
    return utm


def _link_by_utm(utm: dict[str, str]) -> TrackedLink | None:
    campaign = utm.get("utm_campaign")
    if not campaign:
        return None
    links = TrackedLink.objects.filter(utm_campaign=campaign).only("id", "campaign_id", "utm_source", "utm_content")
    if utm.get("utm_content"):
        found = links.filter(utm_content=utm["utm_content"]).first()
        if found is not None:
            return found
    if utm.get("utm_source"):
        return links.filter(utm_source=utm["utm_source"]).order_by("id").first()
    return None


MAX_CLICKS_READ = 50_000


def _last_clicks(orders: list[OrderFacts]) -> dict[int, TrackedLink]:
    """For each of ``orders`` (by position) the link of the last click before it, within the window, on its
    designs' links in its market. One query for the batch (clicks of its designs in its time span)."""
    window = attribution_window()
    concepts = {c for o in orders for c in o.concept_ids}
    if not orders or not concepts:
        return {}
    rows = list(
        Click.objects.filter(at__gt=min(o.placed_at for o in orders) - window, at__lte=max(o.placed_at for o in orders),
                             link__campaign__concept_id__in=concepts)
        .order_by("at", "id")
        .values_list("at", "link_id", "link__campaign_id", "link__campaign__concept_id", "link__campaign__market")
        [:MAX_CLICKS_READ + 1]
    )
    if len(rows) > MAX_CLICKS_READ:  # a very busy span: ask per order instead of holding it all
        found = {}
        for i, o in enumerate(orders):
            link = _link_by_last_click(o)
            if link is not None:
                found[i] = link
        return found
    by_concept: dict[int, list[tuple]] = {}
    for row in rows:
        by_concept.setdefault(row[3], []).append(row)
    times = {c: [r[0] for r in clicks] for c, clicks in by_concept.items()}
    found: dict[int, TrackedLink] = {}
    for i, o in enumerate(orders):
        market = (o.market or "").strip().upper()[:2]
        best = None
        for concept in o.concept_ids:
            clicks = by_concept.get(concept)
            if not clicks:
                continue
            j = bisect_right(times[concept], o.placed_at) - 1
            while j >= 0 and clicks[j][0] > o.placed_at - window:
                if not market or (clicks[j][4] or "").upper().startswith(market):
                    if best is None or clicks[j][0] > best[0]:
                        best = clicks[j]
                    break
                j -= 1
        if best is not None:
            found[i] = TrackedLink(pk=best[1], campaign_id=best[2])
    return found


def _link_by_last_click(facts: OrderFacts) -> TrackedLink | None:
    if not facts.concept_ids:
        return None
    clicks = Click.objects.filter(
        at__gt=facts.placed_at - attribution_window(), at__lte=facts.placed_at,
        link__campaign__concept_id__in=facts.concept_ids,
    )
    market = (facts.market or "").strip().upper()[:2]
    if market:
        clicks = clicks.filter(link__campaign__market__istartswith=market)
    click = clicks.order_by("-at", "-id").select_related("link").only("link__id", "link__campaign_id").first()
    return click.link if click is not None else None


def _key(facts: OrderFacts) -> tuple[str, str]:
    return str(facts.platform)[:12], str(facts.order_ref)[:80]


def orders_attribute(orders) -> dict[tuple[str, str], int | None]:
    """Credit each of ``orders`` (OrderFacts) to a link (see the module) and keep the credit;
    {(platform, order_ref): link id, or None when nothing points to a link (an earlier credit is removed)}.

    Set-based: the named links, the last clicks and the earlier credits in one query each, orders carrying
    UTM parameters one or two queries each (few do), then one write and one delete for the batch.
    """
    orders = list(orders)
    chosen: dict[int, tuple[TrackedLink, str]] = {}
    codes = {o.link_code[:16] for o in orders if o.link_code}
    named = ({link.code: link for link in TrackedLink.objects.filter(code__in=codes).only("id", "code", "campaign_id")}
             if codes else {})
    for i, o in enumerate(orders):
        link = named.get(o.link_code[:16]) if o.link_code else None
        if link is not None:
            chosen[i] = (link, OrderAttribution.Method.GIVEN)
            continue
        utm = _utm_of(o)
        link = _link_by_utm(utm) if utm.get("utm_campaign") else None
        if link is not None:
            chosen[i] = (link, OrderAttribution.Method.UTM)
    rest = [i for i in range(len(orders)) if i not in chosen]
    for j, link in _last_clicks([orders[i] for i in rest]).items():
        chosen[rest[j]] = (link, OrderAttribution.Method.LAST_CLICK)

    keys = [_key(o) for o in orders]
    earlier = {}
    if keys:
        platforms = {k[0] for k in keys}
        for platform, ref, link_id, method in OrderAttribution.objects.filter(
            platform__in=platforms, order_ref__in={k[1] for k in keys}
        ).values_list("platform", "order_ref", "link_id", "method"):
            earlier[(platform, ref)] = (link_id, method)
    rows, result, gone = {}, {}, []
    for i, o in enumerate(orders):
        key = keys[i]
        if i not in chosen:
            result[key] = None
            if key in earlier:
                gone.append(key)
            continue
        link, method = chosen[i]
        before = earlier.get(key)
        if method == OrderAttribution.Method.GIVEN and before and before[0] == link.pk:
            method = before[1]  # the order carries the link it was credited to: the reason stays
        revenue = max(Decimal(o.revenue or 0).quantize(Decimal("0.01")), Decimal("0.00"))
        base = None if o.revenue_base is None else max(Decimal(o.revenue_base).quantize(Decimal("0.01")), Decimal("0.00"))
        rows[key] = OrderAttribution(
            platform=key[0], order_ref=key[1], link_id=link.pk, campaign_id=link.campaign_id, method=method,
            placed_at=o.placed_at, revenue=revenue, currency=(o.currency or "")[:3].upper(), revenue_base=base,
            is_demo=o.is_demo,
        )
        result[key] = link.pk
    with transaction.atomic():
        if rows:
            OrderAttribution.objects.bulk_create(
                list(rows.values()), update_conflicts=True, unique_fields=["platform", "order_ref"],
                update_fields=["link", "campaign", "method", "placed_at", "revenue", "currency", "revenue_base", "is_demo",
                               "updated_at"],
            )
        if gone:
            for platform in {k[0] for k in gone}:
                OrderAttribution.objects.filter(platform=platform, order_ref__in=[k[1] for k in gone if k[0] == platform]).delete()
    return result


def order_attribute(facts: OrderFacts) -> OrderAttribution | None:
    """``orders_attribute`` for one order; its credit, or None."""
    link_id = orders_attribute([facts])[_key(facts)]
    return None if link_id is None else OrderAttribution.objects.get(platform=_key(facts)[0], order_ref=_key(facts)[1])

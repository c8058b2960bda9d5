"""Orders handed to promotion to be credited to the tracked link that brought them.

Promotion (an earlier link) decides which link an order is credited to and keeps the figures its results
pages show; customers passes the order's facts (among them its landing page with the utm_* parameters the
shopper arrived with) through ``promotion.services.orders_attribute`` and stores the link it gets back on the
order. Queued after every import and webhook that changed orders
(``orders_attribution_soon``), and run by beat for the orders changed in the last quarter of an hour.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from promotion.services import OrderFacts, orders_attribute

from ..models import Order, OrderLine

BATCH = 500
ATTRIBUTION_QUEUED_KEY = "customers:attribution-queued"
BEAT_LOOKBACK = timedelta(minutes=15)  # beat runs every 10 minutes: an overlap, never a gap


def _facts(order: Order, concepts: dict[int, set[int]]) -> OrderFacts:
    return OrderFacts(
        platform=order.platform, order_ref=order.external_id, placed_at=order.placed_at, revenue=order.net,
        currency=order.currency, revenue_base=order.net_base, market=order.market, concept_ids=tuple(sorted(concepts.get(order.pk, ()))),
        landing_url=order.landing_url, link_code=order.tracked_link.code if order.tracked_link_id else "",
        is_demo=order.is_demo,
    )


def orders_attribute_hand_over(*, order_ids=None, updated_since=None, cycle=None, limit: int = 2_000_000) -> int:
    """Hand orders (the given ones, those of ``cycle``, or those changed since ``updated_since``) to promotion;
    returns how many changed their credited link. Per batch of 500: two queries here, about five in promotion."""
    orders = Order.objects.select_related("tracked_link").only(
        "id", "platform", "external_id", "placed_at", "net", "net_base", "currency", "market", "is_demo", "landing_url",
        "tracked_link__code"
    ).order_by("id")
    if order_ids is not None:
        orders = orders.filter(pk__in=list(order_ids))
    if cycle is not None:
        orders = orders.filter(cycle=cycle)
    if updated_since is not None:
        orders = orders.filter(updated_at__gte=updated_since)
    changed, last_id, seen = 0, 0, 0
    while seen < limit:
        batch = list(orders.filter(pk__gt=last_id)[:BATCH])
        if not batch:
            break
        seen += len(batch)
        last_id = batch[-1].pk
        concepts: dict[int, set[int]] = {}
        for order_id, concept_id in OrderLine.objects.filter(
            order_id__in=[o.pk for o in batch], product__concept__isnull=False
        ).values_list("order_id", "product__concept_id"):
            concepts.setdefault(order_id, set()).add(concept_id)
        with transaction.atomic():
            credited = orders_attribute([_facts(o, concepts) for o in batch])
            moved = []
            for order in batch:
                link_id = credited[(order.platform, order.external_id)]
                if link_id != order.tracked_link_id:
                    order.tracked_link_id = link_id
                    moved.append(order)
            # The credit is promotion's decision, not a change of the order: updated_at stays.
            for order in moved:
                Order.objects.filter(pk=order.pk).update(tracked_link_id=order.tracked_link_id)
        changed += len(moved)
    return changed


def orders_attribute_recent() -> int:
    """The orders changed within ``BEAT_LOOKBACK``: beat's safety net behind ``orders_attribution_soon``."""
    return orders_attribute_hand_over(updated_since=timezone.now() - BEAT_LOOKBACK)


def orders_attribution_soon(*, since) -> None:
    """Ask for the orders changed since ``since`` (when the caller began storing) to be handed over once the
    transaction commits; requests within a minute share one run, and beat catches any left."""
    from customers.tasks import attribute_orders

    if cache.add(ATTRIBUTION_QUEUED_KEY, 1, 60):
        attribute_orders.delay_on_commit((since - timedelta(seconds=1)).isoformat())

"""The shop's signed order webhooks: each delivery stored by its id, so a repeated delivery changes nothing,
and its order upserted by the same rules as an export."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.selectors import cycle_current
from customers.importers import order_from_webhook
from customers.models import Platform, WebhookDelivery

from .attribution import orders_attribution_soon
from .figures import sales_figures_refresh_soon
from .orders_store import orders_store
from .pre_orders import pre_orders_fulfil_for

TOPICS = frozenset({
    "orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/fulfilled", "orders/partially_fulfilled",
})


@dataclass(frozen=True)
class WebhookOutcome:
    status: str  # "processed", "stale" (older than what is stored) or "duplicate"
    order_id: int | None = None


def webhook_order_receive(
    *, webhook_id: str, topic: str, shop_domain: str, triggered_at: datetime | None, payload,
) -> WebhookOutcome:
    """Store one delivery's order. ``WebhookPayloadError`` (nothing stored) when the payload is not an order;
    a delivery whose id was seen before is a duplicate and changes nothing."""
    record = order_from_webhook(payload)
    if WebhookDelivery.objects.filter(webhook_id=webhook_id).exists():
        return WebhookOutcome("duplicate")
    started = timezone.now()
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                webhook_id=webhook_id, topic=topic, shop_domain=shop_domain[:255], triggered_at=triggered_at,
                status=WebhookDelivery.Status.PROCESSED,
            )
            result = orders_store(records=[record], platform=Platform.SHOPIFY, cycle=cycle_current(), source="webhook")
            pre_orders_fulfil_for(
                records=[record], order_ids=result.order_ids, platform=Platform.SHOPIFY, actor=f"shop webhook {topic}",
            )
            delivery.order_id = result.order_ids.get(record.external_id)
            if result.stale:
                delivery.status = WebhookDelivery.Status.STALE
                delivery.note = "the stored order is newer; nothing changed"
            delivery.save(update_fields=["order", "status", "note"])
            if result.new or result.updated:
                sales_figures_refresh_soon()
                orders_attribution_soon(since=started)
    except IntegrityError:
        # The same delivery arrived twice at once: the other one stored it.
        if WebhookDelivery.objects.filter(webhook_id=webhook_id).exists():
            return WebhookOutcome("duplicate")
        raise
    return WebhookOutcome(delivery.status, delivery.order_id)

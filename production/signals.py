"""Every write to what the factory API shows of an order bumps its factory's feed version;
every change to an API key drops its row cached for authentication."""

from django.db.models.signals import post_delete, post_save

from . import feed, key_cache
from .models import (
    FactoryApiKey,
    ProductionEvent,
    ProductionOrder,
    ProductionOrderLine,
    QcReport,
    Shipment,
    ShipmentEvent,
)


def _order_saved(sender, instance, **kwargs):
    feed.feed_changed(instance.factory_id)


def _order_part_saved(sender, instance, **kwargs):
    if not feed.feed_version_in_cache():
        return
    if not isinstance(instance, ShipmentEvent) and type(instance).order.is_cached(instance):
        feed.feed_changed(instance.order.factory_id)  # the order is at hand: no query
        return
    if isinstance(instance, ShipmentEvent):
        orders = ProductionOrder.objects.filter(shipments__pk=instance.shipment_id)
    else:
        orders = ProductionOrder.objects.filter(pk=instance.order_id)
    factory_id = orders.values_list("factory_id", flat=True).first()
    if factory_id is not None:
        feed.feed_changed(factory_id)


def _key_changed(sender, instance, using, update_fields=None, **kwargs):
    # A save (revoking is one) or a delete, the admin's and a factory's cascade included;
    # queryset updates drop it in FactoryApiKeyQuerySet.update. Recording last use changes nothing.
    if update_fields is not None and set(update_fields) <= {"last_used_at"}:
        return
    key_cache.drop([instance.prefix], using=using)


def connect():
    for signal in (post_save, post_delete):
        signal.connect(_order_saved, sender=ProductionOrder, dispatch_uid=f"feed-order-{signal}")
        for part in (ProductionOrderLine, ProductionEvent, QcReport, Shipment, ShipmentEvent):
            signal.connect(_order_part_saved, sender=part, dispatch_uid=f"feed-{part.__name__}-{signal}")
        signal.connect(_key_changed, sender=FactoryApiKey, dispatch_uid=f"key-cache-{signal}")

"""Every write to what the factory API shows of an order bumps its factory's feed version."""

from django.db.models.signals import post_delete, post_save

from . import feed
from .models import ProductionOrder, ProductionOrderLine, ProductionEvent, QcReport, Shipment, ShipmentEvent


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


def connect():
    for signal in (post_save, post_delete):
        signal.connect(_order_saved, sender=ProductionOrder, dispatch_uid=f"feed-order-{signal}")
        for part in (ProductionOrderLine, ProductionEvent, QcReport, Shipment, ShipmentEvent):
            signal.connect(_order_part_saved, sender=part, dispatch_uid=f"feed-{part.__name__}-{signal}")

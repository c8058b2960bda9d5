"""The DEMO factory at work: a demo order is made, inspected, shipped and received through the
real services, then its history is dated on the demo's calendar.

The demo plays weeks of a factory's work in a second; without dating it, every step would carry
the same minute and the shop's orders for the batch could not come after its arrival. Only
orders flagged ``is_demo`` are played; a real order moves when its factory reports.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import FactoryPayment, ProductionEvent, ProductionOrder, QcReport, Shipment, ShipmentEvent
from ..quality import sample_plan
from .reporting import production_order_progress, production_order_qc_report, production_order_receive, production_order_ship


def production_order_demo_play(
    *, order_id: int, actor: str, accepted_at: datetime.datetime, shipped_at: datetime.datetime,
    received_at: datetime.datetime,
) -> ProductionOrder:
    """Take an accepted DEMO order to received, and date its history: the events up to acceptance
    at ``accepted_at``, production and QC between then and ``shipped_at``, the shipment's arrival
    at ``received_at`` (due date: the factory's lead time after acceptance). Idempotent."""
    if not accepted_at < shipped_at < received_at:
        raise ValidationError({"received_at": "A demo order is accepted, then shipped, then received."})
    order = ProductionOrder.objects.select_related("factory").get(pk=order_id)
    if not order.is_demo:
        raise ValidationError({"order": f"{order} is not demo data: it moves when its factory reports."})
    if order.status == ProductionOrder.Status.RECEIVED:
        return order
    if order.status != ProductionOrder.Status.ACCEPTED:
        raise ValidationError({"order": f"{order} is {order.status}; the demo factory plays accepted orders."})
    total = order.quantity
    with transaction.atomic():
        production_order_progress(order_id=order.pk, cut=total, sewn=total, packed=total, actor=actor)
        drawn = max(sample_plan(lot_size=total, aql=aql).sample_size for aql in (order.aql_major, order.aql_minor))
        production_order_qc_report(
            order_id=order.pk, sample_size=min(total, drawn), critical=0, major=0, minor=1,
            actor=actor, note="demo inspection",
        )
        production_order_ship(
            order_id=order.pk, carrier="Demo Ocean Freight", tracking_number=f"DEMO-{order.reference}",
            cartons=max(1, total // 20), weight_kg=f"{max(1, total) * 1.2:.2f}", actor=actor,
        )
        order = production_order_receive(order_id=order.pk, actor=actor, note="demo: arrived at the warehouse")
        _date_history(order=order, accepted_at=accepted_at, shipped_at=shipped_at, received_at=received_at)
    order.refresh_from_db()
    return order


def _date_history(*, order, accepted_at, shipped_at, received_at) -> None:
    made_at = accepted_at + (shipped_at - accepted_at) * 0.8  # inspected a few days before it leaves
    moments = {
        "draft": accepted_at - datetime.timedelta(days=1),
        "released": accepted_at - datetime.timedelta(hours=20),
        "accepted": accepted_at,
        "in_production": accepted_at + datetime.timedelta(days=1),
        "qc_passed": made_at,
        "shipped": shipped_at,
        "received": received_at,
    }
    for status, moment in moments.items():
        ProductionEvent.objects.filter(order=order, to_status=status).update(created_at=moment)
    ProductionOrder.objects.filter(pk=order.pk).update(
        created_at=moments["draft"], released_at=moments["released"],
        due_date=(accepted_at + datetime.timedelta(days=order.factory.lead_time_days)).date(),
    )
    QcReport.objects.filter(order=order).update(created_at=made_at)
    FactoryPayment.objects.filter(order=order, kind=FactoryPayment.Kind.DEPOSIT).update(created_at=accepted_at)
    FactoryPayment.objects.filter(order=order, kind=FactoryPayment.Kind.BALANCE).update(created_at=made_at)
    Shipment.objects.filter(order=order).update(shipped_at=shipped_at, received_at=received_at)
    ShipmentEvent.objects.filter(shipment__order=order, description__startswith="handed to").update(occurred_at=shipped_at)
    ShipmentEvent.objects.filter(shipment__order=order, description="received by the seller").update(occurred_at=received_at)

"""Ledger balances, factory scorecards, component groups and reorder suggestions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from production import planning, selectors, services
from production.models import FactoryPayment, ProductionEvent, ProductionOrder

from .factories import FactoryFactory, ProductionOrderFactory, ProductionOrderLineFactory, VariantFactory

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


def run_to_shipped(order, *, major=0):
    services.production_order_accept(order_id=order.pk, actor="mill")
    services.production_order_progress(order_id=order.pk, cut=300, sewn=300, packed=300, actor="mill")
    services.production_order_qc_report(order_id=order.pk, sample_size=50, critical=0, major=major, minor=0, actor="mill")
    order.refresh_from_db()
    if order.status == Status.QC_PASSED:
        services.production_order_ship(
            order_id=order.pk, carrier="Sea", tracking_number=f"T{order.pk}", cartons=5, weight_kg="50", actor="mill"
        )


def released(factory, **kwargs):
    order = ProductionOrderFactory(factory=factory, status=Status.RELEASED, unit_price=Decimal("10.00"), **kwargs)
    ProductionOrderLineFactory(order=order, quantity=300)
    return order


def test_ledger_balance_due_per_factory():
    factory = FactoryFactory(deposit_percent=30)
    order = released(factory)
    run_to_shipped(order)
    services.factory_payment_record(factory=factory, amount="900.00", actor="finance", order=order)
    services.factory_payment_adjust(factory=factory, amount="-50.00", note="2 cartons crushed", actor="finance", order=order)
    row = selectors.factory_balances().get(pk=factory.pk)
    assert row.balance_due == Decimal("3000.00") - Decimal("900.00") - Decimal("50.00")
    kinds = list(selectors.factory_ledger(factory=factory).values_list("kind", flat=True))
    assert kinds == ["deposit", "balance", "payment", "adjustment"]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda f: services.factory_payment_record(factory=f, amount="0", actor="x"), "amount"),
        (lambda f: services.factory_payment_record(factory=f, amount="1e400", actor="x"), "amount"),
        (lambda f: services.factory_payment_adjust(factory=f, amount="5.001", note="x", actor="x"), "amount"),
        (lambda f: services.factory_payment_adjust(factory=f, amount="5", note=" ", actor="x"), "note"),
        (lambda f: services.factory_payment_record(factory=f, amount="5", actor="x", order=released(FactoryFactory())), "order"),
    ],
)
def test_bad_ledger_entries_are_refused(call, field):
    factory = FactoryFactory()
    with pytest.raises(ValidationError) as info:
        call(factory)
    assert field in info.value.message_dict
    assert not FactoryPayment.objects.exists()


def test_scorecard_on_time_defects_and_lead_time():
    factory = FactoryFactory(lead_time_days=21)
    late = released(factory, due_date=timezone.localdate() - datetime.timedelta(days=1))
    on_time = released(factory, due_date=timezone.localdate() + datetime.timedelta(days=10))
    run_to_shipped(late, major=2)
    run_to_shipped(on_time)
    card = selectors.factory_scorecard(factory=factory)
    assert card["shipped_orders"] == 2
    assert card["on_time_rate"] == 0.5
    assert card["defect_rate"] == pytest.approx(2 / 100)
    assert card["qc_pass_rate"] == 1.0
    assert card["lead_time_days"] == 0
    assert selectors.factory_scorecard(factory=FactoryFactory())["on_time_rate"] is None


def test_component_groups_gather_lines_of_several_orders_sharing_a_fabric():
    factory = FactoryFactory()
    first, second = released(factory), released(factory)
    for order in (first, second):
        ProductionOrderLineFactory(order=order, market="DE", quantity=40, variant=VariantFactory(concept=order.sample.concept, material="linen", size="200x200"))
    groups = selectors.production_component_groups(factory=factory)
    linen = next(g for g in groups if g["material"] == "linen")
    assert linen["units"] == 80 and sorted(linen["orders"]) == sorted([first.reference, second.reference])
    assert len(linen["skus"]) == 2
    drafts = ProductionOrderFactory(factory=factory)  # drafts are not the factory's business yet
    ProductionOrderLineFactory(order=drafts, variant=VariantFactory(concept=drafts.sample.concept, material="wool"))
    assert not any(g["material"] == "wool" for g in selectors.production_component_groups(factory=factory))


def test_reorders_from_velocity_and_pipeline():
    factory = FactoryFactory(lead_time_days=20)
    today = datetime.date(2026, 3, 1)
    fast, slow = VariantFactory(), VariantFactory()
    sales = [{"variant_id": fast.pk, "market": "US", "date": today - datetime.timedelta(days=d), "quantity": 10} for d in range(28)]
    sales += [{"variant_id": slow.pk, "market": "US", "date": today - datetime.timedelta(days=d), "quantity": 1} for d in range(0, 28, 7)]
    suggestions = selectors.production_reorder_suggestions(
        factory=factory, sales=sales, today=today,
        on_hand=[{"variant_id": fast.pk, "market": "US", "quantity": 100}, {"variant_id": slow.pk, "market": "US", "quantity": 500}],
    )
    assert [(s["variant_id"], s["market"]) for s in suggestions] == [(fast.pk, "US")]
    fast_row = suggestions[0]
    assert fast_row["velocity_per_day"] == 10 and fast_row["stockout_before_arrival"] is True
    assert fast_row["quantity"] == 10 * (20 + 7 + 28) - 100

    # Units already in production count as in transit: 100 on hand + 120 coming is still short.
    order = released(factory)
    order.lines.all().delete()
    line = ProductionOrderLineFactory(order=order, variant=fast, market="US", quantity=120)
    services.production_order_accept(order_id=order.pk, actor="mill")
    stock = [{"variant_id": fast.pk, "market": "US", "quantity": 100}, {"variant_id": slow.pk, "market": "US", "quantity": 500}]
    again = selectors.production_reorder_suggestions(factory=factory, sales=sales, today=today, on_hand=stock)
    assert again[0]["in_transit"] == 120 and again[0]["quantity"] == fast_row["quantity"] - 120
    # With 200 coming the position (300) is above the reorder point (270): no reorder.
    line.quantity = 200
    line.save()
    assert selectors.production_reorder_suggestions(factory=factory, sales=sales, today=today, on_hand=stock) == []


@pytest.mark.parametrize(
    ("sales", "on_hand", "message"),
    [
        ([{"variant_id": 1, "market": "US", "date": "2026-01-01", "quantity": 1}], [], "date"),
        ([{"variant_id": 1, "market": "", "date": datetime.date(2026, 2, 27), "quantity": 1}], [], "market"),
        ([{"variant_id": 1, "market": "US", "date": datetime.date(2026, 2, 27), "quantity": -1}], [], "quantity"),
        (["x"], [], "sales"),
        ([], [{"variant_id": 1, "market": "US", "quantity": "lots"}], "on_hand"),
    ],
)
def test_bad_sales_or_stock_rows_are_refused(sales, on_hand, message):
    with pytest.raises(planning.PlanningError, match=message):
        selectors.production_reorder_suggestions(
            factory=FactoryFactory(), sales=sales, on_hand=on_hand, today=datetime.date(2026, 3, 1)
        )


def test_receive_records_landed_cost_against_plan():
    factory = FactoryFactory()
    order = released(factory)
    run_to_shipped(order)
    shipment = order.shipments.get()
    services.shipment_landed_cost_set(shipment_id=shipment.pk, planned="3500.00")
    services.shipment_event_add(shipment_id=shipment.pk, description="arrived at port", location="Hamburg", occurred_at=timezone.now())
    services.production_order_receive(order_id=order.pk, actor="merchandiser", actual_landed_cost="3620.00")
    shipment.refresh_from_db()
    assert shipment.landed_cost_variance == Decimal("120.00")
    assert list(shipment.events.values_list("description", flat=True)) == [
        "handed to Sea", "arrived at port", "received by the seller",
    ]
    assert ProductionEvent.objects.filter(order=order, to_status="received").count() == 1


def test_receive_refuses_a_bad_cost_and_an_unshipped_order():
    order = released(FactoryFactory())
    with pytest.raises(ValidationError):
        services.production_order_receive(order_id=order.pk, actor="m", actual_landed_cost="-3")
    with pytest.raises(services.TransitionNotAllowed):
        services.production_order_receive(order_id=order.pk, actor="m")
    order.refresh_from_db()
    assert order.status == Status.RELEASED


def test_prune_task_deletes_only_old_records():
    from production.models import IdempotencyRecord
    from production.tasks import prune_idempotency_records

    factory, _ = services.factory_create(name="Prune Mill")
    api_key = factory.api_keys.get()
    old = IdempotencyRecord.objects.create(api_key=api_key, key="old", fingerprint="x", status_code=200, body={})
    IdempotencyRecord.objects.create(api_key=api_key, key="new", fingerprint="x", status_code=200, body={})
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    assert prune_idempotency_records.delay(30).get() == 1
    assert prune_idempotency_records.delay(30).get() == 0
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]

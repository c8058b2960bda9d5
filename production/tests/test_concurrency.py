"""Two requests racing for the same order or sample: row locks let exactly one win (PostgreSQL only)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from rest_framework.test import APIClient

from production.models import FactoryPayment, IdempotencyRecord, ProductionEvent, ProductionOrder
from production.services import factory_create, production_order_create

from .factories import (
    FactoryFactory,
    ProductionOrderFactory,
    ProductionOrderLineFactory,
    SampleFactory,
    VariantFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
Status = ProductionOrder.Status


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only locks rows on PostgreSQL")


def race(calls):
    """Run the callables at the same moment in threads; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def released_order(factory):
    order = ProductionOrderFactory(factory=factory, status=Status.RELEASED)
    ProductionOrderLineFactory(order=order, quantity=100)
    ProductionEvent.objects.create(order=order, from_status="draft", to_status="released", actor="test")
    return order


def client(raw_key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    return api


def test_accept_and_decline_at_once_exactly_one_wins():
    factory, key = factory_create(name="Race Mill")
    order = released_order(factory)
    path = f"/api/v1/factory/orders/{order.pk}/"
    statuses = race(
        [
            lambda: client(key).post(path + "accept", {}, format="json", HTTP_IDEMPOTENCY_KEY="a").status_code,
            lambda: client(key).post(path + "decline", {"reason": "full"}, format="json", HTTP_IDEMPOTENCY_KEY="d").status_code,
        ]
    )
    assert sorted(statuses) == [200, 409]
    order.refresh_from_db()
    assert order.status in (Status.ACCEPTED, Status.DECLINED)
    assert ProductionEvent.objects.filter(order=order).exclude(to_status="released").count() == 1
    assert FactoryPayment.objects.filter(order=order).count() == (1 if order.status == Status.ACCEPTED else 0)


def test_two_accepts_from_two_keys_exactly_one_wins():
    factory, key = factory_create(name="Race Mill 2")
    from production.services import factory_api_key_create

    second_key = factory_api_key_create(factory=factory, name="second")
    order = released_order(factory)
    path = f"/api/v1/factory/orders/{order.pk}/accept"
    statuses = race(
        [lambda k=k: client(k).post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code for k in (key, second_key)]
    )
    assert sorted(statuses) == [200, 409]
    assert ProductionEvent.objects.filter(order=order, to_status="accepted").count() == 1
    assert FactoryPayment.objects.filter(order=order, kind="deposit").count() == 1


def test_a_retry_racing_its_original_replays_it():
    factory, key = factory_create(name="Race Mill 3")
    order = released_order(factory)
    path = f"/api/v1/factory/orders/{order.pk}/accept"
    responses = race([lambda: client(key).post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="one") for _ in range(4)])
    assert [r.status_code for r in responses] == [200] * 4
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 3
    assert IdempotencyRecord.objects.filter(key="one").count() == 1
    assert ProductionEvent.objects.filter(order=order, to_status="accepted").count() == 1


def order_creator(*, another_batch: bool):
    sample = SampleFactory()
    variant = VariantFactory(concept=sample.concept)
    factory = FactoryFactory()

    def create():
        try:
            return production_order_create(
                cycle=sample.concept.cycle, factory=factory, sample=sample,
                lines=[{"variant_id": variant.pk, "market": "US", "quantity": 100}],
                unit_price="9.50", sizing={}, actor="merch", another_batch=another_batch,
            )
        except ValidationError as refusal:
            return refusal

    return sample, create


def test_two_creates_for_one_sample_at_once_make_one_order():
    sample, create = order_creator(another_batch=False)
    results = race([create, create])
    orders = [r for r in results if isinstance(r, ProductionOrder)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(orders) == 1 and len(refusals) == 1, results
    assert refusals[0].code == "live_order" and orders[0].reference in refusals[0].messages[0]
    assert list(ProductionOrder.objects.filter(sample=sample).values_list("pk", flat=True)) == [orders[0].pk]
    assert ProductionEvent.objects.filter(order__sample=sample).count() == 1


def test_two_batches_asked_for_at_once_get_two_references():
    sample, create = order_creator(another_batch=True)
    results = race([create, create])
    assert all(isinstance(r, ProductionOrder) for r in results), results
    references = sorted(ProductionOrder.objects.filter(sample=sample).values_list("reference", flat=True))
    number = sample.concept.cycle.number
    assert references == [f"PO-{number}-001", f"PO-{number}-002"]

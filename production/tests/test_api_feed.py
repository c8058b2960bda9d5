"""The feed version behind the factory API's ETags, and the per-key throttle.

Where the cache is shared, every write that changes what the API shows of an order must
bump its factory's counter, or a factory polling with ETags would never see the change.
"""

import datetime
import threading
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import transaction

from production import feed
from production.api.permissions import FactoryKeyThrottle
from production.models import FactoryApiKey, ProductionOrderLine, ShipmentEvent
from production.services import (
    factory_create,
    production_order_release,
    production_order_receive,
    shipment_event_add,
)

from .factories import ProductionOrderFactory
from .test_api import assert_error
from .test_api_reporting import LIST, SHIP, post, released_order, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def polled(client_for, factory_with_key, shared_cache):
    """A factory with a released order, its client, and a function: is the list's ETag still current?"""
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    state = {"etag": client.get(LIST)["ETag"]}

    def still_current() -> bool:
        response = client.get(LIST, HTTP_IF_NONE_MATCH=state["etag"])
        state["etag"] = response["ETag"]
        return response.status_code == 304

    return SimpleNamespace(factory=factory, order=order, client=client, still_current=still_current)


def test_nothing_changed_is_304_again_and_again(polled):
    assert [polled.still_current() for _ in range(3)] == [True, True, True]


def test_every_report_through_the_api_changes_the_version(polled, django_capture_on_commit_callbacks):
    steps = [
        ("accept", {}),
        ("progress", {"cut": 300, "sewn": 300, "packed": 300}),
        ("qc", {"sample_size": 50, "critical": 0, "major": 0, "minor": 0}),
        ("ship", SHIP),
    ]
    for action, body in steps:
        with django_capture_on_commit_callbacks(execute=True):
            assert post(polled.client, polled.order, action, body).status_code == 200, action
        assert not polled.still_current(), action
        assert polled.still_current(), action


def test_writes_outside_the_api_change_the_version(polled, django_capture_on_commit_callbacks):
    order = polled.order
    for action, body in (("accept", {}), ("progress", {"cut": 300, "sewn": 300, "packed": 300}),
                         ("qc", {"sample_size": 50, "critical": 0, "major": 0, "minor": 0}), ("ship", SHIP)):
        with django_capture_on_commit_callbacks(execute=True):
            post(polled.client, order, action, body)
    polled.still_current()
    shipment = order.shipments.get()

    def changes(write) -> bool:
        with django_capture_on_commit_callbacks(execute=True):
            write()
        return not polled.still_current()

    assert changes(lambda: shipment_event_add(
        shipment_id=shipment.pk, occurred_at=datetime.datetime(2026, 11, 20, 8, tzinfo=datetime.UTC), description="Departed Ningbo", location="Ningbo"
    ))
    assert ShipmentEvent.objects.filter(shipment=shipment, description="Departed Ningbo").count() == 1
    assert changes(lambda: ProductionOrderLine.objects.filter(order=order).first().save())  # e.g. the admin
    assert changes(lambda: production_order_receive(order_id=order.pk, actor="merchandiser"))
    new = ProductionOrderFactory(factory=polled.factory, status="draft")
    assert changes(lambda: production_order_release(order_id=new.pk, actor="merchandiser"))
    assert changes(new.delete)


def test_another_factorys_writes_leave_my_version_alone(polled, django_capture_on_commit_callbacks):
    other, _ = factory_create(name="Mill C")
    with django_capture_on_commit_callbacks(execute=True):
        released_order(other)
    assert polled.still_current()


def test_a_rolled_back_write_does_not_change_the_version(polled):
    with pytest.raises(RuntimeError), transaction.atomic():
        polled.order.save()
        raise RuntimeError("stop")
    assert polled.still_current()


def test_a_lost_counter_gives_a_new_version_never_a_false_304(polled):
    cache.delete(feed.counter_key(polled.factory.pk))
    assert not polled.still_current()
    assert polled.still_current()


def test_a_cached_page_is_served_without_the_database(polled, django_assert_num_queries):
    first = polled.client.get(LIST)
    with django_assert_num_queries(0):
        again = polled.client.get(LIST)
    assert again.status_code == 200 and again.content == first.content and again["ETag"] == first["ETag"]


def test_bad_filters_are_400_even_when_the_page_is_cached(polled):
    polled.client.get(LIST)
    assert_error(polled.client.get(LIST, {"status": "melted"}), 400)
    assert_error(polled.client.get(LIST, {"updated_since": "yesterday"}), 400)


def test_star_never_answers_304_for_an_order_not_looked_up(polled, other_factory_with_key):
    foreign = released_order(other_factory_with_key[0])
    assert_error(polled.client.get(url(foreign), HTTP_IF_NONE_MATCH="*"), 404)
    assert_error(polled.client.get("/api/v1/factory/orders/999999999/", HTTP_IF_NONE_MATCH="*"), 404)
    assert polled.client.get(url(polled.order), HTTP_IF_NONE_MATCH="*").status_code == 200


def test_an_order_of_another_factory_is_404_with_its_etag_too(polled, client_for, other_factory_with_key):
    etag = polled.client.get(url(polled.order))["ETag"]
    _, other_key = other_factory_with_key
    assert_error(client_for(other_key).get(url(polled.order), HTTP_IF_NONE_MATCH=etag), 404)


# --- Throttle ---------------------------------------------------------------


def _request_for(api_key):
    return SimpleNamespace(auth=api_key)


def test_the_throttle_counts_every_request_of_concurrent_clients(factory_with_key, monkeypatch):
    monkeypatch.setattr(FactoryKeyThrottle, "THROTTLE_RATES", {"factory": "100/min"})
    api_key = FactoryApiKey.objects.get(factory=factory_with_key[0])
    allowed = []
    lock = threading.Lock()

    def hammer():
        for _ in range(25):
            ok = FactoryKeyThrottle().allow_request(_request_for(api_key), None)
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 200 and allowed.count(True) == 100


def test_a_throttled_client_is_told_when_to_retry(client_for, factory_with_key, monkeypatch):
    monkeypatch.setattr(FactoryKeyThrottle, "THROTTLE_RATES", {"factory": "1/min"})
    client = client_for(factory_with_key[1])
    assert client.get(LIST).status_code == 200
    throttled = client.get(LIST)
    assert_error(throttled, 429, "throttled")
    assert 1 <= int(throttled["Retry-After"]) <= 60


def test_the_throttle_window_closes(factory_with_key, monkeypatch):
    monkeypatch.setattr(FactoryKeyThrottle, "THROTTLE_RATES", {"factory": "2/min"})
    api_key = FactoryApiKey.objects.get(factory=factory_with_key[0])
    clock = [1_000_035.0]  # 15 s into a minute window (1,000,020 = 16,667 × 60)
    monkeypatch.setattr("production.api.permissions.time.time", lambda: clock[0])
    throttle = FactoryKeyThrottle()
    assert [throttle.allow_request(_request_for(api_key), None) for _ in range(3)] == [True, True, False]
    assert throttle.wait() == pytest.approx(45)
    clock[0] += 60
    assert throttle.allow_request(_request_for(api_key), None)


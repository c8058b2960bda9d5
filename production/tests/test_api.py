import datetime
import json

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from production import api_keys
from production.api.permissions import FactoryKeyThrottle
from production.models import FactoryApiKey, ProductionEvent, ProductionOrder
from production.services import KEY_TOUCH_INTERVAL, factory_api_key_revoke, production_order_cancel

from .factories import ProductionOrderFactory, order_with_lines

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status
LIST = "/api/v1/factory/orders/"


def detail(order):
    return f"/api/v1/factory/orders/{order.pk}/"


def accept(order):
    return f"/api/v1/factory/orders/{order.pk}/accept"


def decline(order):
    return f"/api/v1/factory/orders/{order.pk}/decline"


def assert_error(response, status_code, code=None):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# --- Authentication -------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Api-Key",
        "Api-Key c2f_abcdefgh_nope",
        "Api-Key not-a-key-at-all",
        "Api-Key two parts",
        "Bearer something",
        "Api-Key " + "c2f_" + "x" * 500,
    ],
)
def test_missing_or_garbage_key_is_401_with_challenge(client_for, factory_with_key, header):
    client = client_for()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(LIST)
    assert_error(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"


def test_revoked_key_is_401(client_for, factory_with_key):
    factory, raw_key = factory_with_key
    assert client_for(raw_key).get(LIST).status_code == 200
    factory_api_key_revoke(key_id=FactoryApiKey.objects.get(factory=factory).pk)
    response = client_for(raw_key).get(LIST)
    error = assert_error(response, 401)
    assert "revoked" in error["message"]
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_staff_session_is_not_accepted(client_for, factory_with_key):
    admin = get_user_model().objects.create_superuser("admin", "admin@c2f.localhost", "pw-long-enough-1")
    client = client_for()
    client.force_login(admin)
    assert_error(client.get(LIST), 401)


def test_use_is_recorded_at_most_once_per_touch_interval(client_for, factory_with_key, feed_mode):
    factory, raw_key = factory_with_key
    key = FactoryApiKey.objects.get(factory=factory)
    assert key.last_used_at is None
    client_for(raw_key).get(LIST)
    first = FactoryApiKey.objects.get(pk=key.pk).last_used_at
    client_for(raw_key).get(LIST)
    assert first is not None and FactoryApiKey.objects.get(pk=key.pk).last_used_at == first
    # An interval later: the key row as stored and as cached for authentication both show the old use.
    FactoryApiKey.objects.filter(pk=key.pk).update(last_used_at=first - KEY_TOUCH_INTERVAL - datetime.timedelta(seconds=1))
    cache.delete(api_keys.cache_key(key.prefix))
    client_for(raw_key).get(LIST)
    assert FactoryApiKey.objects.get(pk=key.pk).last_used_at > first


def test_an_idle_poll_touches_no_database_once_the_key_is_cached(
    client_for, factory_with_key, django_assert_num_queries, shared_cache
):
    factory, raw_key = factory_with_key
    order_with_lines(factory=factory, released=True)
    client = client_for(raw_key)
    etag = client.get(LIST)["ETag"]
    with django_assert_num_queries(0):  # key row and feed version from the shared cache; no last-use write
        response = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_without_a_shared_cache_an_idle_poll_reads_key_and_version(
    client_for, factory_with_key, django_assert_num_queries, per_process_cache
):
    factory, raw_key = factory_with_key
    order_with_lines(factory=factory, released=True)
    client = client_for(raw_key)
    etag = client.get(LIST)["ETag"]
    with django_assert_num_queries(1):  # the key row with its factory's feed version; no filter, no list query
        response = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert cache.get(api_keys.cache_key(FactoryApiKey.objects.get(factory=factory).prefix)) is None


def test_without_a_shared_cache_a_key_revoked_elsewhere_is_refused_at_once(client_for, factory_with_key, per_process_cache):
    factory, raw_key = factory_with_key
    assert client_for(raw_key).get(LIST).status_code == 200
    # Another process revokes it: this process's cache is not told.
    FactoryApiKey.objects.filter(factory=factory).update(revoked_at=timezone.now())
    assert_error(client_for(raw_key).get(LIST), 401)


def test_a_cached_key_still_needs_its_secret(client_for, factory_with_key, shared_cache):
    factory, raw_key = factory_with_key
    assert client_for(raw_key).get(LIST).status_code == 200  # now cached by its prefix
    forged = raw_key[: raw_key.rindex("_") + 1] + "x" * 43
    assert_error(client_for(forged).get(LIST), 401)
    assert FactoryApiKey.objects.get(factory=factory).revoked_at is None


def test_revoking_a_cached_key_takes_effect_at_once(client_for, factory_with_key, shared_cache):
    factory, raw_key = factory_with_key
    key = FactoryApiKey.objects.get(factory=factory)
    assert client_for(raw_key).get(LIST).status_code == 200
    assert cache.get(api_keys.cache_key(key.prefix)) is not None
    factory_api_key_revoke(key_id=key.pk)
    assert cache.get(api_keys.cache_key(key.prefix)) is None
    assert_error(client_for(raw_key).get(LIST), 401)


def test_posts_need_no_csrf_token(factory_with_key):
    from rest_framework.test import APIClient

    factory, raw_key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    response = client.post(accept(order), {}, format="json", HTTP_IDEMPOTENCY_KEY="csrf-free")
    assert response.status_code == 200


def test_throttled_per_key(client_for, factory_with_key, other_factory_with_key, monkeypatch):
    monkeypatch.setattr(FactoryKeyThrottle, "THROTTLE_RATES", {"factory": "2/min"})
    _, key_a = factory_with_key
    _, key_b = other_factory_with_key
    assert [client_for(key_a).get(LIST).status_code for _ in range(2)] == [200, 200]
    assert_error(client_for(key_a).get(LIST), 429, "throttled")
    assert client_for(key_b).get(LIST).status_code == 200


# --- Scoping --------------------------------------------------------------


def test_another_factorys_order_is_404_and_cannot_be_accepted(
    client_for, factory_with_key, other_factory_with_key
):
    factory_a, _ = factory_with_key
    _, key_b = other_factory_with_key
    order = order_with_lines(factory=factory_a, released=True)
    client = client_for(key_b)
    assert_error(client.get(detail(order)), 404, "not_found")
    assert_error(client.post(accept(order), {}, format="json"), 404, "not_found")
    assert_error(client.post(decline(order), {"reason": "x"}, format="json"), 404, "not_found")
    # even a hostile body does not reveal whether the order exists
    assert_error(client.post(decline(order), "{not json", content_type="application/json"), 404)
    order.refresh_from_db()
    assert order.status == Status.RELEASED
    assert not ProductionEvent.objects.filter(order=order).exists()


def test_list_shows_only_own_released_or_later_orders(client_for, factory_with_key, other_factory_with_key):
    factory_a, key_a = factory_with_key
    factory_b, _ = other_factory_with_key
    released = order_with_lines(factory=factory_a, released=True)
    in_production = order_with_lines(factory=factory_a, status=Status.IN_PRODUCTION)
    draft = order_with_lines(factory=factory_a)
    cancelled_draft = order_with_lines(factory=factory_a)
    production_order_cancel(order_id=cancelled_draft.pk, actor="m", reason="dropped")
    order_with_lines(factory=factory_b, released=True)

    response = client_for(key_a).get(LIST)
    assert response.status_code == 200
    assert [o["reference"] for o in response.json()["results"]] == [in_production.reference, released.reference]
    assert_error(client_for(key_a).get(detail(draft)), 404)
    assert_error(client_for(key_a).get(detail(cancelled_draft)), 404)


def test_list_filters_by_status_and_rejects_unknown_status(client_for, factory_with_key):
    factory, key = factory_with_key
    released = order_with_lines(factory=factory, released=True)
    order_with_lines(factory=factory, status=Status.ACCEPTED)
    response = client_for(key).get(LIST, {"status": "released"})
    assert [o["id"] for o in response.json()["results"]] == [released.pk]
    error = assert_error(client_for(key).get(LIST, {"status": "lost"}), 400)
    assert "status" in error["detail"]


def test_list_filters_by_updated_since(client_for, factory_with_key):
    factory, key = factory_with_key
    old = order_with_lines(factory=factory, released=True)
    ProductionOrder.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    fresh = order_with_lines(factory=factory, released=True)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = client_for(key).get(LIST, {"updated_since": since})
    assert [o["id"] for o in response.json()["results"]] == [fresh.pk]


def test_order_payload(client_for, factory_with_key):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True, lines=3)
    body = client_for(key).get(detail(order)).json()
    assert body["reference"] == order.reference and body["status"] == "released"
    assert body["quantity"] == 180 and len(body["lines"]) == 3
    assert set(body["lines"][0]) == {"sku", "colour", "size", "material", "market", "quantity"}
    assert body["product"]["name"] == order.sample.concept.name
    assert body["next_statuses"] == ["accepted", "declined", "cancelled"]
    assert body["unit_price"] == "9.80"


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_count_does_not_grow_with_orders(
    client_for, factory_with_key, django_assert_max_num_queries, count
):
    factory, key = factory_with_key
    for _ in range(count):
        order_with_lines(factory=factory, released=True, lines=3)
    client = client_for(key)
    with django_assert_max_num_queries(5):  # key lookup, last-used stamp, ETag version, orders, lines
        response = client.get(LIST)
    assert len(response.json()["results"]) == count
    assert all(len(o["lines"]) == 3 for o in response.json()["results"])


# --- Answers --------------------------------------------------------------


def test_accept_then_accept_again_is_409(client_for, factory_with_key):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    client = client_for(key)
    response = client.post(accept(order), {"note": "ships 12 June"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["events"][-1]["note"] == "ships 12 June"
    event = ProductionEvent.objects.get(order=order)
    assert (event.from_status, event.to_status) == (Status.RELEASED, Status.ACCEPTED)
    assert event.actor.startswith("factory:Mill A")

    error = assert_error(client.post(accept(order), {}, format="json"), 409, "transition_not_allowed")
    assert "accepted" in error["message"]
    assert ProductionEvent.objects.filter(order=order).count() == 1


def test_decline_records_the_reason(client_for, factory_with_key):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    response = client_for(key).post(decline(order), {"reason": "No sherpa stock until August."}, format="json")
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Status.DECLINED
    assert order.events.get().note == "No sherpa stock until August."


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ("", "application/json"),
        (json.dumps({}), "application/json"),
        (json.dumps({"reason": ""}), "application/json"),
        (json.dumps({"reason": "   "}), "application/json"),
        (json.dumps({"reason": "x" * 100_000}), "application/json"),
        (json.dumps({"reason": 42}), "application/json"),
        (json.dumps({"reason": True}), "application/json"),
        (json.dumps({"reason": ["no"]}), "application/json"),
        (json.dumps({"reason": {"$gt": ""}}), "application/json"),
        (json.dumps({"reason": None}), "application/json"),
        (json.dumps(["reason", "no"]), "application/json"),
        (json.dumps("no capacity"), "application/json"),
    ],
)
def test_hostile_decline_is_400_and_changes_nothing(client_for, factory_with_key, body, content_type):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    response = client_for(key).post(decline(order), body, content_type=content_type)
    assert_error(response, 400)
    order.refresh_from_db()
    assert order.status == Status.RELEASED and not order.events.exists()


def test_non_json_body_is_415(client_for, factory_with_key):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    response = client_for(key).post(decline(order), {"reason": "x"})  # multipart form
    assert_error(response, 415)
    assert ProductionOrder.objects.get(pk=order.pk).status == Status.RELEASED


def test_decline_after_accept_is_409(client_for, factory_with_key):
    factory, key = factory_with_key
    order = ProductionOrderFactory(factory=factory, status=Status.ACCEPTED)
    assert_error(client_for(key).post(decline(order), {"reason": "changed mind"}, format="json"), 409)


# --- Schema ---------------------------------------------------------------


def test_schema_documents_the_api_key_scheme(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["components"]["securitySchemes"]["FactoryApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["FactoryApiKey"]["description"],
    }
    operation = schema["paths"]["/api/v1/factory/orders/{id}/accept"]["post"]
    assert operation["security"] == [{"FactoryApiKey": []}]
    assert operation["summary"] == "Accept a production order"
    assert set(operation["responses"]) >= {"200", "400", "401", "404", "409"}


def test_schema_validates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_list_pages_with_a_stable_cursor(client_for, factory_with_key):
    factory, key = factory_with_key
    orders = [order_with_lines(factory=factory, released=True, lines=1) for _ in range(53)]
    client = client_for(key)
    first = client.get(LIST).json()
    second = client.get(first["next"]).json()
    seen = [o["id"] for o in first["results"] + second["results"]]
    assert len(first["results"]) == 50 and second["next"] is None
    assert seen == [o.pk for o in reversed(orders)]

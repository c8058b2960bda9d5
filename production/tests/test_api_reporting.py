"""The factory API beyond the answer: ETags, idempotent POSTs, progress, QC, shipping, and the whole flow."""

from decimal import Decimal

import pytest

from production.models import (
    FactoryPayment,
    IdempotencyRecord,
    ProductionEvent,
    ProductionOrder,
    QcReport,
    Shipment,
)
from production.services import production_order_receive

from .factories import ProductionOrderFactory, ProductionOrderLineFactory, order_with_lines
from .test_api import assert_error

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status
LIST = "/api/v1/factory/orders/"


def url(order, action=""):
    return f"/api/v1/factory/orders/{order.pk}/{action}"


def post(client, order, action, body, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url(order, action), body, format="json", **extra)


def released_order(factory, quantity=300, **kwargs):
    order = ProductionOrderFactory(factory=factory, status=Status.RELEASED, **kwargs)
    ProductionOrderLineFactory(order=order, market="US", quantity=quantity)
    ProductionEvent.objects.create(order=order, from_status="draft", to_status="released", actor="test")
    return order


SHIP = {"carrier": "Ocean Line", "tracking_number": "OL-0001", "cartons": 12, "weight_kg": "184.50"}


# --- The whole flow through the documented API ---------------------------


def test_an_order_goes_from_released_to_received_through_the_api(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory, quantity=300, unit_price=Decimal("10.00"))
    client = client_for(key)

    listed = client.get(LIST, {"status": "released"}).json()["results"]
    assert [o["id"] for o in listed] == [order.pk]
    assert listed[0]["qc_criteria"]["aql_major"] == "2.5"

    assert post(client, order, "accept", {"note": "ships in March"}).json()["status"] == "accepted"
    body = post(client, order, "progress", {"cut": 300, "sewn": 150, "packed": 0}).json()
    assert body["status"] == "in_production"
    assert body["progress"] == {"cut": 300, "sewn": 150, "packed": 0}
    assert post(client, order, "progress", {"cut": 300, "sewn": 300, "packed": 300}).json()["progress"]["packed"] == 300
    body = post(client, order, "qc", {"sample_size": 50, "critical": 0, "major": 3, "minor": 5}).json()
    assert body["status"] == "qc_passed"
    assert body["qc_reports"][0] | {"created_at": None} == {
        "sample_size": 50, "critical": 0, "major": 3, "minor": 5, "aql_major": "2.5", "aql_minor": "4.0",
        "accept_major": 3, "accept_minor": 5, "passed": True, "photos": [], "note": "", "created_at": None,
    }
    body = post(client, order, "ship", SHIP).json()
    assert body["status"] == "shipped"
    assert body["shipments"][0]["tracking_number"] == "OL-0001"

    production_order_receive(order_id=order.pk, actor="merchandiser", actual_landed_cost="3600.00")

    assert client.get(url(order)).json()["status"] == "received"
    order.refresh_from_db()
    assert order.status == Status.RECEIVED
    assert (order.qty_cut, order.qty_sewn, order.qty_packed) == (300, 300, 300)
    assert list(order.events.values_list("to_status", flat=True)) == [
        "released", "accepted", "in_production", "qc_passed", "shipped", "received",
    ]
    shipment = Shipment.objects.get(order=order)
    assert shipment.received_at is not None and shipment.actual_landed_cost == Decimal("3600.00")
    ledger = dict(FactoryPayment.objects.filter(order=order).values_list("kind", "amount"))
    assert ledger == {"deposit": Decimal("900.00"), "balance": Decimal("2100.00")}


def test_a_failed_qc_goes_back_to_production_then_passes(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory, quantity=300)
    client = client_for(key)
    post(client, order, "accept", {})
    post(client, order, "progress", {"cut": 300, "sewn": 300, "packed": 300})
    body = post(client, order, "qc", {"sample_size": 50, "critical": 1, "major": 0, "minor": 0}).json()
    assert body["status"] == "qc_failed" and body["qc_reports"][0]["passed"] is False
    assert "critical" in body["events"][-1]["note"]
    assert not FactoryPayment.objects.filter(order=order, kind="balance").exists()
    assert_error(post(client, order, "ship", SHIP), 409, "transition_not_allowed")
    assert post(client, order, "progress", {"cut": 300, "sewn": 300, "packed": 300}).json()["status"] == "in_production"
    assert post(client, order, "qc", {"sample_size": 50, "critical": 0, "major": 0, "minor": 0}).json()["status"] == "qc_passed"
    assert QcReport.objects.filter(order=order).count() == 2


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("progress", {"cut": 1, "sewn": 0, "packed": 0}),
        ("qc", {"sample_size": 50, "critical": 0, "major": 0, "minor": 0}),
        ("ship", SHIP),
    ],
)
def test_reports_out_of_turn_are_409_with_the_reason(client_for, factory_with_key, action, body):
    factory, key = factory_with_key
    order = released_order(factory)
    error = assert_error(post(client_for(key), order, action, body), 409, "transition_not_allowed")
    assert "released" in error["message"]
    order.refresh_from_db()
    assert order.status == Status.RELEASED and order.events.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cut": 10, "sewn": 20, "packed": 0}, "sewn"),
        ({"cut": 10, "sewn": 5, "packed": 6}, "packed"),
        ({"cut": 301, "sewn": 0, "packed": 0}, "cut"),
        ({"cut": -1, "sewn": 0, "packed": 0}, "cut"),
        ({"cut": "many", "sewn": 0, "packed": 0}, "cut"),
        ({"sewn": 0, "packed": 0}, "cut"),
        ({"cut": 10**12, "sewn": 0, "packed": 0}, "cut"),
    ],
)
def test_bad_progress_is_400_naming_the_field_and_changes_nothing(client_for, factory_with_key, body, field):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    post(client, order, "accept", {})
    error = assert_error(post(client, order, "progress", body), 400)
    assert field in error["detail"]
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED and order.qty_cut == 0


def test_progress_never_goes_down(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    post(client, order, "accept", {})
    post(client, order, "progress", {"cut": 100, "sewn": 50, "packed": 0})
    error = assert_error(post(client, order, "progress", {"cut": 90, "sewn": 50, "packed": 0}), 400)
    assert "Cannot go down" in error["detail"]["cut"][0]
    order.refresh_from_db()
    assert order.qty_cut == 100


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sample_size": 20, "critical": 0, "major": 0, "minor": 0}, "sample_size"),  # 300 pieces need 50
        ({"sample_size": 50, "critical": 0, "major": 40, "minor": 40}, "sample_size"),
        ({"sample_size": 50, "critical": 0, "major": 0}, "minor"),
        ({"sample_size": 50, "critical": 0, "major": 0, "minor": 0, "photos": ["not a url"]}, "photos"),
        ({"sample_size": 50, "critical": 0, "major": 0, "minor": 0, "photos": "x"}, "photos"),
        ({"sample_size": 50, "critical": None, "major": 0, "minor": 0}, "critical"),
    ],
)
def test_bad_qc_report_is_400_and_writes_nothing(client_for, factory_with_key, body, field):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    post(client, order, "accept", {})
    post(client, order, "progress", {"cut": 300, "sewn": 300, "packed": 300})
    error = assert_error(post(client, order, "qc", body), 400)
    assert field in error["detail"]
    assert not QcReport.objects.exists()
    order.refresh_from_db()
    assert order.status == Status.IN_PRODUCTION


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (SHIP | {"cartons": 0}, "cartons"),
        (SHIP | {"weight_kg": "-1"}, "weight_kg"),
        (SHIP | {"weight_kg": "1.234"}, "weight_kg"),
        (SHIP | {"carrier": ""}, "carrier"),
        (SHIP | {"carrier": 7}, "carrier"),
        (SHIP | {"tracking_number": "x" * 81}, "tracking_number"),
    ],
)
def test_bad_shipment_is_400_and_writes_nothing(client_for, factory_with_key, body, field):
    factory, key = factory_with_key
    order = ProductionOrderFactory(factory=factory, status=Status.QC_PASSED)
    ProductionOrderLineFactory(order=order)
    error = assert_error(post(client_for(key), order, "ship", body), 400)
    assert field in error["detail"]
    assert not Shipment.objects.exists()


def test_a_tracking_number_ships_only_once(client_for, factory_with_key):
    factory, key = factory_with_key
    first, second = (ProductionOrderFactory(factory=factory, status=Status.QC_PASSED) for _ in range(2))
    for order in (first, second):
        ProductionOrderLineFactory(order=order)
    client = client_for(key)
    assert post(client, first, "ship", SHIP).status_code == 200
    error = assert_error(post(client, second, "ship", SHIP), 400)
    assert "tracking_number" in error["detail"]
    second.refresh_from_db()
    assert second.status == Status.QC_PASSED and Shipment.objects.count() == 1


# --- Isolation and authentication on every endpoint ----------------------

ENDPOINTS = [
    ("get", ""),
    ("post", "accept"),
    ("post", "decline"),
    ("post", "progress"),
    ("post", "qc"),
    ("post", "ship"),
]
BODIES = {"decline": {"reason": "no"}, "progress": {"cut": 1, "sewn": 0, "packed": 0}, "ship": SHIP,
          "qc": {"sample_size": 50, "critical": 0, "major": 0, "minor": 0}, "accept": {}, "": None}


@pytest.mark.parametrize(("method", "action"), ENDPOINTS)
def test_another_factorys_order_is_404_on_every_endpoint(
    client_for, factory_with_key, other_factory_with_key, method, action
):
    _, key = factory_with_key
    other, _ = other_factory_with_key
    order = released_order(other)
    client = client_for(key)
    response = client.get(url(order)) if method == "get" else post(client, order, action, BODIES[action])
    assert_error(response, 404, "not_found")
    order.refresh_from_db()
    assert order.status == Status.RELEASED and order.events.count() == 1
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize(("method", "action"), ENDPOINTS)
@pytest.mark.parametrize("header", [None, "Api-Key c2f_abcdefgh_wrong", "Api-Key"])
def test_every_endpoint_refuses_a_missing_or_wrong_key(client_for, factory_with_key, method, action, header):
    factory, _ = factory_with_key
    order = released_order(factory)
    client = client_for()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(url(order)) if method == "get" else post(client, order, action, BODIES[action])
    assert_error(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"
    order.refresh_from_db()
    assert order.status == Status.RELEASED


@pytest.mark.parametrize(
    ("value", "status_code"),
    [("2917-03-26T01:11:04+23:54", 200), ("9999-12-31T23:59:59-05:00", 400), ("yesterday", 400)],
)
def test_updated_since_with_odd_offsets_is_answered_not_crashed(client_for, factory_with_key, value, status_code):
    factory, key = factory_with_key
    released_order(factory)
    response = client_for(key).get(LIST, {"updated_since": value})
    assert response.status_code == status_code
    if status_code == 200:
        assert response.json()["results"] == []
    else:
        assert "updated_since" in response.json()["error"]["detail"]


# --- ETag and If-None-Match ------------------------------------------------


def test_an_idle_poll_is_304_and_a_change_makes_it_200(
    client_for, factory_with_key, django_assert_max_num_queries, feed_mode, django_capture_on_commit_callbacks
):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    first = client.get(LIST)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    with django_assert_max_num_queries(2 if feed_mode == "database" else 0):  # key lookup, version
        idle = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert idle.status_code == 304 and idle.content == b"" and idle["ETag"] == etag
    assert client.get(LIST, {"status": "released"}, HTTP_IF_NONE_MATCH=etag).status_code == 200  # other filter

    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction never commits
        post(client, order, "accept", {})
    changed = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["results"][0]["status"] == "accepted"


def test_detail_etag(client_for, factory_with_key, other_factory_with_key, feed_mode):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    etag = client.get(url(order))["ETag"]
    assert client.get(url(order), HTTP_IF_NONE_MATCH=f'"x", {etag}').status_code == 304
    assert client.get(url(order), HTTP_IF_NONE_MATCH='W/"stale"').status_code == 200
    other_order = released_order(other_factory_with_key[0])
    assert_error(client.get(url(other_order), HTTP_IF_NONE_MATCH="*"), 404)  # no 304 leaks existence


def test_another_factory_never_gets_my_etag(client_for, factory_with_key, other_factory_with_key, feed_mode):
    factory, key = factory_with_key
    _, other_key = other_factory_with_key
    released_order(factory)
    etag = client_for(key).get(LIST)["ETag"]
    assert client_for(other_key).get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- Idempotency-Key -------------------------------------------------------


def test_a_replay_returns_the_first_answer_and_changes_nothing(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    post(client, order, "accept", {})
    body = {"cut": 100, "sewn": 10, "packed": 0}
    first = post(client, order, "progress", body, key="retry-1")
    again = post(client, order, "progress", body, key="retry-1")
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ProductionEvent.objects.filter(order=order).count() == 3  # released, accepted, in_production
    assert IdempotencyRecord.objects.filter(key="retry-1").count() == 1


def test_a_replayed_accept_does_not_write_a_second_deposit(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    first = post(client, order, "accept", {"note": "yes"}, key="k-accept")
    for _ in range(3):
        assert post(client, order, "accept", {"note": "yes"}, key="k-accept").json() == first.json()
    assert FactoryPayment.objects.filter(order=order).count() == 1
    assert ProductionEvent.objects.filter(order=order, to_status="accepted").count() == 1


def test_an_error_is_replayed_too(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    first = post(client, order, "ship", SHIP, key="k-ship")
    assert first.status_code == 409
    again = post(client, order, "ship", SHIP, key="k-ship")
    assert again.status_code == 409 and again.json() == first.json()


def test_same_key_with_another_body_is_422(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    post(client, order, "decline", {"reason": "no capacity"}, key="k-1")
    assert_error(post(client, order, "decline", {"reason": "no fabric"}, key="k-1"), 422, "idempotency_key_reused")
    assert_error(post(client, order, "accept", {"reason": "no capacity"}, key="k-1"), 422, "idempotency_key_reused")
    order.refresh_from_db()
    assert order.events.last().note == "no capacity"


def test_keys_belong_to_one_api_key(client_for, factory_with_key, other_factory_with_key):
    factory, key = factory_with_key
    other, other_key = other_factory_with_key
    mine, theirs = released_order(factory), released_order(other)
    assert post(client_for(key), mine, "accept", {}, key="shared").status_code == 200
    assert post(client_for(other_key), theirs, "accept", {}, key="shared").status_code == 200
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


@pytest.mark.parametrize("header", [None, "", "x" * 256, "bad\u00e9key"])
def test_a_post_without_a_good_idempotency_key_is_400(client_for, factory_with_key, header):
    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key, auto_key=False)
    extra = {} if header is None else {"HTTP_IDEMPOTENCY_KEY": header}
    assert_error(client.post(url(order, "accept"), {}, format="json", **extra), 400, "idempotency_key_invalid")
    order.refresh_from_db()
    assert order.status == Status.RELEASED and not IdempotencyRecord.objects.exists()


def test_a_malformed_json_body_is_400_and_not_recorded(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(factory)
    response = client_for(key).post(
        url(order, "accept"), data="{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-bad"
    )
    assert_error(response, 400, "parse_error")
    assert not IdempotencyRecord.objects.exists()


# --- Order fields -----------------------------------------------------------


def test_order_carries_its_instructions_and_criteria(client_for, factory_with_key):
    factory, key = factory_with_key
    order = released_order(
        factory, incoterm="DDP", packaging_instructions="1 per polybag, 10 per carton",
        labelling_instructions="Care label in EN and DE", aql_major="1.5", aql_minor="2.5",
    )
    body = client_for(key).get(url(order)).json()
    assert body["incoterm"] == "DDP"
    assert body["packaging_instructions"] == "1 per polybag, 10 per carton"
    assert body["labelling_instructions"] == "Care label in EN and DE"
    assert body["qc_criteria"]["aql_major"] == "1.5" and body["qc_criteria"]["critical"] == 0
    assert body["progress"] == {"cut": 0, "sewn": 0, "packed": 0}


def test_guide_page_shows_a_polling_client(client):
    response = client.get("/api/v1/factory/guide/")
    assert response.status_code == 200
    text = response.content.decode()
    for needle in ("If-None-Match", "Idempotency-Key", "updated_since", "import requests", "/api/docs/"):
        assert needle in text
    assert "http://testserver" in text


def test_schema_links_the_guide(client):
    assert b"/api/v1/factory/guide/" in client.get("/api/schema/").content


def test_order_with_lines_helper_still_lists(client_for, factory_with_key):
    factory, key = factory_with_key
    order_with_lines(factory=factory, released=True)
    assert len(client_for(key).get(LIST).json()["results"]) == 1


def test_old_idempotency_records_are_pruned_and_a_late_retry_runs_afresh(client_for, factory_with_key):
    import datetime

    from django.utils import timezone

    from production.services import idempotency_records_prune

    factory, key = factory_with_key
    order = released_order(factory)
    client = client_for(key)
    assert post(client, order, "accept", {}, key="old").status_code == 200
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert idempotency_records_prune() == 1
    assert_error(post(client, order, "accept", {}, key="old"), 409, "transition_not_allowed")


# --- Tracking events of a shipment ---------------------------------------


def shipped_order(factory, tracking="OL-0100"):
    order = ProductionOrderFactory(factory=factory, status=Status.QC_PASSED)
    ProductionOrderLineFactory(order=order)
    from production.services import production_order_ship

    shipment = production_order_ship(
        order_id=order.pk, carrier="Ocean Line", tracking_number=tracking, cartons=3, weight_kg="40.00", actor="test"
    )
    return order, shipment


def events_url(order, shipment_id):
    return f"/api/v1/factory/orders/{order.pk}/shipments/{shipment_id}/events"


EVENT = {"occurred_at": "2026-03-02T08:30:00+08:00", "location": "Ningbo", "description": "departed port"}


def test_a_tracking_event_is_recorded_once_per_idempotency_key(client_for, factory_with_key):
    factory, key = factory_with_key
    order, shipment = shipped_order(factory)
    client = client_for(key)
    first = client.post(events_url(order, shipment.pk), EVENT, format="json", HTTP_IDEMPOTENCY_KEY="evt-1")
    assert first.status_code == 200
    listed = first.json()["shipments"][0]
    assert listed["id"] == shipment.pk
    assert {e["description"] for e in listed["events"]} == {"handed to Ocean Line", "departed port"}  # by time
    replay = client.post(events_url(order, shipment.pk), EVENT, format="json", HTTP_IDEMPOTENCY_KEY="evt-1")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert shipment.events.filter(description="departed port", location="Ningbo").count() == 1


def test_the_same_event_resent_with_a_new_key_is_recorded_once(client_for, factory_with_key):
    factory, key = factory_with_key
    order, shipment = shipped_order(factory)
    client = client_for(key)
    for _ in range(2):
        assert client.post(events_url(order, shipment.pk), EVENT, format="json").status_code == 200
    assert shipment.events.count() == 2  # "handed to" and "departed port"


def test_another_factorys_shipment_is_404_and_unchanged(client_for, factory_with_key, other_factory_with_key):
    factory, key = factory_with_key
    other, _ = other_factory_with_key
    foreign_order, foreign_shipment = shipped_order(other, tracking="OL-0200")
    own_order, _ = shipped_order(factory, tracking="OL-0201")
    client = client_for(key)
    assert_error(client.post(events_url(foreign_order, foreign_shipment.pk), EVENT, format="json"), 404, "not_found")
    # Nor through one's own order: the shipment is not on it.
    error = assert_error(client.post(events_url(own_order, foreign_shipment.pk), EVENT, format="json"), 404, "not_found")
    assert "shipment" in error["message"]
    assert foreign_shipment.events.count() == 1
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("shipment_id", ["abc", "-1", "99999999", "1e3", "%2e%2e", "9" * 40])
def test_a_malformed_or_unknown_shipment_id_is_404(client_for, factory_with_key, shipment_id):
    factory, key = factory_with_key
    order, shipment = shipped_order(factory)
    response = client_for(key).post(events_url(order, shipment_id), EVENT, format="json")
    assert_error(response, 404, "not_found")
    assert shipment.events.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"location": "Ningbo", "description": "departed"}, "occurred_at"),
        ({**EVENT, "occurred_at": "yesterday"}, "occurred_at"),
        ({**EVENT, "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({**EVENT, "occurred_at": "1900-01-01T00:00:00Z"}, "occurred_at"),
        ({**EVENT, "description": ""}, "description"),
        ({**EVENT, "description": "x" * 301}, "description"),
        ({**EVENT, "description": 42}, "description"),
        ({**EVENT, "location": ["Ningbo"]}, "location"),
        ({**EVENT, "location": "x" * 121}, "location"),
    ],
)
def test_a_bad_tracking_event_is_400_and_writes_nothing(client_for, factory_with_key, body, field):
    factory, key = factory_with_key
    order, shipment = shipped_order(factory)
    error = assert_error(client_for(key).post(events_url(order, shipment.pk), body, format="json"), 400)
    assert field in error["detail"]
    assert shipment.events.count() == 1


def test_a_tracking_event_needs_a_key_and_an_idempotency_key(client_for, factory_with_key):
    factory, key = factory_with_key
    order, shipment = shipped_order(factory)
    assert_error(client_for().post(events_url(order, shipment.pk), EVENT, format="json"), 401)
    client = client_for(key)
    client.auto_idempotency_key = False
    assert_error(client.post(events_url(order, shipment.pk), EVENT, format="json"), 400, "idempotency_key_invalid")
    assert shipment.events.count() == 1

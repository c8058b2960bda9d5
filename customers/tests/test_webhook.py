"""POST /api/v1/shop/webhooks/orders/: signature, replay, repeated delivery, hostile bodies, one error shape."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from customers.api.permissions import ShopWebhookThrottle
from customers.models import Customer, Order, OrderLine, WebhookDelivery
from production.models import PreOrder, PreOrderEvent

from .factories import ConceptFactory, VariantFactory

pytestmark = pytest.mark.django_db

SECRET = "shpss_test_secret_for_webhooks"
URL = "/api/v1/shop/webhooks/orders/"


@pytest.fixture(autouse=True)
def _secret_and_fresh_throttle(settings):
    settings.C2F_SHOP_WEBHOOK_SECRET = SECRET
    cache.clear()
    yield
    cache.clear()


def order_payload(**changes) -> dict:
    payload = {
        "id": 5512345678901, "name": "#1001", "email": "Ava.M@example.org",
        "created_at": "2025-03-02T09:14:08-05:00", "updated_at": "2025-03-02T09:15:00-05:00",
        "currency": "USD", "subtotal_price": "115.20", "total_price": "125.20", "total_tax": "0.00",
        "total_discounts": "12.80", "financial_status": "paid", "fulfillment_status": None, "cancelled_at": None,
        "total_shipping_price_set": {"shop_money": {"amount": "10.00", "currency_code": "USD"}},
        "customer": {"id": 207119551, "email": "ava.m@example.org", "first_name": "Ava", "last_name": "M",
                     "email_marketing_consent": {"state": "subscribed"}},
        "shipping_address": {"country_code": "US"},
        "line_items": [
            {"sku": "HT-BL-002", "title": "Chunky knit blanket", "quantity": 1, "price": "89.00", "total_discount": "8.90"},
            {"sku": "HT-BL-001", "title": "Sherpa fleece blanket", "quantity": 1, "price": "39.00", "total_discount": "3.90"},
        ],
        "refunds": [],
    }
    payload.update(changes)
    return payload


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def deliver(client, payload=None, *, body: bytes | None = None, topic="orders/create", webhook_id=None, signature=None,
            triggered_at=None, headers=None):
    body = body if body is not None else json.dumps(payload if payload is not None else order_payload()).encode()
    sent = {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_WEBHOOK_ID": webhook_id or str(uuid.uuid4()),
        "HTTP_X_SHOPIFY_TRIGGERED_AT": (triggered_at or datetime.now(timezone.utc)).isoformat(),
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": "hearth-and-loom.myshopify.com",
        "HTTP_X_SHOPIFY_HMAC_SHA256": sign(body) if signature is None else signature,
    }
    sent = {k: v for k, v in sent.items() if v != ""}
    sent.update(headers or {})
    return client.post(URL, data=body, content_type="application/json", **sent)


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


def test_the_public_path_is_the_documented_one():
    assert reverse("shop_api:webhook-orders") == URL


def test_a_signed_order_is_stored_with_its_customer_consent_and_money(client):
    response = deliver(client)
    assert response.status_code == 200, response.content
    order = Order.objects.get(platform="shopify", external_id="#1001")
    assert response.json() == {"status": "processed", "order": order.pk}
    assert (order.gross, order.discount, order.shipping, order.net, order.total) == (
        Decimal("128.00"), Decimal("12.80"), Decimal("10.00"), Decimal("115.20"), Decimal("125.20"))
    assert order.fulfillment_status == "unfulfilled" and order.market == "US"
    ava = order.customer
    assert (ava.external_id, ava.name, ava.marketing_consent, ava.consent_source) == ("ava.m@example.org", "Ava M", True, "webhook")
    assert WebhookDelivery.objects.get().order == order


def test_a_repeated_delivery_is_answered_200_and_changes_nothing(client):
    webhook_id = str(uuid.uuid4())
    first = deliver(client, webhook_id=webhook_id)
    snapshot = list(Order.objects.values_list("pk", "updated_at")), OrderLine.objects.count()
    second = deliver(client, webhook_id=webhook_id)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == {"status": "duplicate", "order": None}
    assert (list(Order.objects.values_list("pk", "updated_at")), OrderLine.objects.count()) == snapshot
    assert WebhookDelivery.objects.count() == 1


def test_an_update_moves_the_order_on_and_an_older_one_changes_nothing(client):
    deliver(client)
    refunded = order_payload(
        updated_at="2025-03-05T10:00:00-05:00", financial_status="partially_refunded", fulfillment_status="fulfilled",
        refunds=[{"transactions": [{"kind": "refund", "status": "success", "amount": "20.00"}]}],
    )
    assert deliver(client, refunded, topic="orders/updated").json()["status"] == "processed"
    order = Order.objects.get()
    assert (order.financial_status, order.refunded, order.net, order.fulfillment_status) == (
        "partially_refunded", Decimal("20.00"), Decimal("95.20"), "fulfilled")
    stale = order_payload(updated_at="2025-03-03T10:00:00-05:00", financial_status="paid")
    response = deliver(client, stale, topic="orders/updated")
    assert response.json()["status"] == "stale"
    order.refresh_from_db()
    assert order.financial_status == "partially_refunded" and OrderLine.objects.count() == 2
    cancelled = order_payload(updated_at="2025-03-06T10:00:00-05:00", cancelled_at="2025-03-06T10:00:00-05:00",
                              financial_status="refunded")
    deliver(client, cancelled, topic="orders/cancelled")
    order.refresh_from_db()
    assert order.cancelled and not order.is_sale and order.net == 0
    assert Customer.objects.get().order_count == 0


def test_a_guest_order_without_email_or_customer(client):
    response = deliver(client, order_payload(name="#1005", email=None, customer=None))
    assert response.status_code == 200
    assert Order.objects.get(external_id="#1005").customer is None and not Customer.objects.exists()


def test_unsigned_and_badly_signed_deliveries_are_refused_and_store_nothing(client):
    assert_error(deliver(client, signature=""), 401, "signature_missing")
    assert_error(deliver(client, signature=sign(b"something else")), 401, "signature_invalid")
    assert_error(deliver(client, signature=sign(json.dumps(order_payload()).encode(), "another secret")), 401, "signature_invalid")
    assert_error(deliver(client, signature="not base64 at all!"), 401, "signature_invalid")
    assert_error(deliver(client, signature="x" * 5000), 401, "signature_invalid")
    body = json.dumps(order_payload()).encode()
    tampered = body.replace(b"125.20", b"1.00")
    assert_error(deliver(client, body=tampered, signature=sign(body)), 401, "signature_invalid")
    assert not Order.objects.exists() and not WebhookDelivery.objects.exists()


def test_without_a_configured_secret_every_delivery_is_refused(client, settings):
    settings.C2F_SHOP_WEBHOOK_SECRET = ""
    assert_error(deliver(client), 503, "webhook_not_configured")
    assert not Order.objects.exists()


def test_replayed_and_undated_deliveries_are_refused(client, settings):
    settings.C2F_SHOP_WEBHOOK_MAX_AGE = 3600
    old = datetime.now(timezone.utc) - timedelta(hours=2)
    assert_error(deliver(client, triggered_at=old), 400, "replayed")
    assert_error(deliver(client, triggered_at=datetime.now(timezone.utc) + timedelta(hours=1)), 400, "replayed")
    assert_error(deliver(client, headers={"HTTP_X_SHOPIFY_TRIGGERED_AT": "yesterday"}), 400, "invalid_header")
    assert_error(deliver(client, webhook_id="", headers={"HTTP_X_SHOPIFY_WEBHOOK_ID": ""}), 400, "delivery_id_missing")
    assert_error(deliver(client, headers={"HTTP_X_SHOPIFY_WEBHOOK_ID": "x" * 101}), 400, "invalid_header")
    assert not Order.objects.exists() and not WebhookDelivery.objects.exists()


def test_other_topics_are_refused(client):
    assert_error(deliver(client, topic="products/create"), 400, "unsupported_topic")
    assert_error(deliver(client, topic=""), 400, "unsupported_topic")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "malformed_json"),
        (b"{not json", "malformed_json"),
        (b"[" * 5000 + b"]" * 5000, "malformed_json"),
        (json.dumps([1, 2, 3]).encode(), "invalid"),
        (json.dumps("#1001").encode(), "invalid"),
    ],
)
def test_malformed_bodies_are_refused(client, body, code):
    assert_error(deliver(client, body=body), 400, code)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"id": "5512345678901"}, "id"),
        ({"name": ["#1001"]}, "name"),
        ({"name": "=HYPERLINK(1)"}, "name"),
        ({"created_at": "last tuesday"}, "created_at"),
        ({"currency": 840}, "currency"),
        ({"currency": "dollars"}, "currency"),
        ({"total_price": {"amount": 1}}, "total_price"),
        ({"total_price": "-5.00"}, "total_price"),
        ({"total_price": "1e309"}, "total_price"),
        ({"line_items": {"sku": "x"}}, "line_items"),
        ({"line_items": [{"sku": "A", "quantity": "2", "price": "1.00"}]}, "line_items[0].quantity"),
        ({"line_items": [{"sku": "A", "quantity": True, "price": "1.00"}]}, "line_items[0].quantity"),
        ({"line_items": [{"sku": "A", "quantity": 10**9, "price": "1.00"}]}, "line_items[0].quantity"),
        ({"line_items": [{"sku": "A", "quantity": 1, "price": "NaN"}]}, "line_items[0].price"),
        ({"line_items": [{"sku": "A", "quantity": 1, "price": "1.00"}] * 1001}, "line_items"),
        ({"customer": "ava"}, "customer"),
        ({"email": "not an email", "customer": None}, "email"),
        ({"refunds": [{"transactions": [{"kind": "refund", "amount": "abc"}]}]}, "refunds[0].transactions[0].amount"),
        ({"landing_site": {"path": "/"}}, "landing_site"),
        ({"referring_site": 7}, "referring_site"),
        ({"note_attributes": "utm_source=ig"}, "note_attributes"),
        ({"note_attributes": ["utm_source"]}, "note_attributes[0]"),
        ({"note_attributes": [{"name": "utm_source", "value": "ig"}] * 251}, "note_attributes"),
    ],
)
def test_values_of_the_wrong_type_or_range_are_named_by_their_path(client, changes, path):
    error = assert_error(deliver(client, order_payload(**changes)), 400, "invalid")
    assert path in error["detail"], error
    assert not Order.objects.exists() and not WebhookDelivery.objects.exists()


def test_the_landing_page_and_referrer_are_kept_reduced_and_an_update_without_them_keeps_them(client):
    landing = "/products/x?utm_source=instagram&utm_campaign=mermaid-us&fbclid=IwAR0&email=ava%40example.org"
    deliver(client, order_payload(landing_site=landing, referring_site="https://l.instagram.com/?u=ava@example.org"))
    order = Order.objects.get()
    assert (order.landing_url, order.referring_site) == (
        "/products/x?utm_source=instagram&utm_campaign=mermaid-us", "https://l.instagram.com")
    later = order_payload(updated_at="2025-03-05T10:00:00-05:00", financial_status="refunded", landing_site=None)
    assert deliver(client, later, topic="orders/updated").json()["status"] == "processed"
    order.refresh_from_db()
    assert order.financial_status == "refunded"
    assert (order.landing_url, order.referring_site) == (
        "/products/x?utm_source=instagram&utm_campaign=mermaid-us", "https://l.instagram.com")


def test_utm_note_attributes_fill_in_what_the_landing_page_lacks_and_hostile_sites_are_left_out(client):
    notes = [{"name": "utm_content", "value": "post-7"}, {"name": "gift_note", "value": "for ava@example.org"},
             {"name": "UTM_Campaign", "value": "other"}, {"name": "utm_term", "value": 5}]
    deliver(client, order_payload(landing_site="/?utm_campaign=mermaid-us", note_attributes=notes,
                                  referring_site="javascript:alert(1)"))
    order = Order.objects.get()
    assert (order.landing_url, order.referring_site) == ("/?utm_campaign=mermaid-us&utm_content=post-7", "")
    deliver(client, order_payload(name="#1002", id=5512345678902, landing_site="x" * 200_000))
    assert Order.objects.get(external_id="#1002").landing_url == ""


def test_a_body_over_a_mebibyte_is_refused_before_it_is_read(client):
    huge = json.dumps(order_payload(note="x" * (1024 * 1024))).encode()
    assert_error(deliver(client, body=huge), 413, "payload_too_large")


def test_deliveries_are_throttled_per_sender_in_the_error_shape(client, monkeypatch):
    monkeypatch.setattr(ShopWebhookThrottle, "THROTTLE_RATES", {"shop_webhook": "3/min"})
    codes = [deliver(client).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert_error(deliver(client), 429, "throttled")


def test_only_post_and_no_csrf_token_needed_for_the_signed_endpoint():
    strict = Client(enforce_csrf_checks=True)
    assert deliver(strict).status_code == 200
    assert_error(strict.get(URL), 405, "method_not_allowed")


def test_a_webhook_order_fulfils_the_open_pre_order_it_delivers(client):
    variant = VariantFactory(sku="HT-BL-002", concept=ConceptFactory())
    pre_order = PreOrder.objects.create(
        variant=variant, market="US", quantity=1, channel="shopify", reference="#1001", ordered_at=datetime.now(timezone.utc),
    )
    deliver(client)
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrder.Status.FULFILLED
    event = PreOrderEvent.objects.get(pre_order=pre_order)
    assert (event.from_status, event.to_status, event.actor) == ("open", "fulfilled", "shop webhook orders/create")
    assert "shopify order #1001" in event.note

"""Bodies that break parsers rather than fields: every answer is the API's JSON error with a 4xx."""

import pytest
from django.conf import settings

from core.parsers import MAX_JSON_DEPTH
from production.models import ProductionOrder

from .factories import order_with_lines
from .test_api import assert_error

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


def decline(order):
    return f"/api/v1/factory/orders/{order.pk}/decline"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 2_000, 100_000])
def test_deeply_nested_json_is_400(client_for, factory_with_key, depth):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    body = '{"reason": ' + "[" * depth + "]" * depth + "}"
    response = client_for(key).post(decline(order), body, content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert "nested" in error["message"]
    order.refresh_from_db()
    assert order.status == Status.RELEASED and not order.events.exists()


def test_nesting_within_the_limit_reaches_the_fields(client_for, factory_with_key):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    depth = MAX_JSON_DEPTH - 1  # the object itself is the first level
    body = '{"reason": ' + "[" * depth + "]" * depth + "}"
    response = client_for(key).post(decline(order), body, content_type="application/json")
    error = assert_error(response, 400, "invalid")
    assert "reason" in error["detail"]


def test_a_body_over_the_upload_limit_is_413(client_for, factory_with_key):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    body = '{"reason": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = client_for(key).post(decline(order), body, content_type="application/json")
    error = assert_error(response, 413, "request_too_large")
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in error["message"]
    order.refresh_from_db()
    assert order.status == Status.RELEASED and not order.events.exists()


def test_a_body_just_under_the_limit_is_read(client_for, factory_with_key):
    factory, key = factory_with_key
    order = order_with_lines(factory=factory, released=True)
    padding = " " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 100)
    body = '{"reason": "No stock."' + padding + "}"
    response = client_for(key).post(decline(order), body, content_type="application/json")
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == Status.DECLINED

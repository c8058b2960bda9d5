"""The API speaks JSON only: the Accept headers clients send get it at once, any other is negotiated
as DRF does; and every answer, an error or a 304 included, carries the policy of a JSON body."""

import pytest

from core.api import API_CONTENT_SECURITY_POLICY

from .test_api import LIST, assert_error
from .test_api_reporting import released_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", " application/json ", "application/json; charset=utf-8",
               "text/html, application/json;q=0.9", "application/*"],
)
def test_any_accept_that_takes_json_gets_json(client_for, factory_with_key, accept):
    factory, raw_key = factory_with_key
    released_order(factory)
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = client_for(raw_key).get(LIST, **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png, text/csv"])
def test_an_accept_that_refuses_json_is_406(client_for, factory_with_key, accept):
    _, raw_key = factory_with_key
    assert_error(client_for(raw_key).get(LIST, HTTP_ACCEPT=accept), 406, "not_acceptable")


def test_a_format_the_api_does_not_speak_is_404(client_for, factory_with_key):
    _, raw_key = factory_with_key
    assert_error(client_for(raw_key).get(LIST, {"format": "xml"}), 404)
    assert client_for(raw_key).get(LIST, {"format": "json"}).status_code == 200


def test_every_answer_carries_the_policy_of_a_json_body(client_for, factory_with_key):
    factory, raw_key = factory_with_key
    released_order(factory)
    client = client_for(raw_key)
    page = client.get(LIST)
    idle = client.get(LIST, HTTP_IF_NONE_MATCH=page["ETag"])
    refused = client_for("c2f_abcdefgh_nope").get(LIST)
    missing = client.get(LIST + "999999/")
    assert (page.status_code, idle.status_code, refused.status_code, missing.status_code) == (200, 304, 401, 404)
    for response in (page, idle, refused, missing):
        assert response["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY
        assert "Content-Security-Policy-Report-Only" not in response
    assert "default-src 'none'" in API_CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in API_CONTENT_SECURITY_POLICY


def test_the_shop_webhook_carries_it_too(client):
    response = client.post("/api/v1/shop/webhooks/orders/", b"{}", content_type="application/json")
    assert response.status_code >= 400
    assert response["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY

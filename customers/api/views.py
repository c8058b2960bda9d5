"""``POST /api/v1/shop/webhooks/orders/``: the shop's order-created and order-updated webhooks (Shopify's format).

Checked in this order, each refusal in the API's error shape: the body's size (at most 1 MiB), the
signature (``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256 over the raw body with the shop's secret,
compared in constant time), the delivery id (``X-Shopify-Webhook-Id``), the delivery's age
(``X-Shopify-Triggered-At`` within ``C2F_SHOP_WEBHOOK_MAX_AGE``), the topic, then the JSON and the order
in it. A delivery whose id was seen before is answered 200 and changes nothing. The signature is the
authentication, so this is the one endpoint exempt from CSRF checks (DRF views are, and it uses no
session).
"""

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import JsonApiView
from customers.importers import WebhookPayloadError
from customers.services.webhooks import TOPICS, webhook_order_receive

from .permissions import ShopWebhookThrottle

MAX_BODY = 1024 * 1024
FUTURE_SKEW = timedelta(minutes=5)


class WebhookError(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_webhook"
    default_detail = "The delivery is not a valid order webhook."

    def __init__(self, detail=None, code=None, status_code=None):
        super().__init__(detail, code)
        if status_code is not None:
            self.status_code = status_code


class SignatureRefused(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "signature_invalid"
    default_detail = "The signature does not match the body."


class NotConfigured(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "webhook_not_configured"
    default_detail = "Order webhooks are not configured on this server (C2F_SHOP_WEBHOOK_SECRET)."


def signature_of(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _signature_ok(body: bytes, secret: str, header: str) -> bool:
    try:
        given = base64.b64decode(header.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(given, expected)


def _header_text(request, name: str, *, max_length: int) -> str:
    value = request.headers.get(name, "")
    if len(value) > max_length or not (value.isascii() and value.isprintable()):
        raise WebhookError(f"The {name} header is not valid.", code="invalid_header")
    return value.strip()


@extend_schema(exclude=True)
class ShopOrderWebhookView(JsonApiView, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ShopWebhookThrottle]
    parser_classes = []

    @extend_schema(
        summary="Receive a shop order webhook", request=OpenApiTypes.OBJECT,
        responses={200: OpenApiResponse(description="Stored, or a repeated delivery that changed nothing")},
    )
    def post(self, request):
        secret = settings.C2F_SHOP_WEBHOOK_SECRET
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            raise WebhookError(f"The body is larger than {MAX_BODY // 1024} KiB.", code="payload_too_large",
                               status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        # Within the limit: read whole (the stream stops at the declared length).
        body = request.body
        if not secret:
            raise NotConfigured()
        signature = request.headers.get("X-Shopify-Hmac-Sha256", "")
        if not signature:
            raise SignatureRefused("The X-Shopify-Hmac-Sha256 signature header is missing.", code="signature_missing")
        if len(signature) > 200 or not _signature_ok(body, secret, signature):
            raise SignatureRefused("The signature does not match the body.")

        webhook_id = _header_text(request, "X-Shopify-Webhook-Id", max_length=100)
        if not webhook_id:
            raise WebhookError("The X-Shopify-Webhook-Id header is missing.", code="delivery_id_missing")
        triggered_text = _header_text(request, "X-Shopify-Triggered-At", max_length=40)
        try:
            triggered_at = datetime.fromisoformat(triggered_text.replace("Z", "+00:00"))
        except ValueError:
            raise WebhookError("The X-Shopify-Triggered-At header is not an ISO 8601 time.", code="invalid_header") from None
        if triggered_at.tzinfo is None:
            triggered_at = triggered_at.replace(tzinfo=timezone.utc)
        now = datetime.now(timezone.utc)
        if triggered_at < now - timedelta(seconds=settings.C2F_SHOP_WEBHOOK_MAX_AGE) or triggered_at > now + FUTURE_SKEW:
            raise WebhookError("The delivery is too old or from the future; refused as a replay.", code="replayed")
        topic = _header_text(request, "X-Shopify-Topic", max_length=60)
        if topic not in TOPICS:
            raise WebhookError(f"Topic {topic[:60]!r} is not an order topic this endpoint takes.", code="unsupported_topic")

        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            raise WebhookError("The body is not JSON.", code="malformed_json") from None
        try:
            outcome = webhook_order_receive(
                webhook_id=webhook_id, topic=topic, triggered_at=triggered_at, payload=payload,
                shop_domain=_header_text(request, "X-Shopify-Shop-Domain", max_length=255),
            )
        except WebhookPayloadError as exc:
            raise exceptions.ValidationError(exc.errors) from None
        return Response({"status": outcome.status, "order": outcome.order_id})

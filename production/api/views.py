"""The factory API: a factory's own production orders, and what it reports on each."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBase, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api import JsonApiView
from core.parsers import MAX_JSON_DEPTH, JSONParser
from production.filters import ProductionOrderFilter
from production.models import FactoryApiKey, IdempotencyRecord, ProductionOrder
from production.selectors import factory_feed_version, production_order_shipment_find, production_orders_for_factory
from production.services import (
    TransitionNotAllowed,
    production_order_accept,
    production_order_decline,
    production_order_progress,
    production_order_qc_report,
    production_order_ship,
    shipment_event_add,
)

from .authentication import FactoryApiKeyAuthentication
from .order_rows import order_rows, represent_orders
from .permissions import FactoryKeyThrottle, IsFactory
from .serializers import (
    AcceptSerializer,
    DeclineSerializer,
    FactoryApiErrorSerializer,
    FactoryOrderDetailSerializer,
    FactoryOrderSerializer,
    ProgressInSerializer,
    QcReportInSerializer,
    ShipInSerializer,
    ShipmentEventInSerializer,
)

# Bump when the representation changes, so cached ETags stop matching.
REPRESENTATION_VERSION = "3"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 255
BODY_CACHE_SECONDS = 300


class TransitionConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "transition_not_allowed"
    default_detail = "The order cannot make this move from its current status."


class IdempotencyKeyInvalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_invalid"
    default_detail = (
        f"Send an {IDEMPOTENCY_HEADER} header of 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters "
        "(a UUID is a good choice) with every POST."
    )


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = (
        f"This {IDEMPOTENCY_HEADER} was already used for a different request; use a new key for a new request."
    )


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"
    default_detail = "The cursor is not one this API gave out; start again from the first page."


class OrderCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:  # a garbled cursor is the client's mistake, not a missing page
            raise InvalidCursor() from exc


def _error(description):
    return OpenApiResponse(FactoryApiErrorSerializer, description=description)


AUTH_ERRORS = {
    401: _error("No API key, or one that is unknown, malformed or revoked."),
    429: _error("Too many requests with this API key; retry after the `Retry-After` seconds."),
}
NOT_FOUND = {404: _error("No such order for this factory (other factories' orders and drafts are invisible).")}
NOT_MODIFIED = {304: OpenApiResponse(description="Nothing changed since the `ETag` you sent in `If-None-Match`; no body.")}
POST_ERRORS = {
    **AUTH_ERRORS,
    **NOT_FOUND,
    400: _error(
        f"The body is not valid JSON or nests more than {MAX_JSON_DEPTH} levels deep, a field is missing, "
        "of the wrong type or out of range, or the Idempotency-Key header is missing or malformed."
    ),
    413: _error(f"The body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes the API accepts."),
    409: _error("The order's status does not allow this; `message` says which status it is in and what it can become."),
    415: _error("The body is not `application/json`."),
    422: _error("This Idempotency-Key was already used with a different body."),
}
IF_NONE_MATCH = OpenApiParameter(
    name="If-None-Match",
    location=OpenApiParameter.HEADER,
    type=OpenApiTypes.STR,
    required=False,
    description="The `ETag` of your last response; unchanged data answers 304 with no body.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    name=IDEMPOTENCY_HEADER,
    location=OpenApiParameter.HEADER,
    type=OpenApiTypes.STR,
    required=True,
    description=(
        "A key you choose per request (e.g. a UUID), 1 to 255 visible ASCII characters. Retry with the same "
        "key and the same body after a timeout: you get the first answer again and nothing changes twice. "
        "Keys are kept per API key."
    ),
)


def _post_schema(summary: str, description: str, request):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: FactoryOrderDetailSerializer, **POST_ERRORS},
    )


def _etag_matches(header: str, etag: str, *, exists) -> bool:
    """Whether ``If-None-Match`` names ``etag``; ``*`` matches only what ``exists()`` finds."""
    if not header:
        return False
    if header.strip() == "*":
        return exists()
    weak = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == weak for tag in header.split(","))


@extend_schema_view(
    list=extend_schema(
        summary="List your production orders",
        description=(
            "Orders the seller has released to your factory, newest first; drafts are never shown. "
            "Poll this endpoint, narrowing with `status=released` for orders that await your answer "
            "or `updated_since` for what changed since your last poll. Pages are linked by the "
            "`next` and `previous` cursors. Every answer carries an `ETag`; send it back in "
            "`If-None-Match` and an unchanged list answers 304 with no body. "
            "The developer guide at `/api/v1/factory/guide/` shows a complete polling client."
        ),
        parameters=[IF_NONE_MATCH],
        responses={200: FactoryOrderSerializer(many=True), **NOT_MODIFIED, **AUTH_ERRORS, 400: _error("A filter value or the cursor is not valid.")},
    ),
    retrieve=extend_schema(
        summary="Get one production order",
        description=(
            "One of your orders with its lines per SKU and market, its QC reports, shipments and "
            "history of status changes. Supports `If-None-Match` like the list."
        ),
        parameters=[IF_NONE_MATCH],
        responses={200: FactoryOrderDetailSerializer, **NOT_MODIFIED, **AUTH_ERRORS, **NOT_FOUND},
    ),
)
class FactoryOrderViewSet(JsonApiView, viewsets.ReadOnlyModelViewSet):
    authentication_classes = [FactoryApiKeyAuthentication]
    permission_classes = [IsFactory]
    throttle_classes = [FactoryKeyThrottle]
    parser_classes = [JSONParser]
    pagination_class = OrderCursorPagination
    filterset_class = ProductionOrderFilter
    queryset = ProductionOrder.objects.none()  # the real one is scoped per factory in get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProductionOrder.objects.none()
        return production_orders_for_factory(factory=self.request.auth.factory, with_events=self.action != "list")

    def get_serializer_class(self):
        return FactoryOrderSerializer if self.action == "list" else FactoryOrderDetailSerializer

    def filter_queryset(self, queryset):
        # Query filters narrow the list only; they never hide a single order from its own URL.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _order_id(self) -> int:
        # Any path segment reaches the view, so a malformed id is a 404 in the API's own shape.
        raw = self.kwargs.get("pk", "")
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise exceptions.NotFound("No such order for this factory.")
        return int(raw)

    def get_object(self):
        self.kwargs["pk"] = str(self._order_id())
        try:
            return super().get_object()
        except Http404 as exc:
            raise exceptions.NotFound("No such order for this factory.") from exc

    # --- Reading, with ETags ----------------------------------------------

    def _etag(self, version) -> str:
        query = sorted(self.request.query_params.lists())
        raw = json.dumps(
            [
                REPRESENTATION_VERSION, self.request.auth.factory_id, self.request.get_host(),
                self.request.path, query, version,
            ],
            cls=DjangoJSONEncoder,
        )
        return f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'

    def _conditional(self, render, *, exists) -> HttpResponseBase:
        """304 when the client's ETag is current; else the body, rendered once per ETag and cached.

        The ETag covers the factory, host, path, query and the factory's feed version
        (``factory_feed_version``: its change counter where the cache is shared, else the latest
        change and number of its orders). The authentication read that version with the key, in
        the same round trip, so a current ETag is answered before any filter is built or query
        run: with a shared cache an idle poll touches no database, without one it costs the key's
        one query. A stale or absent ETag goes on to the filters and the page. A cached body is
        served only while none of them has moved; only a response that validated and rendered is
        ever cached or tagged. ``exists()`` says whether ``If-None-Match: *`` finds something.
        """
        api_key = self.request.auth
        reads = getattr(api_key, "poll_reads", None)
        version = reads.feed_version if reads is not None else None
        if version is None:
            version = factory_feed_version(factory_id=api_key.factory_id)
        etag = self._etag(list(version))
        if _etag_matches(self.request.headers.get("If-None-Match", ""), etag, exists=exists):
            response = HttpResponseNotModified()
        else:
            cache_key = f"factory-api:body:{etag}"
            body = cache.get(cache_key)
            if body is None:
                rendered = render()
                body = JSONRenderer().render(rendered.data)
                cache.set(cache_key, body, BODY_CACHE_SECONDS)
            response = HttpResponse(body, content_type="application/json")
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response

    def list(self, request, *args, **kwargs):
        return self._conditional(self._render_list, exists=self._filters_valid)

    def _filters_valid(self) -> bool:
        self.filter_queryset(self.get_queryset())  # a bad filter is a 400; builds the query, runs none
        return True

    def _render_list(self) -> Response:
        rows = self.paginate_queryset(order_rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(represent_orders(rows))

    def retrieve(self, request, *args, **kwargs):
        # ``*`` never answers 304 for an order not looked up: it would tell which orders exist.
        return self._conditional(
            lambda: super(FactoryOrderViewSet, self).retrieve(request, *args, **kwargs), exists=lambda: False
        )

    # --- Writing, idempotently --------------------------------------------

    @property
    def actor(self) -> str:
        return f"factory:{self.request.auth.factory.name} (key {self.request.auth.prefix})"

    def _idempotent(self, request, run) -> Response:
        """Run ``run`` once per Idempotency-Key; a retry with the key gets the stored first answer."""
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        if not key or len(key) > MAX_IDEMPOTENCY_KEY or not (key.isascii() and key.isprintable()):
            raise IdempotencyKeyInvalid()
        body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder)  # a malformed body is a 400 here
        fingerprint = hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()
        with transaction.atomic():
            # One POST at a time per API key, so a retry racing its original waits and replays.
            list(FactoryApiKey.objects.select_for_update().filter(pk=request.auth.pk).values_list("pk"))
            record = IdempotencyRecord.objects.filter(api_key=request.auth, key=key).first()
            if record is not None:
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused()
                response = Response(record.body, status=record.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
            try:
                with transaction.atomic():
                    response = run()
            except exceptions.APIException as exc:
                if isinstance(exc, exceptions.Throttled):
                    raise
                response = self.handle_exception(exc)
            IdempotencyRecord.objects.create(
                api_key=request.auth, key=key, fingerprint=fingerprint,
                status_code=response.status_code, body=response.data,
            )
        return response

    def _move(self, request, input_serializer, move, **fixed):
        order = self.get_object()  # a foreign order is a 404 before its body is even read

        def run():
            answer = input_serializer(data=request.data)
            answer.is_valid(raise_exception=True)
            try:
                move(order_id=order.pk, actor=self.actor, **fixed, **answer.validated_data)
            except TransitionNotAllowed as exc:
                raise TransitionConflict(str(exc)) from exc
            except DjangoValidationError as exc:
                detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
                raise exceptions.ValidationError(detail) from exc
            return Response(self.get_serializer(self.get_object()).data)

        return self._idempotent(request, run)

    @_post_schema(
        "Accept a production order",
        "Commit to making a `released` order at its quantities, price, due date, incoterm, packaging, "
        "labelling and QC criteria. The order becomes `accepted` and the deposit falls due to you; "
        "accepting it again with a new Idempotency-Key answers 409.",
        AcceptSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, AcceptSerializer, production_order_accept)

    @_post_schema(
        "Decline a production order",
        "Turn down a `released` order, saying why in `reason` (at most 1000 characters). "
        "The order becomes `declined` and the seller sees your reason.",
        DeclineSerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._move(request, DeclineSerializer, production_order_decline)

    @_post_schema(
        "Report production progress",
        "Running totals of pieces cut, sewn and packed (packed ≤ sewn ≤ cut ≤ ordered; totals never go down). "
        "The first report on an `accepted` order moves it to `in_production`; after a failed QC, a report "
        "restarts production for rework.",
        ProgressInSerializer,
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        def move(*, order_id, actor, cut, sewn, packed, note):
            return production_order_progress(order_id=order_id, actor=actor, cut=cut, sewn=sewn, packed=packed, note=note)

        return self._move(request, ProgressInSerializer, move)

    @_post_schema(
        "File the final QC report",
        "The final inspection of an `in_production` order: the pieces inspected and the defects found by "
        "class. The verdict is computed from the order's `qc_criteria` (ISO 2859-1, level II): no critical "
        "defect, and major and minor defects within the acceptance numbers for the order's quantity. "
        "The order becomes `qc_passed` (the balance falls due to you) or `qc_failed` (rework, report "
        "progress, inspect again). A sample smaller than the standard's is refused with 400.",
        QcReportInSerializer,
    )
    @action(detail=True, methods=["post"], url_path="qc")
    def qc(self, request, pk=None):
        return self._move(request, QcReportInSerializer, production_order_qc_report)

    @_post_schema(
        "Ship an order",
        "Hand a `qc_passed` order to a carrier. The order becomes `shipped` and the shipment is listed "
        "on the order with its tracking events.",
        ShipInSerializer,
    )
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        return self._move(request, ShipInSerializer, production_order_ship)

    @extend_schema(
        summary="Report a tracking event of a shipment",
        description=(
            "What happened to one of your order's shipments on its way (departed, arrived at port, cleared "
            "customs...), from you or your forwarder. `shipments[].id` of the order names the shipment. "
            "The same event (time, place and description) sent twice is recorded once; the answer is the "
            "order with its shipments and their events."
        ),
        request=ShipmentEventInSerializer,
        parameters=[
            IDEMPOTENCY_KEY,
            OpenApiParameter("shipment_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The shipment's `id`."),
        ],
        responses={
            200: FactoryOrderDetailSerializer,
            **POST_ERRORS,
            404: _error("No such order for this factory, or no such shipment on the order."),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"shipments/(?P<shipment_id>[^/]+)/events")
    def shipment_events(self, request, pk=None, shipment_id=None):
        order = self.get_object()
        raw = str(shipment_id or "")
        shipment = None
        if raw.isascii() and raw.isdigit() and len(raw) <= 18:
            shipment = production_order_shipment_find(order=order, shipment_id=int(raw))
        if shipment is None:
            raise exceptions.NotFound("No such shipment on this order.")

        def move(*, order_id, actor, occurred_at, description, location):
            return shipment_event_add(
                shipment_id=shipment.pk, occurred_at=occurred_at, description=description, location=location
            )

        return self._move(request, ShipmentEventInSerializer, move)

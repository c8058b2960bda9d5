"""The factory API: a factory's own production orders, and its answer to each."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from production.filters import ProductionOrderFilter
from production.models import ProductionOrder
from production.selectors import production_orders_for_factory
from production.services import TransitionNotAllowed, production_order_accept, production_order_decline

from .authentication import FactoryApiKeyAuthentication
from .permissions import FactoryKeyThrottle, IsFactory
from .serializers import (
    AcceptSerializer,
    DeclineSerializer,
    FactoryApiErrorSerializer,
    FactoryOrderDetailSerializer,
    FactoryOrderSerializer,
)


class TransitionConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "transition_not_allowed"
    default_detail = "The order cannot make this move from its current status."


class OrderCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


def _error(description):
    return OpenApiResponse(FactoryApiErrorSerializer, description=description)


AUTH_ERRORS = {
    401: _error("No API key, or one that is unknown, malformed or revoked."),
    429: _error("Too many requests with this API key; retry after the `Retry-After` seconds."),
}
NOT_FOUND = {404: _error("No such order for this factory (other factories' orders and drafts are invisible).")}
ANSWER_ERRORS = {
    **AUTH_ERRORS,
    **NOT_FOUND,
    400: _error("The body is not valid JSON or a field is missing, of the wrong type or too long."),
    409: _error("The order is not waiting for an answer (it was already accepted, declined or cancelled)."),
}


@extend_schema_view(
    list=extend_schema(
        summary="List your production orders",
        description=(
            "Orders the seller has released to your factory, newest first; drafts are never shown. "
            "Poll this endpoint, narrowing with `status=released` for orders that await your answer "
            "or `updated_since` for what changed since your last poll. Pages are linked by the "
            "`next` and `previous` cursors."
        ),
        responses={200: FactoryOrderSerializer(many=True), **AUTH_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get one production order",
        description="One of your orders with its lines per SKU and market and its history of status changes.",
        responses={200: FactoryOrderDetailSerializer, **AUTH_ERRORS, **NOT_FOUND},
    ),
)
class FactoryOrderViewSet(viewsets.ReadOnlyModelViewSet):
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

    def get_object(self):
        try:
            return super().get_object()
        except Http404 as exc:
            raise exceptions.NotFound("No such order for this factory.") from exc

    @property
    def actor(self) -> str:
        return f"factory:{self.request.auth.factory.name} (key {self.request.auth.prefix})"

    def _answer(self, order, move, **kwargs):
        try:
            move(order_id=order.pk, actor=self.actor, **kwargs)
        except TransitionNotAllowed as exc:
            raise TransitionConflict(str(exc)) from exc
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise exceptions.ValidationError(detail) from exc
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Accept a production order",
        description=(
            "Commit to making a `released` order at its quantities, price and due date. "
            "The order becomes `accepted`; accepting it again answers 409."
        ),
        request=AcceptSerializer,
        responses={200: FactoryOrderDetailSerializer, **ANSWER_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        order = self.get_object()  # a foreign order is a 404 before its body is even read
        answer = AcceptSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        return self._answer(order, production_order_accept, note=answer.validated_data["note"])

    @extend_schema(
        summary="Decline a production order",
        description=(
            "Turn down a `released` order, saying why in `reason` (at most 1000 characters). "
            "The order becomes `declined` and the seller sees your reason."
        ),
        request=DeclineSerializer,
        responses={200: FactoryOrderDetailSerializer, **ANSWER_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        order = self.get_object()
        answer = DeclineSerializer(data=request.data)
        answer.is_valid(raise_exception=True)
        return self._answer(order, production_order_decline, reason=answer.validated_data["reason"])

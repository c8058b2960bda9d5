"""Every non-trivial read of link 5. What a factory may see is decided here, once."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from . import api_keys
from .models import Factory, FactoryApiKey, ProductionEvent, ProductionOrder, ProductionOrderLine


def _with_lines(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("factory", "cycle", "sample__concept").prefetch_related(
        Prefetch("lines", queryset=ProductionOrderLine.objects.select_related("variant"))
    )


def production_order_list() -> QuerySet[ProductionOrder]:
    return _with_lines(ProductionOrder.objects.all()).order_by("-created_at", "-id")


def production_order_get(*, order_id: int) -> ProductionOrder:
    return _with_lines(ProductionOrder.objects.prefetch_related("events")).get(pk=order_id)


def production_orders_for_factory(*, factory: Factory, with_events: bool = False) -> QuerySet[ProductionOrder]:
    """The orders addressed to ``factory`` that were released to it (never drafts).

    An order cancelled while still a draft was never the factory's business and
    stays hidden too.
    """
    ever_released = ProductionEvent.objects.filter(
        order=OuterRef("pk"), to_status=ProductionOrder.Status.RELEASED
    )
    queryset = (
        ProductionOrder.objects.filter(factory=factory)
        .exclude(status=ProductionOrder.Status.DRAFT)
        .exclude(~Exists(ever_released), status=ProductionOrder.Status.CANCELLED)
    )
    if with_events:
        queryset = queryset.prefetch_related("events")
    return _with_lines(queryset).order_by("-created_at", "-id")


def factory_api_key_find(*, raw_key: str) -> FactoryApiKey | None:
    """The key row a raw key belongs to (revoked or not), or None if it matches none."""
    prefix = api_keys.key_prefix(raw_key)
    if prefix is None:
        return None
    api_key = FactoryApiKey.objects.select_related("factory").filter(prefix=prefix).first()
    if api_key is None or not api_keys.key_matches(raw_key, api_key.hashed_key):
        return None
    return api_key

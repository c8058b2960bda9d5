"""The order list built from rows says exactly what ``FactoryOrderSerializer`` says."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from production.api.order_rows import order_rows, represent_orders
from production.api.serializers import FactoryOrderSerializer
from production.models import ProductionOrder
from production.selectors import production_orders_for_factory

from .factories import FactoryFactory, ProductionOrderFactory, ProductionOrderLineFactory, SampleFactory, VariantFactory

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


def both(factory) -> tuple[list, list]:
    queryset = production_orders_for_factory(factory=factory)
    by_serializer = json.loads(JSONRenderer().render(FactoryOrderSerializer(queryset, many=True).data))
    by_rows = json.loads(JSONRenderer().render(represent_orders(list(order_rows(queryset)))))
    return by_serializer, by_rows


def test_every_status_price_date_and_line_count_renders_the_same():
    factory = FactoryFactory()
    sample = SampleFactory(version=3, spec="Sherpa 380 gsm — 双面\nline two")
    variants = [VariantFactory(concept=sample.concept, colour=c, size="150x200", material="sherpa") for c in ("grey", "sage")]
    prices = [Decimal("0"), Decimal("0.5"), Decimal("9.80"), Decimal("12345678.90")]
    for index, status in enumerate(s for s in Status.values if s != Status.DRAFT):
        order = ProductionOrderFactory(
            factory=factory, sample=sample, status=status, unit_price=prices[index % len(prices)],
            due_date=None if index % 3 == 0 else datetime.date(2027, 1, 1 + index),
            incoterm=ProductionOrder.Incoterm.values[index % len(ProductionOrder.Incoterm.values)],
            aql_major=ProductionOrder.Aql.values[index % len(ProductionOrder.Aql.values)],
            packaging_instructions="" if index % 2 else "Polybag, 6 per carton <b>&</b>",
            qty_cut=index * 10, qty_sewn=index * 5, qty_packed=index,
        )
        for variant in variants[: index % 3]:
            for market in ("US", "DE")[: 1 + index % 2]:
                ProductionOrderLineFactory(order=order, variant=variant, market=market, quantity=7 * (index + 1))
    by_serializer, by_rows = both(factory)
    assert len(by_rows) == len(Status.values) - 1
    assert by_rows == by_serializer
    assert {len(o["lines"]) for o in by_rows} == {0, 1, 2, 4}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=60),
    price=st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False),
    created=st.datetimes(min_value=datetime.datetime(2001, 1, 1), max_value=datetime.datetime(2099, 1, 1),
                         timezones=st.just(datetime.UTC)),
)
def test_any_text_price_and_time_renders_the_same(text, price, created):
    text = text.replace("\x00", "")  # PostgreSQL text holds no NUL
    with transaction.atomic():
        factory = FactoryFactory()
        order = ProductionOrderFactory(
            factory=factory, status=Status.RELEASED, unit_price=price, labelling_instructions=text,
            packaging_instructions=text[::-1],
        )
        ProductionOrderLineFactory(order=order, variant=VariantFactory(concept=order.sample.concept, colour=text[:40]))
        ProductionOrder.objects.filter(pk=order.pk).update(created_at=created, updated_at=created)
        by_serializer, by_rows = both(factory)
        assert by_rows == by_serializer and len(by_rows) == 1
        transaction.set_rollback(True)

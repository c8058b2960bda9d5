"""Imported shop orders fulfil the open pre-orders they deliver, through production's own transition."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from customers.services import orders_import
from production.models import PreOrder, PreOrderEvent
from production.selectors import pre_orders_for_sizing
from production.services import pre_order_cancel, pre_order_fulfil

from .factories import ConceptFactory, VariantFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
WHEN = datetime(2024, 10, 1, tzinfo=timezone.utc)


@pytest.fixture
def concept():
    concept = ConceptFactory()
    for sku in ("HT-BL-002", "HT-CC-002", "HT-DC-002", "HT-TH-001"):
        VariantFactory(concept=concept, sku=sku)
    return concept


def _pre_order(sku, *, reference, customer="", channel="shopify", market="US"):
    from design.models import Variant

    return PreOrder.objects.create(variant=Variant.objects.get(sku=sku), market=market, quantity=1, channel=channel,
                                   reference=reference, customer=customer, ordered_at=WHEN)


def test_an_imported_order_fulfils_pre_orders_by_reference_or_by_customer_and_sku(concept):
    by_reference = _pre_order("HT-BL-002", reference="#1001")
    by_customer = _pre_order("HT-CC-002", reference="PO-77", customer="Liam.B@example.org", channel="wholesale", market="GB")
    other_sku = _pre_order("HT-DC-002", reference="#1001")
    cancelled_order = _pre_order("HT-TH-001", reference="#1004")  # #1004 is voided and cancelled in the export
    before = sum(row["quantity"] for row in pre_orders_for_sizing(concept=concept))

    [report] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export_2024.csv"])
    assert report.ok and report.pre_orders_fulfilled == 2
    assert "2 pre-order(s) fulfilled" in str(report)
    statuses = dict(PreOrder.objects.values_list("pk", "status"))
    assert statuses[by_reference.pk] == statuses[by_customer.pk] == "fulfilled"
    assert statuses[other_sku.pk] == statuses[cancelled_order.pk] == "open"
    assert sum(row["quantity"] for row in pre_orders_for_sizing(concept=concept)) == before - 2
    event = PreOrderEvent.objects.get(pre_order=by_customer)
    assert event.actor == "import_orders" and "shopify order #1002" in event.note

    [again] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export_2024.csv"])
    assert again.pre_orders_fulfilled == 0 and PreOrderEvent.objects.count() == 2


def test_the_fulfil_transition_refuses_a_cancelled_pre_order_and_names_who(concept):
    pre_order = _pre_order("HT-BL-002", reference="#9")
    pre_order_cancel(pre_order_id=pre_order.pk, actor="merch", reason="customer changed mind")
    with pytest.raises(ValidationError, match="is cancelled and cannot become fulfilled.*only an open one can be fulfilled"):
        pre_order_fulfil(pre_order_id=pre_order.pk, actor="import")
    with pytest.raises(ValidationError, match="Say who"):
        pre_order_fulfil(pre_order_id=pre_order.pk, actor="")
    assert list(PreOrderEvent.objects.values_list("to_status", "actor")) == [("cancelled", "merch")]
    fresh = _pre_order("HT-BL-002", reference="#10")
    assert pre_order_fulfil(pre_order_id=fresh.pk, actor="import").status == "fulfilled"
    assert pre_order_fulfil(pre_order_id=fresh.pk, actor="import") is None  # fulfilled once

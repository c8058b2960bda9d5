"""On PostgreSQL large imports go through COPY: the same rows, counts and rules as the ORM path."""

import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from customers.models import Customer, CustomerEvent, Order, OrderLine
from customers.services import customer_consent_set, customer_erase, orders_import

store = importlib.import_module("customers.services.orders_store")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
FILES = [DATA / "shopify_orders_export_2024.csv", REAL / "shopify_eyewear_eur_2024.csv",
         REAL / "shopify_babystore_zar_2021.csv", REAL / "shopify_cod_bdt_2026.csv"]


def _snapshot():
    orders = list(Order.objects.order_by("external_id").values_list(
        "external_id", "customer__external_id", "placed_at", "market", "currency", "financial_status",
        "fulfillment_status", "cancelled", "is_sale", "subtotal", "discount", "shipping", "taxes", "total", "refunded",
        "gross", "net", "fx_rate", "gross_base", "net_base", "refunded_base", "item_count", "lines_digest",
    ))
    lines = list(OrderLine.objects.order_by("order__external_id", "product__sku", "quantity").values_list(
        "order__external_id", "product__sku", "quantity", "unit_price", "discount", "amount", "amount_base"))
    customers = list(Customer.objects.order_by("external_id").values_list(
        "external_id", "email", "name", "country", "marketing_consent", "first_order_at", "last_order_at",
        "order_count", "net_spend_base"))
    return orders, lines, customers


def _import_all():
    reports = orders_import(fmt="shopify", paths=FILES)
    assert all(r.ok for r in reports), [r.problems for r in reports]
    return reports


@pytest.fixture
def copy_always(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path runs on PostgreSQL only")
    monkeypatch.setattr(store, "COPY_THRESHOLD", 0)


def test_the_copy_path_stores_what_the_orm_path_stores(copy_always, monkeypatch):
    by_copy = [(r.orders_new, r.lines, r.customers_new, r.guest_orders) for r in _import_all()]
    copied = _snapshot()
    Order.objects.all().delete()
    Customer.objects.all().delete()
    monkeypatch.setattr(store, "COPY_THRESHOLD", 10**9)
    by_orm = [(r.orders_new, r.lines, r.customers_new, r.guest_orders) for r in _import_all()]
    assert by_copy == by_orm == [(7, 8, 4, 2), (50, 68, 43, 0), (50, 101, 48, 0), (5, 6, 0, 5)]
    assert _snapshot() == copied


def test_the_copy_path_counts_unchanged_and_updated_orders_and_keeps_erasure_and_consent(copy_always, tmp_path):
    _import_all()
    before = _snapshot()
    again = orders_import(fmt="shopify", paths=FILES)
    assert [(r.orders_new, r.orders_updated, r.orders_unchanged) for r in again] == [
        (0, 0, 7), (0, 0, 50), (0, 0, 50), (0, 0, 5)]
    assert _snapshot() == before

    ava = Customer.objects.get(external_id="ava.m@example.org")
    customer_consent_set(customer_id=ava.pk, consent=False, actor="merch")
    liam = Customer.objects.get(external_id="liam.b@example.org")
    customer_erase(customer_id=liam.pk, actor="merch")
    newer = FILES[0].read_text().replace("#1007,AVA.M@example.org,paid,", "#1007,AVA.M@example.org,refunded,")
    path = tmp_path / "newer.csv"
    path.write_text(newer)
    [report] = orders_import(fmt="shopify", paths=[path])
    assert (report.orders_new, report.orders_updated, report.orders_unchanged, report.customers_new) == (0, 1, 6, 0)
    ava.refresh_from_db()
    assert not ava.marketing_consent and ava.order_count == 2  # a refunded order was still placed
    assert ava.net_spend_base == Decimal("115.20")  # and nets nothing
    assert Order.objects.get(external_id="#1007").net == Decimal("0.00")
    assert not Customer.objects.filter(external_id="liam.b@example.org").exists()
    assert CustomerEvent.objects.filter(kind="erased").count() == 1


def test_the_copy_path_keeps_the_landing_page_and_referrer_and_a_file_without_them_keeps_them(copy_always):
    from customers.services import orders_import_many

    header = "order_id,placed_at,currency,sku,quantity,unit_price,landing_url,referring_site\n"
    first = header + (
        "G-1,2024-12-30T10:00:00,EUR,S-1,1,10.00,/p?utm_campaign=c%09x&utm_source=ig&email=a%40b.c,https://t.co/x?e=1\n"
        "G-2,2024-12-30T11:00:00,EUR,S-1,1,10.00,,\n"
    )
    [report] = orders_import_many(fmt="generic", files=[("g.csv", first.encode())])
    assert report.ok, report.problems
    stored = dict(Order.objects.values_list("external_id", "landing_url"))
    assert stored == {"G-1": "/p?utm_source=ig&utm_campaign=cx", "G-2": ""}
    assert Order.objects.get(external_id="G-1").referring_site == "https://t.co"
    later = "order_id,placed_at,currency,sku,quantity,unit_price\nG-1,2024-12-30T10:00:00,EUR,S-1,2,10.00\n"
    orders_import_many(fmt="generic", files=[("g2.csv", later.encode())])
    order = Order.objects.get(external_id="G-1")
    assert (order.item_count, order.landing_url, order.referring_site) == (
        2, "/p?utm_source=ig&utm_campaign=cx", "https://t.co")

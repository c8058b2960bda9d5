"""The importer on exports real shops made (data/real/, sources in data/README.md), asserted row by row.

The expected figures were counted from the files with the csv module alone: orders, lines, customers,
states, and gross and net by the rules of ``customers.amounts`` (cancelled and voided orders count 0;
net is gross less the discount and the refund).
"""

from decimal import Decimal
from pathlib import Path

import pytest

from customers.models import Customer, Order, OrderColumnMapping, OrderLine, Product
from customers.services import column_mapping_save, orders_import
from customers.services.orders_store import no_sku_key

pytestmark = pytest.mark.django_db

REAL = Path(__file__).parent / "data" / "real"
EUR_TO_USD = Decimal(1) / Decimal("0.92")


def _sums(**filters):
    orders = Order.objects.filter(**filters)
    return sum(o.gross for o in orders), sum(o.net for o in orders)


def test_an_eyewear_shops_export_in_euros_to_customers_worldwide():
    """An Italian eyewear shop, January–February 2024 (an export version without Outstanding Balance,
    Employee, Location and Device ID): discounts, a partial refund, six refunded cancellations, partial
    fulfilment, repeat customers, a line item without a SKU."""
    [report] = orders_import(fmt="shopify", paths=[REAL / "shopify_eyewear_eur_2024.csv"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new, report.guest_orders) == (50, 68, 43, 0)
    assert Order.objects.filter(cancelled=True).count() == 6
    assert set(Order.objects.filter(cancelled=True).values_list("external_id", flat=True)) == {
        "#2226", "#2244", "#2258", "#2259", "#2262", "#2263"}
    assert Order.objects.filter(is_sale=True).count() == 44
    assert _sums() == (Decimal("12056.10"), Decimal("11493.22"))
    assert sum(Order.objects.values_list("total", flat=True)) == Decimal("12500.77")

    first = Order.objects.get(external_id="#2220")
    assert (first.financial_status, first.fulfillment_status, first.item_count) == ("partially_refunded", "fulfilled", 5)
    assert (first.gross, first.discount, first.refunded, first.net) == (
        Decimal("950.81"), Decimal("47.54"), Decimal("155.74"), Decimal("747.53"))
    assert first.market == "TH" and first.currency == "EUR"
    assert first.net_base == (Decimal("747.53") * EUR_TO_USD).quantize(Decimal("0.01"))
    cancelled = Order.objects.get(external_id="#2226")
    assert (cancelled.financial_status, cancelled.is_sale, cancelled.gross, cancelled.net) == ("refunded", False, 0, 0)
    assert cancelled.refunded == Decimal("184.60") and cancelled.total == Decimal("184.23")
    assert Order.objects.get(external_id="#2237").fulfillment_status == "partial"

    repeat = Customer.objects.get(external_id="customer1@eyewear.example.invalid")
    assert sorted(repeat.orders.values_list("external_id", flat=True)) == ["#2220", "#2230", "#2242", "#2246", "#2266", "#2269"]
    assert repeat.order_count == 6 and repeat.name == "Customer 1" and repeat.marketing_consent
    assert Customer.objects.filter(order_count__gt=1).count() == 3
    # Consent as each customer's latest order gives it.
    assert Customer.objects.filter(marketing_consent=True).count() == 33
    assert Product.objects.filter(sku__startswith="NOSKU-").count() == 1

    [again] = orders_import(fmt="shopify", paths=[REAL / "shopify_eyewear_eur_2024.csv"])
    assert (again.orders_new, again.orders_updated, again.orders_unchanged) == (0, 0, 50)
    assert OrderLine.objects.count() == 68


def test_a_baby_stores_export_in_rand_with_notes_over_several_lines():
    """A South African baby store, May 2021 (the current 79-column header): pending EFT orders, voided
    cancellations, a free line item, a note over several lines, orders of up to six lines."""
    [report] = orders_import(fmt="shopify", paths=[REAL / "shopify_babystore_zar_2021.csv"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new) == (50, 101, 48)
    assert report.missing_rates == ["ZAR"] and "no exchange rate for ZAR" in str(report)
    assert Order.objects.filter(financial_status="pending").count() == 13
    voided = Order.objects.filter(financial_status="voided")
    assert set(voided.values_list("external_id", flat=True)) == {"#13549", "#13554"}
    assert all(o.cancelled and not o.is_sale and o.net == 0 for o in voided)
    assert _sums() == (Decimal("133269.00"), Decimal("133269.00"))
    assert not Order.objects.filter(net_base__isnull=False).exists()  # no planning rate for ZAR
    big = Order.objects.get(external_id="#13531")
    assert big.lines.count() == 6 and big.total == Decimal("33017.00")
    assert big.lines.get(product__sku="BugabooFox2").unit_price == 0
    noted = Order.objects.get(external_id="#13521")
    assert noted.lines.get().product.sku == "LD4522"  # the note's eleven lines are one cell of its first row
    assert Order.objects.get(external_id="#13522").market == "ZA"  # shipping country, not the US billing one
    assert Customer.objects.get(external_id="customer20@babystore.example.invalid").order_count == 2
    # Both orders of this customer were voided: a customer with no sale, out of the repeat-customer figures.
    lapsed = Customer.objects.get(external_id="customer30@babystore.example.invalid")
    assert (lapsed.order_count, lapsed.net_spend_base, lapsed.last_order_at) == (0, 0, None)


def test_cash_on_delivery_guest_orders_without_email_or_sku_in_taka():
    """A Bangladeshi shop's cash-on-delivery orders, April 2026: no email on any order, no SKU on any line."""
    [report] = orders_import(fmt="shopify", paths=[REAL / "shopify_cod_bdt_2026.csv"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new, report.guest_orders) == (5, 6, 0, 5)
    assert not Customer.objects.exists() and Order.objects.filter(customer__isnull=True).count() == 5
    assert _sums() == (Decimal("7600.00"), Decimal("7200.00"))
    two = Order.objects.get(external_id="#71737")
    assert (two.gross, two.discount, two.shipping, two.total, two.net) == (
        Decimal("2000.00"), Decimal("400.00"), Decimal("100.00"), Decimal("1700.00"), Decimal("1600.00"))
    spinner = Product.objects.get(sku=no_sku_key("Apple Cider Vinegar Effervescent - Buy 1 Get 1 FREE - Color-free"))
    assert OrderLine.objects.filter(product=spinner).count() == 5
    assert Product.objects.count() == 2  # and the solid perfume
    [again] = orders_import(fmt="shopify", paths=[REAL / "shopify_cod_bdt_2026.csv"])
    assert (again.orders_unchanged, again.guest_orders, Order.objects.count()) == (5, 5, 5)


@pytest.fixture
def amazon_in_mapping():
    return column_mapping_save(
        name="Amazon.in sale report", platform="amazon",
        columns={"order_id": "Order ID", "placed_at": "Date", "status": "Status", "sku": "SKU", "title": "Style",
                 "category": "Category", "quantity": "Qty", "price": "Amount", "currency": "currency",
                 "market": "ship-country"},
        date_format=OrderColumnMapping.DateFormat.MDY_SHORT, price_is_line_total=True,
        cancelled_values="Cancelled", pending_values="Pending; Pending - Waiting for Pick Up",
    )


def test_an_amazon_in_sale_report_through_a_saved_column_mapping(amazon_in_mapping):
    """A seller's Amazon.in report (April 2022, rupees): statuses in Amazon's words, cancelled orders with quantity 0."""
    [report] = orders_import(fmt="generic", paths=[REAL / "amazon_in_sale_report_2022.csv"], mapping=amazon_in_mapping)
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.guest_orders) == (9, 6, 9)
    assert Order.objects.filter(platform="amazon").count() == 9
    cancelled = Order.objects.filter(cancelled=True)
    assert set(cancelled.values_list("external_id", flat=True)) == {
        "405-8078784-5731545", "403-9615377-8133951", "407-5443024-5233168"}
    assert all(o.item_count == 0 and o.net == 0 for o in cancelled)
    assert _sums(is_sale=True) == (Decimal("3185.00"), Decimal("3185.00"))
    kurta = Order.objects.get(external_id="171-9198151-1101146")
    assert (kurta.placed_at.date().isoformat(), kurta.market, kurta.currency) == ("2022-04-30", "IN", "INR")
    assert kurta.lines.get().product.category == "kurta"
    assert len(report.notes) == 3 and "quantity 0 is left out" in report.notes[0]
    [again] = orders_import(fmt="generic", paths=[REAL / "amazon_in_sale_report_2022.csv"], mapping=amazon_in_mapping)
    assert (again.orders_unchanged, Order.objects.count()) == (9, 9)

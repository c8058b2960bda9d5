"""Amazon's All Orders report, WooCommerce's Advanced Order Export, and saved column mappings (one file, or an
orders file with its items file) on files made here in those layouts (data/README.md)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from customers.importers import MappingSpec, ReadOptions, parse_order_tables, parse_orders
from customers.models import Customer, Order, OrderColumnMapping, OrderLine
from customers.services import column_mapping_save, orders_import, orders_import_many

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def test_amazon_all_orders_report_orders_are_guest_orders_with_states_and_line_discounts():
    [report] = orders_import(fmt="amazon", paths=[DATA / "amazon_all_orders.txt"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new, report.guest_orders) == (5, 6, 0, 5)
    shipped = Order.objects.get(external_id="111-1000001-0000001")
    assert (shipped.financial_status, shipped.fulfillment_status, shipped.item_count) == ("paid", "fulfilled", 3)
    assert (shipped.gross, shipped.discount, shipped.net) == (Decimal("94.00"), Decimal("7.80"), Decimal("86.20"))
    blanket = shipped.lines.get(product__sku="HT-BL-001")
    assert (blanket.unit_price, blanket.discount, blanket.amount) == (Decimal("39.00"), Decimal("7.80"), Decimal("70.20"))
    cancelled = Order.objects.get(external_id="111-1000002-0000002")
    assert cancelled.cancelled and not cancelled.is_sale and cancelled.net == 0
    pending = Order.objects.get(external_id="111-1000003-0000003")
    assert pending.financial_status == "pending" and pending.lines.get().unit_price == 0  # no price while pending
    assert Order.objects.get(external_id="302-1000004-0000004").market == "DE"
    uk = Order.objects.get(external_id="203-1000005-0000005")
    assert uk.market == "GB" and uk.lines.get().unit_price == Decimal("22.00")  # from the sales channel Amazon.co.uk


def test_woocommerce_advanced_order_export_with_the_currency_given_on_import():
    [refused] = orders_import(fmt="woocommerce", paths=[DATA / "woocommerce_advanced_export.csv"])
    assert not refused.ok
    assert "column 'currency': the currency is empty; give the file's currency on import" in refused.problem_messages[0]

    [report] = orders_import(fmt="woocommerce", paths=[DATA / "woocommerce_advanced_export.csv"], currency="EUR")
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new) == (4, 5, 3)
    first = Order.objects.get(external_id="4101")
    assert (first.financial_status, first.fulfillment_status, first.currency) == ("paid", "fulfilled", "EUR")
    assert (first.gross, first.discount, first.net, first.total) == (Decimal("80.00"), Decimal("4.80"), Decimal("75.20"), Decimal("48.10"))
    assert first.lines.get(product__sku="HT-DC-002").discount == Decimal("4.80")
    assert first.lines.get(product__sku="HT-DC-002").product.title == "Bettwäsche „Blumen“"
    refunded = Order.objects.get(external_id="4102")
    assert (refunded.financial_status, refunded.refunded, refunded.net) == ("refunded", Decimal("43.90"), 0)
    assert Order.objects.get(external_id="4103").cancelled
    lena = Customer.objects.get(external_id="lena.k@example.org")
    assert (lena.name, lena.country, lena.order_count) == ("Lena Kraus", "DE", 1)


def _two_file_mapping():
    return column_mapping_save(
        name="Marketplace with items apart", platform="generic",
        columns={"order_id": "OrderNo", "placed_at": "Datum", "email": "Kunde", "currency": "Währung",
                 "market": "Land", "status": "Status", "shipping": "Versand"},
        item_columns={"order_id": "Bestellung", "sku": "Artikelnummer", "title": "Artikel", "quantity": "Menge",
                      "price": "Einzelpreis"},
        date_format=OrderColumnMapping.DateFormat.DMY, decimal_comma=True, cancelled_values="storniert",
        refunded_values="erstattet",
    )


ORDERS_FILE = (
    "OrderNo;Datum;Kunde;Währung;Land;Status;Versand\n"
    "A-1;03.02.2025;anna@example.org;EUR;DE;bezahlt;4,90\n"
    "A-2;04.02.2025;;EUR;AT;storniert;0,00\n"
    "A-3;05.02.2025;ben@example.org;EUR;DE;erstattet;4,90\n"
)
ITEMS_FILE = (
    "Bestellung;Artikelnummer;Artikel;Menge;Einzelpreis\n"
    "A-1;HT-BL-001;Kuscheldecke;2;1.039,00\n"
    "A-1;HT-CC-002;Kissenbezug;1;16,00\n"
    "A-3;HT-TH-001;Decke;1;45,00\n"
    "A-2;HT-TH-001;Decke;1;45,00\n"
)


def test_orders_and_items_in_two_files_joined_by_order_id():
    mapping = _two_file_mapping()
    files = [("bestellungen.csv", ORDERS_FILE.encode()), ("positionen.csv", ITEMS_FILE.encode("cp1252"))]
    [report] = orders_import_many(fmt="generic", files=list(reversed(files)), mapping=mapping)
    assert report.ok, report.problems
    assert report.file == "bestellungen.csv + positionen.csv"
    assert (report.orders_new, report.lines, report.customers_new, report.guest_orders) == (3, 4, 2, 1)
    first = Order.objects.get(external_id="A-1")
    assert (first.gross, first.shipping, first.market, first.placed_at.date().isoformat()) == (
        Decimal("2094.00"), Decimal("4.90"), "DE", "2025-02-03")
    assert sorted(first.lines.values_list("product__sku", "quantity")) == [("HT-BL-001", 2), ("HT-CC-002", 1)]
    assert Order.objects.get(external_id="A-2").cancelled
    assert Order.objects.get(external_id="A-3").financial_status == "refunded"
    [again] = orders_import_many(fmt="generic", files=files, mapping=mapping)
    assert (again.orders_unchanged, OrderLine.objects.count()) == (3, 4)


def test_an_item_of_an_order_the_orders_file_lacks_is_a_problem_on_its_line():
    spec = MappingSpec(
        name="m", columns={"order_id": "OrderNo", "placed_at": "Datum", "currency": "Währung"},
        item_columns={"order_id": "Bestellung", "quantity": "Menge", "price": "Einzelpreis", "sku": "Artikelnummer"},
        date_format="%d.%m.%Y", decimal_comma=True,
    )
    items = ITEMS_FILE + "Z-9;HT-BL-001;Decke;1;1,00\n"
    parsed = parse_order_tables(("o.csv", ORDERS_FILE), ("i.csv", items), mapping=spec)
    assert [p.message for p in parsed.problems] == ["i.csv, line 6, column 'Bestellung': order 'Z-9' is not in the orders file"]


def test_an_unpaired_file_of_a_two_file_mapping_is_refused_with_a_reason():
    mapping = _two_file_mapping()
    reports = orders_import_many(fmt="generic", files=[("bestellungen.csv", ORDERS_FILE.encode()),
                                                       ("other.csv", b"a;b\n1;2\n")], mapping=mapping)
    assert [r.ok for r in reports] == [False, False]
    messages = " ".join(m for r in reports for m in r.problem_messages)
    assert "other.csv, line 1: neither an orders file" in messages
    assert "bestellungen.csv: mapping reads an orders file with its items file" in messages
    assert not Order.objects.exists()


def test_a_mapping_needs_the_order_id_date_quantity_and_price():
    with pytest.raises(ValidationError) as refused:
        column_mapping_save(name="", columns={"sku": "SKU"})
    assert set(refused.value.message_dict) == {"name", "col_order_id", "col_placed_at", "col_quantity", "col_price"}
    with pytest.raises(ValidationError) as refused:
        column_mapping_save(name="x", columns={"order_id": "a", "placed_at": "b", "sku": "c"},
                            item_columns={"quantity": "q"})
    assert {"columns", "item_order_id", "item_price"} <= set(refused.value.message_dict)
    column_mapping_save(name="ok", columns={"order_id": "a", "placed_at": "b", "quantity": "c", "price": "d"})
    with pytest.raises(ValidationError, match="already exists"):
        column_mapping_save(name="ok", columns={"order_id": "a", "placed_at": "b", "quantity": "c", "price": "d"})


def test_a_one_file_mapping_with_a_date_format_and_decimal_commas():
    spec = MappingSpec(
        name="semicolons", columns={"order_id": "Nr", "placed_at": "Datum", "email": "Mail", "quantity": "Stk",
                                    "price": "Preis", "sku": "SKU"},
        date_format="%d.%m.%Y", decimal_comma=True, default_currency="EUR", default_market="DE",
    )
    text = "Nr;Datum;Mail;Stk;Preis;SKU\n7;31.12.2024;x@example.org;2;1.234,50;S-1\n8;32.12.2024;y@example.org;1;1,00;S-2\n"
    parsed = parse_orders(text, "m.csv", "generic", mapping=spec)
    assert [p.message for p in parsed.problems] == ["m.csv, line 3, column 'Datum': '32.12.2024' is not a date and time"]
    [good] = parsed.good_orders()
    assert (good.currency, good.market, good.lines[0].unit_price) == ("EUR", "DE", Decimal("1234.50"))
    assert parse_orders(text, "m.csv", "generic", mapping=spec, options=ReadOptions(currency="CHF")).orders[0].currency == "CHF"


def test_a_landing_page_column_is_kept_as_path_and_utm_and_a_later_file_without_it_keeps_it():
    spec = MappingSpec(name="with landing", columns={
        "order_id": "Nr", "placed_at": "Date", "quantity": "Qty", "price": "Price", "sku": "SKU",
        "landing_url": "Landing page", "referring_site": "Referrer"}, default_currency="EUR", default_market="DE")
    text = (
        "Nr,Date,Qty,Price,SKU,Landing page,Referrer\n"
        "7,2024-12-30,1,10.00,S-1,https://shop.example/p?utm_campaign=c&utm_source=ig&email=a%40b.c,https://t.co/x?e=a@b.c\n"
        "8,2024-12-30,1,10.00,S-1,javascript:alert(1),not a site\n"
    )
    parsed = parse_orders(text, "m.csv", "generic", mapping=spec)
    assert not parsed.problems
    assert [(o.landing_url, o.referring_site) for o in parsed.orders] == [
        ("/p?utm_source=ig&utm_campaign=c", "https://t.co"), ("", "")]

    plain = ("order_id,placed_at,currency,sku,quantity,unit_price,landing_url\n"
             "G-1,2024-12-30T10:00:00,EUR,S-1,1,10.00,/p?utm_campaign=c&token=x\n")
    orders_import_many(fmt="generic", files=[("g.csv", plain.encode())])
    assert Order.objects.get(external_id="G-1").landing_url == "/p?utm_campaign=c"
    without = "order_id,placed_at,currency,sku,quantity,unit_price\nG-1,2024-12-30T10:00:00,EUR,S-1,2,10.00\n"
    orders_import_many(fmt="generic", files=[("g2.csv", without.encode())])
    order = Order.objects.get(external_id="G-1")
    assert (order.item_count, order.landing_url) == (2, "/p?utm_campaign=c")

"""The orders importer on the fixture exports of this folder (made here in each shop's layout, see data/README.md)
and on hostile input: states, money, guests, idempotency, all-or-nothing and the good rows on request."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.importers import ImportRefused, parse_orders
from customers.models import Customer, Order, OrderImport, OrderLine, Product
from customers.services import orders_import, orders_import_data, orders_import_file

from .factories import CycleFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
GENERIC_HEADER = (DATA / "generic_orders.csv").read_text().splitlines()[0]


def _write(tmp_path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def _counts():
    return Customer.objects.count(), Order.objects.count(), OrderLine.objects.count(), Product.objects.count()


def test_shopify_export_one_row_per_line_item_with_money_and_states():
    cycle = CycleFactory(number=1)
    [report] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export.csv"])

    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new, report.guest_orders) == (3, 4, 2, 0)
    first = Order.objects.get(platform="shopify", external_id="#1001")
    assert first.cycle == cycle and first.market == "US" and first.financial_status == "paid"
    assert (first.total, first.gross, first.net, first.item_count) == (Decimal("128.00"), Decimal("128.00"), Decimal("128.00"), 2)
    assert (first.fx_rate, first.net_base) == (Decimal("1"), Decimal("128.00"))  # USD is the base currency
    assert first.placed_at.isoformat() == "2025-03-02T14:14:08+00:00"
    assert sorted(first.lines.values_list("product__sku", "unit_price", "amount")) == [
        ("HT-BL-001", Decimal("39.00"), Decimal("39.00")), ("HT-BL-002", Decimal("89.00"), Decimal("89.00")),
    ]
    # E-mail addresses are the customer's identity, whatever their case; the figures follow the orders.
    ava = Customer.objects.get(platform="shopify", external_id="ava.m@example.org")
    assert (ava.order_count, ava.name, ava.marketing_consent, ava.consent_source) == (2, "Ava M", True, "import")
    assert ava.net_spend_base == Decimal("173.00") and ava.last_order_at.date().isoformat() == "2025-04-11"
    gb = Order.objects.get(external_id="#1002")
    assert (gb.currency, gb.market, gb.total, gb.shipping) == ("GBP", "GB", Decimal("36.00"), Decimal("4.00"))
    assert gb.net_base == Decimal("40.51")  # 32.00 GBP at the planning rates (0.79 GBP and 1 USD a dollar)
    assert gb.lines.get().quantity == 2
    assert not Customer.objects.get(external_id="liam.b@example.org").marketing_consent


def test_refunds_cancellations_discounts_and_guests_in_a_current_export():
    """#1001 discounted, #1002 partly refunded, #1003 refunded, #1004 voided and cancelled, #1005 a point-of-sale
    sale and #1006 a draft order without email: guest orders, stored and counted in revenue."""
    [report] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export_2024.csv"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new, report.guest_orders) == (7, 8, 4, 2)
    assert report.guests == [("#1005", 8), ("#1006", 9)]
    assert "2 guest order(s) without an email or customer id: #1005 (line 8), #1006 (line 9)" in str(report)
    money = {
        o.external_id: (o.financial_status, o.cancelled, o.is_sale, o.gross, o.discount, o.refunded, o.net)
        for o in Order.objects.all()
    }
    assert money["#1001"] == ("paid", False, True, Decimal("128.00"), Decimal("12.80"), Decimal("0.00"), Decimal("115.20"))
    assert money["#1002"] == ("partially_refunded", False, True, Decimal("32.00"), Decimal("0.00"), Decimal("16.00"), Decimal("16.00"))
    assert money["#1003"][0] == "refunded" and money["#1003"][6] == Decimal("0.00")
    assert money["#1004"][1:4] == (True, False, Decimal("0.00")) and money["#1004"][6] == Decimal("0.00")
    guests = Order.objects.filter(customer__isnull=True)
    assert set(guests.values_list("external_id", flat=True)) == {"#1005", "#1006"}
    assert all(o.is_sale and o.net > 0 for o in guests)
    line_discounts = dict(OrderLine.objects.filter(order__external_id="#1001").values_list("product__sku", "discount"))
    assert line_discounts == {"HT-BL-002": Decimal("8.90"), "HT-BL-001": Decimal("3.90")}
    # Guest orders are in no customer's figures; ava's count her two sales.
    ava = Customer.objects.get(external_id="ava.m@example.org")
    assert ava.order_count == 2 and not Customer.objects.filter(order_count=0).exclude(external_id="noah.w@example.org").exists()
    again = orders_import_file(fmt="shopify", path=DATA / "shopify_orders_export_2024.csv")
    assert (again.orders_new, again.orders_updated, again.orders_unchanged, again.guest_orders) == (0, 0, 7, 2)


def test_a_newer_export_updates_states_and_money_without_doubling(tmp_path):
    path = DATA / "shopify_orders_export.csv"
    orders_import(fmt="shopify", paths=[path])
    before = _counts()
    [again] = orders_import(fmt="shopify", paths=[path])
    assert (again.orders_new, again.orders_updated, again.orders_unchanged) == (0, 0, 3)
    assert _counts() == before

    # In the newer export #1003 is refunded and #1002 has a third cushion cover.
    newer = path.read_text().replace(
        "#1003,AVA.M@example.org,paid,", "#1003,AVA.M@example.org,refunded,"
    ).replace("2,\"Linen cushion cover, terracotta\",16.00", "3,\"Linen cushion cover, terracotta\",16.00")
    [update] = orders_import(fmt="shopify", paths=[_write(tmp_path, "orders.csv", newer)])
    assert (update.orders_new, update.orders_updated, update.orders_unchanged) == (0, 2, 1), str(update)
    assert Order.objects.get(external_id="#1002").lines.get().quantity == 3
    refunded = Order.objects.get(external_id="#1003")
    assert refunded.financial_status == "refunded" and refunded.net == 0 and refunded.gross == Decimal("45.00")
    assert _counts() == before
    ava = Customer.objects.get(external_id="ava.m@example.org")
    assert ava.net_spend_base == Decimal("128.00")  # her refunded order no longer counts


def test_amazon_order_report_prices_are_per_line_not_per_unit():
    [report] = orders_import(fmt="amazon", paths=[DATA / "amazon_order_report.txt"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new) == (2, 3, 2)
    towels = OrderLine.objects.get(product__sku="HT-TW-001")
    assert (towels.quantity, towels.unit_price, towels.amount) == (2, Decimal("22.00"), Decimal("44.00"))
    order = Order.objects.get(platform="amazon", external_id="114-3941689-8772232")
    assert order.total == Decimal("72.00") and order.market == "US"
    euro = Order.objects.get(external_id="302-1234567-1234567")
    assert euro.currency == "EUR" and euro.net_base == Decimal("69.57")  # 64 EUR at 0.92 EUR a dollar


def test_woocommerce_customer_ids_and_guests_keyed_by_email():
    [report] = orders_import(fmt="woocommerce", paths=[DATA / "woocommerce_orders.csv"])
    assert report.ok, report.problems
    assert set(Customer.objects.values_list("external_id", flat=True)) == {"17", "jonas.w@example.org"}
    guest = Order.objects.get(platform="woocommerce", external_id="802")
    assert guest.market == "DE"  # billing country when there is no shipping country
    assert guest.lines.get().unit_price == Decimal("24.00")
    assert Order.objects.get(external_id="801").fulfillment_status == "fulfilled"


def test_generic_creates_products_with_lexicon_attributes():
    [report] = orders_import(fmt="generic", paths=[DATA / "generic_orders.csv"])
    assert report.ok, report.problems
    assert report.products_new == 2
    new = Product.objects.get(sku="NEW-TH-9")
    assert new.category == "throw" and set(new.attributes.values_list("name", flat=True)) == {"mermaid", "sherpa"}
    assert Order.objects.get(external_id="G-1").total == Decimal("133.00")
    assert Customer.objects.get(external_id="c-2").email == ""


def test_line_items_without_a_sku_get_a_product_from_their_title(tmp_path):
    text = f"{GENERIC_HEADER}\nG-1,c-1,a@example.org,2025-01-05T12:00:00Z,US,USD,,Gift wrapping,,,1,3.00\n" \
           "G-2,c-2,b@example.org,2025-01-06T12:00:00Z,US,USD,,gift  WRAPPING,,,2,3.00\n"
    [report] = orders_import(fmt="generic", paths=[_write(tmp_path, "nosku.csv", text)])
    assert report.ok, report.problems
    [product] = Product.objects.all()
    assert product.sku.startswith("NOSKU-") and product.title == "Gift wrapping"
    assert OrderLine.objects.filter(product=product).count() == 2


def test_a_file_with_a_bad_row_stores_nothing_unless_the_good_rows_are_asked_for(tmp_path):
    bad = "G-9,c-9,x@example.org,yesterday,US,USD,S-9,T,blanket,,1,10.00"
    good = "G-8,c-8,y@example.org,2025-01-01T00:00:00Z,US,USD,HT-BL-001,Sherpa,blanket,sherpa,1,39.00"
    path = _write(tmp_path, "mixed.csv", f"{GENERIC_HEADER}\n{good}\n{bad}\n")
    [refused] = orders_import(fmt="generic", paths=[path])
    assert not refused.ok and refused.status == "failed"
    assert refused.problem_messages == ["mixed.csv, line 3, column 'placed_at': 'yesterday' is not a date and time"]
    assert _counts() == (0, 0, 0, 0)

    [partial] = orders_import(fmt="generic", paths=[path], partial=True)
    assert partial.ok and partial.status == "partial" and (partial.orders_new, partial.rejected) == (1, 1)
    assert list(Order.objects.values_list("external_id", flat=True)) == ["G-8"]
    assert "1 order(s) with problems left out: mixed.csv, line 3, column 'placed_at'" in str(partial)
    log = OrderImport.objects.order_by("id")
    assert [(i.status, i.orders_new, i.orders_rejected) for i in log] == [("failed", 0, 0), ("partial", 1, 1)]
    assert log.last().problems[0]["line"] == 3 and log.last().problems[0]["column"] == "placed_at"


def test_the_same_order_split_across_the_file_is_refused(tmp_path):
    text = (DATA / "generic_orders.csv").read_text() + (
        "G-1,c-1,one@example.org,2025-01-05T12:00:00Z,US,USD,HT-BL-002,Chunky,blanket,,1,89.00\n"
    )
    [report] = orders_import(fmt="generic", paths=[_write(tmp_path, "dup.csv", text)])
    assert not report.ok
    assert report.problem_messages == ["dup.csv, line 5, column 'order_id': order 'G-1' already appeared at line 2"]
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("G-9,c-9,x@example.org,yesterday,US,USD,S-1,T,blanket,,1,10.00", "line 2, column 'placed_at': 'yesterday' is not a date"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,-1,10.00", "column 'quantity': '-1' is not a quantity"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,NaN", "column 'unit_price': 'NaN' is not an amount"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,1e99", "column 'unit_price': '1e99' is not an amount"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,USA,USD,S-1,T,blanket,,1,10", "column 'market': 'USA' is not a two-letter"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,dollars,S-1,T,blanket,,1,10", "column 'currency': 'dollars' is not a three-letter"),
        ("G-9,c-9,not-an-email,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,10", "column 'email': 'not-an-email' is not an email"),
        (f"G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,{'S' * 65},T,blanket,,1,10", "column 'sku': longer than 64"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,unobtainium,1,10", "column 'attributes': attribute 'unobtainium' (SKU S-1) is not in the attribute lexicon"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,10,extra", "line 2: more cells than the header"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,", "column 'unit_price': the price is empty"),
    ],
)
def test_malformed_rows_are_refused_naming_file_line_and_column(tmp_path, row, expected):
    good = "G-8,c-8,y@example.org,2025-01-01T00:00:00Z,US,USD,HT-BL-001,Sherpa,blanket,sherpa,1,39.00"
    path = _write(tmp_path, "bad.csv", f"{GENERIC_HEADER}\n{row}\n{good}\n")
    [report] = orders_import(fmt="generic", paths=[path])
    assert not report.ok
    assert any(p.startswith("bad.csv, line 2") and expected in p for p in report.problem_messages), report.problem_messages
    assert _counts() == (0, 0, 0, 0)  # the good row of the same file is not stored either


def test_formula_like_keys_are_refused_and_free_text_is_defused(tmp_path):
    good = "G-1,c-1,a@example.org,2025-01-01T00:00:00Z,US,USD,S-1,=HYPERLINK(\"http://x\"),@cmd,,1,10"
    rows = [
        "=1+1,c-2,b@example.org,2025-01-01T00:00:00Z,US,USD,S-2,T,c,,1,10",
        "G-3,-c3,b@example.org,2025-01-01T00:00:00Z,US,USD,S-3,T,c,,1,10",
        "G-4,c-4,b@example.org,2025-01-01T00:00:00Z,US,USD,+S-4,T,c,,1,10",
    ]
    [report] = orders_import(fmt="generic", paths=[_write(tmp_path, "keys.csv", "\n".join([GENERIC_HEADER, good, *rows]) + "\n")])
    assert not report.ok
    assert report.problem_messages == [
        "keys.csv, line 3, column 'order_id': '=1+1' looks like a spreadsheet formula",
        "keys.csv, line 4, column 'customer_id': '-c3' looks like a spreadsheet formula",
        "keys.csv, line 5, column 'sku': '+S-4' looks like a spreadsheet formula",
    ]
    assert _counts() == (0, 0, 0, 0)
    [report] = orders_import(fmt="generic", paths=[_write(tmp_path, "good.csv", f"{GENERIC_HEADER}\n{good}\n")])
    assert report.ok, report.problems
    product = Product.objects.get(sku="S-1")
    assert (product.title, product.category) == ("'=HYPERLINK(\"http://x\")", "'@cmd")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_exports_saved_as_utf8_bom_utf16_or_windows_1252_are_read(tmp_path, encoding):
    text = (DATA / "woocommerce_orders.csv").read_text().replace("Floral cotton duvet cover kids", "Bettwäsche „Blumen“ €")
    [report] = orders_import(fmt="woocommerce", paths=[_write(tmp_path, "orders.csv", text.encode(encoding))])
    assert report.ok, report.problems
    assert Product.objects.get(sku="HT-DC-002").title == "Bettwäsche „Blumen“ €"


def test_hostile_files_are_refused_without_storing(tmp_path):
    script = '<script>alert(1)</script>'
    hostile = [
        _write(tmp_path, "binary.csv", b"\x00\x01\x02PK\x03\x04"),
        _write(tmp_path, "mixed.csv", f"{GENERIC_HEADER}\nG-1,c,é@example.org\n".encode() + "G-2,c,é@example.org".encode("latin-1")),
        _write(tmp_path, "missing.csv", "order_id,sku\n1,S\n"),
        _write(tmp_path, "empty.csv", f"{GENERIC_HEADER}\n"),
        _write(tmp_path, "utf16-no-bom.csv", GENERIC_HEADER.encode("utf-16-le")),
        _write(tmp_path, "huge_cell.csv", f'{GENERIC_HEADER}\nG-1,c-1,a@example.org,2025-01-01T00:00:00Z,US,USD,S,"{"x" * 200_000}",blanket,,1,1\n'),
        tmp_path / "does-not-exist.csv",
    ]
    reports = orders_import(fmt="generic", paths=hostile)
    assert [r.ok for r in reports] == [False] * len(hostile)
    problems = {r.file: " ".join(r.problem_messages) for r in reports}
    assert "binary content" in problems["binary.csv"]
    assert "mixed.csv, line 3: byte 0xE9 is not UTF-8" in problems["mixed.csv"] and "mixes encodings" in problems["mixed.csv"]
    assert "column 'placed_at': column missing" in problems["missing.csv"]
    assert "no orders" in problems["empty.csv"]
    assert "UTF-16 text without a byte order mark" in problems["utf16-no-bom.csv"]
    assert "huge_cell.csv, line 2: line is longer than" in problems["huge_cell.csv"]
    assert "cannot read" in problems["does-not-exist.csv"]
    assert _counts() == (0, 0, 0, 0)

    # Markup is stored as plain text, never interpreted; formula-looking text is stored defused.
    path = _write(tmp_path, "markup.csv", f"{GENERIC_HEADER}\nG-1,c-1,a@example.org,2025-01-01T00:00:00Z,US,USD,S-1,{script},=cmd(),,1,1\n")
    [report] = orders_import(fmt="generic", paths=[path])
    assert report.ok, report.problems
    product = Product.objects.get(sku="S-1")
    assert (product.title, product.category) == (script, "'=cmd()")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    report = orders_import_data(fmt="generic", filename="big.csv", data=b"x" * 2048, max_bytes=1024)
    assert not report.ok and report.problem_messages == ["big.csv: the file is larger than 1 KB"]


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = _write(tmp_path, "bad.csv", "order_id\n")
    reports = orders_import(fmt="generic", paths=[bad, DATA / "generic_orders.csv"])
    assert [r.ok for r in reports] == [False, True]
    assert Order.objects.count() == 2


def test_unknown_format_is_reported():
    report = orders_import_file(fmt="ebay", path=DATA / "generic_orders.csv")
    assert not report.ok and "unknown format 'ebay'" in report.problem_messages[0]


def test_import_orders_command(capsys, tmp_path):
    CycleFactory(number=1)
    CycleFactory(number=2)
    call_command("import_orders", "--format", "shopify", "--cycle", "1", str(DATA / "shopify_orders_export.csv"))
    out = capsys.readouterr().out
    assert "shopify_orders_export.csv: 3 new, 0 updated, 0 unchanged orders (4 lines stored)" in out
    assert set(Order.objects.values_list("cycle__number", flat=True)) == {1}

    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_orders", "--format", "generic", str(DATA / "shopify_orders_export.csv"))
    assert "refused, nothing stored" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Cycle 7 does not exist"):
        call_command("import_orders", "--format", "generic", "--cycle", "7", str(DATA / "generic_orders.csv"))
    with pytest.raises(CommandError, match="No column mapping named 'nope'"):
        call_command("import_orders", "--format", "generic", "--mapping", "nope", str(DATA / "generic_orders.csv"))

    bad = _write(tmp_path, "half.csv", f"{GENERIC_HEADER}\nG-9,c,x@example.org,yesterday,US,USD,S,T,c,,1,1\n"
                                       "G-8,c,x@example.org,2025-01-01T00:00:00Z,US,USD,S,T,c,,1,1\n")
    call_command("import_orders", "--format", "generic", "--partial", str(bad))
    assert "1 order(s) with problems left out" in capsys.readouterr().out
    assert Order.objects.filter(platform="generic").count() == 1


ORDER_ALPHABET = st.sampled_from(
    [",", ",", ",", "\n", "\t", '"', "#1", "G-1", "a@example.org", "2025-01-01T00:00:00Z", "US", "USD", "S-1", "1", "9.50",
     "=1", "é", "\x00", "Name", "Lineitem sku", "Lineitem quantity", "Email", "Created at", "Currency", "Lineitem price",
     "-3.00", "0", "amazon-order-id", "Order Status", "Item Cost"]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["shopify", "amazon", "woocommerce", "generic"]),
    st.booleans(),
    st.one_of(
        st.binary(max_size=400),
        st.lists(ORDER_ALPHABET, max_size=60).map(lambda parts: "".join(parts).encode()),
        st.lists(ORDER_ALPHABET, max_size=60).map(lambda parts: (GENERIC_HEADER + "\n" + "".join(parts)).encode()),
        st.lists(ORDER_ALPHABET, max_size=60).map(
            lambda parts: ((DATA / "shopify_orders_export.csv").read_text().splitlines()[0] + "\n" + "".join(parts)).encode("utf-16")
        ),
    ),
)
def test_any_bytes_give_orders_or_problems_naming_the_file(fmt, partial, data):
    try:
        parsed = parse_orders(data, "fuzz.csv", fmt, partial=partial)
    except ImportRefused as refused:
        assert refused.problems
        assert all(p.file == "fuzz.csv" and p.message.startswith("fuzz.csv") for p in refused.problems)
    else:
        assert parsed.orders or parsed.problems
        assert all(p.file == "fuzz.csv" for p in parsed.problems)
        for order in parsed.good_orders():
            assert order.external_id and order.placed_at.tzinfo is not None and len(order.currency) == 3
            assert all(line.quantity > 0 and line.unit_price >= 0 for line in order.lines)

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.importers import ImportRefused, parse_orders

from customers.models import Customer, Order, OrderLine, Product
from customers.services import orders_import, orders_import_file

from .factories import CycleFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def _write(tmp_path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def _counts():
    return Customer.objects.count(), Order.objects.count(), OrderLine.objects.count(), Product.objects.count()


def test_shopify_export_one_row_per_line_item():
    cycle = CycleFactory(number=1)
    [report] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export.csv"])

    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new) == (3, 4, 2)
    first = Order.objects.get(platform="shopify", external_id="#1001")
    assert first.cycle == cycle and first.total == Decimal("128.00") and first.market == "US"
    assert first.placed_at.isoformat() == "2025-03-02T14:14:08+00:00"
    assert sorted(first.lines.values_list("product__sku", "unit_price")) == [
        ("HT-BL-001", Decimal("39.00")), ("HT-BL-002", Decimal("89.00"))
    ]
    # E-mail addresses are the customer's identity, whatever their case.
    ava = Customer.objects.get(platform="shopify", external_id="ava.m@example.org")
    assert ava.orders.count() == 2
    gb = Order.objects.get(external_id="#1002")
    assert (gb.currency, gb.market, gb.total) == ("GBP", "GB", Decimal("36.00"))
    assert gb.lines.get().quantity == 2


def test_a_shopify_export_with_draft_and_pos_orders_without_email_is_not_refused_whole():
    [report] = orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export_2024.csv"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new, report.products_new) == (5, 6, 4, 5)
    # The point-of-sale sale and the order made from a draft have no email: left out, and said so.
    assert [(g.external_id, g.line) for g in report.guests] == [("#1005", 8), ("#1006", 9)]
    assert "2 order(s) without an email or customer id not stored (draft, point-of-sale or guest orders): " \
           "#1005 (line 8), #1006 (line 9)" in str(report)
    assert set(Order.objects.values_list("external_id", flat=True)) == {"#1001", "#1002", "#1003", "#1004", "#1007"}
    first = Order.objects.get(external_id="#1001")
    assert (first.total, first.market, first.currency) == (Decimal("130.44"), "US", "USD")
    assert first.placed_at.isoformat() == "2024-11-02T13:14:08+00:00"
    assert sorted(first.lines.values_list("product__sku", "quantity", "unit_price")) == [
        ("HT-BL-001", 1, Decimal("39.00")), ("HT-BL-002", 1, Decimal("89.00"))
    ]
    assert Customer.objects.get(external_id="ava.m@example.org").orders.count() == 2
    assert Order.objects.get(external_id="#1002").customer.email == "liam.b@example.org"
    again = orders_import_file(fmt="shopify", path=DATA / "shopify_orders_export_2024.csv")
    assert (again.orders_new, again.orders_unchanged, len(again.guests)) == (0, 5, 2)


def test_an_export_of_guest_orders_only_stores_nothing_and_says_why(tmp_path):
    header = (DATA / "generic_orders.csv").read_text().splitlines()[0]
    path = _write(tmp_path, "guests.csv", f"{header}\nG-9,,,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,10\n")
    [report] = orders_import(fmt="generic", paths=[path])
    assert report.ok and report.orders_new == 0
    assert "1 order(s) without an email or customer id not stored" in str(report) and "G-9 (line 2)" in str(report)
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_exports_saved_as_utf16_or_windows_1252_are_read(tmp_path, encoding):
    text = (DATA / "woocommerce_orders.csv").read_text().replace("Floral cotton duvet cover kids", "Bettwäsche „Blumen“ €")
    [report] = orders_import(fmt="woocommerce", paths=[_write(tmp_path, "orders.csv", text.encode(encoding))])
    assert report.ok, report.problems
    assert Product.objects.get(sku="HT-DC-002").title == "Bettwäsche „Blumen“ €"


def test_formula_like_keys_are_refused_and_free_text_is_defused(tmp_path):
    header = (DATA / "generic_orders.csv").read_text().splitlines()[0]
    good = "G-1,c-1,a@example.org,2025-01-01T00:00:00Z,US,USD,S-1,=HYPERLINK(\"http://x\"),@cmd,,1,10"
    rows = [
        "=1+1,c-2,b@example.org,2025-01-01T00:00:00Z,US,USD,S-2,T,c,,1,10",
        "G-3,-c3,b@example.org,2025-01-01T00:00:00Z,US,USD,S-3,T,c,,1,10",
        "G-4,c-4,b@example.org,2025-01-01T00:00:00Z,US,USD,+S-4,T,c,,1,10",
    ]
    [report] = orders_import(fmt="generic", paths=[_write(tmp_path, "keys.csv", "\n".join([header, good, *rows]) + "\n")])
    assert not report.ok
    assert report.problems == [
        "keys.csv, line 3, column 'order_id': '=1+1' looks like a spreadsheet formula",
        "keys.csv, line 4, column 'customer_id': '-c3' looks like a spreadsheet formula",
        "keys.csv, line 5, column 'sku': '+S-4' looks like a spreadsheet formula",
    ]
    assert _counts() == (0, 0, 0, 0)
    [report] = orders_import(fmt="generic", paths=[_write(tmp_path, "good.csv", f"{header}\n{good}\n")])
    assert report.ok, report.problems
    product = Product.objects.get(sku="S-1")
    assert (product.title, product.category) == ("'=HYPERLINK(\"http://x\")", "'@cmd")


def test_amazon_order_report_prices_are_per_line_not_per_unit():
    [report] = orders_import(fmt="amazon", paths=[DATA / "amazon_order_report.txt"])
    assert report.ok, report.problems
    assert (report.orders_new, report.lines, report.customers_new) == (2, 3, 2)
    towels = OrderLine.objects.get(product__sku="HT-TW-001")
    assert (towels.quantity, towels.unit_price) == (2, Decimal("22.00"))
    order = Order.objects.get(platform="amazon", external_id="114-3941689-8772232")
    assert order.total == Decimal("72.00") and order.market == "US"
    assert Order.objects.get(external_id="302-1234567-1234567").currency == "EUR"


def test_woocommerce_guest_orders_are_keyed_by_email():
    [report] = orders_import(fmt="woocommerce", paths=[DATA / "woocommerce_orders.csv"])
    assert report.ok, report.problems
    assert set(Customer.objects.values_list("external_id", flat=True)) == {"17", "jonas.w@example.org"}
    guest = Order.objects.get(platform="woocommerce", external_id="802")
    assert guest.market == "DE"  # billing country when there is no shipping country
    assert guest.lines.get().unit_price == Decimal("24.00")


def test_generic_creates_products_with_lexicon_attributes():
    [report] = orders_import(fmt="generic", paths=[DATA / "generic_orders.csv"])
    assert report.ok, report.problems
    assert report.products_new == 2
    new = Product.objects.get(sku="NEW-TH-9")
    assert new.category == "throw" and set(new.attributes.values_list("name", flat=True)) == {"mermaid", "sherpa"}
    assert Order.objects.get(external_id="G-1").total == Decimal("133.00")
    assert Customer.objects.get(external_id="c-2").email == ""


def test_importing_twice_changes_nothing_and_a_changed_order_is_updated(tmp_path):
    path = DATA / "shopify_orders_export.csv"
    orders_import(fmt="shopify", paths=[path])
    before = _counts()
    [again] = orders_import(fmt="shopify", paths=[path])
    assert (again.orders_new, again.orders_updated, again.orders_unchanged) == (0, 0, 3)
    assert _counts() == before

    changed = path.read_text().replace("2,\"Linen cushion cover, terracotta\",16.00", "3,\"Linen cushion cover, terracotta\",16.00")
    [update] = orders_import(fmt="shopify", paths=[_write(tmp_path, "orders.csv", changed)])
    assert (update.orders_new, update.orders_updated, update.orders_unchanged) == (0, 1, 2)
    assert Order.objects.get(external_id="#1002").lines.get().quantity == 3
    assert _counts() == before


def test_the_same_order_split_across_the_file_is_refused(tmp_path):
    text = (DATA / "generic_orders.csv").read_text() + (
        "G-1,c-1,one@example.org,2025-01-05T12:00:00Z,US,USD,HT-BL-002,Chunky,blanket,,1,89.00\n"
    )
    [report] = orders_import(fmt="generic", paths=[_write(tmp_path, "dup.csv", text)])
    assert not report.ok
    assert report.problems == ["dup.csv, line 5, column 'order_id': order 'G-1' already appeared at line 2"]
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("G-9,c-9,x@example.org,yesterday,US,USD,S-1,T,blanket,,1,10.00", "line 2, column 'placed_at': 'yesterday' is not a date"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,-1,10.00", "column 'quantity': '-1' is not a quantity"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,NaN", "column 'unit_price': 'NaN' is not an amount"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,1e99", "column 'unit_price': '1e99' is not an amount"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,USA,USD,S-1,T,blanket,,1,10", "column 'market': 'USA' is not a two-letter"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,dollars,S-1,T,blanket,,1,10", "column 'currency': 'DOLLARS' is not a three-letter"),
        ("G-9,c-9,not-an-email,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,10", "column 'email': 'not-an-email' is not an email"),
        (f"G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,{'S' * 65},T,blanket,,1,10", "column 'sku': longer than 64"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,unobtainium,1,10", "column 'attributes': attribute 'unobtainium' (SKU S-1) is not in the attribute lexicon"),
        ("G-9,c-9,x@example.org,2025-01-01T00:00:00Z,US,USD,S-1,T,blanket,,1,10,extra", "line 2: more cells than the header"),
    ],
)
def test_malformed_rows_are_refused_naming_file_line_and_column(tmp_path, row, expected):
    header = (DATA / "generic_orders.csv").read_text().splitlines()[0]
    good = "G-8,c-8,y@example.org,2025-01-01T00:00:00Z,US,USD,HT-BL-001,Sherpa,blanket,sherpa,1,39.00"
    path = _write(tmp_path, "bad.csv", f"{header}\n{row}\n{good}\n")
    [report] = orders_import(fmt="generic", paths=[path])
    assert not report.ok
    assert any(p.startswith("bad.csv, line 2") and expected in p for p in report.problems), report.problems
    assert _counts() == (0, 0, 0, 0)  # the good row of the same file is not stored either


def test_hostile_files_are_refused_without_storing(tmp_path):
    header = (DATA / "generic_orders.csv").read_text().splitlines()[0]
    script = '<script>alert(1)</script>'
    hostile = [
        _write(tmp_path, "binary.csv", b"\x00\x01\x02PK\x03\x04"),
        _write(tmp_path, "mixed.csv", f"{header}\nG-1,c,é@example.org\n".encode() + "G-2,c,é@example.org".encode("latin-1")),
        _write(tmp_path, "missing.csv", "order_id,sku\n1,S\n"),
        _write(tmp_path, "empty.csv", f"{header}\n"),
        _write(tmp_path, "huge_cell.csv", f'{header}\nG-1,c-1,a@example.org,2025-01-01T00:00:00Z,US,USD,S,"{"x" * 200_000}",blanket,,1,1\n'),
        tmp_path / "does-not-exist.csv",
    ]
    reports = orders_import(fmt="generic", paths=hostile)
    assert [r.ok for r in reports] == [False] * len(hostile)
    problems = {r.file: " ".join(r.problems) for r in reports}
    assert "binary content" in problems["binary.csv"]
    assert "mixed.csv, line 3: byte 0xE9 is not UTF-8" in problems["mixed.csv"] and "mixes encodings" in problems["mixed.csv"]
    assert "column 'placed_at': column missing" in problems["missing.csv"]
    assert "no orders" in problems["empty.csv"]
    assert "huge_cell.csv, line 2: line is longer than" in problems["huge_cell.csv"]
    assert "cannot read" in problems["does-not-exist.csv"]
    assert _counts() == (0, 0, 0, 0)

    # Markup is stored as plain text, never interpreted; formula-looking text is stored defused.
    path = _write(tmp_path, "markup.csv", f"{header}\nG-1,c-1,a@example.org,2025-01-01T00:00:00Z,US,USD,S-1,{script},=cmd(),,1,1\n")
    [report] = orders_import(fmt="generic", paths=[path])
    assert report.ok, report.problems
    product = Product.objects.get(sku="S-1")
    assert (product.title, product.category) == (script, "'=cmd()")


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = _write(tmp_path, "bad.csv", "order_id\n")
    reports = orders_import(fmt="generic", paths=[bad, DATA / "generic_orders.csv"])
    assert [r.ok for r in reports] == [False, True]
    assert Order.objects.count() == 2


def test_unknown_format_is_reported():
    report = orders_import_file(fmt="ebay", path=DATA / "generic_orders.csv")
    assert not report.ok and "unknown format 'ebay'" in report.problems[0]


def test_import_orders_command(capsys):
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


ORDER_ALPHABET = st.sampled_from(
    [",", ",", ",", "\n", "\t", '"', "#1", "G-1", "a@example.org", "2025-01-01T00:00:00Z", "US", "USD", "S-1", "1", "9.50",
     "=1", "é", "\x00", "Name", "Lineitem sku", "Lineitem quantity", "Email"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["shopify", "amazon", "woocommerce", "generic"]),
    st.one_of(
        st.binary(max_size=400),
        st.lists(ORDER_ALPHABET, max_size=60).map(lambda parts: "".join(parts).encode()),
        st.lists(ORDER_ALPHABET, max_size=60).map(
            lambda parts: ((DATA / "generic_orders.csv").read_text().splitlines()[0] + "\n" + "".join(parts)).encode()
        ),
        st.lists(ORDER_ALPHABET, max_size=60).map(
            lambda parts: ((DATA / "shopify_orders_export.csv").read_text().splitlines()[0] + "\n" + "".join(parts)).encode("utf-16")
        ),
    ),
)
def test_any_bytes_give_orders_or_problems_naming_the_file(fmt, data):
    try:
        parsed = parse_orders(data, "fuzz.csv", fmt)
    except ImportRefused as refused:
        assert refused.problems
        assert all(p.file == "fuzz.csv" and p.message.startswith("fuzz.csv") for p in refused.problems)
    else:
        assert parsed.orders or parsed.guests

"""Pre-orders: the record, manual entry, file imports (template and Shopify), sizing, the page, the command."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from c2f.demo import demo_pre_orders_create
from production import selectors, services
from production.importers import pre_orders as parser
from production.models import PreOrder

from .factories import ConceptFactory, FactoryFactory, SampleFactory, VariantFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data" / "pre_orders"
TEMPLATE_HEADER = "reference,sku,market,quantity,ordered_at,customer"


@pytest.fixture
def throw():
    """A sherpa throw in three colours for the US, GB and DE: the SKUs the fixture files name."""
    concept = ConceptFactory(name="Sherpa throw", target_markets=["US", "GB", "DE"])
    variants = {
        colour: VariantFactory(concept=concept, sku=sku, colour=colour)
        for sku, colour in [("ST-CREAM-130", "cream"), ("ST-SAGE-130", "sage green"), ("ST-BLGR-130", "blue grey")]
    }
    return concept, variants


def import_file(name, **kwargs):
    path = DATA / name
    return services.pre_orders_import(file=path.read_bytes(), filename=path.name, **kwargs)


def import_text(text, *, filename="pre_orders.csv", **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return services.pre_orders_import(file=data, filename=filename, **kwargs)


def stored():
    return sorted(PreOrder.objects.values_list("channel", "reference", "variant__sku", "market", "quantity"))


# --- the model ------------------------------------------------------------------------

def test_the_same_line_on_the_same_channel_is_stored_once(throw):
    _, variants = throw
    row = {"variant": variants["cream"], "market": "US", "quantity": 2, "channel": "shopify", "reference": "#1001",
           "ordered_at": timezone.now()}
    PreOrder.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        PreOrder.objects.create(**row)
    # Another channel, market or variant is another pre-order.
    PreOrder.objects.create(**(row | {"channel": "wholesale"}))
    PreOrder.objects.create(**(row | {"market": "GB"}))
    assert PreOrder.objects.count() == 3


@pytest.mark.parametrize("changes", [{"quantity": 0}, {"reference": ""}])
def test_the_database_refuses_a_zero_quantity_or_an_empty_reference(throw, changes):
    _, variants = throw
    row = {"variant": variants["cream"], "market": "US", "quantity": 1, "reference": "R-1", "ordered_at": timezone.now()}
    with pytest.raises(IntegrityError), transaction.atomic():
        PreOrder.objects.create(**(row | changes))


# --- manual entry and cancelling ----------------------------------------------------------

def test_manual_entry_stores_a_clean_pre_order(throw):
    _, variants = throw
    pre_order = services.pre_order_create(
        variant=variants["sage green"], market=" gb ", quantity="12", reference=" PO-TH-77 ",
        channel="wholesale", customer="Thistle Interiors", note="Deliver with the first batch",
    )
    pre_order.refresh_from_db()
    assert (pre_order.market, pre_order.quantity, pre_order.reference, pre_order.channel) == ("GB", 12, "PO-TH-77", "wholesale")
    assert pre_order.status == PreOrder.Status.OPEN and not pre_order.is_demo
    assert abs((timezone.now() - pre_order.ordered_at).total_seconds()) < 60


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": "2.5"}, "quantity"),
        ({"quantity": 10_000_000}, "quantity"),
        ({"market": ""}, "market"),
        ({"market": "U S"}, "market"),
        ({"reference": "  "}, "reference"),
        ({"reference": "=HYPERLINK(\"x\")"}, "reference"),
        ({"reference": "R" * 81}, "reference"),
        ({"customer": "c" * 201}, "customer"),
        ({"customer": "=" + "c" * 199}, "customer"),  # 201 characters once defused
        ({"channel": "telex"}, "channel"),
        ({"channel": "demo"}, "channel"),
        ({"ordered_at": timezone.now() + datetime.timedelta(days=30)}, "ordered_at"),
        ({"ordered_at": datetime.datetime(1999, 12, 31, tzinfo=datetime.timezone.utc)}, "ordered_at"),
        ({"variant": None}, "variant"),
        ({"note": "n" * 2001}, "note"),
    ],
)
def test_manual_entry_names_the_bad_field_and_stores_nothing(throw, changes, field):
    _, variants = throw
    values = {"variant": variants["cream"], "market": "US", "quantity": 1, "reference": "R-1"} | changes
    with pytest.raises(ValidationError) as raised:
        services.pre_order_create(**values)
    assert field in raised.value.message_dict
    assert not PreOrder.objects.exists()


def test_manual_entry_of_a_stored_line_is_refused_and_formula_text_is_defused(throw):
    _, variants = throw
    first = services.pre_order_create(
        variant=variants["cream"], market="US", quantity=1, reference="R-1", customer="=HYPERLINK(\"http://x\")"
    )
    assert first.customer == "'=HYPERLINK(\"http://x\")"
    with pytest.raises(ValidationError) as raised:
        services.pre_order_create(variant=variants["cream"], market="US", quantity=4, reference="R-1")
    assert "already recorded" in raised.value.message_dict["reference"][0]
    assert PreOrder.objects.get().quantity == 1


def test_cancel_keeps_the_reason_and_refuses_twice(throw):
    _, variants = throw
    pre_order = services.pre_order_create(variant=variants["cream"], market="US", quantity=3, reference="R-1")
    services.pre_order_cancel(pre_order_id=pre_order.pk, actor="merch", reason="customer changed their mind")
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrder.Status.CANCELLED
    assert "by merch: customer changed their mind" in pre_order.note
    with pytest.raises(ValidationError) as raised:
        services.pre_order_cancel(pre_order_id=pre_order.pk)
    assert "only an open one" in raised.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as raised:
        services.pre_order_cancel(pre_order_id=pre_order.pk + 1000)
    assert "pre_order" in raised.value.message_dict


# --- the template file ---------------------------------------------------------------------

def test_template_file_is_imported(throw):
    report = import_file("pre_orders_template.csv")
    assert report.ok, report.problems
    assert (report.format, report.channel, report.created, report.units, report.unchanged) == ("template", "other", 5, 64, 0)
    assert stored() == [
        ("other", "PO-HL-2025-014", "ST-SAGE-130", "US", 24),
        ("other", "PO-WW-88", "ST-CREAM-130", "DE", 36),
        ("other", "WEB-5512", "ST-BLGR-130", "US", 2),
        ("other", "WEB-5513", "ST-CREAM-130", "GB", 1),
        ("other", "WEB-5513", "ST-SAGE-130", "GB", 1),
    ]
    web = PreOrder.objects.get(reference="WEB-5512")
    assert web.ordered_at == datetime.datetime(2025, 3, 2, 14, 14, 8, tzinfo=datetime.timezone.utc)
    assert web.customer == "ava.m@shoppers.example"
    assert PreOrder.objects.get(reference="PO-WW-88").customer == "Wohnwerk Handel, Einkauf"
    assert "5 new (64 units), 0 unchanged" in str(report)


def test_byte_order_mark_crlf_and_column_order_are_read(throw):
    report = import_file("pre_orders_excel_bom_crlf.csv", channel="shopify")
    assert report.ok, report.problems
    assert stored() == [("shopify", "WEB-6001", "ST-BLGR-130", "US", 3), ("shopify", "WEB-6002", "ST-SAGE-130", "GB", 1)]


def test_importing_the_same_file_twice_stores_nothing_new(throw):
    first = import_file("pre_orders_template.csv")
    again = import_file("pre_orders_template.csv")
    assert first.created == 5
    assert again.ok and (again.created, again.unchanged) == (0, 5)
    assert PreOrder.objects.count() == 5


def test_a_stored_line_with_another_quantity_is_kept_and_reported(throw):
    import_file("pre_orders_template.csv")
    text = f"{TEMPLATE_HEADER}\nPO-WW-88,ST-CREAM-130,DE,40,2025-03-04,\nPO-WW-89,ST-CREAM-130,DE,6,2025-03-05,\n"
    report = import_text(text)
    assert report.ok and (report.created, report.unchanged) == (1, 1)
    assert "stored with quantity 36; the file's 40 was not applied" in report.warnings[0]
    assert PreOrder.objects.get(reference="PO-WW-88").quantity == 36


def test_bad_lines_refuse_the_whole_file_naming_line_column_and_reason(throw):
    report = import_file("pre_orders_bad_lines.csv")
    assert not report.ok
    problems = report.problems
    expected = [
        "line 4, column 'quantity': 0 is not a quantity above 0",
        "line 5, column 'quantity': -2 is not a quantity above 0",
        "line 6, column 'quantity': 'two' is not a whole number",
        "line 7, column 'ordered_at': '03/01/2025' is not a date",
        "line 8, column 'market': the market is empty",
        "line 9, column 'reference': reference WEB-7001, SKU ST-SAGE-130, market US is already given on line 2",
    ]
    for text in expected:
        assert any(f"pre_orders_bad_lines.csv, {text}" in p for p in problems), (text, problems)
    assert report.duplicates == [
        {"line": 9, "first_line": 2, "reference": "WEB-7001", "sku": "ST-SAGE-130", "market": "US", "merged": False}
    ]
    assert not PreOrder.objects.exists()


def test_an_unknown_sku_names_the_line_and_the_sku(throw):
    text = f"{TEMPLATE_HEADER}\nWEB-1,ST-SAGE-130,US,2,2025-03-01,\nWEB-2,ST-NOPE-999,US,1,2025-03-01,\n"
    report = import_text(text)
    assert not report.ok
    assert report.problems == ["pre_orders.csv, line 3, column 'sku': SKU 'ST-NOPE-999' matches no variant"]
    assert not PreOrder.objects.exists()


def test_a_concept_restricts_the_skus(throw):
    concept, _ = throw
    VariantFactory(sku="MB-TEAL-150", colour="teal")
    text = f"{TEMPLATE_HEADER}\nWEB-1,ST-SAGE-130,US,2,2025-03-01,\nWEB-2,MB-TEAL-150,US,1,2025-03-01,\n"
    report = import_text(text, concept=concept)
    assert not report.ok
    assert "line 3, column 'sku': SKU 'MB-TEAL-150' is a variant of" in report.problems[0]
    assert not PreOrder.objects.exists()
    assert import_text(text).ok  # without the concept both SKUs are known


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reference,sku,market,quantity\nR,ST-SAGE-130,US,1\n", "line 1, column 'ordered_at': column missing from the header"),
        ("reference,sku,quantity,ordered_at\nR,ST-SAGE-130,1,2025-01-01\n", "column 'market': column missing"),
        ("order,item,qty\n1,2,3\n", "line 1: not a pre-order file"),
        ("", "line 1: the file is empty"),
        (f"{TEMPLATE_HEADER}\n", "line 2: no pre-order lines under the header"),
        (f"{TEMPLATE_HEADER}\nR,ST-SAGE-130,US,1\n", "line 2: 4 values for 6 columns"),
        ("reference,sku,sku,market,quantity,ordered_at\n", "column 'sku': this column appears more than once"),
        (f"{TEMPLATE_HEADER}\nR,ST-SAGE-130,US,1,2025-02-30,\n", "column 'ordered_at': '2025-02-30' is not a date"),
        (f"{TEMPLATE_HEADER}\nR,ST-SAGE-130,US,1,2999-01-01,\n", "column 'ordered_at': 2999-01-01 00:00 UTC is in the future"),
        (f"{TEMPLATE_HEADER}\nR,ST-SAGE-130,US,1.5,2025-01-01,\n", "column 'quantity': '1.5' is not a whole number"),
        (f"{TEMPLATE_HEADER}\nR,ST-SAGE-130,US,,2025-01-01,\n", "column 'quantity': the quantity is empty"),
        (f"{TEMPLATE_HEADER}\n,ST-SAGE-130,US,1,2025-01-01,\n", "column 'reference': the reference (order or PO number) is empty"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_reason(throw, text, expected):
    report = import_text(text)
    assert not report.ok
    assert any(expected in problem for problem in report.problems), report.problems
    assert not PreOrder.objects.exists()


# --- the Shopify export ----------------------------------------------------------------------

def test_shopify_export_is_imported(throw):
    report = import_file("shopify_orders_export.csv")
    assert report.ok, report.problems
    assert (report.format, report.channel, report.created, report.units) == ("shopify", "shopify", 5, 8)
    assert stored() == [
        ("shopify", "#2001", "ST-BLGR-130", "US", 2),
        ("shopify", "#2001", "ST-CREAM-130", "US", 1),
        ("shopify", "#2002", "ST-SAGE-130", "GB", 2),  # the same SKU on two line items of one order
        ("shopify", "#2004", "ST-CREAM-130", "DE", 2),  # no shipping country: the billing country
        ("shopify", "#2006", "ST-SAGE-130", "FR", 1),
    ]
    # The tip has no SKU, #2003 was refunded (both its lines), #2005 voided.
    assert [(s["line"], s["reference"], s["reason"]) for s in report.skipped] == [
        (4, "#2001", "line item without a SKU"),
        (7, "#2003", "financial status refunded"),
        (8, "#2003", "financial status refunded"),
        (10, "#2005", "financial status voided"),
    ]
    assert report.duplicates[0] == {"line": 6, "first_line": 5, "reference": "#2002", "sku": "ST-SAGE-130", "market": "GB", "merged": True}
    # The order's own columns are carried from its first row to its other line items.
    cream = PreOrder.objects.get(reference="#2001", variant__sku="ST-CREAM-130")
    assert cream.customer == "ava.m@shoppers.example"
    assert cream.ordered_at == datetime.datetime(2025, 3, 2, 14, 14, 8, tzinfo=datetime.timezone.utc)
    assert cream.note == "Shopify tags: pre-order, spring-drop"
    assert report.warnings == ["not a target market of the concept: ST-SAGE-130 in FR"]
    assert "4 skipped" in str(report)
    again = import_file("shopify_orders_export.csv")
    assert (again.created, again.unchanged) == (0, 5) and PreOrder.objects.count() == 5


def test_shopify_rows_with_a_bad_country_sku_or_date_refuse_the_file(throw):
    header = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem sku,Shipping Country,Tags"
    text = (
        f"{header}\n"
        "#1,a@shoppers.example,paid,2025-03-02 09:14:08 -0500,1,ST-SAGE-130,USA,\n"
        "#2,b@shoppers.example,paid,yesterday,1,ST-SAGE-130,US,\n"
        "#3,c@shoppers.example,paid,2025-03-02 09:14:08 -0500,1,ST-GONE-1,US,\n"
        "#4,d@shoppers.example,paid,2025-03-02 09:14:08 -0500,0,ST-SAGE-130,US,\n"
        "#5,e@shoppers.example,paid,2025-03-02 09:14:08 -0500,1,ST-SAGE-130,,\n"
    )
    report = import_text(text, filename="orders_export.csv")
    assert not report.ok
    assert report.problems == [
        "orders_export.csv, line 2, column 'Shipping Country': 'USA' is not a 2-letter country code",
        "orders_export.csv, line 3, column 'Created at': 'yesterday' is not a date (YYYY-MM-DD) or an ISO 8601 date and time",
        "orders_export.csv, line 5, column 'Lineitem quantity': 0 is not a quantity above 0",
        "orders_export.csv, line 6, column 'Shipping Country': the country is empty",
    ]
    # The unknown SKU is found once the lines parse; then it alone is reported.
    fixed = text.replace("USA", "US").replace("yesterday", "2025-03-02").replace(",0,ST", ",1,ST").replace("ST-SAGE-130,,", "ST-SAGE-130,DE,")
    report = import_text(fixed, filename="orders_export.csv")
    assert report.problems == ["orders_export.csv, line 4, column 'Lineitem sku': SKU 'ST-GONE-1' matches no variant"]
    assert not PreOrder.objects.exists()


def test_an_older_shopify_export_from_a_german_spreadsheet_with_cancelled_and_guest_orders(throw):
    """Header names of another export version, semicolons, Windows-1252, a quoted note over two lines."""
    header = "Name;Email;Financial status;Created at;Line item quantity;Lineitem name;Line item SKU;Shipping Country;Notes;Canceled at;Tags"
    rows = [
        '#3001;jürgen@shoppers.example;Partially Refunded;2025-03-02 09:14:08 +0100;2;Decke „Salbei“;ST-SAGE-130;DE;"Bitte klingeln,\nDanke";;',
        "#3001;;;;1;Decke „Creme“;ST-CREAM-130;;;;",
        "#3002;a@shoppers.example;paid;2025-03-03 10:00:00 +0100;1;Decke;ST-BLGR-130;DE;;2025-03-04 08:00:00 +0100;",
        "#3003;;paid;2025-03-05 11:00:00 +0100;3;Decke;ST-BLGR-130;DE;;;pos",
    ]
    data = ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")
    report = import_text(data, filename="export_alt.csv")
    assert report.ok, report.problems
    assert report.format == "shopify"
    assert stored() == [
        ("shopify", "#3001", "ST-CREAM-130", "DE", 1), ("shopify", "#3001", "ST-SAGE-130", "DE", 2),
        ("shopify", "#3003", "ST-BLGR-130", "DE", 3),
    ]
    assert report.skipped == [{"line": 5, "reference": "#3002", "reason": "order cancelled"}]
    assert PreOrder.objects.get(reference="#3001", variant__sku="ST-SAGE-130").customer == "jürgen@shoppers.example"
    assert PreOrder.objects.get(reference="#3003").customer == ""  # a point-of-sale order has no email


def test_an_order_whose_rows_are_split_apart_is_refused(throw):
    header = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem sku,Shipping Country"
    text = (f"{header}\n#1,a@shoppers.example,paid,2025-03-02,1,ST-SAGE-130,US\n#2,b@shoppers.example,paid,2025-03-02,1,ST-SAGE-130,US\n"
            "#1,,,,1,ST-CREAM-130,\n")
    report = import_text(text, filename="twice.csv")
    assert report.problems == [
        "twice.csv, line 4, column 'Name': order '#1' already appeared at line 2; the rows of one order follow each other"
    ]
    assert not PreOrder.objects.exists()


def test_a_shopify_export_without_shipping_country_is_refused():
    report = import_text("Name,Created at,Lineitem quantity,Lineitem sku\n#1,2025-03-02,1,ST-1\n")
    assert report.problems == ["pre_orders.csv, line 1, column 'Shipping Country': column missing from the header"]


# --- hostile files -----------------------------------------------------------------------------

def test_hostile_files_are_refused_whole(throw):
    cases = {
        "photo.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40, "binary content"),
        "utf16_no_bom.csv": (TEMPLATE_HEADER.encode("utf-16-le"), "UTF-16 text without a byte order mark"),
        "mixed.csv": (f"{TEMPLATE_HEADER}\nR-1,ST-SAGE-130,US,1,2025-01-01,Jos\u00e9\n".encode()
                      + "R-2,ST-SAGE-130,US,1,2025-01-01,Jos\u00e9\n".encode("cp1252"), "line 3: byte 0xE9 is not UTF-8"),
        "huge.csv": (f"{TEMPLATE_HEADER}\n".encode() + b"x" * (parser.MAX_FILE_BYTES + 10), "larger than 5 MB"),
        "long.csv": (f"{TEMPLATE_HEADER}\n".encode() + b"\n" * (parser.MAX_LINES + 5), "more than 20,000 lines"),
        "cell.csv": (f'{TEMPLATE_HEADER}\nR-1,ST-SAGE-130,US,1,2025-01-01,"{"x" * 200_000}"\n'.encode(), "line 2: line is longer"),
        "quote.csv": (f'{TEMPLATE_HEADER}\nR-1,ST-SAGE-130,US,1,2025-01-01,"unterminated\n'.encode(), "line 2: malformed CSV"),
    }
    for name, (data, expected) in cases.items():
        report = services.pre_orders_import(file=data, filename=name)
        assert not report.ok, name
        assert any(expected in p and p.startswith(name) for p in report.problems), (name, report.problems)
    assert not PreOrder.objects.exists()


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-be", "utf-8-sig"])
def test_files_saved_as_windows_1252_or_utf16_are_read(throw, encoding):
    text = f"{TEMPLATE_HEADER}\r\nR-1;ST-SAGE-130;US;1;2025-01-01;Jos\u00e9 M\u00fcller \u20ac\r\n".replace(",", ";")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    report = services.pre_orders_import(file=data, filename="excel.csv")
    assert report.ok, report.problems
    assert PreOrder.objects.get().customer == "Jos\u00e9 M\u00fcller \u20ac"


def test_formula_injection_is_refused_in_keys_and_defused_in_free_text(throw):
    text = f'{TEMPLATE_HEADER}\n"=cmd|\' /C calc\'!A0",ST-SAGE-130,US,1,2025-01-01,\nR-2,@SUM(A1),US,1,2025-01-01,\n'
    report = import_text(text)
    assert not report.ok
    assert "line 2, column 'reference': the reference \"=cmd|' /C calc'!A0\" looks like a spreadsheet formula" in report.problems[0]
    assert "line 3, column 'sku'" in report.problems[1] and "formula" in report.problems[1]
    assert not PreOrder.objects.exists()

    text = f'{TEMPLATE_HEADER}\nR-1,ST-SAGE-130,US,1,2025-01-01,"=HYPERLINK(""http://x"",""y"")"\nR-2,ST-SAGE-130,US,1,2025-01-01,+44 20 7946 0000\n'
    report = import_text(text)
    assert report.ok and report.neutralised == 2
    assert PreOrder.objects.get(reference="R-1").customer == "'=HYPERLINK(\"http://x\",\"y\")"
    assert PreOrder.objects.get(reference="R-2").customer == "'+44 20 7946 0000"
    assert "2 formula-like value(s) stored with a leading '" in str(report)


def test_shopify_tags_are_defused_too(throw):
    header = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem sku,Shipping Country,Tags"
    report = import_text(f"{header}\n#1,a@shoppers.example,paid,2025-03-02,1,ST-SAGE-130,US,=1+1\n")
    assert report.ok
    assert PreOrder.objects.get().note == "Shopify tags: '=1+1"


def test_an_uploaded_file_over_the_limit_is_not_read(throw):
    upload = SimpleUploadedFile("big.csv", b"x" * (parser.MAX_FILE_BYTES + 1))
    report = services.pre_orders_import(file=upload, filename=upload.name)
    assert not report.ok and "larger than 5 MB" in report.problems[0]


def test_a_bad_channel_is_a_validation_error(throw):
    with pytest.raises(ValidationError) as raised:
        import_file("pre_orders_template.csv", channel="pigeon")
    assert "channel" in raised.value.message_dict
    assert not PreOrder.objects.exists()


# --- sizing ----------------------------------------------------------------------------------------

def test_sizing_selector_sums_open_pre_orders_per_variant_and_market(throw):
    concept, variants = throw
    import_file("pre_orders_template.csv")
    import_file("shopify_orders_export.csv")
    services.pre_order_create(variant=variants["sage green"], market="US", quantity=6, reference="PO-9", channel="wholesale")
    cancelled = services.pre_order_create(variant=variants["cream"], market="US", quantity=50, reference="PO-10")
    services.pre_order_cancel(pre_order_id=cancelled.pk)
    other = VariantFactory(sku="MB-TEAL-150")
    services.pre_order_create(variant=other, market="US", quantity=99, reference="PO-11")

    cream, sage, blue = variants["cream"].pk, variants["sage green"].pk, variants["blue grey"].pk
    expected = sorted(
        [
            {"variant_id": cream, "market": "DE", "quantity": 36 + 2},
            {"variant_id": cream, "market": "GB", "quantity": 1},
            {"variant_id": cream, "market": "US", "quantity": 1},
            {"variant_id": sage, "market": "FR", "quantity": 1},
            {"variant_id": sage, "market": "GB", "quantity": 1 + 2},
            {"variant_id": sage, "market": "US", "quantity": 24 + 6},
            {"variant_id": blue, "market": "US", "quantity": 2 + 2},
        ],
        key=lambda row: (row["variant_id"], row["market"]),
    )
    assert selectors.pre_orders_for_sizing(concept=concept) == expected


def test_sizing_selector_is_one_query(throw, django_assert_num_queries):
    concept, _ = throw
    import_file("pre_orders_template.csv")
    with django_assert_num_queries(1):
        rows = selectors.pre_orders_for_sizing(concept=concept)
    assert sum(row["quantity"] for row in rows) == 64


def test_a_plan_from_the_selector_counts_the_pre_orders(throw):
    concept, variants = throw
    import_file("pre_orders_template.csv")
    sample = SampleFactory(concept=concept)
    vote_round = VoteRoundFactory(sample=sample)
    votes = [
        {"variant_id": variants["blue grey"].pk, "market": "US", "would_order_qty": 120},
        {"variant_id": variants["cream"].pk, "market": "DE", "would_order_qty": 60},
    ]
    pre_orders = selectors.pre_orders_for_sizing(concept=concept)
    plan = services.production_order_plan(
        sample=sample, sizing_round=vote_round, factory=FactoryFactory(min_batch=50), votes=votes,
        pre_orders=pre_orders, unit_margin=Decimal("20"), unsold_cost=Decimal("8"),
    )
    assert plan["sizing"]["pre_orders"] == 64
    lines = {(line["variant_id"], line["market"]): line["quantity"] for line in plan["lines"]}
    # Every pre-order is made: the sage throws for the US shop and the cream for the German PO.
    assert lines[(variants["sage green"].pk, "US")] >= 24
    assert lines[(variants["cream"].pk, "DE")] >= 36
    assert sum(lines.values()) >= 64


# --- demo ------------------------------------------------------------------------------------------

def test_demo_pre_orders_lean_to_one_colour_per_market_and_are_created_once(throw):
    concept, variants = throw
    created = demo_pre_orders_create(concept=concept, seed=1)
    assert created >= 15
    assert demo_pre_orders_create(concept=concept, seed=1) == 0
    rows = PreOrder.objects.filter(variant__concept=concept)
    assert rows.count() == created
    assert all(p.is_demo and p.channel == "demo" and p.reference.startswith(f"DEMO-PRE-{concept.pk}-") for p in rows)
    assert {p.market for p in rows} == {"US", "GB", "DE"}
    favourite = {"US": "blue grey", "GB": "sage green", "DE": "cream"}
    for market, colour in favourite.items():
        units = {c: sum(p.quantity for p in rows if p.market == market and p.variant.colour == c) for c in variants}
        assert units[colour] > sum(units.values()) / 2, (market, units)


# --- the page --------------------------------------------------------------------------------------

def upload(name, data=None):
    return SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes(), content_type="text/csv")


POSTS = [
    ("production:pre_orders_import", [], lambda: {"files": [upload("pre_orders_template.csv")]}),
    ("production:pre_order_create", [], lambda: {"sku": "ST-SAGE-130", "market": "US", "quantity": 1, "channel": "manual", "reference": "R-1"}),
]


def test_the_page_needs_a_merchandiser(client, throw):
    url = reverse("production:pre_orders")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"
    for name, args, data in POSTS:
        response = client.post(reverse(name, args=args), data())
        assert response.status_code == 302 and reverse("login") in response["Location"]
    shopper = get_user_model().objects.create_user("shopper", password="pw")
    client.force_login(shopper)
    assert client.get(url).status_code == 403
    for name, args, data in POSTS:
        assert client.post(reverse(name, args=args), data()).status_code == 403
    assert not PreOrder.objects.exists()


def test_cancel_needs_a_merchandiser(client, throw):
    _, variants = throw
    pre_order = services.pre_order_create(variant=variants["cream"], market="US", quantity=1, reference="R-1")
    url = reverse("production:pre_order_cancel", args=[pre_order.pk])
    assert client.post(url).status_code == 302
    client.force_login(get_user_model().objects.create_user("shopper", password="pw"))
    assert client.post(url).status_code == 403
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrder.Status.OPEN


def test_posts_need_the_csrf_token(throw):
    _, variants = throw
    pre_order = services.pre_order_create(variant=variants["cream"], market="US", quantity=1, reference="R-9")
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("merch", password="pw", is_staff=True))
    for name, args, data in [*POSTS, ("production:pre_order_cancel", [pre_order.pk], dict)]:
        assert client.post(reverse(name, args=args), data()).status_code == 403, name
    assert PreOrder.objects.count() == 1
    assert PreOrder.objects.get().status == PreOrder.Status.OPEN
    # With the page's token the same upload goes through.
    page = client.get(reverse("production:pre_orders"))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("production:pre_orders_import"), {"files": [upload("pre_orders_template.csv")], "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and PreOrder.objects.count() == 6


def test_writes_are_post_only(staff, throw):
    _, variants = throw
    pre_order = services.pre_order_create(variant=variants["cream"], market="US", quantity=1, reference="R-1")
    assert staff.get(reverse("production:pre_orders_import")).status_code == 405
    assert staff.get(reverse("production:pre_order_create")).status_code == 405
    assert staff.get(reverse("production:pre_order_cancel", args=[pre_order.pk])).status_code == 405


def test_uploading_several_files_reports_each(staff, throw):
    response = staff.post(
        reverse("production:pre_orders_import"),
        {"files": [upload("pre_orders_template.csv"), upload("shopify_orders_export.csv"), upload("pre_orders_bad_lines.csv")]},
    )
    assert response.status_code == 400  # one file was refused
    reports = {r.filename: r for r in response.context["reports"]}
    assert reports["pre_orders_template.csv"].created == 5
    assert reports["shopify_orders_export.csv"].created == 5
    assert not reports["pre_orders_bad_lines.csv"].ok
    html = response.content.decode()
    assert "pre_orders_bad_lines.csv</strong>: nothing was stored" in html
    assert "pre_orders_bad_lines.csv, line 4, column &#x27;quantity&#x27;: 0 is not a quantity above 0" in html
    assert "5 new (64 units)" in html and "5 new (8 units)" in html and "4 skipped" in html
    assert PreOrder.objects.count() == 10
    # The same files again: nothing new, and the page says so.
    response = staff.post(reverse("production:pre_orders_import"), {"files": [upload("pre_orders_template.csv")]})
    assert response.status_code == 200 and "0 new (0 units), 5 unchanged" in response.content.decode()
    assert PreOrder.objects.count() == 10


def test_upload_form_errors(staff, throw):
    response = staff.post(reverse("production:pre_orders_import"), {})
    assert response.status_code == 400 and response.context["upload_form"].errors["files"]
    response = staff.post(reverse("production:pre_orders_import"), {"files": [upload("pre_orders_template.csv")], "channel": "demo"})
    assert response.status_code == 400 and "channel" in response.context["upload_form"].errors
    many = [upload("pre_orders_template.csv") for _ in range(21)]
    response = staff.post(reverse("production:pre_orders_import"), {"files": many})
    assert response.status_code == 400 and "At most 20 files" in response.content.decode()
    hostile = upload("x.csv", b"\x00\x01binary")
    response = staff.post(reverse("production:pre_orders_import"), {"files": [hostile]})
    assert response.status_code == 400 and "binary content" in response.content.decode()
    assert not PreOrder.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(staff, throw):
    from django.utils.datastructures import MultiValueDict

    from core.tests.uploads import UnreadableUpload
    from production.forms import PreOrderUploadForm

    huge = UnreadableUpload("huge.csv", parser.MAX_FILE_BYTES + 1)
    form = PreOrderUploadForm(data={}, files=MultiValueDict({"files": [huge]}))
    assert not form.is_valid()
    assert form.errors["files"] == [f"huge.csv is larger than 5 MB ({parser.MAX_FILE_BYTES + 1:,} bytes)."]

    big = upload("big.csv", f"{TEMPLATE_HEADER}\n".encode() + b"x" * parser.MAX_FILE_BYTES)
    response = staff.post(reverse("production:pre_orders_import"), {"files": [upload("pre_orders_template.csv"), big]})
    assert response.status_code == 400 and "big.csv is larger than 5 MB" in response.content.decode()
    assert not PreOrder.objects.exists()


def test_upload_restricted_to_a_concept(staff, throw):
    concept, _ = throw
    VariantFactory(sku="MB-TEAL-150")
    data = f"{TEMPLATE_HEADER}\nR-1,MB-TEAL-150,US,1,2025-01-01,\n".encode()
    response = staff.post(reverse("production:pre_orders_import"), {"files": [upload("t.csv", data)], "concept": concept.pk})
    assert response.status_code == 400 and "is a variant of" in response.content.decode()
    assert not PreOrder.objects.exists()


def test_manual_entry_on_the_page(staff, throw):
    url = reverse("production:pre_order_create")
    response = staff.post(url, {"sku": "ST-SAGE-130", "market": "gb", "quantity": 12, "channel": "wholesale",
                                "reference": "PO-TH-77", "customer": "Thistle Interiors", "ordered_at": "2025-03-01T10:30"})
    assert response.status_code == 302 and response["Location"] == reverse("production:pre_orders")
    pre_order = PreOrder.objects.get()
    assert (pre_order.variant.sku, pre_order.market, pre_order.quantity, pre_order.channel) == ("ST-SAGE-130", "GB", 12, "wholesale")
    page = staff.get(response["Location"])
    assert "Pre-order PO-TH-77: 12 × ST-SAGE-130 for GB recorded." in page.content.decode()

    bad = staff.post(url, {"sku": "ST-NOPE", "market": "US", "quantity": 0, "channel": "manual", "reference": "=1+1"})
    assert bad.status_code == 400
    errors = bad.context["entry_form"].errors
    assert "matches no variant" in errors["sku"][0] and "quantity" in errors
    again = staff.post(url, {"sku": "ST-SAGE-130", "market": "US", "quantity": 1, "channel": "manual", "reference": "=1+1"})
    assert again.status_code == 400 and "looks like a spreadsheet formula" in again.context["entry_form"].errors["reference"][0]
    duplicate = staff.post(url, {"sku": "ST-SAGE-130", "market": "GB", "quantity": 2, "channel": "wholesale", "reference": "PO-TH-77"})
    assert duplicate.status_code == 400 and "already recorded" in duplicate.content.decode()
    assert PreOrder.objects.count() == 1


def test_cancel_on_the_page(staff, throw):
    _, variants = throw
    pre_order = services.pre_order_create(variant=variants["cream"], market="US", quantity=3, reference="R-1")
    url = reverse("production:pre_order_cancel", args=[pre_order.pk])
    back = reverse("production:pre_orders") + "?status=open"
    response = staff.post(url, {"reason": "paid back", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrder.Status.CANCELLED and "by merch: paid back" in pre_order.note
    response = staff.post(url, {"next": "https://elsewhere.example/"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("production:pre_orders")
    assert "only an open one can be cancelled" in response.content.decode()
    # Only the list itself is a place to go back to.
    for elsewhere in ("//elsewhere.example/production/pre-orders/", reverse("production:pre_orders_import"), "/admin/"):
        assert staff.post(url, {"next": elsewhere})["Location"] == reverse("production:pre_orders")


def test_cancel_forms_on_an_upload_report_lead_back_to_the_list(staff, throw):
    response = staff.post(reverse("production:pre_orders_import"), {"files": [upload("pre_orders_template.csv")]})
    assert response.status_code == 200
    assert f'name="next" value="{reverse("production:pre_orders")}"' in response.content.decode()


def test_page_lists_filters_and_totals(staff, throw):
    concept, variants = throw
    import_file("pre_orders_template.csv")
    import_file("shopify_orders_export.csv")
    other = VariantFactory(sku="MB-TEAL-150", concept=ConceptFactory(name="Mermaid blanket"))
    services.pre_order_create(variant=other, market="US", quantity=7, reference="PO-M-1", customer="<script>alert(1)</script>")
    cancelled = services.pre_order_create(variant=variants["cream"], market="US", quantity=50, reference="PO-X")
    services.pre_order_cancel(pre_order_id=cancelled.pk)

    response = staff.get(reverse("production:pre_orders"), {"cycle": "all"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert response.context["paginator"].count == 12
    assert response.context["totals_units"] == 64 + 8 + 7  # open only: the cancelled 50 do not count
    assert "pre-order-chart" in html and "plotly-cartesian.min.js" in html

    response = staff.get(reverse("production:pre_orders"), {"concept": concept.pk, "channel": "shopify"})
    assert {p.reference for p in response.context["object_list"]} == {"#2001", "#2002", "#2004", "#2006"}
    assert response.context["totals_units"] == 8
    response = staff.get(reverse("production:pre_orders"), {"status": "cancelled"})
    assert [p.reference for p in response.context["object_list"]] == ["PO-X"]
    assert response.context["totals"][0]["units"] == 50
    response = staff.get(reverse("production:pre_orders"), {"concept": "nope"})
    assert response.status_code == 200 and "Filter <code>concept</code>" in response.content.decode()
    assert response.context["paginator"].count == 0 and response.context["totals"] == []


@pytest.mark.parametrize("extra", [0, 30])
def test_page_query_count_is_bounded(staff, throw, django_assert_max_num_queries, extra):
    _, variants = throw
    services.pre_order_create(variant=variants["cream"], market="US", quantity=1, reference="R-0")
    for i in range(extra):
        concept = ConceptFactory()
        variant = VariantFactory(concept=concept)
        services.pre_order_create(variant=variant, market="GB", quantity=2, reference=f"R-{i + 1}")
    # the logged-in user (two reads), count, rows, totals, concepts for the selects, cycles, the demo banner
    with django_assert_max_num_queries(8):
        response = staff.get(reverse("production:pre_orders"), {"cycle": "all"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 1 + extra


def test_the_order_list_links_to_the_page(staff):
    response = staff.get(reverse("production:list"))
    assert reverse("production:pre_orders") in response.content.decode()


# --- the command --------------------------------------------------------------------------------------

def test_command_imports_files_and_reports_each(throw):
    out = StringIO()
    call_command("import_preorders", str(DATA / "pre_orders_template.csv"), str(DATA / "shopify_orders_export.csv"), stdout=out)
    text = out.getvalue()
    assert "pre_orders_template.csv (template, channel other): 5 new (64 units), 0 unchanged" in text
    assert "shopify_orders_export.csv (shopify, channel shopify): 5 new (8 units)" in text
    assert PreOrder.objects.count() == 10
    out = StringIO()
    call_command("import_preorders", "--channel", "wholesale", str(DATA / "pre_orders_template.csv"), stdout=out)
    assert "channel wholesale): 5 new" in out.getvalue()


def test_command_exits_non_zero_when_a_file_is_refused(throw, tmp_path):
    missing = tmp_path / "missing.csv"
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_preorders", str(DATA / "pre_orders_bad_lines.csv"), str(DATA / "pre_orders_template.csv"), str(missing), stdout=out
        )
    assert raised.value.returncode == 1
    assert "2 of 3 file(s) refused: pre_orders_bad_lines.csv, missing.csv" in str(raised.value)
    text = out.getvalue()
    assert "pre_orders_bad_lines.csv: nothing stored" in text and "line 4, column 'quantity'" in text
    assert "missing.csv: nothing stored, cannot read the file" in text
    assert PreOrder.objects.count() == 5  # the good file is stored on its own
    with pytest.raises(CommandError, match="Concept 999999 does not exist"):
        call_command("import_preorders", "--concept", "999999", str(DATA / "pre_orders_template.csv"), stdout=StringIO())


def test_command_shows_progress_on_big_files(throw, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(TEMPLATE_HEADER + "\n" + "".join(f"WEB-{i},ST-SAGE-130,US,1,2025-01-01,\n" for i in range(4500)))
    out = StringIO()
    call_command("import_preorders", str(path), stdout=out)
    text = out.getvalue()
    assert "big.csv: 2,001 of 4,501 lines read" in text and "big.csv: 4,001 of 4,501 lines read" in text
    assert "4500 new (4500 units)" in text
    assert PreOrder.objects.count() == 4500


PRE_ORDER_ALPHABET = st.sampled_from(
    [",", ",", "\n", "\r\n", '"', ";", "reference", "sku", "Name", "Lineitem sku", "Lineitem quantity", "R-1",
     "ST-SAGE-130", "US", "1", "0", "2025-01-01", "=1+1", "é", "\x00", "\ufeff"]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(PRE_ORDER_ALPHABET, max_size=60).map(lambda parts: "".join(parts).encode()),
    st.lists(PRE_ORDER_ALPHABET, max_size=60).map(lambda parts: (TEMPLATE_HEADER + "\n" + "".join(parts)).encode("utf-16")),
))
def test_any_bytes_give_pre_order_lines_or_problems_naming_the_file(data):
    parsed = parser.parse_pre_orders(data, filename="fuzz.csv", now=timezone.now())
    assert parsed.lines or parsed.problems or parsed.skipped
    for problem in parsed.problems:
        assert problem.file == "fuzz.csv" and problem.reason and problem.message.startswith("fuzz.csv")


"""The Shopify orders reader that pre-orders (production) and customers share."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.files import FileProblem, Problems, TooManyProblems, read_csv
from core.files import shopify_orders as shopify

DATA = Path(__file__).parent / "data"
EXPORT = DATA / "shopify_orders_export_2024.csv"
EXCEL = DATA / "shopify_orders_export_de_excel.csv"
HEADER = "Name,Email,Financial Status,Created at,Currency,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Country"


def read(data, *, file="orders_export.csv", required=("name",), limit=50):
    problems = Problems(file, limit=limit)
    export = shopify.read_shopify_orders(read_csv(data, file=file).rows(), file=file, problems=problems, required=required)
    return export, problems


def test_a_current_export_is_grouped_into_orders():
    export, problems = read(EXPORT.read_bytes(), file=EXPORT.name)
    assert problems == []
    assert export.rows == 9 and export.header_line == 1
    assert [(o.name, o.line, [item.line for item in o.lines]) for o in export.orders] == [
        ("#1001", 2, [2, 4, 5]),  # the note on line 2 runs over two lines; the tip is on line 5
        ("#1002", 6, [6]), ("#1003", 7, [7]), ("#1004", 8, [8]), ("#1005", 9, [9]), ("#1006", 10, [10]),
        ("#1007", 11, [11]),
    ]
    first = export.orders[0]
    assert (first.email, first.financial_status, first.fulfillment_status, first.currency) == (
        "ava.m@example.org", shopify.PAID, "fulfilled", "USD")
    assert (first.subtotal, first.shipping, first.taxes, first.total) == ("128.00", "5.00", "10.24", "130.44")
    assert (first.discount_code, first.discount_amount, first.refunded_amount) == ("AUTUMN10", "12.80", "0.00")
    assert first.notes == 'Leave at the door,\nring twice - "thanks"'
    assert (first.tags, first.created_at, first.id) == ("vip, autumn", "2024-11-02 09:14:08 -0400", "5512345678901")
    sage, cream, tip = first.lines
    assert (sage.sku, sage.title, sage.quantity, sage.price, sage.discount, sage.vendor) == (
        "HT-BL-002", "Chunky knit blanket - sage green", "1", "89.00", "8.90", "Hearth & Loom")
    assert (cream.sku, cream.fulfillment_status) == ("HT-BL-001", "fulfilled")
    assert (tip.title, tip.sku, tip.price) == ("Tip", "", "5.00")
    # The order's own columns are on its first row only; they are not taken from the line item rows.
    assert first.shipping_country == "US" and first.country_field == "shipping_country"


def test_statuses_cancellations_refunds_and_customerless_orders():
    export, _ = read(EXPORT.read_bytes())
    orders = {o.name: o for o in export.orders}
    assert orders["#1002"].is_partially_refunded and orders["#1002"].refunded_amount == "16.00"
    assert orders["#1003"].is_refunded and not orders["#1003"].is_cancelled
    assert orders["#1004"].is_voided and orders["#1004"].is_cancelled
    assert orders["#1004"].cancelled_at == "2024-11-07 10:00:00 -0500"
    pos, draft = orders["#1005"], orders["#1006"]
    assert (pos.email, pos.source, pos.country_field, pos.billing_country) == ("", "pos", "billing_country", "DE")
    assert (draft.email, draft.source, draft.financial_status) == ("", "shopify_draft_order", shopify.PENDING)
    assert orders["#1007"].fulfillment_status == ""


def test_an_older_export_saved_by_a_german_spreadsheet():
    """Other header names, semicolons, Windows-1252 and CRLF: the same records."""
    table = read_csv(EXCEL.read_bytes(), file=EXCEL.name)
    assert (table.encoding, table.delimiter) == ("windows-1252", ";")
    export, problems = read(EXCEL.read_bytes(), required=("name", "lineitem_sku", "lineitem_quantity", "cancelled_at"))
    assert problems == []
    assert export.columns["lineitem_sku"] == "Line item SKU" and export.column("cancelled_at") == "Canceled at"
    assert export.columns["fulfilled_at"] == "Fulfillment Date" and export.columns["accepts_marketing"] == "Accepts Email Marketing"
    bedding, throw = export.orders
    assert bedding.financial_status == shopify.PARTIALLY_REFUNDED
    assert (bedding.billing_name, bedding.lines[0].title) == ("Jürgen Weiß", "Bettwäsche „Blumen“ – 135×200")
    assert (bedding.lines[0].sku, bedding.lines[0].quantity) == ("HT-DC-002", "1")
    assert throw.is_cancelled and throw.is_voided


def test_a_field_left_empty_on_the_first_row_is_taken_from_a_later_row_of_the_order():
    text = f"{HEADER}\n#1,,paid,2025-03-02 09:14:08 -0500,USD,1,A,5.00,A-1,\n#1,a@x.example,,,,1,B,6.00,B-1,US\n#2,b@x.example,paid,2025-03-03,USD,1,A,5.00,A-1,GB\n"
    export, _ = read(text)
    first = export.orders[0]
    assert (first.email, first.shipping_country, [item.sku for item in first.lines]) == ("a@x.example", "US", ["A-1", "B-1"])


def test_a_row_without_a_line_item_adds_no_item():
    text = f"{HEADER}\n#1,a@x.example,paid,2025-03-02,USD,1,A,5.00,A-1,US\n#1,,,,,,,,,\n"
    export, _ = read(text)
    assert [item.line for item in export.orders[0].lines] == [2]


@pytest.mark.parametrize(
    ("text", "required", "messages"),
    [
        ("Name,Lineitem quantity\n#1,1\n", ("name", "lineitem_sku", "shipping_country"), [
            "f.csv, line 1, column 'Lineitem sku': column missing from the header",
            "f.csv, line 1, column 'Shipping Country': column missing from the header",
        ]),
        ("Name,Email,email\n#1,a,b\n", ("name",), ["f.csv, line 1, column 'email': this column appears more than once in the header"]),
        (f"{HEADER}\n#1,a@x.example,paid\n", ("name",), ["f.csv, line 2: 3 values for 10 columns"]),
        (f"{HEADER}\n,a@x.example,paid,2025-03-02,USD,1,A,5.00,A-1,US\n", ("name",), ["f.csv, line 2, column 'Name': the order name is empty"]),
        (f"{HEADER}\n#1,a@x.example,paid,2025-03-02,USD,1,A,5.00,A-1,US\n#2,b@x.example,paid,2025-03-02,USD,1,A,5.00,A-1,US\n"
         "#1,,,,,1,B,6.00,B-1,\n#1,,,,,1,C,6.00,C-1,\n", ("name",),
         ["f.csv, line 4, column 'Name': order '#1' already appeared at line 2; the rows of one order follow each other"]),
        ("\n\n", ("name",), ["f.csv, line 1: the file is empty"]),
    ],
    ids=["missing", "repeated", "width", "no name", "split apart", "empty"],
)
def test_what_breaks_the_export_shape_is_a_problem_naming_line_and_column(text, required, messages):
    export, problems = read(text, file="f.csv", required=required)
    assert problems.messages() == messages


def test_extra_empty_cells_at_the_end_of_a_row_are_spreadsheet_padding():
    export, problems = read(f"{HEADER}\n#1,a@x.example,paid,2025-03-02,USD,1,A,5.00,A-1,US,,,\n")
    assert problems == [] and export.orders[0].lines[0].sku == "A-1"


def test_the_reading_stops_at_the_problem_limit():
    text = HEADER + "\n" + ",x,,,,,,,,\n" * 10
    with pytest.raises(TooManyProblems):
        read(text, limit=3)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("Name,Lineitem quantity,Lineitem sku,Email".split(","), True),
        ("name,line item quantity,LINE ITEM SKU".split(","), True),
        ("reference,sku,market,quantity,ordered_at".split(","), False),
        ("Name,Lineitem quantity".split(","), False),
    ],
)
def test_an_orders_export_is_told_by_its_header(cells, expected):
    assert shopify.is_orders_header(cells) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-02 09:14:08 -0500", datetime(2025, 3, 2, 14, 14, 8, tzinfo=timezone.utc)),
        ("2025-03-02 09:14 +0100", datetime(2025, 3, 2, 8, 14, tzinfo=timezone.utc)),
        ("2025-03-02 9:14:08 -0500", datetime(2025, 3, 2, 14, 14, 8, tzinfo=timezone.utc)),
        ("2025-03-02T09:14:08Z", datetime(2025, 3, 2, 9, 14, 8, tzinfo=timezone.utc)),
        ("2025-03-02", datetime(2025, 3, 2, tzinfo=timezone.utc)),
    ],
)
def test_shopify_dates(text, expected):
    moment = shopify.parse_datetime(text)
    assert moment == expected and moment.utcoffset() is not None


@pytest.mark.parametrize("text", ["", "yesterday", "02/03/2025", "2025-02-30 10:00:00 -0500"])
def test_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        shopify.parse_datetime(text)


def test_status_words_as_tools_write_them():
    assert [shopify.status(s) for s in ("Partially Refunded", "partially-paid", " PAID ", "")] == [
        "partially_refunded", "partially_paid", "paid", ""]


ROW_ALPHABET = st.sampled_from(["#1", "#2", ",", ",", ",", "\n", '"', "a@x.example", "paid", "refunded", "1", "A-1", "US", ""])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW_ALPHABET, max_size=80).map("".join))
def test_any_body_gives_orders_or_problems(body):
    try:
        export, problems = read(f"{HEADER}\n{body}", required=("name", "email"))
    except FileProblem as refused:
        assert refused.file == "orders_export.csv" and refused.line
        return
    except TooManyProblems:
        return
    for problem in problems:
        assert problem.file == "orders_export.csv" and problem.line >= 2
    lines = [item.line for order in export.orders for item in order.lines]
    assert lines == sorted(lines) and all(order.name for order in export.orders)

"""Buyer panels from CSV: a per-line report, duplicates named, all rows or none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samples.importers import parse_buyer_csv
from samples.models import Buyer, BuyerPanel
from samples.services import panel_import_csv

from .factories import BuyerFactory, BuyerPanelFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "name,email,company,country,markets,language\n"
    "Emma Walker,Emma@Hearth.example,Hearth & Loom,us,US;CA,en\n"
    "Lukas Fischer,lukas@wohnwerk.example,Wohnwerk,DE,DE|AT,de\n"
)


def test_good_file_creates_the_panel_and_buyers():
    report = panel_import_csv(panel_name="Spring panel", content=GOOD.encode(), filename="panel.csv")
    assert report["ok"] and report["created"] == 2 and report["updated"] == 0
    panel = BuyerPanel.objects.get(name="Spring panel")
    emma = Buyer.objects.get(email="emma@hearth.example")
    assert emma.country == "US" and emma.markets == ["US", "CA"]
    assert set(panel.buyers.values_list("email", flat=True)) == {"emma@hearth.example", "lukas@wohnwerk.example"}


def test_reimport_updates_existing_buyers_without_duplicating():
    BuyerFactory(email="emma@hearth.example", name="Old name")
    report = panel_import_csv(panel_name="Spring panel", content=GOOD, filename="panel.csv")
    assert report["created"] == 1 and report["updated"] == 1
    again = panel_import_csv(panel_name="Spring panel", content=GOOD, filename="panel.csv")
    assert again["ok"] and again["updated"] == 2
    assert Buyer.objects.count() == 2 and Buyer.objects.get(email="emma@hearth.example").name == "Emma Walker"
    assert BuyerPanel.objects.get().buyers.count() == 2


def test_bad_rows_are_reported_by_line_and_field_and_nothing_is_written():
    content = (
        "name,email,company,country,markets,language\n"
        "Emma Walker,emma@hearth.example,Hearth,US,US,en\n"
        ",nobody@x.example,,US,US,en\n"
        "Bad Mail,not-an-email,,US,US,en\n"
        "Bad Country,c@x.example,,USA,US,en\n"
        "Bad Market,m@x.example,,US,U S;<b>,en\n"
        "Short,row@x.example\n"
        "Emma Again,EMMA@hearth.example,,US,US,en\n"
    )
    report = panel_import_csv(panel_name="P", content=content, filename="buyers.csv")
    assert not report["ok"]
    found = {(e["line"], e["field"]) for e in report["errors"]}
    assert found == {(3, "name"), (4, "email"), (5, "country"), (6, "markets"), (7, ""), (8, "email")}
    for e in report["errors"]:
        column = f", column {e['field']!r}" if e["field"] else ""
        assert e["message"].startswith(f"buyers.csv, line {e['line']}{column}: ")
    assert report["duplicates"] == [{"line": 8, "email": "emma@hearth.example", "first_line": 2}]
    assert not Buyer.objects.exists() and not BuyerPanel.objects.exists()


@pytest.mark.parametrize("content,reason", [
    (b"", "x.csv, line 1: the file is empty"),
    # A UTF-16 byte order mark before big-endian text: read as UTF-16, it holds no header.
    (b"\xff\xfe\x00n\x00a", "x.csv, line 1: missing column(s) name, email"),
    (b"first,last\nA,B\n", "x.csv, line 1: missing column(s) name, email"),
    (b"name,email\n", "x.csv, line 2: no buyer rows"),
    (b"name,email\n\"unterminated,a@b.example\n", "x.csv, line 2: malformed CSV"),
    (b"name,email\nA,a@b.example\x00\n", "x.csv, line 2: binary content"),
    (b"name,email\n" + b"A,a@b.example\n" * 10 + b"x" * (3 * 1024 * 1024), "x.csv: the file is larger than 2 MB"),
])
def test_malformed_and_hostile_files_are_refused_whole(content, reason):
    report = panel_import_csv(panel_name="P", content=content, filename="x.csv")
    assert not report["ok"]
    assert report["errors"][0]["message"].startswith(reason), report["errors"]
    assert not Buyer.objects.exists() and not BuyerPanel.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "cp1252", "utf-8-sig"])
def test_utf16_and_windows_1252_files_are_read(encoding):
    text = "name;email;company;country\r\nJürgen Weiß;jw@haus.example;Möbel & Co €;de\r\n"
    data = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    report = panel_import_csv(panel_name="P", content=data, filename="excel.csv")
    assert report["ok"], report["errors"]
    buyer = Buyer.objects.get()
    assert (buyer.name, buyer.email, buyer.company, buyer.country) == ("Jürgen Weiß", "jw@haus.example", "Möbel & Co €", "DE")


def test_formulas_are_defused_in_names_and_refused_in_emails():
    content = (
        "name,email,company\n"
        '"=HYPERLINK(""http://x"",""y"")",a@x.example,+44 20 7946 0000\n'
        "@SUM(A1),b@x.example,-Ltd\n"
    )
    report = panel_import_csv(panel_name="P", content=content, filename="x.csv")
    assert report["ok"], report["errors"]
    stored = dict(Buyer.objects.values_list("email", "name"))
    assert stored == {"a@x.example": "'=HYPERLINK(\"http://x\",\"y\")", "b@x.example": "'@SUM(A1)"}
    assert Buyer.objects.get(email="a@x.example").company == "'+44 20 7946 0000"
    assert Buyer.objects.get(email="b@x.example").company == "'-Ltd"

    report = panel_import_csv(panel_name="Q", content="name,email\nEve,=cmd@x.example\n", filename="y.csv")
    assert not report["ok"]
    assert report["errors"][0]["message"] == "y.csv, line 2, column 'email': '=cmd@x.example' looks like a spreadsheet formula."
    assert not BuyerPanel.objects.filter(name="Q").exists()


def test_formula_and_markup_are_stored_as_text_and_escaped_on_the_page(staff_client):
    content = "name,email\n\"=HYPERLINK(\"\"x\"\")<script>alert(1)</script>\",evil@x.example\n"
    report = panel_import_csv(panel_name="P", content=content, filename="x.csv")
    assert report["ok"]
    page = staff_client.get(reverse("samples:panel", args=[report["panel_id"]])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_import_page_shows_the_report(staff_client):
    bad = staff_client.post(reverse("samples:panels"), {
        "name": "Spring", "file": SimpleUploadedFile("b.csv", b"name,email\nA,nope\n", content_type="text/csv"),
    })
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Nothing was imported" in html and "b.csv, line 2, column &#x27;email&#x27;" in html
    ok = staff_client.post(reverse("samples:panels"), {"name": "Spring", "file": SimpleUploadedFile("g.csv", GOOD.encode())})
    assert ok.status_code == 200 and "2 buyers imported" in ok.content.decode()
    assert BuyerPanel.objects.get(name="Spring").buyers.count() == 2


def test_panel_pages_are_staff_only(shopper_client):
    assert shopper_client.get(reverse("samples:panels")).status_code == 403
    assert shopper_client.post(reverse("samples:panels"), {"name": "x", "file": SimpleUploadedFile("g.csv", GOOD.encode())}).status_code == 403
    assert not Buyer.objects.exists()


@pytest.mark.parametrize("n", [1, 20])
def test_panel_list_and_detail_query_counts(staff_client, django_assert_max_num_queries, n):
    buyers = BuyerFactory.create_batch(n)
    panels = [BuyerPanelFactory(buyers=buyers) for _ in range(n)]
    with django_assert_max_num_queries(6):
        assert staff_client.get(reverse("samples:panels")).status_code == 200
    with django_assert_max_num_queries(6):
        assert staff_client.get(reverse("samples:panel", args=[panels[0].pk])).status_code == 200


def test_a_panel_file_over_the_size_limit_is_refused_before_it_is_read(staff_client):
    from core.tests.uploads import UnreadableUpload
    from samples.forms import PanelImportForm
    from samples.importers import MAX_BYTES

    form = PanelImportForm(data={"name": "Spring"}, files={"file": UnreadableUpload("huge.csv", MAX_BYTES + 1)})
    assert not form.is_valid()
    assert form.errors["file"] == [f"huge.csv is larger than 2 MB ({MAX_BYTES + 1:,} bytes)."]

    big = SimpleUploadedFile("big.csv", GOOD.encode() + b"x" * MAX_BYTES, content_type="text/csv")
    response = staff_client.post(reverse("samples:panels"), {"name": "Spring", "file": big})
    assert response.status_code == 200 and "big.csv is larger than 2 MB" in response.content.decode()
    assert not Buyer.objects.exists() and not BuyerPanel.objects.exists()


BUYER_ALPHABET = st.sampled_from(
    [",", ",", ";", "\n", '"', "name", "email", "company", "Emma", "e@x.example", "=1", "US", "é", "\x00", "\ufeff"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=300),
    st.lists(BUYER_ALPHABET, max_size=50).map(lambda parts: "".join(parts).encode("utf-16")),
    st.lists(BUYER_ALPHABET, max_size=50).map(lambda parts: ("name,email\n" + "".join(parts)).encode()),
))
def test_any_bytes_give_buyers_or_errors_naming_the_file(data):
    report = parse_buyer_csv(data, filename="fuzz.csv")
    assert report["rows"] or report["errors"]
    assert all(e["message"].startswith("fuzz.csv") and e["file"] == "fuzz.csv" for e in report["errors"])

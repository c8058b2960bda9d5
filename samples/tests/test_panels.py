"""Buyer panels from CSV: a per-line report, duplicates named, all rows or none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
    assert found == {(3, "name"), (4, "email"), (5, "country"), (6, "markets"), (7, "row"), (8, "email")}
    assert all(e["message"].startswith(f"buyers.csv, line {e['line']}, {e['field']}:") for e in report["errors"])
    assert report["duplicates"] == [{"line": 8, "email": "emma@hearth.example", "first_line": 2}]
    assert not Buyer.objects.exists() and not BuyerPanel.objects.exists()


@pytest.mark.parametrize("content,field", [
    (b"", "header"),
    (b"\xff\xfe\x00n\x00a", "file"),
    (b"first,last\nA,B\n", "header"),
    (b"name,email\n", "file"),
    (b"name,email\n\"unterminated,a@b.example\n", "row"),
    (b"name,email\nA,a@b.example\x00\n", "file"),
    (b"name,email\n" + b"A,a@b.example\n" * 10 + b"x" * (3 * 1024 * 1024), "file"),
])
def test_malformed_and_hostile_files_are_refused_whole(content, field):
    report = panel_import_csv(panel_name="P", content=content, filename="x.csv")
    assert not report["ok"]
    assert report["errors"][0]["field"] == field
    assert not Buyer.objects.exists() and not BuyerPanel.objects.exists()


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
    assert "Nothing was imported" in html and "b.csv, line 2, email" in html
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

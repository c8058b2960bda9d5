"""Amazon product-listing exports: Helium 10 Xray and Jungle Scout products, through the same import path."""

import datetime
import io
import pathlib

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotspots import importers
from hotspots.importers.detect import listing_tool_of
from hotspots.importers.common import read_rows
from hotspots.models import AmazonKeywordMetric, AmazonListing, TrendImport
from hotspots.services import trends_import_files

DATA = pathlib.Path(__file__).parent / "data" / "amazon"
XRAY = DATA / "Xray_mermaid_blanket_US_2024-10-04.csv"
SCOUT = DATA / "JS_Products_blanket_DE_2024-10-05.csv"
CEREBRO = DATA / "US_AMAZON_cerebro_B0C1XKQ7ZT_2024-10-01.csv"
XRAY_HEADER = '"Product Details","ASIN","Brand","Price","Sales","Revenue","BSR","Ratings","Review Count"\n'
D = datetime.date


def parse(path, **kwargs):
    return importers.parse_export(path.read_bytes(), path.name, **kwargs)


def test_xray_export_tool_market_snapshot_figures_and_rejected_rows():
    parsed = parse(XRAY)
    assert (parsed.kind, parsed.market, parsed.snapshot) == ("amazon_listings:xray", "US", D(2024, 10, 4))
    first = parsed.rows[0]
    assert (first.asin, first.brand, first.price, first.monthly_sales, first.monthly_revenue, first.reviews,
            first.rating) == ("B0C1XKQ7ZT", "Cozyseas", 29.99, 3412, 102325.88, 8931, 4.6)
    assert first.title.startswith("Mermaid Tail Blanket for Adults")
    assert [r.asin for r in parsed.rows] == ["B0C1XKQ7ZT", "B08PZ4L1QK", "B09MRM4T2A", "B0BT8W1N3C", "B0D2QX9V7L"]
    last = parsed.rows[-1]
    assert (last.price, last.monthly_sales, last.reviews, last.rating) == (None, None, 0, None)
    # The repeated listing and the formula title are rejected with their lines, not stored.
    assert [line for line, _why in parsed.rejected] == [6, 7]
    assert "already given at line 3" in parsed.rejected[0][1] and "formula" in parsed.rejected[1][1]


def test_jungle_scout_products_german_numbers_and_rejected_rows():
    parsed = parse(SCOUT)
    assert (parsed.kind, parsed.market, parsed.snapshot) == ("amazon_listings:jungle_scout", "DE", D(2024, 10, 5))
    assert parsed.columns["monthly_sales"] == "Est. Monthly Sales" and parsed.columns["title"] == "Product Name"
    assert [(r.asin, r.price, r.monthly_sales, r.monthly_revenue, r.reviews, r.rating) for r in parsed.rows] == [
        ("B09ABCDE12", 29.99, 2310, 69276.9, 5812, 4.5), ("B0B7MERM01", 34.9, 412, 14378.8, 845, 4.3),
        ("B0C4LINE9Z", 59.0, 95, 5605.0, 134, 4.6),
    ]
    # ASIN repeated in lower case, an empty title, a malformed ASIN.
    assert [line for line, _why in parsed.rejected] == [5, 6, 7]


def test_detector_tells_listing_exports_from_keyword_and_trends_exports():
    assert listing_tool_of(read_rows(XRAY.read_text(), "x")) == "xray"
    assert listing_tool_of(read_rows(SCOUT.read_text(), "x")) == "jungle_scout"
    assert listing_tool_of(read_rows(CEREBRO.read_text(), "x")) is None
    assert parse(CEREBRO).kind == "amazon:cerebro"
    # A summary line above the header, currency in the header, market named by the caller.
    text = "Search: blanket\n" + XRAY_HEADER.replace('"Price"', '"Price  $"') + '"Linen throw","B0LINEN001","A","$9.50","3","$28.50","1","4.1","12"\n'
    parsed = importers.parse_export(text, "export.csv", market="fr", snapshot=D(2024, 1, 2))
    assert (parsed.kind, parsed.market, parsed.snapshot, parsed.rows[0].price) == (
        "amazon_listings:xray", "FR", D(2024, 1, 2), 9.5)


@pytest.mark.parametrize(("body", "line", "field", "reason"), [
    ('"Throw","B0LINEN001","A","cheap","3","1","1","4","2"\n', 2, "Price", "'cheap' is not a number"),
    ('"Throw","B0LINEN001","A","$-3","3","1","1","4","2"\n', 2, "Price", "cannot be negative"),
    ('"Throw","B0LINEN001","A","$3","3","1","1","4.1","-2"\n', 2, "Review Count", "cannot be negative"),
    ('"Throw","B0LINEN001","A","$3","3","1","1","7","2"\n', 2, "Ratings", "not a rating from 0 to 5"),
    ('"Throw","B0LINEN001","A","$3","99999999999","1","1","4","2"\n', 2, "Sales", "out of range"),
    ('"Throw","B0LINEN001","A","$3","3","1","1","4","2","extra"\n', 2, None, "10 cells but the header has 9"),
    ("", 2, None, "no listing rows"),
])
def test_bad_rows_name_file_line_and_field(body, line, field, reason):
    name = "Xray_US_2024-01-01.csv"
    with pytest.raises(importers.ImportProblem) as caught:
        importers.parse_export(XRAY_HEADER + body, name)
    assert (caught.value.line, caught.value.field) == (line, field)
    assert reason in caught.value.reason and name in caught.value.message
    assert caught.value.kind == "amazon_listings:xray"


def test_unknown_marketplace_is_refused():
    with pytest.raises(importers.ImportProblem, match="marketplace unknown"):
        importers.parse_export(XRAY_HEADER + '"Throw","B0LINEN001","A","$3","3","1","1","4","2"\n', "xray.csv")


def test_hostile_title_brand_and_long_text_are_rejected_rows():
    body = "".join([
        '"@SUM(1,2)","B0LINEN001","A","$3","3","1","1","4","2"\n',
        '"Throw","B0LINEN002","=cmd|\' /C calc\'!A0","$3","3","1","1","4","2"\n',
        f'"{"x" * 600}","B0LINEN003","A","$3","3","1","1","4","2"\n',
        '"Linen   throw\tblanket","B0LINEN004","A","$3","3","1","1","4","2"\n',
    ])
    parsed = importers.parse_export(XRAY_HEADER + body, "Xray_US.csv")
    assert [line for line, _why in parsed.rejected] == [2, 3, 4]
    assert [(r.asin, r.title) for r in parsed.rows] == [("B0LINEN004", "Linen throw blanket")]


@pytest.mark.django_db
def test_import_is_idempotent_and_reports_per_file(django_assert_max_num_queries):
    reports = trends_import_files(paths=[XRAY, SCOUT])
    assert [(r.kind, r.status, r.new, r.updated, r.unchanged, r.rejected) for r in reports] == [
        ("amazon_listings:xray", "ok", 5, 0, 0, 2), ("amazon_listings:jungle_scout", "ok", 3, 0, 0, 3),
    ]
    row = AmazonListing.objects.get(asin="B0C1XKQ7ZT")
    assert (row.tool, row.market, row.snapshot, row.brand, row.price, row.monthly_sales, row.reviews, row.rating) == (
        "xray", "US", D(2024, 10, 4), "Cozyseas", 29.99, 3412, 8931, 4.6)
    record = TrendImport.objects.get(pk=reports[0].import_id)
    assert (record.source, record.kind, record.new, record.rejected) == ("amazon_listings", "amazon_listings:xray", 5, 2)
    assert row.last_import == record
    before = list(AmazonListing.objects.order_by("id").values())
    with django_assert_max_num_queries(20):
        again = trends_import_files(paths=[XRAY, SCOUT])
    assert [(r.new, r.updated, r.unchanged) for r in again] == [(0, 0, 5), (0, 0, 3)]
    assert list(AmazonListing.objects.order_by("id").values()) == before
    assert not AmazonKeywordMetric.objects.exists()


@pytest.mark.django_db
def test_changed_listing_updates_and_a_new_snapshot_adds(tmp_path):
    trends_import_files(paths=[XRAY])
    changed = tmp_path / XRAY.name
    changed.write_text(XRAY.read_text().replace('"$29.99"', '"$27.49"'))
    report, = trends_import_files(paths=[changed])
    assert (report.new, report.updated, report.unchanged) == (0, 1, 4)
    assert AmazonListing.objects.get(asin="B0C1XKQ7ZT").price == 27.49
    later = tmp_path / "Xray_mermaid_blanket_US_2024-11-04.csv"
    later.write_bytes(XRAY.read_bytes())
    report, = trends_import_files(paths=[later])
    assert report.new == 5
    assert AmazonListing.objects.filter(asin="B0C1XKQ7ZT").count() == 2


@pytest.mark.django_db
def test_failed_file_stores_nothing_and_keeps_the_rest(tmp_path):
    trends_import_files(paths=[SCOUT])
    broken = tmp_path / "Xray_mermaid_blanket_US_2024-10-09.csv"
    broken.write_text(XRAY.read_text().replace('"4.4"', '"four"'))
    ok, bad = trends_import_files(paths=[XRAY, broken])
    assert (ok.status, bad.status, bad.kind) == ("ok", "failed", "amazon_listings:xray")
    assert (bad.line, bad.field) == (4, "Ratings") and "'four' is not a number" in bad.error
    assert TrendImport.objects.get(pk=bad.import_id).source == "amazon_listings"
    assert not AmazonListing.objects.filter(snapshot=D(2024, 10, 9)).exists()
    assert AmazonListing.objects.filter(market="DE").count() == 3
    assert AmazonListing.objects.filter(market="US").count() == 5


@pytest.mark.django_db
def test_command_imports_listing_exports_with_market_and_snapshot(tmp_path):
    plain = tmp_path / "xray.csv"
    plain.write_bytes(XRAY.read_bytes())
    out = io.StringIO()
    call_command("import_trends", str(plain), "--market", "CA", "--snapshot", "2024-12-01", stdout=out)
    assert "xray.csv: amazon_listings:xray, 5 new, 0 updated, 0 unchanged, 2 rejected" in out.getvalue()
    assert AmazonListing.objects.filter(market="CA", snapshot=D(2024, 12, 1)).count() == 5


listing_cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["B0C1XKQ7ZT", "b0c1xkq7zt", "$24.99", "1,234", "2.310", "4,5", "-", "N/A", "=1+1", '"', "",
                     "9" * 20, "-3", "7"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(listing_cells, min_size=0, max_size=10), max_size=6),
       st.sampled_from([XRAY_HEADER, "Product Name,ASIN,Brand,Price,Est. Monthly Sales,Reviews,Rating\n"]))
def test_any_listing_rows_import_or_raise_import_problem(rows, header):
    text = header + "\n".join(",".join(row) for row in rows)
    try:
        parsed = importers.parse_export(text, "Products_US_2024-01-01.csv")
    except importers.ImportProblem as problem:
        assert problem.file == "Products_US_2024-01-01.csv" and problem.reason
        # Undecodable text fails before the kind is known; otherwise the failure says what the file was.
        assert problem.kind in {"", "amazon_listings:xray", "amazon_listings:jungle_scout"}
    else:
        assert parsed.kind.startswith("amazon_listings:")
        assert len({r.asin for r in parsed.rows}) == len(parsed.rows)
        assert all(r.title and not r.title.startswith(("=", "+", "-", "@")) for r in parsed.rows)
        assert all(r.rating is None or 0 <= r.rating <= 5 for r in parsed.rows)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 20])
def test_admin_lists_and_filters_listings(client, django_user_model, django_assert_max_num_queries, rows):
    from django.urls import reverse

    from .factories import AmazonListingFactory

    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    for i in range(rows):
        AmazonListingFactory(title=f"Mermaid blanket {i}", market="US" if i % 2 == 0 else "DE")
    url = reverse("admin:hotspots_amazonlisting_changelist")
    with django_assert_max_num_queries(12):
        response = client.get(url + "?market=US&tool=xray")
    assert response.status_code == 200 and "Mermaid blanket 0" in response.content.decode()
    assert "Mermaid blanket 1<" not in response.content.decode()
    listing = AmazonListing.objects.first()
    assert client.get(reverse("admin:hotspots_amazonlisting_change", args=[listing.pk])).status_code == 200
    assert client.get(reverse("admin:hotspots_amazonlisting_add")).status_code == 200

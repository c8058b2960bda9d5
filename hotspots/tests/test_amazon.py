"""Amazon keyword-tool exports: Helium 10 Cerebro and Magnet, Jungle Scout, and CSVs read with a saved mapping."""

import datetime
import io
import pathlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotspots import importers
from hotspots.importers.amazon import parse_number
from hotspots.models import AmazonKeywordMetric, KeywordColumnMapping, TrendImport, TrendPoint
from hotspots.services import trends_import_files

from .conftest import YEEZY

DATA = pathlib.Path(__file__).parent / "data" / "amazon"
CEREBRO = DATA / "US_AMAZON_cerebro_B0C1XKQ7ZT_2024-10-01.csv"
MAGNET = DATA / "UK_AMAZON_magnet_2024-10-02.csv"
SCOUT = DATA / "Keyword_Scout_DE_2024-10-03.csv"
SCOUT_OLD = DATA / "jungle_scout_keywords.csv"
GENERIC = DATA / "marketplace_keywords_FR.csv"
FR_MAPPING = {"keyword": "Term", "search_volume": "Monthly searches", "competing_products": "Listings",
              "price": "Avg price"}
D = datetime.date


def parse(path, **kwargs):
    return importers.parse_export(path.read_bytes(), path.name, **kwargs)


def test_cerebro_export_tool_market_snapshot_and_figures():
    parsed = parse(CEREBRO)
    assert (parsed.kind, parsed.market, parsed.snapshot) == ("amazon:cerebro", "US", D(2024, 10, 1))
    first = parsed.rows[0]
    assert (first.keyword, first.search_volume, first.search_volume_trend, first.competing_products,
            first.title_density, first.suggested_bid) == ("mermaid tail blanket", 9631, 27.0, 1000, 7, 1.12)
    assert [r.keyword for r in parsed.rows] == [
        "mermaid tail blanket", "mermaid blanket for adults", "knitted mermaid tail", "sherpa blanket",
    ]
    assert parsed.rows[1].search_volume_trend == -12.0


def test_magnet_export_uk_file_name_is_market_gb():
    parsed = parse(MAGNET)
    assert (parsed.kind, parsed.market, parsed.snapshot) == ("amazon:magnet", "GB", D(2024, 10, 2))
    assert [(r.keyword, r.competing_products, r.title_density) for r in parsed.rows] == [
        ("waffle bath towel", 1874, 9), ("waffle towels", 2950, 14), ("turkish waffle towel", 84, 0),
    ]


def test_jungle_scout_exports_new_and_old_headers():
    new = parse(SCOUT)
    assert (new.kind, new.market) == ("amazon:jungle_scout", "DE")
    assert new.columns["search_volume"] == "Exact Search Volume"
    assert [(r.keyword, r.search_volume, r.search_volume_trend, r.suggested_bid) for r in new.rows] == [
        ("mermaid blanket", 8420, 22.5, 1.05), ("cooling blanket", 61200, -8.2, 1.52),
    ]
    # A duplicate (case-insensitive) and a formula-like keyword are rejected with their lines.
    assert [line for line, _why in new.rejected] == [3, 5]
    old = parse(SCOUT_OLD, market="us")
    assert old.market == "US" and old.snapshot is None
    assert [(r.keyword, r.search_volume, r.suggested_bid, r.competing_products) for r in old.rows] == [
        ("boho throw blanket", 6120, 0.97, 702), ("chunky knit blanket", 14900, 1.31, 2210),
    ]


def test_generic_csv_with_mapping_semicolons_and_decimal_commas():
    parsed = parse(GENERIC, mapping=FR_MAPPING)
    assert (parsed.kind, parsed.market) == ("amazon:generic", "FR")
    assert [(r.keyword, r.search_volume, r.competing_products, r.price) for r in parsed.rows] == [
        ("linen duvet cover", 3100, 640, 59.9), ("sage green linen duvet cover", 720, 88, 64.5),
    ]


@pytest.mark.parametrize(("cell", "integer", "value"), [
    ("1,234", True, 1234), ("$0.84", False, 0.84), ("8.5%", False, 8.5), ("-12%", False, -12.0),
    (">1000", True, 1000), ("€1,05", False, 1.05), ("1.234,50", False, 1234.5), ("-", True, None),
    ("N/A", False, None), ("", True, None),
])
def test_numbers_as_the_tools_write_them(cell, integer, value):
    assert parse_number(cell, "f.csv", 2, "col", integer=integer) == value


@pytest.mark.parametrize(("text", "line", "field", "reason"), [
    ("Keyword Phrase,Search Volume\nmermaid,lots\n", 2, "Search Volume", "'lots' is not a number"),
    ("Keyword Phrase,Search Volume\nmermaid,-5\n", 2, "Search Volume", "cannot be negative"),
    ("Keyword Phrase,Search Volume\nmermaid,5,7\n", 2, None, "3 cells but the header has 2"),
    ("Keyword Phrase,Search Volume\n", 2, None, "no keyword rows"),
])
def test_bad_rows_name_file_line_and_field(text, line, field, reason):
    with pytest.raises(importers.ImportProblem) as caught:
        importers.parse_export(text.encode(), "US_AMAZON_magnet_2024-01-01.csv")
    assert (caught.value.line, caught.value.field) == (line, field)
    assert reason in caught.value.reason and "US_AMAZON_magnet_2024-01-01.csv" in caught.value.message


def test_other_tool_with_common_column_names_is_read_as_generic():
    text = "Keyword,Search Volume,Competing Products,Price\nlinen throw,\"1,200\",340,$39.99\n"
    parsed = importers.parse_export(text, "keywords.csv", market="DE")
    assert (parsed.kind, parsed.market) == ("amazon:generic", "DE")
    assert [(r.keyword, r.search_volume, r.competing_products, r.price) for r in parsed.rows] == [
        ("linen throw", 1200, 340, 39.99)
    ]


def test_unknown_marketplace_and_missing_mapped_column_are_refused():
    with pytest.raises(importers.ImportProblem, match="marketplace unknown"):
        parse(SCOUT_OLD)
    with pytest.raises(importers.ImportProblem, match="column for price not found") as caught:
        parse(GENERIC, mapping={**FR_MAPPING, "price": "Preis"})
    assert caught.value.line == 1 and caught.value.field == "Preis"


@pytest.mark.django_db
def test_import_is_idempotent_and_reports_per_file(django_assert_max_num_queries):
    files = [CEREBRO, MAGNET, SCOUT]
    reports = trends_import_files(paths=files)
    assert [(r.kind, r.status, r.new, r.updated, r.unchanged, r.rejected) for r in reports] == [
        ("amazon:cerebro", "ok", 4, 0, 0, 0), ("amazon:magnet", "ok", 3, 0, 0, 0),
        ("amazon:jungle_scout", "ok", 2, 0, 0, 2),
    ]
    row = AmazonKeywordMetric.objects.get(keyword="mermaid tail blanket")
    assert (row.tool, row.market, row.snapshot, row.search_volume, row.competing_products, row.title_density,
            row.suggested_bid) == ("cerebro", "US", D(2024, 10, 1), 9631, 1000, 7, 1.12)
    assert row.last_import.source == "amazon_export" and row.last_import.kind == "amazon:cerebro"
    before = list(AmazonKeywordMetric.objects.order_by("id").values())
    with django_assert_max_num_queries(25):
        again = trends_import_files(paths=files)
    assert [(r.new, r.updated, r.unchanged) for r in again] == [(0, 0, 4), (0, 0, 3), (0, 0, 2)]
    assert list(AmazonKeywordMetric.objects.order_by("id").values()) == before


@pytest.mark.django_db
def test_changed_figures_update_and_a_new_snapshot_adds(tmp_path):
    trends_import_files(paths=[MAGNET])
    changed = tmp_path / MAGNET.name
    changed.write_text(MAGNET.read_text().replace('"5,320"', '"6,000"'))
    report, = trends_import_files(paths=[changed])
    assert (report.new, report.updated, report.unchanged) == (0, 1, 2)
    assert AmazonKeywordMetric.objects.get(keyword="waffle bath towel").search_volume == 6000
    later = tmp_path / "UK_AMAZON_magnet_2024-11-02.csv"
    later.write_bytes(MAGNET.read_bytes())
    report, = trends_import_files(paths=[later])
    assert report.new == 3
    assert AmazonKeywordMetric.objects.filter(keyword="waffle bath towel").count() == 2


@pytest.mark.django_db
def test_failed_file_stores_nothing_and_keeps_the_rest(tmp_path):
    trends_import_files(paths=[CEREBRO])
    broken = tmp_path / "US_AMAZON_cerebro_B0C1XKQ7ZT_2024-10-09.csv"
    broken.write_text(CEREBRO.read_text().replace('"802"', '"eight hundred"'))
    ok, bad, timeline = trends_import_files(paths=[MAGNET, broken, YEEZY])
    assert (ok.status, bad.status, timeline.status) == ("ok", "failed", "ok")
    assert (bad.line, bad.field) == (4, "Search Volume") and "'eight hundred' is not a number" in bad.error
    assert not AmazonKeywordMetric.objects.filter(snapshot=D(2024, 10, 9)).exists()
    assert AmazonKeywordMetric.objects.filter(market="US").count() == 4
    assert TrendImport.objects.get(pk=bad.import_id).source == "amazon_export"
    assert TrendPoint.objects.filter(series__keyword="yeezy").count() == 205


@pytest.mark.django_db
def test_saved_mapping_through_the_command():
    KeywordColumnMapping.objects.create(name="FR marketplace", market="FR", **FR_MAPPING)
    out = io.StringIO()
    call_command("import_trends", str(GENERIC), "--mapping", "FR marketplace", "--snapshot", "2024-10-05", stdout=out)
    assert f"{GENERIC.name}: amazon:generic, 2 new, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()
    row = AmazonKeywordMetric.objects.get(keyword="linen duvet cover")
    assert (row.tool, row.market, row.snapshot, row.price) == ("generic", "FR", D(2024, 10, 5), 59.9)
    with pytest.raises(CommandError, match="No keyword column mapping named 'nope'"):
        call_command("import_trends", str(GENERIC), "--mapping", "nope")
    with pytest.raises(CommandError, match="not a date"):
        call_command("import_trends", str(GENERIC), "--snapshot", "yesterday")


@pytest.mark.django_db
def test_command_market_option_and_failure_exit_code():
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import_trends", str(SCOUT_OLD), stdout=out)
    assert exited.value.code == 1 and "FAILED" in out.getvalue() and "marketplace unknown" in out.getvalue()
    out = io.StringIO()
    call_command("import_trends", str(SCOUT_OLD), "--market", "US", stdout=out)
    assert "amazon:jungle_scout, 2 new" in out.getvalue()
    assert AmazonKeywordMetric.objects.filter(market="US", snapshot=datetime.date.today()).count() == 2


HEADER = "Keyword Phrase,Search Volume,Competing Products,Title Density,Suggested PPC Bid\n"
cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["1,234", "$0.84", "-", ">1000", "12%", "=1+1", '"', "", "N/A", "9" * 20]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=0, max_size=6), max_size=6))
def test_any_keyword_rows_import_or_raise_import_problem(rows):
    text = HEADER + "\n".join(",".join(row) for row in rows)
    try:
        parsed = importers.parse_export(text, "US_AMAZON_magnet_2024-01-01.csv")
    except importers.ImportProblem as problem:
        assert problem.file == "US_AMAZON_magnet_2024-01-01.csv" and problem.reason
    else:
        assert parsed.kind == "amazon:magnet"
        assert all(r.keyword and not r.keyword.startswith("=") for r in parsed.rows)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.sampled_from([None, FR_MAPPING]))
def test_any_text_as_keyword_export_imports_or_raises_import_problem(text, mapping):
    try:
        importers.parse_export(text, "DE_AMAZON_cerebro_2024-01-01.csv", mapping=mapping)
    except importers.ImportProblem as problem:
        assert problem.reason

import datetime

import pytest

from hotspots.models import RegionInterest, RelatedQuery, TrendImport, TrendPoint, TrendSeries
from hotspots.services import trends_import_files

from .conftest import GEO_ID, PT_BR, RELATED, YEEZY

pytestmark = pytest.mark.django_db
D = datetime.date


def test_real_files_import_with_exact_figures(real_files):
    # The Indonesian map ranks Indonesia's provinces and does not say so: its market is named.
    reports = trends_import_files(paths=real_files, market="ID")
    assert [(r.kind, r.status, r.new, r.updated, r.unchanged, r.rejected) for r in reports] == [
        ("multiTimeline", "ok", 205, 0, 0, 0),
        ("multiTimeline", "ok", 1170, 0, 0, 0),
        ("geoMap", "ok", 34, 0, 0, 0),
        ("relatedQueries", "ok", 50, 0, 0, 0),
    ]
    yeezy = TrendSeries.objects.get(keyword="yeezy")
    assert (yeezy.market, yeezy.granularity, yeezy.category, yeezy.is_demo) == ("US", "week", "All categories", False)
    assert yeezy.points.count() == 205
    assert yeezy.points.first().date == D(2015, 5, 3) and yeezy.points.last().date == D(2019, 3, 31)
    assert TrendPoint.objects.get(series__keyword="bb basico lojas", date=D(2020, 10, 1)).value == 0.5
    assert RegionInterest.objects.get(keyword="Love, Bonito", region="Jambi").value is None
    assert set(RegionInterest.objects.values_list("market", flat=True)) == {"ID"}
    assert RegionInterest.objects.filter(value__isnull=True).count() == 26
    breakout = RelatedQuery.objects.get(query="my left airpod isnt working")
    assert (breakout.kind, breakout.value, breakout.is_breakout, breakout.market) == ("rising", None, True, "US")
    assert RelatedQuery.objects.get(kind="top", query="airpod case").value == 100
    assert TrendImport.objects.filter(status="ok").count() == 4


def test_reimport_changes_nothing(real_files, django_assert_max_num_queries):
    trends_import_files(paths=real_files, market="ID")
    before = list(TrendPoint.objects.order_by("id").values_list("id", "value", "is_partial"))
    with django_assert_max_num_queries(40):
        reports = trends_import_files(paths=real_files, market="ID")
    assert [(r.new, r.updated, r.unchanged) for r in reports] == [(0, 0, 205), (0, 0, 1170), (0, 0, 34), (0, 0, 50)]
    assert list(TrendPoint.objects.order_by("id").values_list("id", "value", "is_partial")) == before
    assert TrendSeries.objects.count() == 6


def test_a_big_file_is_written_set_wise(django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        [report] = trends_import_files(paths=[PT_BR])
    assert report.new == 1170


def test_malformed_file_stores_nothing_and_keeps_earlier_files():
    lines = YEEZY.read_bytes().split(b"\n")
    lines[6] = b"2015-06-0x,4"
    broken = b"\n".join(lines).replace(b"yeezy", b"other")
    reports = trends_import_files(paths=[PT_BR], uploads=[("broken.csv", broken), ("late.csv", YEEZY.read_bytes())])
    assert [r.status for r in reports] == ["ok", "failed", "ok"]
    failed = reports[1]
    assert (failed.filename, failed.line, failed.field) == ("broken.csv", 7, "Week")
    assert "is not a date" in failed.error
    assert not TrendSeries.objects.filter(keyword="other").exists()
    assert TrendPoint.objects.filter(series__keyword="bb basico").count() == 234
    record = TrendImport.objects.get(filename="broken.csv")
    assert record.status == "failed" and record.error.startswith("broken.csv, line 7, column 'Week':")


def test_non_numeric_value_fails_the_file():
    text = "Category: All categories\n\nWeek,a: (United States)\n2024-01-07,5\n2024-01-14,n/a\n"
    [report] = trends_import_files(uploads=[("bad.csv", text.encode())])
    assert (report.status, report.line, report.field) == ("failed", 5, "a: (United States)")
    assert not TrendSeries.objects.exists() and not TrendPoint.objects.exists()


def test_wrong_kind_and_garbage_are_reported():
    reports = trends_import_files(
        uploads=[("orders.csv", b"order_id,email,total\n1,a@example.org,3\n"), ("bin", b"\x00\x01\x02" * 100)]
    )
    assert [r.status for r in reports] == ["failed", "failed"]
    assert TrendImport.objects.filter(status="failed").count() == 2
    assert not TrendSeries.objects.exists()


def test_formula_rows_counted_as_rejected():
    text = 'Category: All categories\n"x: (United States)"\n\nTOP\n=HYPERLINK("h"),100\nx sale,50\n'
    [report] = trends_import_files(uploads=[("rq.csv", text.encode())])
    assert (report.status, report.new, report.rejected) == ("ok", 1, 1)
    assert list(RelatedQuery.objects.values_list("query", flat=True)) == ["x sale"]


def test_partial_point_is_replaced_when_complete_value_arrives():
    head = "Category: All categories\n\nWeek,x: (United States)\n2024-01-07,50\n"
    trends_import_files(uploads=[("a.csv", (head + "2024-01-14,20*\n").encode())])
    point = TrendPoint.objects.get(date=D(2024, 1, 14))
    assert (point.value, point.is_partial) == (20.0, True)

    [report] = trends_import_files(uploads=[("b.csv", (head + "2024-01-14,41\n2024-01-21,9*\n").encode())])
    assert (report.new, report.updated, report.unchanged) == (1, 1, 1)
    point.refresh_from_db()
    assert (point.value, point.is_partial) == (41.0, False)

    # An older export with the partial value again never overwrites the complete one.
    [report] = trends_import_files(uploads=[("a.csv", (head + "2024-01-14,20*\n").encode())])
    assert (report.updated, report.unchanged) == (0, 2)
    point.refresh_from_db()
    assert (point.value, point.is_partial) == (41.0, False)


def test_upload_of_unknown_geo_is_refused_naming_the_label():
    text = "Week,throw: (Atlantis)\n2024-01-07,5\n"
    [report] = trends_import_files(uploads=[("u.csv", text.encode())], is_demo=True)
    assert (report.status, report.line, report.field) == ("failed", 1, "throw: (Atlantis)")
    assert "'Atlantis' is not a country name" in report.error
    assert not TrendSeries.objects.exists() and not TrendPoint.objects.exists()
    assert TrendImport.objects.get().is_demo


def test_geo_map_reimport_updates_changed_values():
    trends_import_files(paths=[GEO_ID, RELATED], market="ID")
    changed = GEO_ID.read_bytes().replace(b"Banten,62", b"Banten,63")
    [report] = trends_import_files(uploads=[(GEO_ID.name, changed)], market="ID")
    assert (report.new, report.updated, report.unchanged) == (0, 1, 33)
    assert RegionInterest.objects.get(region="Banten").value == 63.0


def test_map_of_one_countrys_regions_without_its_market_stores_nothing():
    [report] = trends_import_files(paths=[GEO_ID])
    assert (report.status, report.kind, report.line, report.field) == ("failed", "geoMap", 3, "Wilayah")
    assert "regions of one country" in report.error and "name the market" in report.error
    assert not RegionInterest.objects.exists()

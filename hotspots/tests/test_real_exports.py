"""Real Google Trends exports in other UI languages (see data/google_trends/README.md), asserted point by point,
stored, re-imported (nothing changes) and garbled (refused whole, the line named)."""

import datetime
import pathlib

import pytest

from hotspots.importers import GeoMap, ImportProblem, MultiTimeline, RelatedQueries, parse_export
from hotspots.models import RegionInterest, RelatedQuery, RelatedTopic, TrendImport, TrendPoint, TrendSeries
from hotspots.services import trends_import_files

D = datetime.date
DATA = pathlib.Path(__file__).parent / "data" / "google_trends"


def load(name: str, **options):
    path = DATA / name
    return parse_export(path.read_bytes(), path.name, **options)


def points(series) -> dict:
    return {p.date: p.value for p in series.points}


# file, category, [(keyword, market, granularity, n points, {date: value})]
TIMELINES = [
    ("yukichiyoda_multiTimeline_zhCN_monthly_US.csv", "所有类别",
     [("Wildlife Trade", "US", "month", 241, {D(2004, 1, 1): 0.0, D(2004, 3, 1): 47.0, D(2005, 10, 1): 100.0,
                                                D(2024, 1, 1): 24.0})]),
    ("ywchiu_multiTimeline_zhTW_monthly_world.csv", "所有類別",
     [("燒肉", "", "month", 168, {D(2004, 1, 1): 15.0, D(2017, 10, 1): 100.0, D(2017, 12, 1): 79.0})]),
    ("kutinasi_multiTimeline_ja_monthly_world.csv", "すべてのカテゴリ",
     [("カップケーキ", "", "month", 223, {D(2004, 1, 1): 5.0, D(2013, 3, 1): 100.0, D(2022, 7, 1): 33.0})]),
    ("sejkim2_multiTimeline_ko_monthly_nopreamble.csv", "",
     [("헬스", "", "month", 251, {D(2004, 1, 1): 55.0, D(2011, 11, 1): 100.0, D(2024, 11, 1): 56.0})]),
    ("mbrede_multiTimeline_de_monthly_3kw_world.csv", "Alle Kategorien",
     [("R", "", "month", 194, {D(2004, 1, 1): 42.0, D(2018, 4, 1): 100.0, D(2020, 2, 1): 85.0}),
      ("SPSS", "", "month", 194, {D(2004, 1, 1): 42.0, D(2020, 2, 1): 16.0}),
      ("Stata", "", "month", 194, {D(2004, 1, 1): 7.0, D(2020, 2, 1): 9.0})]),
    ("fran6_multiTimeline_fr_weekly_FR_2kw.csv", "Toutes catégories",
     [("le covid", "FR", "week", 262, {D(2020, 2, 9): 0.5, D(2022, 1, 2): 100.0, D(2025, 1, 26): 2.0}),
      ("la covid", "FR", "week", 262, {D(2020, 2, 16): 0.5, D(2021, 7, 11): 56.0, D(2025, 1, 26): 1.0})]),
    ("isalykke_multiTimeline_da_monthly_US.csv", "Alle kategorier",
     [("kindle", "US", "month", 192, {D(2004, 1, 1): 0.5, D(2007, 11, 1): 4.0, D(2011, 12, 1): 100.0,
                                       D(2019, 12, 1): 12.0})]),
    ("artsyhrstn_multiTimeline_id_daily_ID.csv", "Semua kategori",
     [("kabur aja dulu", "ID", "day", 91, {D(2024, 12, 26): 0.0, D(2025, 2, 8): 16.0, D(2025, 2, 19): 100.0,
                                            D(2025, 3, 26): 4.0})]),
    ("nguyentandat_multiTimeline_vi_monthly_nopreamble.csv", "",
     [("Vn-Index", "", "month", 263, {D(2004, 1, 1): 0.0, D(2007, 3, 1): 100.0, D(2025, 11, 1): 9.0})]),
    ("eko7_multiTimeline_zh_semaine_USA.csv", "所有类别",
     [("toilet paper", "US", "week", 114, {D(2020, 2, 9): 2.0, D(2020, 3, 15): 100.0, D(2022, 4, 10): 0.0})]),
    ("valeatorio_multiTimeline_it_monthly_IT_quoted.csv", "Tutte le categorie",
     [('"Allianz"', "IT", "month", 66, {D(2020, 1, 1): 70.0, D(2025, 5, 1): 100.0, D(2025, 6, 1): 99.0}),
      ('"Prima Assicurazioni"', "IT", "month", 66, {D(2020, 1, 1): 3.0, D(2025, 6, 1): 23.0})]),
]


@pytest.mark.parametrize("name, category, expected", TIMELINES, ids=[t[0].split("_")[0] for t in TIMELINES])
def test_real_time_exports_point_by_point(name, category, expected):
    parsed = load(name)
    assert isinstance(parsed, MultiTimeline)
    assert parsed.category == category
    assert [(s.keyword, s.market, s.granularity, len(s.points)) for s in parsed.series] == [
        (keyword, market, granularity, n) for keyword, market, granularity, n, _values in expected
    ]
    for series, (_k, _m, _g, _n, values) in zip(parsed.series, expected):
        by_date = points(series)
        for day, value in values.items():
            assert by_date[day] == value, (series.keyword, day)
        assert not any(p.is_partial for p in series.points)
        assert [p.date for p in series.points] == sorted(by_date)


# file, market named by the importer (None: the file says it), keyword, market, n regions, {region: value}
MAPS = [
    ("elapuestojoe_geoMap_es_MX.csv", "MX", "Zika", "MX", 32,
     {"Quintana Roo": 100.0, "Yucatán": 94.0, "Ciudad de México": 12.0, "Chihuahua": 6.0}),
    ("araecaina_geoMap_ptBR_BR.csv", "BR", "usf", "BR", 27,
     {"Bahia": 100.0, "São Paulo": 57.0, "Santa Catarina": 3.0, "Roraima": None, "Amapá": None}),
    ("hiepphit_geoMap_vi_VN.csv", "VN", "Nước hoa", "VN", 63,
     {"Ninh Bình": 100.0, "Hồ Chí Minh": 80.0, "Bà Rịa - Vũng Tàu": 46.0, "Điện Biên": 12.0}),
    ("lmg807_geoMap_ko_KR.csv", "KR", "렌터카", "KR", 16,
     {"제주특별자치도": 100.0, "서울특별시": 52.0, "경상북도": 24.0}),
    ("lovebonito_geoMap_id_ID.csv", "ID", "Love, Bonito", "ID", 34,
     {"Daerah Khusus Ibukota Jakarta": 100.0, "Bali": 31.0, "Jambi": None}),
]


@pytest.mark.parametrize("name, given, keyword, market, n, values", MAPS, ids=[m[0].split("_")[0] for m in MAPS])
def test_real_region_maps_need_their_country_and_keep_every_value(name, given, keyword, market, n, values):
    with pytest.raises(ImportProblem, match="regions of one country") as caught:
        load(name)
    assert caught.value.line == 3
    parsed = load(name, market=given)
    assert isinstance(parsed, GeoMap)
    (column,) = parsed.columns
    assert (column.keyword, column.market, len(column.regions)) == (keyword, market, n)
    by_region = {r.region: r.value for r in column.regions}
    for region, value in values.items():
        assert by_region[region] == value, region


def test_real_world_map_by_country_needs_no_market():
    text = (DATA / "elapuestojoe_geoMap_es_MX.csv").read_text().splitlines()
    world = "\n".join(text[:3] + ["Estados Unidos,100", "México,80", "Brasil,12", "Japón,<1", "Alemania,"]) + "\n"
    (column,) = parse_export(world.encode(), "geoMap.csv").columns
    assert column.market == "" and [r.value for r in column.regions] == [100.0, 80.0, 12.0, 0.5, None]


def test_real_related_topics_in_english_with_a_time_range_holding_commas():
    parsed = load("dovithao3_relatedEntities_en_hourly_GB.csv")
    assert isinstance(parsed, RelatedQueries) and parsed.is_topics
    # "(9/23/23, 8:22 PM - 9/24/23, 8:22 PM, United Kingdom)": the geo is only the last part.
    assert (parsed.keyword, parsed.market, parsed.market_label) == ("marvel", "GB", "United Kingdom")
    assert (len(parsed.top), len(parsed.rising)) == (25, 12)
    assert [(r.query, r.value, r.rank) for r in parsed.top[:2]] == [("Marvel Comics", 100.0, 1),
                                                                    ("Marvel Cinematic Universe", 63.0, 2)]
    assert (parsed.top[-1].query, parsed.top[-1].value) == ("Black Panther", 1.0)
    # Two rising topics titled "Black Panther" are two entities: both kept.
    assert [r.value for r in parsed.rising if r.query == "Black Panther"] == [100.0, 50.0]
    assert (parsed.rising[0].query, parsed.rising[0].value, parsed.rising[0].is_breakout) == ("Deadpool", 200.0, False)


def test_real_related_topics_without_title_line_in_portuguese_and_vietnamese():
    with pytest.raises(ImportProblem, match="name its keyword and market") as caught:
        load("wagner666_relatedEntities_ptBR.csv")
    assert caught.value.line == 2
    pt = load("wagner666_relatedEntities_ptBR.csv", keyword="tempo", market="BR")
    assert (pt.keyword, pt.market, pt.is_topics, len(pt.top), len(pt.rising)) == ("tempo", "BR", True, 23, 14)
    assert [(r.query, r.value) for r in pt.top[:3]] == [("Tempo", 100.0), ("2024", 77.0), ("Filme", 76.0)]
    assert [r.query for r in pt.top].count("Google") == 2
    # "Mais 2.000%": the pt-BR UI's growth, with a dot grouping thousands.
    assert [(r.query, r.value) for r in pt.rising[:3]] == [("2024", 2000.0), ("Jogos Paralímpicos", 1800.0),
                                                           ("2025", 750.0)]
    assert (pt.rising[10].query, pt.rising[10].value) == ("Nike, Inc.", 70.0)

    vi = load("nguyendevwk_relatedEntities_vi.csv", keyword="xe", market="WORLD")
    assert (vi.market, len(vi.top), len(vi.rising)) == ("", 24, 25)
    assert (vi.top[0].query, vi.top[0].value) == ("Điện ảnh", 100.0)
    # "Đột phá" is the Vietnamese UI's Breakout.
    assert all(r.is_breakout and r.value is None for r in vi.rising)


@pytest.mark.django_db
def test_real_files_store_reimport_unchanged_and_topics_apart():
    names = [t[0] for t in TIMELINES]
    reports = trends_import_files(paths=[DATA / n for n in names])
    assert all(r.status == "ok" for r in reports), [(r.filename, r.error) for r in reports]
    assert TrendSeries.objects.filter(market="US", keyword="kindle", granularity="month").exists()
    assert TrendPoint.objects.get(series__keyword="le covid", date=D(2020, 2, 9)).value == 0.5
    maps = trends_import_files(paths=[DATA / "lmg807_geoMap_ko_KR.csv"], market="KR")
    topics = trends_import_files(paths=[DATA / "dovithao3_relatedEntities_en_hourly_GB.csv"])
    assert [(r.kind, r.new) for r in maps + topics] == [("geoMap", 16), ("relatedEntities", 37)]
    assert RegionInterest.objects.filter(market="KR").count() == 16
    assert not RelatedQuery.objects.exists()
    assert RelatedTopic.objects.filter(keyword="marvel", market="GB", title="Black Panther").count() == 3
    before = TrendImport.objects.count()
    again = trends_import_files(paths=[DATA / n for n in names]) + trends_import_files(
        paths=[DATA / "lmg807_geoMap_ko_KR.csv", DATA / "dovithao3_relatedEntities_en_hourly_GB.csv"], market="KR"
    )
    assert all((r.new, r.updated) == (0, 0) and r.unchanged for r in again)
    assert TrendImport.objects.count() == before + len(again)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [t[0] for t in TIMELINES[:6]])
def test_garbled_copy_is_refused_whole_with_its_line(name):
    lines = (DATA / name).read_bytes().splitlines(keepends=True)
    target = len(lines) - 3
    lines[target] = lines[target].replace(b",", b",x", 1)
    [report] = trends_import_files(uploads=[(name, b"".join(lines))])
    assert (report.status, report.line) == ("failed", target + 1)
    assert not TrendSeries.objects.exists() and not TrendPoint.objects.exists()


def test_semicolon_and_tab_copies_resaved_by_a_spreadsheet_read_the_same():
    original = load("fran6_multiTimeline_fr_weekly_FR_2kw.csv")
    raw = (DATA / "fran6_multiTimeline_fr_weekly_FR_2kw.csv").read_text()
    for delimiter in (";", "\t"):
        resaved = "\ufeff" + raw.replace(",", delimiter).replace("\n", f"{delimiter}\r\n")
        parsed = parse_export(resaved.encode(), "resaved.csv")
        assert [(s.keyword, s.market) for s in parsed.series] == [("le covid", "FR"), ("la covid", "FR")]
        assert [points(s) for s in parsed.series] == [points(s) for s in original.series]


def test_category_only_export_names_its_series_after_the_category():
    parsed = parse_export("Category: Shopping\n\nWeek,: (Germany)\n2024-01-07,50\n2024-01-14,55\n".encode(), "x.csv")
    (series,) = parsed.series
    assert (series.keyword, series.market) == ("Shopping", "DE")


def test_day_first_and_month_first_dates_of_a_resaved_file():
    day_first = parse_export(b"Semaine,x: (France)\n26/01/2020,1\n02/02/2020,2\n09/02/2020,3\n", "a.csv")
    assert [p.date for p in day_first.series[0].points] == [D(2020, 1, 26), D(2020, 2, 2), D(2020, 2, 9)]
    month_first = parse_export(b"Week,x: (United States)\n1/5/20,1\n1/12/20,2\n1/19/20,3\n", "b.csv")
    assert [p.date for p in month_first.series[0].points] == [D(2020, 1, 5), D(2020, 1, 12), D(2020, 1, 19)]
    # A monthly series re-saved as day-first dates: 1 Feb, 1 Mar is a month apart, 2 Jan, 3 Jan a day.
    with pytest.raises(ImportProblem, match="day-first and as month-first") as caught:
        parse_export(b"Week,x: (United States)\n01/02/2020,1\n01/03/2020,2\n", "c.csv")
    assert caught.value.line == 2
    korean = parse_export("주,x: (대한민국)\n24. 1. 7.,1\n24. 1. 14.,2\n".encode(), "k.csv")
    assert [p.date for p in korean.series[0].points] == [D(2024, 1, 7), D(2024, 1, 14)]
    bulgarian = parse_export("Седмица,x: (България)\n7.01.24\u202fг.,1\n14.01.24\u202fг.,2\n".encode(), "b.csv")
    assert [p.date for p in bulgarian.series[0].points] == [D(2024, 1, 7), D(2024, 1, 14)]
    assert korean.series[0].market == "KR" and bulgarian.series[0].market == "BG"


def test_eight_minute_export_is_daily_means_of_minutes_with_partial_days():
    rows = "".join(f"2024-03-01T{h:02d}:{m:02d},{(h + m) % 100}\n" for h in range(22, 24) for m in range(0, 60, 8))
    (series,) = parse_export(("Time,x: (Japan)\n" + rows).encode(), "m.csv").series
    assert (series.granularity, series.market) == ("minutes", "JP")
    (point,) = series.points
    assert point.date == D(2024, 3, 1) and point.is_partial


@pytest.mark.django_db
@pytest.mark.parametrize("name, options, row", [
    ("elapuestojoe_geoMap_es_MX.csv", {"market": "MX"}, 10),
    ("hiepphit_geoMap_vi_VN.csv", {"market": "VN"}, 40),
    ("wagner666_relatedEntities_ptBR.csv", {"market": "BR", "keyword": "tempo"}, 5),
    ("dovithao3_relatedEntities_en_hourly_GB.csv", {}, 10),
])
def test_garbled_map_or_related_copy_is_refused_whole_with_its_line(name, options, row):
    lines = (DATA / name).read_bytes().splitlines(keepends=True)
    query, _sep, _value = lines[row - 1].rpartition(b",")
    lines[row - 1] = query + b",lots\n"
    [report] = trends_import_files(uploads=[(name, b"".join(lines))], **options)
    assert (report.status, report.line) == ("failed", row)
    assert not RegionInterest.objects.exists() and not RelatedTopic.objects.exists()

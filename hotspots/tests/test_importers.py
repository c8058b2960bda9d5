"""The parsers alone: real exports and the variants browsers and spreadsheets produce."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotspots.importers import GeoMap, ImportProblem, MultiTimeline, RelatedQueries, market_for_label, parse_export

from .conftest import GEO_ID, PT_BR, RELATED, YEEZY

D = datetime.date


def parse(text: str, name: str = "x.csv"):
    return parse_export(text.encode("utf-8"), name)


def test_real_weekly_english_export():
    parsed = parse_export(YEEZY.read_bytes(), YEEZY.name)
    assert isinstance(parsed, MultiTimeline)
    assert parsed.category == "All categories"
    (series,) = parsed.series
    assert (series.keyword, series.market, series.market_label, series.granularity) == (
        "yeezy", "US", "United States", "week",
    )
    assert len(series.points) == 205
    assert (series.points[0].date, series.points[0].value) == (D(2015, 5, 3), 4.0)
    assert (series.points[-1].date, series.points[-1].value) == (D(2019, 3, 31), 25.0)
    assert not any(p.is_partial for p in series.points)


def test_real_portuguese_monthly_export_with_less_than_one():
    parsed = parse_export(PT_BR.read_bytes(), PT_BR.name)
    assert parsed.category == "Todas as categorias"
    assert [s.keyword for s in parsed.series] == [
        "bb básico", "bbbasico", "bebe basico", "bb basico", "bb basico lojas",
    ]
    assert {s.market for s in parsed.series} == {"BR"}
    assert {s.granularity for s in parsed.series} == {"month"}
    lojas = parsed.series[4]
    assert len(lojas.points) == 234
    assert lojas.points[0].date == D(2004, 1, 1) and lojas.points[-1].date == D(2023, 6, 1)
    by_date = {p.date: p.value for p in lojas.points}
    assert by_date[D(2020, 10, 1)] == 0.5  # "<1" at line 205
    assert by_date[D(2023, 6, 1)] == 1.0
    assert parsed.series[2].points[0].value == 73.0


def test_real_indonesian_geo_map_quoted_keyword_and_empty_cells():
    # The brackets hold a date range, not a geo: a map of provinces that does not say whose.
    with pytest.raises(ImportProblem) as caught:
        parse_export(GEO_ID.read_bytes(), GEO_ID.name)
    assert (caught.value.line, caught.value.field) == (3, "Wilayah")
    parsed = parse_export(GEO_ID.read_bytes(), GEO_ID.name, market="ID")
    assert isinstance(parsed, GeoMap)
    assert parsed.category == "Semua kategori" and parsed.region_label == "Wilayah"
    (column,) = parsed.columns
    assert column.keyword == "Love, Bonito"
    assert column.market == "ID"
    assert len(column.regions) == 34
    assert (column.regions[0].region, column.regions[0].value) == ("Daerah Khusus Ibukota Jakarta", 100.0)
    empties = [r for r in column.regions if r.value is None]
    assert len(empties) == 26 and empties[0].region == "Kalimantan Barat"


def test_real_related_queries_top_and_breakout():
    parsed = parse_export(RELATED.read_bytes(), RELATED.name)
    assert isinstance(parsed, RelatedQueries)
    assert (parsed.keyword, parsed.market) == ("airpod", "US")
    assert len(parsed.top) == 25 and len(parsed.rising) == 25
    assert (parsed.top[0].query, parsed.top[0].value) == ("airpod case", 100)
    assert (parsed.top[-1].query, parsed.top[-1].value) == ("airpods pro", 6)
    last = parsed.rising[-1]
    assert (last.query, last.value, last.is_breakout, last.line) == ("my left airpod isnt working", None, True, 56)


def test_crlf_bom_and_padded_category_line():
    raw = YEEZY.read_bytes().replace(b"\n", b"\r\n").replace(b"All categories", b"All categories,,,")
    parsed = parse_export(b"\xef\xbb\xbf" + raw, "crlf.csv")
    assert parsed.category == "All categories"
    assert len(parsed.series[0].points) == 205


def test_utf16_export_from_a_spreadsheet():
    text = "Categoria: Todas as categorias\n\nMês,bb: (Brasil)\n2004-01,3\n2004-02,<1\n"
    parsed = parse_export(text.encode("utf-16"), "u16.csv")
    assert [p.value for p in parsed.series[0].points] == [3.0, 0.5]


def test_missing_category_line_daily_and_empty_cells():
    parsed = parse(
        "Day,sherpa blanket: (Worldwide),throw: (Todo o mundo)\n2024-01-01,5,\n2024-01-02,,7\n2024-01-03,6,8\n"
    )
    assert parsed.category == ""
    sherpa, throw = parsed.series
    assert sherpa.granularity == "day" and sherpa.market == "" and throw.market == ""
    assert [p.value for p in sherpa.points] == [5.0, None, 6.0]
    assert [p.value for p in throw.points] == [None, 7.0, 8.0]


def test_hourly_export_becomes_daily_means_marked_as_such():
    text = "Category: All categories\n\nTime,blanket: (United Kingdom)\n" + "".join(
        f"2024-01-0{d}T{h:02d},{v}\n" for d, h, v in [(1, 22, 10), (1, 23, 20), (2, 0, 30), (2, 1, "")]
    )
    (series,) = parse(text).series
    # Daily means of hourly points, never "hourly"; neither day is covered whole, so both are partial.
    assert series.granularity == "hours" and series.market == "GB"
    assert [(p.date, p.value, p.is_partial) for p in series.points] == [
        (D(2024, 1, 1), 15.0, True), (D(2024, 1, 2), 30.0, True),
    ]


def test_column_without_geo_suffix_and_unknown_geo_label():
    parsed = parse("Category: All categories\n\nWeek,blanket,throw: (Brasil)\n2024-01-07,5,6\n2024-01-14,7,8\n")
    blanket, throw = parsed.series
    assert (blanket.keyword, blanket.market) == ("blanket", "")
    assert (throw.keyword, throw.market) == ("throw", "BR")
    assert blanket.granularity == "week"
    with pytest.raises(ImportProblem) as caught:
        parse("Category: All categories\n\nWeek,blanket,throw: (Atlantis)\n2024-01-07,5,6\n")
    assert (caught.value.line, caught.value.field) == (3, "throw: (Atlantis)")
    assert "'Atlantis' is not a country name" in caught.value.reason


def test_partial_last_point_by_asterisk_and_is_partial_column():
    starred = parse("Category: All categories\n\nWeek,x: (Germany)\n2024-01-07,50\n2024-01-14,20*\n")
    assert [p.is_partial for p in starred.series[0].points] == [False, True]
    assert starred.series[0].market == "DE"
    flagged = parse("date,x,isPartial\n2024-01-07,50,False\n2024-01-14,20,True\n")
    assert [p.is_partial for p in flagged.series[0].points] == [False, True]


def test_geo_map_comparison_shares():
    parsed = parse_export(
        "Category: All categories\n\nRegion,blanket: (1/1/20 - 1/1/25),throw: (1/1/20 - 1/1/25)\n"
        "California,73 %,27 %\nTexas,60%,40%\nVermont,,\n", "geoMap.csv", market="US",
    )
    assert {c.market for c in parsed.columns} == {"US"}
    blanket, throw = parsed.columns
    assert [r.value for r in blanket.regions] == [73.0, 60.0, None]
    assert [r.value for r in throw.regions] == [27.0, 40.0, None]


def test_related_queries_localized_and_growth_values():
    parsed = parse(
        "Categoria: Todas as categorias\n\"manta: (Brasil)\"\n\nPRINCIPAIS\nmanta sofa,100\nmanta casal,<1\n\n"
        "EM ASCENSÃO\nmanta tricot,Aumento repentino\nmanta boho,\"+1,250%\"\nmanta linho,+90%\n"
    )
    assert parsed.market == "BR"
    # "<1" is less than one, never 0: the same 0.5 as in series.
    assert [(r.query, r.value) for r in parsed.top] == [("manta sofa", 100), ("manta casal", 0.5)]
    assert [(r.value, r.is_breakout) for r in parsed.rising] == [(None, True), (1250, False), (90, False)]


@pytest.mark.parametrize(
    "label, market",
    [("United States", "US"), ("Estados Unidos", "US"), ("Vereinigtes Königreich", "GB"), ("Jerman", "DE"),
     ("Worldwide", ""), ("Todo o mundo", ""), ("", ""), ("Narnia", None), ("USA", "US"), ("États-Unis", "US"),
     ("美国", "US"), ("アメリカ合衆国", "US"), ("Amerika Serikat", "US"), ("미국", "US"), ("Weltweit", ""), ("全球", "")],
)
def test_market_labels(label, market):
    assert market_for_label(label) == market


def test_broken_date_names_file_line_and_field():
    lines = YEEZY.read_text().splitlines()
    lines[6] = "2015-13-45,4"
    with pytest.raises(ImportProblem) as caught:
        parse("\n".join(lines), "broken.csv")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("broken.csv", 7, "Week")
    assert "broken.csv, line 7, column 'Week'" in str(caught.value)


def test_non_numeric_value_names_the_column():
    with pytest.raises(ImportProblem) as caught:
        parse("Category: All categories\n\nWeek,a: (United States),b: (United States)\n2024-01-07,5,lots\n")
    assert (caught.value.line, caught.value.field) == (4, "b: (United States)")
    assert "'lots' is not a number" in caught.value.reason


def test_value_above_100_and_duplicate_date_fail():
    with pytest.raises(ImportProblem, match="above 100"):
        parse("Week,a\n2024-01-07,101\n")
    with pytest.raises(ImportProblem, match="already appeared at line 2"):
        parse("Week,a\n2024-01-07,1\n2024-01-07,2\n")


def test_hostile_huge_line():
    with pytest.raises(ImportProblem, match="line 4: line is longer"):
        parse("Category: All categories\n\nWeek,a\n2024-01-07," + "9" * 50_000 + "\n")


def test_hostile_binary_garbage():
    with pytest.raises(ImportProblem, match="binary content"):
        parse_export(bytes(range(256)) * 10, "garbage.bin")


def test_hostile_formula_keyword_fails_whole_file():
    with pytest.raises(ImportProblem, match="looks like a spreadsheet formula"):
        parse("Category: All categories\n\nWeek,=cmd|' /C calc'!A0\n2024-01-07,5\n")


def test_hostile_formula_rows_are_rejected_not_stored():
    parsed = parse(
        'Category: All categories\n"x: (United States)"\n\nTOP\n=cmd|\' /C calc\'!A0,100\nx sale,50\n\n'
        "RISING\n@SUM(A1),+50%\n"
    )
    assert [r.query for r in parsed.top] == ["x sale"] and parsed.rising == []
    assert [line for line, _why in parsed.rejected] == [5, 9]


def test_wrong_kind_is_refused():
    with pytest.raises(ImportProblem, match="not a Google Trends export"):
        parse("order_id,email,total\n1001,a@example.org,12.50\n")
    with pytest.raises(ImportProblem, match="file is empty"):
        parse("\n\n,,,\n")


TRENDS_ALPHABET = st.sampled_from(list("0123456789-,:;\"<%*+ ()\n\r\tabcTOPRISINGWeek\u00e3\x00\ufeff"))
LISTING_ALPHABET = st.sampled_from(["B0C1XKQ7ZT", "$", "€", "=", "@", "-"] + list("0123456789.,\" \nabcN/A\x00"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=400),
        st.text(alphabet=TRENDS_ALPHABET, max_size=400),
        st.builds(lambda body: "Category: All categories\n\nWeek,x: (United States)\n" + body,
                  st.text(alphabet=TRENDS_ALPHABET, max_size=300)),
        st.builds(lambda body: 'Category: All categories\n"x: (United States)"\n\nTOP\n' + body,
                  st.text(alphabet=TRENDS_ALPHABET, max_size=300)),
        st.builds(lambda header, body: header + body,
                  st.sampled_from(["Product Details,ASIN,Brand,Price,Sales,Ratings,Review Count\n",
                                   "#,Product Name,Brand,Price,Est. Monthly Sales,Reviews,Rating,ASIN\n"]),
                  st.lists(LISTING_ALPHABET, max_size=120).map("".join)),
    )
)
def test_any_text_imports_or_raises_import_problem(text):
    try:
        # "US" in the name gives a listing export its marketplace; Google Trends files ignore it.
        result = parse(text, "fuzz_US.csv")
    except ImportProblem as problem:
        assert problem.reason
    else:
        assert result.kind in {"multiTimeline", "geoMap", "relatedQueries", "amazon_listings:xray",
                               "amazon_listings:jungle_scout"}


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_import_or_raise_import_problem(data):
    try:
        parse_export(data, "fuzz.bin")
    except ImportProblem:
        pass

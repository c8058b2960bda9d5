"""Property tests: for every UI language Google Trends offers (``importers.locales``), exports written the way that
UI writes them (its header words and punctuation, CLDR's country names, its short dates and number grouping,
re-saved by a spreadsheet or not) read back with the same keywords, markets and values. Generated, not real."""

import os
from datetime import date

import pytest
from babel import Locale
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from hotspots.importers import ImportProblem, parse_export
from hotspots.importers.dates import locale_order
from hotspots.importers.geo import NOT_COUNTRIES
from hotspots.importers.locales import LOCALES

from . import trends_writer as write

SETTINGS = settings(max_examples=int(os.environ.get("C2F_LOCALE_EXAMPLES", "6")), deadline=None, derandomize=not os.environ.get("C2F_LOCALE_EXAMPLES"), suppress_health_check=[HealthCheck.too_slow])
def codes_of(locale) -> list[str]:
    """Every country or territory CLDR names in the UI's language: Google Trends' markets are among them."""
    return sorted(
        code for code in Locale.parse(locale.babel).territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )

# Letters of the scripts the UI languages write, digits, spaces and the punctuation keywords carry.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 äöüßéèçñãõåøæłşğıčřžő"
    "中文类别日本語カップケーキ한국어렌터카ไทยภาษาعربيةעבריתкириллицаΕλληνικάहिन्दीবাংলাதமிழ்'-&.,+"
)
keyword_text = st.text(alphabet=ALPHABET, min_size=1, max_size=24).map(lambda text: " ".join(text.split())).filter(
    lambda text: text and text[0].isalpha()
)
index_cell = st.one_of(st.integers(0, 100).map(str), st.just("<1"), st.just(""))


def markets(locale):
    return st.one_of(st.just(""), st.sampled_from(codes_of(locale)))


resaves = st.sampled_from(write.RESAVES)
dashes = st.sampled_from([" - ", " – ", "～", "~"])
day = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 1, 1))


def expected_value(cell: str) -> float | None:
    return None if cell == "" else 0.5 if cell == "<1" else float(cell)


def locale_ids(locale):
    return locale.hl


@pytest.mark.parametrize("locale", LOCALES, ids=locale_ids)
@SETTINGS
@given(
    keywords=st.lists(keyword_text, min_size=1, max_size=5, unique_by=str.casefold),
    step=st.sampled_from(["day", "week", "month"]), start=day, resave=resaves,
    dates=st.sampled_from(["iso", "locale"]), data=st.data(),
)
def test_time_exports_of_every_ui_language_read_back(locale, keywords, step, start, resave, dates, data):
    market = data.draw(markets(locale))
    if step == "month":
        start = start.replace(day=1)
    n_rows = data.draw(st.integers(2, 8))
    values = data.draw(st.lists(st.lists(index_cell, min_size=len(keywords), max_size=len(keywords)),
                                min_size=n_rows, max_size=n_rows))
    written = write.timeline(locale, keywords=keywords, market=market, step=step, start=start, values=values,
                             resave=resave, dates=dates)
    note(repr(written.text))
    try:
        parsed = parse_export(written.text.encode("utf-8"), written.name)
    except ImportProblem as problem:
        # Only a re-saved file whose category line two UIs with different date orders share (en-US, en-GB) and
        # whose dates fit both orders may be refused, and then as ambiguous, never misread.
        orders = {locale_order(other.babel) for other in LOCALES if (other.category, other.all_categories) == (
            locale.category, locale.all_categories)}
        assert dates == "locale" and len(orders) > 1 and "day-first and as month-first" in problem.reason
        return
    assert parsed.category == locale.all_categories
    assert [(s.keyword, s.market) for s in parsed.series] == [(k, market) for k in keywords]
    for position, series in enumerate(parsed.series):
        assert [p.value for p in series.points] == [expected_value(row[position]) for row in values]
        assert series.granularity == step
        assert series.points[0].date == start


@pytest.mark.parametrize("locale", LOCALES, ids=locale_ids)
@SETTINGS
@given(
    keyword=keyword_text, start=day, dash=dashes, resave=resaves, data=st.data(),
)
def test_world_maps_of_every_ui_language_read_back(locale, keyword, start, dash, resave, data):
    regions = data.draw(st.lists(st.sampled_from(codes_of(locale)), min_size=1, max_size=12, unique=True))
    values = data.draw(st.lists(index_cell, min_size=len(regions), max_size=len(regions)))
    written = write.world_map(locale, keyword=keyword, regions=regions, values=values, start=start,
                              end=date(start.year + 1, 1, 1), dash=dash, resave=resave)
    note(repr(written.text))
    parsed = parse_export(written.text.encode("utf-8"), written.name)
    (column,) = parsed.columns
    assert (column.keyword, column.market) == (keyword, "")
    assert [(r.region, r.value) for r in column.regions] == [
        (write.country_name(locale, code), expected_value(value)) for code, value in zip(regions, values)
    ]


@pytest.mark.parametrize("locale", LOCALES, ids=locale_ids)
@SETTINGS
@given(
    keyword=keyword_text, start=day, dash=dashes, resave=resaves, topics=st.booleans(), data=st.data(),
    top=st.lists(st.tuples(keyword_text, st.one_of(st.integers(1, 100).map(str), st.just("<1"))), max_size=6),
    rising=st.lists(st.tuples(keyword_text, st.one_of(st.none(), st.integers(1, 5_000_000))), max_size=6),
)
def test_related_lists_of_every_ui_language_read_back(locale, keyword, start, dash, resave, topics, top, rising, data):
    market = data.draw(markets(locale))
    if not topics:  # two identical queries are a garbled copy; two topics may share a title
        top = list({q.casefold(): (q, v) for q, v in top}.values())
        rising = list({q.casefold(): (q, v) for q, v in rising}.values())
    rising_cells = [(q, locale.breakout if g is None else write.growth(locale, g)) for q, g in rising]
    written = write.related(locale, keyword=keyword, market=market, top=top, rising=rising_cells, start=start,
                            end=date(start.year + 1, 1, 1), dash=dash, resave=resave, topics=topics)
    note(repr(written.text))
    parsed = parse_export(written.text.encode("utf-8"), written.name)
    assert (parsed.keyword, parsed.market, parsed.is_topics) == (keyword, market, topics)
    assert [(r.query, r.value) for r in parsed.top] == [(q, expected_value(v)) for q, v in top]
    assert [(r.query, r.value, r.is_breakout) for r in parsed.rising] == [
        (q, None if g is None else float(g), g is None) for q, g in rising
    ]


def test_every_table_row_is_a_cldr_locale_with_its_own_words():
    assert len({locale.hl for locale in LOCALES}) == len(LOCALES) >= 45
    for locale in LOCALES:
        assert Locale.parse(locale.babel).territories["US"]
        assert all([locale.category, locale.all_categories, locale.week, locale.month, locale.worldwide])

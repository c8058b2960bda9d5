import datetime

import pytest

from core.demo_catalog import DEMO_MARKETS, DEMO_SEED_WATCHLIST, demo_keyword_universe
from core.services import cycle_open
from hotspots.demo import DEMO_TRENDS_DIR, demo_trend_files
from hotspots.models import Hotspot, RelatedQuery, TrendPoint, TrendSeries
from hotspots.services import hotspots_score, trends_import_files, watchlist_create


def test_demo_trend_files_finds_files_by_keyword_and_market():
    files = demo_trend_files(keywords=["Mermaid Blanket"], markets=["US", "DE"])
    assert [f.name for f in files] == [
        "multiTimeline_DE_blanket_1.csv", "multiTimeline_US_blanket_1.csv", "relatedQueries_US_mermaid-blanket.csv",
    ]
    assert demo_trend_files(keywords=["not a demo keyword"], markets=["US"]) == []
    assert demo_trend_files(keywords=["mermaid blanket"], markets=["FR"]) == []


def test_demo_files_are_real_export_layout():
    text = (DEMO_TRENDS_DIR / "multiTimeline_GB_throw_1.csv").read_text()
    assert text.startswith("Category: All categories\n\nWeek,mermaid throw: (United Kingdom),")
    related = (DEMO_TRENDS_DIR / "relatedQueries_US_boho-throw.csv").read_text()
    assert '"boho throw: (11/21/21 - 11/15/26, United States)"' in related and "\nRISING\n" in related


@pytest.mark.django_db
def test_demo_files_import_and_cover_the_universe():
    reports = trends_import_files(paths=sorted(DEMO_TRENDS_DIR.glob("*.csv")), is_demo=True)
    assert all(r.status == "ok" for r in reports), [r for r in reports if r.status != "ok"]
    universe = {(keyword, market) for keyword, _c in demo_keyword_universe() for market in DEMO_MARKETS}
    stored = set(TrendSeries.objects.filter(granularity="week").values_list("keyword", "market"))
    assert stored == universe
    assert not TrendSeries.objects.filter(is_demo=False).exists()
    series = TrendSeries.objects.get(keyword="sherpa blanket", market="GB")
    assert series.points.count() == 261
    assert series.points.first().date == datetime.date(2021, 11, 21)
    assert series.points.last().date == datetime.date(2026, 11, 15)
    assert TrendPoint.objects.filter(value=0.5).exists()  # "<1" cells
    assert not TrendPoint.objects.filter(is_partial=True).exists()
    for keyword, _category in DEMO_SEED_WATCHLIST:
        assert RelatedQuery.objects.filter(keyword=keyword, market="US", kind="rising", is_breakout=True).exists()
        assert RelatedQuery.objects.filter(keyword=keyword, market="US", kind="rising", value__gt=0).exists()

    cycle = cycle_open(is_demo=True)
    watchlist_create(cycle=cycle, name="Demo", markets=DEMO_MARKETS, keywords=demo_keyword_universe(), is_demo=True)
    hotspots = hotspots_score(cycle=cycle)
    assert len(hotspots) == len(universe) and all(h.is_demo for h in hotspots)
    score = {(h.keyword, h.market): h.score for h in Hotspot.objects.filter(cycle=cycle)}
    assert score[("mermaid blanket", "US")] > score[("plaid blanket", "US")]
    assert score[("sage green throw", "GB")] > score[("tassel throw", "GB")]

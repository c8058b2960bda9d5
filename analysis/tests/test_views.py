"""Link 2's pages: attribute × market heat map, co-occurrence, demand over time, opportunity list."""

import datetime

import pytest
from django.urls import reverse

from analysis.models import Opportunity
from analysis.selectors import attribute_demand, attribute_demand_over_time
from analysis.services import attribute_lexicon_seed, opportunities_mine
from hotspots.models import AmazonKeywordMetric, RelatedQuery, TrendPoint
from hotspots.tests.factories import CycleFactory

from .factories import HotspotFactory

pytestmark = pytest.mark.django_db


def grow(cycle, n):
    for i in range(n):
        market = ["US", "GB", "DE"][i % 3]
        hotspot = HotspotFactory(cycle=cycle, keyword=f"{['mermaid', 'sherpa', 'boho'][i % 3]} blanket {i}",
                                 market=market, score=40 + i)
        TrendPoint.objects.bulk_create(
            TrendPoint(series=hotspot.series, date=datetime.date(2024, 1, 7) + datetime.timedelta(weeks=w), value=10 + w)
            for w in range(12)
        )


def test_attribute_demand_matrix_pairs_and_time():
    attribute_lexicon_seed()
    cycle = CycleFactory()
    grow(cycle, 6)
    RelatedQuery.objects.create(source="trends_export", keyword="mermaid blanket 0", market="US", kind="top",
                                query="sage green mermaid tail blanket", value=80)
    demand = attribute_demand(cycle=cycle)
    # Related queries pair attributes up but only hotspot keywords carry a score.
    assert set(demand.attributes) == {"mermaid", "sherpa", "boho"}
    assert demand.markets == ["DE", "GB", "US"]
    assert demand.by_market[("mermaid", "US")] == 41.5  # hotspots 0 and 3 (scores 40 and 43)
    assert demand.count_by_market[("mermaid", "US")] == 2 and ("mermaid", "GB") not in demand.by_market
    assert ("mermaid", "sage green", 1) in demand.pairs
    assert demand.kinds["sage green"] == "colour"
    over_time = attribute_demand_over_time(demand=demand, attributes=["mermaid"])
    assert list(over_time.columns) == ["mermaid · blanket · US"]
    assert over_time.iloc[0, 0] == pytest.approx((10 + 11 + 12 + 13) / 4)
    only_us = attribute_demand(cycle=cycle, market="us")
    assert only_us.markets == ["US"]


def test_attributes_from_amazon_keyword_phrases_latest_snapshot_by_volume(staff_client):
    attribute_lexicon_seed()
    cycle = CycleFactory(number=1)
    metric = AmazonKeywordMetric.objects.create
    metric(tool="cerebro", keyword="mermaid tail blanket", market="US", snapshot=datetime.date(2024, 9, 1), search_volume=1)
    metric(tool="cerebro", keyword="mermaid tail blanket", market="US", snapshot=datetime.date(2024, 10, 1), search_volume=9000)
    metric(tool="magnet", keyword="sage green mermaid blanket", market="US", snapshot=datetime.date(2024, 10, 1), search_volume=1000)
    metric(tool="jungle_scout", keyword="sherpa throw", market="DE", snapshot=datetime.date(2024, 10, 1), search_volume=500)
    demand = attribute_demand(cycle=cycle)
    assert demand.amazon_volume == {("mermaid", "US"): 10000, ("sage green", "US"): 1000, ("sherpa", "DE"): 500}
    assert demand.amazon_attributes[0] == "mermaid" and demand.amazon_markets == ["DE", "US"]
    assert attribute_demand(cycle=cycle, market="DE").amazon_volume == {("sherpa", "DE"): 500}
    body = staff_client.get(reverse("analysis:attributes") + "?cycle=1").content.decode()
    assert 'id="amazon-heatmap"' in body and "No lexicon attribute found" not in body


@pytest.mark.parametrize("rows", [1, 20])
def test_attribute_page_heatmap_and_query_count(staff_client, django_assert_max_num_queries, rows):
    attribute_lexicon_seed()
    cycle = CycleFactory(number=1)
    grow(cycle, rows)
    # One of them reads the Amazon listing titles for the supply heat map.
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("analysis:attributes") + "?cycle=1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "attribute-market-heatmap" in body and '"type":"heatmap"' in body
    assert "Attribute demand over time" in body and 'id="co-occurrence"' in body


def test_attribute_page_without_data_and_staff_only(staff_client, client):
    assert staff_client.get(reverse("analysis:attributes")).status_code == 200
    CycleFactory(number=1)
    assert "No lexicon attribute found" in staff_client.get(reverse("analysis:attributes") + "?market=ZZ").content.decode()
    staff_client.logout()
    assert client.get(reverse("analysis:attributes")).status_code == 302


@pytest.mark.parametrize("rows", [1, 20])
def test_opportunity_list_shows_parts_with_bounded_queries(staff_client, django_assert_max_num_queries, rows):
    attribute_lexicon_seed()
    cycle = CycleFactory(number=1)
    grow(cycle, rows)
    opportunities_mine(cycle=cycle)
    assert Opportunity.objects.count() >= 1
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("analysis:list") + "?cycle=1")
    assert response.status_code == 200 and "demand " in response.content.decode()
    detail = staff_client.get(reverse("analysis:detail", args=[Opportunity.objects.first().pk]))
    assert detail.status_code == 200 and "Amazon competition" in detail.content.decode()
    assert "competition_factor" not in detail.content.decode()  # explained, not dumped

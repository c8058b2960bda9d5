"""Supply: the lexicon's attributes in Amazon listing titles, and how it moves an opportunity's score."""

import datetime
import pathlib

import pytest
from django.urls import reverse

from analysis.mining import Matcher, TitleSupply
from analysis.models import Opportunity
from analysis.services import attribute_lexicon_seed, listing_supply, opportunities_mine
from hotspots.models import AmazonListing
from hotspots.services import trends_import_files
from hotspots.tests.factories import AmazonListingFactory, CycleFactory

from .factories import HotspotFactory

DATA = pathlib.Path(__file__).parents[2] / "hotspots" / "tests" / "data" / "amazon"


def test_title_supply_shares_and_sets():
    matcher = Matcher([("style", "mermaid", ["mermaid tail"]), ("material", "sherpa", []),
                       ("material", "chunky knit", ["chunky-knit"])])
    supply = TitleSupply(["Mermaid Tail Blanket, Sherpa Lined", "Sherpa Throw", "Chunky-Knit Mermaid Blankets",
                          "Plain blanket"], matcher)
    assert supply.listings == 4
    assert supply.shares() == {"chunky knit": 0.25, "mermaid": 0.5, "sherpa": 0.5}
    assert supply.share(["mermaid", "sherpa"]) == 0.25 and supply.matching(["mermaid", "sherpa"]) == 1
    assert supply.share(["mermaid", "chunky knit", "sherpa"]) == 0.0
    assert TitleSupply([], matcher).share(["mermaid"]) is None


@pytest.mark.django_db
def test_listing_supply_per_market_from_each_asins_latest_title(django_assert_max_num_queries):
    attribute_lexicon_seed()
    AmazonListingFactory(asin="B0AAAAAAA1", title="Sherpa blanket", snapshot=datetime.date(2024, 9, 1))
    AmazonListingFactory(asin="B0AAAAAAA1", title="Mermaid tail blanket", snapshot=datetime.date(2024, 10, 1))
    AmazonListingFactory(asin="B0AAAAAAA2", title="Sherpa fleece throw")
    AmazonListingFactory(asin="B0AAAAAAA3", market="DE", title="Mermaid Decke")
    with django_assert_max_num_queries(2):
        supply = listing_supply(markets={"US", "GB"})
    assert set(supply) == {"US"}
    assert supply["US"].listings == 2
    assert supply["US"].share(["mermaid"]) == 0.5 and supply["US"].share(["sherpa"]) == 0.5


@pytest.mark.django_db
def test_crowded_look_alike_attribute_ranks_below_an_open_one():
    attribute_lexicon_seed()
    cycle = CycleFactory()
    # Searched the same: only the listings tell them apart.
    HotspotFactory(cycle=cycle, keyword="sherpa blanket", score=60, growth=0.2)
    HotspotFactory(cycle=cycle, keyword="mermaid blanket", score=60, growth=0.2)
    HotspotFactory(cycle=cycle, keyword="boho blanket", market="GB", score=60, growth=0.2)
    for i in range(9):
        AmazonListingFactory(title=f"Sherpa fleece blanket, soft look-alike {i}")
    AmazonListingFactory(title="Mermaid tail blanket with sherpa lining")
    result = opportunities_mine(cycle=cycle)
    by_title = {o.title: o for o in result}
    sherpa, mermaid = by_title["sherpa blanket · US"], by_title["mermaid blanket · US"]
    assert sherpa.components["supply"] == 1.0 and sherpa.components["supply_factor"] == 0.85
    assert mermaid.components["supply"] == 0.1 and mermaid.components["supply_factor"] == 1.12
    assert (mermaid.components["supply_listings"], mermaid.components["supply_matching"]) == (10, 1)
    assert mermaid.rank < sherpa.rank
    assert sherpa.score == round(60 * (1 + 0.25 * 0.197375320224904) * 0.85, 2)
    assert mermaid.score == round(60 * (1 + 0.25 * 0.197375320224904) * 1.12, 2)
    assert "0.5 − supply" in mermaid.components["formula"]
    # No listings for GB: the score is the one without supply.
    boho = by_title["boho blanket · GB"]
    assert boho.components["supply"] is None and boho.components["supply_factor"] == 1.0
    assert (boho.components["supply_listings"], boho.components["supply_matching"]) == (0, 0)
    assert boho.score == round(60 * (1 + 0.25 * 0.197375320224904), 2)
    pair = by_title["mermaid + sherpa blanket · US"]
    assert pair.components["supply_matching"] == 1 and pair.components["supply"] == 0.1


@pytest.mark.django_db
def test_imported_exports_feed_supply_end_to_end():
    attribute_lexicon_seed()
    reports = trends_import_files(paths=[DATA / "Xray_mermaid_blanket_US_2024-10-04.csv",
                                         DATA / "JS_Products_blanket_DE_2024-10-05.csv"])
    assert [r.status for r in reports] == ["ok", "ok"]
    cycle = CycleFactory()
    HotspotFactory(cycle=cycle, keyword="mermaid blanket", market="US")
    HotspotFactory(cycle=cycle, keyword="mermaid blanket", market="DE")
    result = {o.title: o for o in opportunities_mine(cycle=cycle)}
    # US Xray titles: 3 of 5 listings say mermaid; DE: 1 of 3.
    assert result["mermaid blanket · US"].components["supply"] == 0.6
    assert result["mermaid blanket · DE"].components["supply"] == 0.333
    assert AmazonListing.objects.count() == 8


@pytest.mark.django_db
def test_detail_page_shows_supply_and_listing_evidence(staff_client, client, django_user_model):
    attribute_lexicon_seed()
    cycle = CycleFactory(number=1)
    HotspotFactory(cycle=cycle, keyword="mermaid blanket")
    HotspotFactory(cycle=cycle, keyword="boho blanket", market="GB")
    AmazonListingFactory(title="Mermaid tail blanket")
    AmazonListingFactory(title="Sherpa blanket")
    opportunities_mine(cycle=cycle)
    mermaid = Opportunity.objects.get(key="blanket|US|mermaid")
    body = staff_client.get(reverse("analysis:detail", args=[mermaid.pk])).content.decode()
    assert "supply 50% · 1 of 2 listings" in body
    assert "50% of 2 Amazon listings in US carry all its attributes (1)" in body
    assert "2 listings in US, 1 with all these attributes in the title" in body
    # A merchandiser without admin rights on listings gets no link to them; an admin does.
    assert "hotspots/amazonlisting/" not in body
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    assert "/hotspots/amazonlisting/?market=US" in client.get(reverse("analysis:detail", args=[mermaid.pk])).content.decode()
    boho = Opportunity.objects.get(key="blanket|GB|boho")
    body = staff_client.get(reverse("analysis:detail", args=[boho.pk])).content.decode()
    assert "supply unknown: no Amazon listings imported for GB" in body
    assert "No Amazon listing export imported for this market." in body
    listing = staff_client.get(reverse("analysis:list") + "?cycle=1").content.decode()
    assert "supply 50%" in listing


@pytest.mark.django_db
def test_attribute_page_shows_supply_per_market(staff_client, django_assert_max_num_queries):
    from analysis.selectors import attribute_demand

    attribute_lexicon_seed()
    cycle = CycleFactory(number=1)
    HotspotFactory(cycle=cycle, keyword="mermaid blanket")
    AmazonListingFactory(title="Mermaid tail blanket, sherpa")
    AmazonListingFactory(title="Sherpa blanket")
    AmazonListingFactory(title="Sherpa Decke", market="DE")
    demand = attribute_demand(cycle=cycle)
    assert demand.supply_markets == ["DE", "US"] and demand.supply_listings == {"DE": 1, "US": 2}
    assert demand.supply_attributes == ["sherpa", "mermaid"]
    assert demand.supply_matrix() == [[100.0, 100.0], [0.0, 50.0]]
    assert demand.kinds["sherpa"] == "material"
    assert attribute_demand(cycle=cycle, market="de").supply_listings == {"DE": 1}
    with django_assert_max_num_queries(10):
        body = staff_client.get(reverse("analysis:attributes") + "?cycle=1").content.decode()
    assert 'id="supply-heatmap"' in body and "% of Amazon listing titles" in body


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 20])
def test_attribute_page_query_count_does_not_grow_with_listings(staff_client, django_assert_max_num_queries, rows):
    attribute_lexicon_seed()
    cycle = CycleFactory(number=1)
    HotspotFactory(cycle=cycle, keyword="mermaid blanket")
    for i in range(rows):
        AmazonListingFactory(title=f"Mermaid blanket {i}", market=["US", "GB", "DE"][i % 3])
    with django_assert_max_num_queries(10):
        body = staff_client.get(reverse("analysis:attributes") + "?cycle=1").content.decode()
    assert 'id="supply-heatmap"' in body

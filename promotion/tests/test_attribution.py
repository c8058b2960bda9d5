"""Which link an order is credited to: the shop's word, its UTM parameters, else the last click in the window."""

from datetime import datetime, timedelta, UTC
from decimal import Decimal

import pytest

from promotion.models import Click, OrderAttribution
from promotion.selectors_results import attribution_rollup, campaign_results, campaigns_compare
from promotion.services import OrderFacts, order_attribute, tracked_link_create

from .factories import CampaignFactory, PostFactory

pytestmark = pytest.mark.django_db
PLACED = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def links():
    campaign = CampaignFactory(name="Sherpa DE", market="DE", time_zone="Europe/Berlin", budget=Decimal("300"),
                               currency="EUR")
    ig = tracked_link_create(campaign=campaign, post=PostFactory(campaign=campaign, channel="instagram"), source="instagram")
    pin = tracked_link_create(campaign=campaign, post=PostFactory(campaign=campaign, channel="pinterest"), source="pinterest")
    return ig, pin


def _click(link, at):
    return Click.objects.create(link=link, campaign=link.campaign, channel=link.channel, at=at)


def _facts(concept_id, **kwargs):
    values = {"platform": "shopify", "order_ref": "#1001", "placed_at": PLACED, "revenue": Decimal("59.90"),
              "currency": "eur", "market": "DE", "concept_ids": (concept_id,)}
    return OrderFacts(**{**values, **kwargs})


def test_utm_on_the_order_wins_over_the_last_click(links):
    ig, pin = links
    _click(pin, PLACED - timedelta(minutes=5))
    credit = order_attribute(_facts(ig.campaign.concept_id, utm={"utm_campaign": ig.utm_campaign, "utm_content": ig.utm_content}))
    assert (credit.link_id, credit.method, credit.currency, credit.revenue) == (ig.pk, "utm", "EUR", Decimal("59.90"))


def test_utm_read_from_the_landing_page_address(links):
    ig, _ = links
    landing = f"/products/sherpa?utm_source=instagram&utm_medium=social&utm_campaign={ig.utm_campaign}&utm_content={ig.utm_content}"
    assert order_attribute(_facts(None, concept_ids=(), landing_url=landing)).link_id == ig.pk


def test_without_utm_the_last_click_on_the_designs_links_in_the_market_within_the_window(links, settings):
    ig, pin = links
    settings.C2F_ATTRIBUTION_WINDOW_DAYS = 7
    _click(ig, PLACED - timedelta(days=3))
    _click(pin, PLACED - timedelta(days=1))
    _click(ig, PLACED + timedelta(minutes=1))  # after the order: not its cause
    credit = order_attribute(_facts(ig.campaign.concept_id))
    assert (credit.link_id, credit.method) == (pin.pk, "last_click")
    assert order_attribute(_facts(ig.campaign.concept_id, market="US", order_ref="#2")) is None  # another market
    assert order_attribute(_facts(ig.campaign.concept_id + 999, order_ref="#3")) is None  # another design
    settings.C2F_ATTRIBUTION_WINDOW_DAYS = 0.5
    assert order_attribute(_facts(ig.campaign.concept_id, order_ref="#4")) is None  # clicks older than the window


def test_handing_an_order_over_again_updates_it_without_doubling(links):
    ig, _ = links
    facts = _facts(ig.campaign.concept_id, link_code=ig.code)
    order_attribute(facts)
    order_attribute(_facts(ig.campaign.concept_id, link_code=ig.code, revenue=Decimal("19.90")))  # partly refunded
    [credit] = OrderAttribution.objects.all()
    assert credit.revenue == Decimal("19.90") and credit.method == "given"
    assert order_attribute(_facts(ig.campaign.concept_id, concept_ids=(), link_code="")) is None
    assert not OrderAttribution.objects.exists()  # nothing points to a link any more


@pytest.mark.parametrize("hostile", [
    {"utm": {"utm_campaign": "x" * 5000, "utm_content": "'; DROP TABLE x; --"}},
    {"landing_url": "http://[::1/%%%"}, {"landing_url": "\x00" * 3000}, {"link_code": "<script>" * 10},
    {"order_ref": "9" * 500, "revenue": Decimal("-5")},
])
def test_hostile_order_facts_credit_nothing_and_break_nothing(links, hostile):
    ig, _ = links
    credit = order_attribute(_facts(ig.campaign.concept_id, concept_ids=(), **hostile))
    assert credit is None or credit.revenue >= 0


def test_results_per_campaign_channel_post_and_day_with_cost_per_order(links, django_assert_max_num_queries):
    ig, pin = links
    campaign = ig.campaign
    for minutes in (10, 20, 30):
        _click(ig, PLACED - timedelta(minutes=minutes))
    _click(pin, PLACED - timedelta(days=1, minutes=1))
    order_attribute(_facts(campaign.concept_id, order_ref="#1", link_code=ig.code))
    order_attribute(_facts(campaign.concept_id, order_ref="#2", link_code=ig.code, revenue=Decimal("40.10")))
    order_attribute(_facts(campaign.concept_id, order_ref="#3", link_code=pin.code, currency="USD", revenue=Decimal("10")))
    with django_assert_max_num_queries(6):
        results = campaign_results(campaign=campaign)
    with django_assert_max_num_queries(4):  # no click since: the clicks are kept
        assert campaign_results(campaign=campaign).total.clicks == 4
    _click(pin, PLACED)
    assert campaign_results(campaign=campaign).total.clicks == 5  # a new click is counted on the next read
    assert (results.total.clicks, results.total.orders) == (4, 3)
    assert results.total.revenue == {"EUR": Decimal("100.00"), "USD": Decimal("10.00")}
    assert results.cost_per_order == Decimal("100.00")  # EUR 300 over 3 orders
    assert [(c, f.clicks, f.orders) for c, f in results.channels] == [("instagram", 3, 2), ("pinterest", 1, 1)]
    assert [(d.isoformat(), c, o) for d, c, o in results.days] == [("2026-03-09", 1, 0), ("2026-03-10", 3, 3)]
    other = CampaignFactory()
    compared = campaigns_compare(campaign_ids=[str(campaign.pk), "junk", other.pk, campaign.pk])
    assert [(c.campaign.pk, c.figures.orders, c.cost_per_order) for c in compared] == [
        (campaign.pk, 3, Decimal("100.00")), (other.pk, 0, None)]
    by_design = attribution_rollup(by="design")
    assert [(r.label, r.figures.orders) for r in by_design] == [(campaign.concept.name, 3)]
    assert [(r.label, r.figures.orders) for r in attribution_rollup(by="channel")] == [("Instagram", 2), ("Pinterest", 1)]


def test_revenue_is_summed_in_the_base_currency_with_unconverted_orders_counted_apart(links, settings, staff_client):
    settings.C2F_BASE_CURRENCY = "USD"
    ig, pin = links
    campaign = ig.campaign
    campaign.currency, campaign.budget = "USD", Decimal("50")
    campaign.save(update_fields=["currency", "budget"])
    order_attribute(_facts(campaign.concept_id, order_ref="#1", link_code=ig.code, revenue=Decimal("100"),
                           revenue_base=Decimal("108.70")))  # EUR 100 at 1.087
    order_attribute(_facts(campaign.concept_id, order_ref="#2", link_code=pin.code, currency="USD",
                           revenue=Decimal("20"), revenue_base=Decimal("20")))
    order_attribute(_facts(campaign.concept_id, order_ref="#3", link_code=pin.code, currency="JPY",
                           revenue=Decimal("3000")))  # no rate known yet
    results = campaign_results(campaign=campaign)
    assert (results.total.revenue_base, results.total.unconverted) == (Decimal("128.70"), 1)
    assert results.total.revenue == {"EUR": Decimal("100.00"), "JPY": Decimal("3000.00"), "USD": Decimal("20.00")}
    assert results.total.revenue_base_text == "$128.70 (without 1 order not yet converted)"
    assert [(c, f.revenue_base, f.unconverted) for c, f in results.channels] == [
        ("instagram", Decimal("108.70"), 0), ("pinterest", Decimal("20.00"), 1)]
    assert results.return_on_budget == Decimal("2.57")  # $128.70 over a $50 budget
    [compared] = campaigns_compare(campaign_ids=[campaign.pk])
    assert compared.figures.revenue_base == Decimal("128.70") and compared.return_on_budget == Decimal("2.57")
    assert attribution_rollup(by="campaign")[0].figures.revenue_base == Decimal("128.70")
    html = staff_client.get(f"/promotion/{campaign.pk}/").content.decode()
    assert "Revenue (USD)" in html and "$128.70 (without 1 order not yet converted)" in html
    assert "JPY 3,000.00" in html  # what was paid, per currency, beside it
    # Re-crediting an order with its rate now known fills its base amount in.
    order_attribute(_facts(campaign.concept_id, order_ref="#3", link_code=pin.code, currency="JPY",
                           revenue=Decimal("3000"), revenue_base=Decimal("19.80")))
    assert OrderAttribution.objects.get(order_ref="#3").revenue_base == Decimal("19.80")
    assert campaign_results(campaign=campaign).total.unconverted == 0


def test_an_attribution_in_another_currency_than_the_budget_has_no_return_on_budget(links, settings):
    settings.C2F_BASE_CURRENCY = "USD"
    ig, _ = links  # the budget is EUR 300
    order_attribute(_facts(ig.campaign.concept_id, link_code=ig.code, revenue_base=Decimal("65")))
    assert campaign_results(campaign=ig.campaign).return_on_budget is None

"""The money a first batch is sized with, read off the design app's sea-freight costing."""

from decimal import Decimal

import pytest

from design.models import FreightRate
from design.selectors import concept_market_costs
from production.services import sizing_money_for_concept
from production.services.sizing import factory_makes_category, factory_order_defaults

from .factories import ConceptFactory, FactoryFactory

pytestmark = pytest.mark.django_db


def costed_concept(**kwargs):
    """A blanket for US and GB with a weight, volume and HS code, against the seeded rates."""
    return ConceptFactory(
        target_markets=["US", "GB"], hs_code="6301.40", unit_weight_kg=Decimal("1.800"),
        unit_volume_m3=Decimal("0.01000"), unit_cost=Decimal("11.50"), target_price=Decimal("49.00"), **kwargs
    )


def test_margin_and_unsold_cost_are_sea_averages_less_salvage(settings):
    settings.C2F_SALVAGE_SHARE = 0.3
    concept = costed_concept()
    sea = [row["modes"]["sea"] for row in concept_market_costs(concept=concept)]
    assert len(sea) == 2
    money = sizing_money_for_concept(concept=concept)
    margin = (sea[0]["margin"] + sea[1]["margin"]) / 2
    landed = (sea[0]["landed"] + sea[1]["landed"]) / 2
    assert money == {
        "unit_margin": margin.quantize(Decimal("0.01")),
        "unsold_cost": (landed * Decimal("0.7")).quantize(Decimal("0.01")),
    }
    assert money["unit_margin"] > 0 and money["unsold_cost"] > 0
    assert all(isinstance(v, Decimal) for v in money.values())


def test_a_larger_salvage_share_makes_an_unsold_unit_cheaper(settings):
    concept = costed_concept()
    settings.C2F_SALVAGE_SHARE = 0.0
    full = sizing_money_for_concept(concept=concept)
    settings.C2F_SALVAGE_SHARE = 0.5
    half = sizing_money_for_concept(concept=concept)
    assert half["unit_margin"] == full["unit_margin"]
    assert half["unsold_cost"] == (full["unsold_cost"] / 2).quantize(Decimal("0.01"))


def test_markets_without_a_sea_rate_are_left_out_of_the_average():
    concept = costed_concept()
    us_only = ConceptFactory(
        target_markets=["US"], hs_code="6301.40", unit_weight_kg=Decimal("1.800"),
        unit_volume_m3=Decimal("0.01000"), unit_cost=Decimal("11.50"), target_price=Decimal("49.00"),
    )
    FreightRate.objects.filter(market="GB", mode="sea").delete()
    assert sizing_money_for_concept(concept=concept) == sizing_money_for_concept(concept=us_only)


def test_no_sea_figures_means_no_money():
    concept = costed_concept()
    FreightRate.objects.filter(mode="sea").delete()
    assert sizing_money_for_concept(concept=concept) == {}


def test_no_margin_means_no_money():
    # Sold below its landed cost: the newsvendor rule has nothing to weigh.
    concept = costed_concept(fixed_costs=Decimal("0"))
    concept.target_price = Decimal("5.00")
    concept.save()
    assert sizing_money_for_concept(concept=concept) == {}


def test_factory_defaults_come_from_its_price_list_then_the_concept_cost():
    concept = costed_concept()
    quoting = FactoryFactory(categories=["Blanket "], price_list={"BLANKET": "9.8"}, lead_time_days=30)
    silent = FactoryFactory(categories=["throw"], price_list={"throw": "7.00", "blanket": "not a price"}, lead_time_days=10)
    quoted = factory_order_defaults(factory=quoting, concept=concept)
    assert quoted["unit_price"] == Decimal("9.80") and quoted["unit_price_source"] == "factory price list"
    fallback = factory_order_defaults(factory=silent, concept=concept)
    assert fallback["unit_price"] == Decimal("11.50") and fallback["unit_price_source"] == "concept unit cost"
    assert (quoted["due_date"] - fallback["due_date"]).days == 20
    assert factory_makes_category(factory=quoting, category="blanket")
    assert not factory_makes_category(factory=silent, category="blanket")
    assert not factory_makes_category(factory=quoting, category="")

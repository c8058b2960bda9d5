from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import Attribute
from design.models import ComplianceItem, ComplianceTemplate, DutyRate, FreightRate, MarketFees
from design.selectors import concept_market_costs
from design.services import (
    DEMO_EVIDENCE_NOTE,
    compliance_demo_complete,
    compliance_item_check,
    compliance_item_uncheck,
    concept_compliance_sync,
    concept_costing_update,
    concept_create_from_opportunity,
    concept_ready_for_production,
)

from .factories import AttributeFactory, ConceptFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist():
    """A small checklist of our own, so the tests do not lean on the seeded defaults."""
    ComplianceTemplate.objects.all().delete()
    return [
        ComplianceTemplate.objects.create(category="*", market="US", title="16 CFR 1610 flammability"),
        ComplianceTemplate.objects.create(category="blanket", market="EU", title="REACH"),
        ComplianceTemplate.objects.create(category="*", market="*", title="Carton marks", required=False),
        ComplianceTemplate.objects.create(category="*", market="US", title="CPSIA certificate", applies_to_attribute="kids"),
        ComplianceTemplate.objects.create(category="towel", market="US", title="Towel only"),
    ]


@pytest.fixture
def rates():
    for model in (FreightRate, DutyRate, MarketFees):
        model.objects.all().delete()
    for market in ("US", "DE"):
        FreightRate.objects.create(market=market, mode="sea", basis="m3", rate=Decimal("110"))
        FreightRate.objects.create(market=market, mode="air", basis="kg", rate=Decimal("6.20"))
        FreightRate.objects.create(market=market, mode="express", basis="kg", rate=Decimal("9.50"))
        MarketFees.objects.create(market=market, platform_fee=Decimal("0.15"), payment_fee=Decimal("0.03"), return_allowance=Decimal("0.05"))
    DutyRate.objects.create(hs_code="6301", market="US", rate=Decimal("0.085"))
    DutyRate.objects.create(hs_code="6301.40", market="US", rate=Decimal("0.09"))
    DutyRate.objects.create(hs_code="6301", market="EU", rate=Decimal("0.12"))


def test_concept_from_opportunity_gets_shipping_defaults_and_its_checklist(checklist):
    opportunity = OpportunityFactory(market="US")
    concept = concept_create_from_opportunity(opportunity=opportunity, markets=["DE"])
    assert concept.target_markets == ["US", "DE"]
    assert concept.hs_code == "6301.40" and concept.unit_weight_kg > 0 and concept.unit_volume_m3 > 0
    items = set(concept.compliance_items.values_list("market", "title", "required"))
    assert items == {
        ("US", "16 CFR 1610 flammability", True),
        ("DE", "REACH", True),
        ("US", "Carton marks", False),
        ("DE", "Carton marks", False),
    }


def test_attribute_specific_items_only_for_concepts_with_that_attribute(checklist):
    kids = AttributeFactory(kind=Attribute.Kind.OCCASION, name="kids")
    concept = concept_create_from_opportunity(opportunity=OpportunityFactory(attributes=[kids]))
    assert concept.compliance_items.filter(title="CPSIA certificate", market="US").exists()


def test_sync_is_idempotent_and_keeps_ticked_items(checklist):
    concept = ConceptFactory(target_markets=["US"])
    assert concept_compliance_sync(concept=concept) == 2
    item = concept.compliance_items.get(title="16 CFR 1610 flammability")
    compliance_item_check(item=item, actor="anna", note="Lab report 2291")
    assert concept_compliance_sync(concept=concept) == 0
    item.refresh_from_db()
    assert item.checked and item.evidence_note == "Lab report 2291"


def test_ready_for_production_lists_required_unticked_items(checklist):
    concept = ConceptFactory(target_markets=["US", "DE"])
    concept_compliance_sync(concept=concept)
    assert concept_ready_for_production(concept=concept) == ["DE: REACH", "US: 16 CFR 1610 flammability"]
    for item in concept.compliance_items.filter(required=True):
        compliance_item_check(item=item, actor="anna", note="on file")
    assert concept_ready_for_production(concept=concept) == []


def test_ticking_needs_evidence_and_stores_nothing_without_it(checklist):
    concept = ConceptFactory(target_markets=["US"])
    concept_compliance_sync(concept=concept)
    item = concept.compliance_items.get(title="16 CFR 1610 flammability")
    with pytest.raises(ValidationError) as caught:
        compliance_item_check(item=item, actor="anna", note="   ")
    assert "needs evidence" in str(caught.value)
    item.refresh_from_db()
    assert not item.checked and item.checked_by == ""


def test_ticking_with_a_file(checklist):
    concept = ConceptFactory(target_markets=["US"])
    concept_compliance_sync(concept=concept)
    item = concept.compliance_items.get(title="16 CFR 1610 flammability")
    compliance_item_check(item=item, actor="anna", evidence_file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 test"))
    item.refresh_from_db()
    assert item.checked and item.evidence_file.name.endswith(".pdf")
    compliance_item_uncheck(item=item)
    item.refresh_from_db()
    assert not item.checked and item.evidence_file  # the evidence stays for the next tick


@pytest.mark.parametrize("name,size", [("run.exe", 10), ("report.pdf", 11 * 1024 * 1024)])
def test_evidence_file_type_and_size_are_checked(checklist, name, size):
    concept = ConceptFactory(target_markets=["US"])
    concept_compliance_sync(concept=concept)
    item = concept.compliance_items.first()
    with pytest.raises(ValidationError) as caught:
        compliance_item_check(item=item, actor="anna", evidence_file=SimpleUploadedFile(name, b"x" * size))
    assert name in str(caught.value)
    assert not ComplianceItem.objects.filter(checked=True).exists()


def test_demo_complete_ticks_demo_concepts_only(checklist):
    demo = ConceptFactory(target_markets=["US"], is_demo=True)
    concept_compliance_sync(concept=demo)
    assert compliance_demo_complete(concept=demo) == 2
    assert set(demo.compliance_items.values_list("evidence_note", flat=True)) == {DEMO_EVIDENCE_NOTE}
    assert concept_ready_for_production(concept=demo) == []
    real = ConceptFactory(target_markets=["US"])
    concept_compliance_sync(concept=real)
    with pytest.raises(ValidationError):
        compliance_demo_complete(concept=real)
    assert concept_ready_for_production(concept=real) == ["US: 16 CFR 1610 flammability"]


def test_market_costs_side_by_side_with_air_surprise(rates):
    concept = ConceptFactory(
        target_markets=["US", "DE"], unit_cost=Decimal("14.50"), target_price=Decimal("49.00"),
        hs_code="6301.40", unit_weight_kg=Decimal("1.6"), unit_volume_m3=Decimal("0.018"), fixed_costs=Decimal("1500"),
        market_prices={"DE": "54.99"},
    )
    rows = {r["market"]: r for r in concept_market_costs(concept=concept)}
    us, de = rows["US"], rows["DE"]
    assert us["duty_rate"] == Decimal("0.0900")  # the longer HS prefix wins
    assert de["duty_rate"] == Decimal("0.1200")  # DE falls back to the EU rate
    assert de["price"] == Decimal("54.99") and us["price"] == Decimal("49.00")
    assert not us["modes"]["sea"]["thin"]
    assert us["modes"]["sea"]["break_even_qty"] > 0
    assert us["modes"]["express"]["margin"] < us["modes"]["sea"]["margin"]
    assert "express" in us["surprise"]
    assert us["missing"] == []


def test_a_market_price_in_its_own_currency_is_converted_at_the_planning_rate(rates):
    from design.models import FxRate, MarketFees

    MarketFees.objects.update_or_create(market="DE", defaults={"currency": "EUR", "platform_fee": Decimal("0.15")})
    FxRate.objects.update_or_create(currency="EUR", defaults={"per_usd": Decimal("0.92")})
    concept = ConceptFactory(target_markets=["US", "DE"], target_price=Decimal("49.00"), hs_code="6301.40",
                             market_prices={"DE": "54.99"})
    rows = {r["market"]: r for r in concept_market_costs(concept=concept)}
    de, us = rows["DE"], rows["US"]
    assert (de["local_currency"], de["local_price"]) == ("EUR", Decimal("54.99"))
    assert de["price"] == Decimal("59.77")  # 54.99 EUR / 0.92 EUR per USD
    assert de["modes"]["sea"]["price"] == Decimal("59.77")
    assert us["local_currency"] == "USD" and us["price"] == us["local_price"] == Decimal("49.00")

    FxRate.objects.filter(currency="EUR").delete()
    de = {r["market"]: r for r in concept_market_costs(concept=concept)}["DE"]
    assert "planning exchange rate for EUR" in de["missing"]


def test_market_costs_names_what_is_missing(rates):
    concept = ConceptFactory(target_markets=["JP"], hs_code="6301.40")
    (row,) = concept_market_costs(concept=concept)
    assert row["modes"] == {}
    assert "market fees" in row["missing"] and "sea freight rate" in row["missing"]


def test_costing_update_validates_markets_and_prices():
    concept = ConceptFactory(target_markets=["US"])
    with pytest.raises(ValidationError):
        concept_costing_update(concept=concept, hs_code="6301.40", unit_weight_kg=Decimal("1"), unit_volume_m3=Decimal("0.01"),
                               fixed_costs=Decimal("0"), market_prices={"FR": "10"})
    concept.refresh_from_db()
    assert concept.market_prices == {}
    concept_costing_update(concept=concept, hs_code="6302.31", unit_weight_kg=Decimal("1.2"), unit_volume_m3=Decimal("0.01"),
                           fixed_costs=Decimal("900"), market_prices={"us": "39.5"})
    concept.refresh_from_db()
    assert concept.hs_code == "6302.31" and concept.market_prices == {"US": "39.50"} and concept.fixed_costs == Decimal("900")


def test_seeded_checklist_and_rates_exist():
    assert ComplianceTemplate.objects.filter(market="US", title__icontains="1610").exists()
    assert ComplianceTemplate.objects.filter(market="US", title__icontains="CPSIA").exists()
    assert ComplianceTemplate.objects.filter(market="EU", title__icontains="REACH").exists()
    assert ComplianceTemplate.objects.filter(title__icontains="battery").exists()
    assert ComplianceTemplate.objects.filter(title__icontains="CE marking").exists()
    assert FreightRate.objects.filter(mode="air").count() >= 3

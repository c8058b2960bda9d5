"""A shipment's planned landed cost comes from the design app's costing, per market."""

from decimal import Decimal

import pytest

from design.models import DutyRate, FreightRate, FxRate
from production.models import ProductionOrder
from production.selectors import production_order_landed_cost_plan
from production.services import production_order_ship

from .factories import ProductionOrderFactory, ProductionOrderLineFactory

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


def costed_order(**kwargs):
    order = ProductionOrderFactory(status=Status.QC_PASSED, unit_price=Decimal("10.00"), **kwargs)
    concept = order.sample.concept
    concept.hs_code = "6301.40"
    concept.unit_weight_kg = Decimal("2.000")
    concept.unit_volume_m3 = Decimal("0.00100")
    concept.target_markets = ["US", "GB"]
    concept.save()
    ProductionOrderLineFactory(order=order, market="US", quantity=100)
    ProductionOrderLineFactory(order=order, market="GB", quantity=50)
    for market, rate in (("US", "0.50"), ("GB", "0.75")):
        FreightRate.objects.update_or_create(market=market, mode="sea", defaults={"basis": "kg", "rate": Decimal(rate)})
    DutyRate.objects.filter(market__in=["US", "GB", "UK"]).delete()
    DutyRate.objects.create(hs_code="6301", market="US", rate=Decimal("0.0850"))
    DutyRate.objects.create(hs_code="6301", market="GB", rate=Decimal("0.1200"))
    return order


def test_the_plan_is_the_factory_price_plus_the_concepts_freight_and_duty_per_market():
    order = costed_order()
    plan = production_order_landed_cost_plan(order=order)
    # US: 10.00 + 1.00 freight (2 kg × 0.50) + 8.5 % duty on 11.00 = 0.94 (rounded) → 11.94 × 100
    # GB: 10.00 + 1.50 freight + 12 % duty on 11.50 = 1.38 → 12.88 × 50
    assert plan["markets"]["US"] == {
        "units": 100, "freight": "1.00", "duty": "0.94", "unit_landed": "11.94", "total": "1194.00"
    }
    assert plan["markets"]["GB"]["unit_landed"] == "12.88" and plan["markets"]["GB"]["total"] == "644.00"
    assert plan["total"] == Decimal("1838.00") and plan["missing"] == []


def test_shipping_records_the_planned_landed_cost_and_how_it_was_reached():
    order = costed_order()
    shipment = production_order_ship(
        order_id=order.pk, carrier="Ocean Line", tracking_number="OL-9", cartons=5, weight_kg="300", actor="test"
    )
    shipment.refresh_from_db()
    assert shipment.planned_landed_cost == Decimal("1838.00")
    assert shipment.landed_cost_plan["total"] == "1838.00"
    assert set(shipment.landed_cost_plan["markets"]) == {"US", "GB"}
    assert shipment.landed_cost_plan["mode"] == "sea"


def test_a_planned_cost_given_by_the_seller_wins_but_the_plan_is_kept():
    order = costed_order()
    shipment = production_order_ship(
        order_id=order.pk, carrier="Ocean Line", tracking_number="OL-10", cartons=5, weight_kg="300", actor="test",
        planned_landed_cost="2000.00",
    )
    shipment.refresh_from_db()
    assert shipment.planned_landed_cost == Decimal("2000.00")
    assert shipment.landed_cost_plan["total"] == "1838.00"


def test_a_market_without_a_duty_rate_leaves_the_plan_open_and_says_why():
    order = costed_order()
    DutyRate.objects.filter(market="GB").delete()
    plan = production_order_landed_cost_plan(order=order)
    assert plan["total"] is None
    assert plan["missing"] == ["GB: duty rate for HS 6301.40"]
    assert set(plan["markets"]) == {"US"}
    shipment = production_order_ship(
        order_id=order.pk, carrier="Ocean Line", tracking_number="OL-11", cartons=5, weight_kg="300", actor="test"
    )
    shipment.refresh_from_db()
    assert shipment.planned_landed_cost is None and shipment.landed_cost_plan["missing"] == plan["missing"]


def test_a_line_for_a_market_the_concept_does_not_target_is_named():
    order = costed_order()
    ProductionOrderLineFactory(order=order, market="JP", quantity=10)
    plan = production_order_landed_cost_plan(order=order)
    assert plan["total"] is None and "JP: not a target market of the concept" in plan["missing"]


def test_an_order_priced_in_another_currency_is_converted_at_the_planning_rate():
    order = costed_order(currency="EUR")
    FxRate.objects.update_or_create(currency="EUR", defaults={"per_usd": Decimal("0.800000")})
    FxRate.objects.update_or_create(currency="USD", defaults={"per_usd": Decimal("1")})
    plan = production_order_landed_cost_plan(order=order)
    # 10.00 EUR = 12.50 USD; US: 12.50 + 1.00 + 8.5 % of 13.50 (1.15) = 14.65
    assert plan["markets"]["US"]["unit_landed"] == "14.65"
    FxRate.objects.all().delete()
    plan = production_order_landed_cost_plan(order=order)
    assert plan["total"] is None and plan["missing"][0].startswith("planning exchange rate")

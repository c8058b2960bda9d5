"""Landed cost arithmetic: no database."""

from decimal import Decimal

from design.costing import freight_per_unit, landed_cost


def test_sea_freight_per_m3_uses_volume():
    assert freight_per_unit(mode="sea", basis="m3", rate="110", weight_kg="1.6", volume_m3="0.018") == Decimal("1.98")


def test_air_freight_bills_volumetric_weight_when_it_exceeds_actual():
    # 0.018 m³ × 167 kg/m³ = 3.006 kg chargeable > 1.6 kg actual
    assert freight_per_unit(mode="air", basis="kg", rate="6.20", weight_kg="1.6", volume_m3="0.018") == Decimal("18.64")
    # A dense item is billed on its actual weight
    assert freight_per_unit(mode="air", basis="kg", rate="6.20", weight_kg="2", volume_m3="0.001") == Decimal("12.40")


def test_landed_cost_margin_and_break_even():
    figures = landed_cost(
        unit_cost="14.50", price="49.00", freight=Decimal("2.00"), duty_rate="0.10",
        platform_fee="0.15", payment_fee="0.03", return_allowance="0.02", fixed_costs="1000",
    )
    assert figures["duty"] == Decimal("1.65")  # 10% of goods + freight
    assert figures["landed"] == Decimal("18.15")
    assert figures["fees"] == Decimal("9.80")  # 20% of 49
    assert figures["margin"] == Decimal("21.05")
    assert figures["break_even_qty"] == 48  # ceil(1000 / 21.05)
    assert not figures["thin"]


def test_negative_margin_never_breaks_even_and_is_thin():
    figures = landed_cost(
        unit_cost="30", price="35", freight=Decimal("10"), duty_rate="0.12",
        platform_fee="0.15", payment_fee="0.03", return_allowance="0.05", fixed_costs="500",
    )
    assert figures["margin"] < 0
    assert figures["break_even_qty"] is None
    assert figures["thin"]


def test_no_fixed_costs_breaks_even_at_zero_units():
    figures = landed_cost(
        unit_cost="10", price="40", freight=Decimal("1"), duty_rate="0",
        platform_fee="0", payment_fee="0", return_allowance="0",
    )
    assert figures["break_even_qty"] == 0

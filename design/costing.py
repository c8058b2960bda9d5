"""Unit cost from a simple bill of materials: fabric + labour + packaging. No Django.

Figures are a merchandiser's planning defaults (USD), meant to be edited once
real quotes come in; the concept page shows every part.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

# Fabric area per unit (m²), cut-and-sew labour, packaging, per category.
CATEGORY_BOM = {
    "blanket": {"fabric_m2": 3.2, "labour": 3.4, "packaging": 0.9},
    "throw": {"fabric_m2": 2.1, "labour": 2.6, "packaging": 0.7},
    "cushion cover": {"fabric_m2": 0.5, "labour": 0.9, "packaging": 0.3},
    "bath towel": {"fabric_m2": 1.0, "labour": 0.8, "packaging": 0.4},
    "duvet cover": {"fabric_m2": 5.4, "labour": 4.2, "packaging": 1.1},
}
DEFAULT_BOM = {"fabric_m2": 1.5, "labour": 2.0, "packaging": 0.6}

# Fabric price per m² by material.
MATERIAL_PRICE_M2 = {
    "sherpa": 2.9,
    "chunky knit": 6.5,
    "muslin": 1.7,
    "linen": 4.6,
    "velvet": 3.3,
    "bamboo": 3.1,
    "wool": 7.5,
    "cashmere": 18.0,
    "silk": 9.0,
    "fleece": 1.9,
    "cotton": 2.0,
}
DEFAULT_MATERIAL = "cotton"

# Sizes offered per category.
CATEGORY_SIZES = {
    "blanket": ["130x170", "150x200"],
    "throw": ["125x150"],
    "cushion cover": ["45x45", "50x50"],
    "bath towel": ["70x140"],
    "duvet cover": ["single", "double", "king"],
}


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def unit_cost_breakdown(*, category: str, material: str | None) -> dict:
    bom = CATEGORY_BOM.get(category, DEFAULT_BOM)
    material = material if material in MATERIAL_PRICE_M2 else DEFAULT_MATERIAL
    fabric = bom["fabric_m2"] * MATERIAL_PRICE_M2[material]
    total = fabric + bom["labour"] + bom["packaging"]
    return {
        "material": material,
        "fabric_m2": bom["fabric_m2"],
        "fabric": float(_money(fabric)),
        "labour": bom["labour"],
        "packaging": bom["packaging"],
        "unit_cost": float(_money(total)),
    }


# --- landed cost per market --------------------------------------------------

# Packed weight (kg) and carton volume (m³) per unit, and the customs heading, per category.
CATEGORY_SHIPPING = {
    "blanket": {"weight_kg": 1.6, "volume_m3": 0.018, "hs_code": "6301.40"},
    "throw": {"weight_kg": 0.9, "volume_m3": 0.010, "hs_code": "6301.40"},
    "cushion cover": {"weight_kg": 0.25, "volume_m3": 0.002, "hs_code": "6304.93"},
    "bath towel": {"weight_kg": 0.6, "volume_m3": 0.004, "hs_code": "6302.60"},
    "duvet cover": {"weight_kg": 1.4, "volume_m3": 0.012, "hs_code": "6302.31"},
}
DEFAULT_SHIPPING = {"weight_kg": 1.0, "volume_m3": 0.008, "hs_code": "6307.90"}

# Carriers bill air and express by the greater of actual and volumetric weight (kg per m³).
VOLUMETRIC_KG_PER_M3 = {"air": 167, "express": 200}
# A mode "eats the margin" when its margin falls under this share of the retail price.
THIN_MARGIN = 0.15


def _d(value) -> Decimal:
    return Decimal(str(value or 0))


def freight_per_unit(*, mode: str, basis: str, rate, weight_kg, volume_m3) -> Decimal:
    weight, volume, rate = _d(weight_kg), _d(volume_m3), _d(rate)
    if basis == "m3":
        return _money(volume * rate)
    chargeable = max(weight, volume * VOLUMETRIC_KG_PER_M3.get(mode, 0))
    return _money(chargeable * rate)


def landed_cost(
    *,
    unit_cost,
    price,
    freight: Decimal,
    duty_rate,
    platform_fee,
    payment_fee,
    return_allowance,
    fixed_costs=0,
) -> dict:
    """Landed cost, margin and break-even quantity of one unit in one market by one freight mode.

    Duty is charged on the customs value (goods plus freight, CIF); platform and
    payment fees and the return allowance are shares of the retail price.
    """
    unit_cost, price = _d(unit_cost), _d(price)
    duty = _money((unit_cost + freight) * _d(duty_rate))
    landed = unit_cost + freight + duty
    fees = _money(price * (_d(platform_fee) + _d(payment_fee) + _d(return_allowance)))
    margin = price - landed - fees
    margin_rate = float(margin / price) if price else None
    fixed = _d(fixed_costs)
    if margin <= 0:
        break_even = None
    else:
        break_even = int((fixed / margin).to_integral_value(rounding=ROUND_CEILING)) if fixed > 0 else 0
    return {
        "unit_cost": unit_cost,
        "freight": freight,
        "duty": duty,
        "landed": _money(landed),
        "fees": fees,
        "price": price,
        "margin": _money(margin),
        "margin_rate": margin_rate,
        "break_even_qty": break_even,
        "thin": margin_rate is None or margin_rate < THIN_MARGIN,
    }


# --- wholesale price from the retail target ------------------------------------


def wholesale_from_retail(*, retail, retailer_margin) -> Decimal:
    """The wholesale price that leaves a retailer ``retailer_margin`` of the retail price.

    wholesale = retail × (1 − retailer margin), rounded to the cent: with the
    keystone plan (0.5) a 49.00 retail target asks 24.50 wholesale.
    """
    margin = _d(retailer_margin)
    if not Decimal(0) <= margin < Decimal(1):
        raise ValueError(f"retailer margin must be from 0 up to 1, got {retailer_margin}.")
    return _money(_d(retail) * (1 - margin))

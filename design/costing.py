"""Unit cost from a simple bill of materials: fabric + labour + packaging. No Django.

Figures are a merchandiser's planning defaults (USD), meant to be edited once
real quotes come in; the concept page shows every part.
"""

from decimal import ROUND_HALF_UP, Decimal

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

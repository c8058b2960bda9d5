"""Planning defaults for landed cost and the compliance checklist templates; all editable in the admin."""

from decimal import Decimal

from django.db import migrations

# (market, mode, basis, rate, transit days): planning figures per kg or per m³, USD.
FREIGHT = [
    ("US", "sea", "m3", "110.00", 30), ("US", "air", "kg", "6.20", 7), ("US", "express", "kg", "9.50", 4),
    ("GB", "sea", "m3", "125.00", 38), ("GB", "air", "kg", "5.80", 7), ("GB", "express", "kg", "9.00", 4),
    ("DE", "sea", "m3", "120.00", 36), ("DE", "air", "kg", "5.60", 7), ("DE", "express", "kg", "8.80", 4),
]
# (HS heading, market, duty rate): blankets 6301, bed/bath linen 6302, furnishing articles 6304, other 6307.
DUTY = [
    ("6301", "US", "0.0850"), ("6302", "US", "0.0910"), ("6304", "US", "0.0620"), ("6307", "US", "0.0700"),
    ("6301", "EU", "0.1200"), ("6302", "EU", "0.1200"), ("6304", "EU", "0.1200"), ("6307", "EU", "0.0630"),
    ("6301", "GB", "0.1200"), ("6302", "GB", "0.1200"), ("6304", "GB", "0.1200"), ("6307", "GB", "0.0600"),
]
# (market, platform fee, payment fee, return allowance)
FEES = [
    ("US", "0.1500", "0.0290", "0.0500"),
    ("GB", "0.1530", "0.0190", "0.0600"),
    ("DE", "0.1530", "0.0190", "0.0800"),
]
# (category, market, title, guidance, required, only for attribute)
CHECKLIST = [
    ("*", "US", "16 CFR 1610 flammability of clothing textiles",
     "Textile test report (class 1 or 2) from an accredited laboratory for every fabric.", True, ""),
    ("*", "US", "Textile Fiber Products Identification Act label",
     "Fibre content by weight, country of origin and the manufacturer's RN on a permanent label.", True, ""),
    ("*", "US", "Care labelling (16 CFR 423)", "Washing, bleaching, drying and ironing instructions.", True, ""),
    ("*", "US", "CPSIA children's product certificate",
     "Third-party tested for lead and phthalates, tracking label, CPC on file.", True, "kids"),
    ("*", "EU", "REACH restricted substances (Annex XVII, azo dyes, SVHC)",
     "Supplier declaration and test report on azo dyes and SVHC candidates above 0.1%.", True, ""),
    ("*", "EU", "Textile fibre labelling (Regulation 1007/2011)", "Fibre names and percentages in the market's language.", True, ""),
    ("*", "EU", "Care labelling (ISO 3758 symbols)", "Care symbols on a permanent label.", False, ""),
    ("*", "EU", "General product safety (GPSR) responsible person", "EU address of the responsible economic operator.", True, ""),
    ("*", "EU", "CE marking (EN 60335) for electrically heated items", "Declaration of conformity and test report.", True, "heated"),
    ("*", "GB", "REACH (UK) restricted substances", "Supplier declaration and test report.", True, ""),
    ("*", "GB", "Textile fibre labelling (Textile Products Regulations 2012)", "Fibre names and percentages.", True, ""),
    ("*", "GB", "UKCA marking for electrically heated items", "Declaration of conformity.", True, "heated"),
    ("*", "*", "Lithium battery shipping (UN 38.3, IATA PI 966/967)",
     "UN 38.3 test summary and a shipping declaration before air freight.", True, "heated"),
    ("*", "*", "Packaging and carton marks", "Origin, SKU and barcode on every carton.", False, ""),
]


def seed(apps, schema_editor):
    FreightRate = apps.get_model("design", "FreightRate")
    DutyRate = apps.get_model("design", "DutyRate")
    MarketFees = apps.get_model("design", "MarketFees")
    ComplianceTemplate = apps.get_model("design", "ComplianceTemplate")
    for market, mode, basis, rate, days in FREIGHT:
        FreightRate.objects.get_or_create(
            market=market, mode=mode, defaults={"basis": basis, "rate": Decimal(rate), "transit_days": days}
        )
    for hs_code, market, rate in DUTY:
        DutyRate.objects.get_or_create(hs_code=hs_code, market=market, defaults={"rate": Decimal(rate)})
    for market, platform, payment, returns in FEES:
        MarketFees.objects.get_or_create(
            market=market,
            defaults={"platform_fee": Decimal(platform), "payment_fee": Decimal(payment), "return_allowance": Decimal(returns)},
        )
    for category, market, title, guidance, required, attribute in CHECKLIST:
        ComplianceTemplate.objects.get_or_create(
            category=category, market=market, title=title,
            defaults={"guidance": guidance, "required": required, "applies_to_attribute": attribute},
        )


class Migration(migrations.Migration):
    dependencies = [("design", "0003_landed_cost_compliance")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

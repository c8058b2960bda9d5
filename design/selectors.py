"""Reads of link 3: concepts, their landed cost per market and their compliance checklist."""

from core.models import Cycle

from .costing import freight_per_unit, landed_cost
from .models import ComplianceItem, Concept, DutyRate, FreightRate, MarketFees

EU_MARKETS = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}
MODES = [m.value for m in FreightRate.Mode]


def concepts_for_cycle(*, cycle: Cycle):
    return Concept.objects.filter(cycle=cycle).prefetch_related("variants", "attributes")


def market_aliases(market: str) -> list[str]:
    """The codes a market's rules may be filed under, most specific first."""
    market = market.upper()
    return [market, "EU", "*"] if market in EU_MARKETS else [market, "*"]


def concept_price_for(*, concept: Concept, market: str):
    price = (concept.market_prices or {}).get(market)
    return price if price not in (None, "") else concept.target_price


def _duty_for(duties: list[DutyRate], *, hs_code: str, market: str) -> DutyRate | None:
    code = (hs_code or "").replace(".", "")
    best = None
    for alias in market_aliases(market):
        for duty in duties:
            prefix = duty.hs_code.replace(".", "")
            if duty.market == alias and code.startswith(prefix) and (best is None or len(prefix) > len(best.hs_code.replace(".", ""))):
                best = duty
        if best is not None:
            return best
    return None


def concept_market_costs(*, concept: Concept) -> list[dict]:
    """Per target market: landed cost, margin and break-even by sea, air and express; three queries.

    ``surprise`` marks a market where sea freight leaves a healthy margin and air
    or express freight does not — the cost to see before a rush shipment is paid.
    """
    markets = [m.upper() for m in concept.target_markets or []]
    aliases = {a for m in markets for a in market_aliases(m)}
    rates = {(r.market, r.mode): r for r in FreightRate.objects.filter(market__in=markets)}
    duties = list(DutyRate.objects.filter(market__in=aliases))
    fees = {f.market: f for f in MarketFees.objects.filter(market__in=aliases)}
    rows = []
    for market in markets:
        fee = next((fees[a] for a in market_aliases(market) if a in fees), None)
        duty = _duty_for(duties, hs_code=concept.hs_code, market=market)
        missing = []
        if fee is None:
            missing.append("market fees")
        if duty is None:
            missing.append(f"duty rate for HS {concept.hs_code or '(none)'}")
        price = concept_price_for(concept=concept, market=market)
        modes = {}
        for mode in MODES:
            rate = rates.get((market, mode))
            if rate is None:
                missing.append(f"{mode} freight rate")
                continue
            freight = freight_per_unit(
                mode=mode, basis=rate.basis, rate=rate.rate,
                weight_kg=concept.unit_weight_kg, volume_m3=concept.unit_volume_m3,
            )
            figures = landed_cost(
                unit_cost=concept.unit_cost,
                price=price,
                freight=freight,
                duty_rate=duty.rate if duty else 0,
                platform_fee=fee.platform_fee if fee else 0,
                payment_fee=fee.payment_fee if fee else 0,
                return_allowance=fee.return_allowance if fee else 0,
                fixed_costs=concept.fixed_costs,
            )
            figures["rate"] = rate
            modes[mode] = figures
        sea = modes.get("sea")
        surprise = [
            mode for mode in ("air", "express")
            if mode in modes and modes[mode]["thin"] and (sea is None or not sea["thin"])
        ]
        rows.append({
            "market": market,
            "price": price,
            "duty_rate": duty.rate if duty else None,
            "modes": modes,
            "surprise": surprise,
            "missing": missing,
        })
    return rows


def concept_compliance_items(*, concept: Concept) -> list[ComplianceItem]:
    return list(concept.compliance_items.select_related("template").order_by("market", "-required", "title"))

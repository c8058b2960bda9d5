"""An opportunity's score in words: demand, then each factor that moves it, and the evidence.

Pure: reads the components stored beside the score (``Opportunity.components``, written by
``scoring.group_score``); no Django. Multiplying the rows' factors into the demand gives the score.
"""

from dataclasses import dataclass

from .scoring import COMPETITION_WEIGHT, FIT_WEIGHT, GROWTH_WEIGHT, PAIR_DISCOUNT, SUPPLY_WEIGHT


@dataclass(frozen=True)
class ScoreFactor:
    name: str
    measured: str  # what was found, in words and units
    meaning: str
    factor: float  # what the row multiplies the score by (the demand row: the demand itself)


def _num(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def opportunity_explained(components: dict, *, market: str = "") -> list[ScoreFactor] | None:
    """The rows of the explanation, demand first; None when the components are not a score's."""
    if not isinstance(components, dict) or _num(components.get("demand")) is None:
        return None
    demand = _num(components["demand"])
    rows = [ScoreFactor(
        name="Demand", measured=f"{demand:.1f} of 100 — the mean score of its evidence hotspots",
        meaning="How strongly shoppers search for it, on the hotspots' 0–100 scale.", factor=demand,
    )]
    pair = _num(components.get("pair_discount")) or 1.0
    if pair != 1.0:
        rows.append(ScoreFactor(
            name="Pair of attributes", measured=f"× {pair:.2f}",
            meaning="Two attributes searched together are a guess about co-demand, so a pair counts a little "
            f"below its parts (× {PAIR_DISCOUNT}).", factor=pair,
        ))
    growth, growth_factor = _num(components.get("growth")), _num(components.get("growth_factor")) or 1.0
    rows.append(ScoreFactor(
        name="Growth", measured=(f"{growth * 100:+.0f}% mean growth of its hotspots" if growth is not None else "—"),
        meaning=f"Rising searches lift it, falling ones lower it, by at most ±{GROWTH_WEIGHT:.0%}.",
        factor=growth_factor,
    ))
    competition, known_for = _num(components.get("competition")), components.get("competition_known_for") or ""
    rows.append(ScoreFactor(
        name="Amazon competition",
        measured=(f"{competition:.2f} on a scale from 0 (crowded) to 1 (open), known for {known_for}"
                  if competition is not None else "unknown: no Amazon keyword-tool export for its hotspots"),
        meaning=f"Room left on Amazon moves it by at most ±{COMPETITION_WEIGHT / 2:.0%}; unknown counts as neutral.",
        factor=_num(components.get("competition_factor")) or 1.0,
    ))
    supply = _num(components.get("supply"))
    listings, matching = components.get("supply_listings") or 0, components.get("supply_matching") or 0
    rows.append(ScoreFactor(
        name="Supply",
        measured=(f"{supply:.0%} of {listings:,} Amazon listings in {market or 'the market'} carry all its "
                  f"attributes ({matching:,})" if supply is not None
                  else f"unknown: no Amazon listing export for {market or 'the market'}"),
        meaning=f"Few sellers offer it yet: up to +{SUPPLY_WEIGHT / 2:.0%}; every listing already does: up to "
        f"−{SUPPLY_WEIGHT / 2:.0%}.",
        factor=_num(components.get("supply_factor")) or 1.0,
    ))
    fit = _num(components.get("fit")) or 0.0
    rows.append(ScoreFactor(
        name="Fit to last cycle's portraits",
        measured=(f"{fit:.0%} of its attributes are asked for by one of the previous cycle's briefs" if fit
                  else "no brief of the previous cycle asks for its attributes"),
        meaning=f"What the customers found last cycle want lifts it by up to +{FIT_WEIGHT:.0%}.",
        factor=1 + FIT_WEIGHT * fit,
    ))
    return rows

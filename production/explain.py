"""How a batch was sized, in words: the sizing record of a production order as labelled figures.

Pure: reads ``ProductionOrder.sizing`` (written by ``services.production_order_plan`` and
``production_order_create_from_plan``) and returns rows a page can show; no Django. Money is
returned as numbers with the order's currency for the page to format.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SizingFact:
    label: str
    value: str  # the figure with its unit, or "" when ``money`` carries it
    note: str = ""  # what it means, where it came from
    money: float | None = None  # an amount in the order's currency


def _num(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _units(value) -> str:
    number = _num(value)
    return "—" if number is None else f"{number:,.0f} units"


def sizing_explained(sizing: dict) -> list[SizingFact]:
    """The facts of a sizing record, in the order the sizing reasons; what it does not hold is left out."""
    if not isinstance(sizing, dict) or not sizing:
        return []
    facts: list[SizingFact] = []
    responses, rate = _num(sizing.get("responses")), _num(sizing.get("response_rate"))
    if responses is not None:
        facts.append(SizingFact(
            "Buyers who answered", f"{responses:,.0f}" + (f" ({rate:.0%} of those invited)" if rate is not None else ""),
            "The vote round the batch was sized from.",
        ))
    if _num(sizing.get("total_would_order")) is not None:
        facts.append(SizingFact(
            "Would order, as they said", _units(sizing["total_would_order"]),
            "The quantities buyers said they would order, added up.",
        ))
    conversion = _num(sizing.get("conversion_rate"))
    if conversion is not None:
        facts.append(SizingFact(
            "Conversion rate", f"{conversion:.0%}",
            "The share of a buyer's stated quantity expected to become a real order; those who did not answer "
            "count at the answering buyers' mean.",
        ))
    if _num(sizing.get("pre_orders")) is not None:
        facts.append(SizingFact("Pre-orders", _units(sizing["pre_orders"]), "Already ordered: made first, on their own lines."))
    mean, interval = _num(sizing.get("forecast_mean")), sizing.get("forecast_interval_80")
    if mean is not None:
        band = ""
        if isinstance(interval, list | tuple) and len(interval) == 2 and all(_num(v) is not None for v in interval):
            band = f" (80% between {interval[0]:,.0f} and {interval[1]:,.0f})"
        facts.append(SizingFact("Forecast demand", f"{mean:,.0f} units{band}", "Pre-orders plus converted intent."))
    margin, unsold = _num(sizing.get("unit_margin")), _num(sizing.get("unsold_cost"))
    if margin is not None:
        facts.append(SizingFact("Margin per unit sold", "", "By sea, from the concept's landed cost.", money=margin))
    if unsold is not None:
        facts.append(SizingFact("Cost of a unit left unsold", "", "Its landed cost less what clearance brings back.", money=unsold))
    ratio = _num(sizing.get("critical_ratio"))
    if ratio is not None:
        facts.append(SizingFact(
            "Critical ratio", f"{ratio:.0%}",
            "margin ÷ (margin + unsold cost): the chance of selling out the batch should be planned at.",
        ))
    if _num(sizing.get("newsvendor_quantity")) is not None:
        facts.append(SizingFact(
            "Best batch for that ratio", _units(sizing["newsvendor_quantity"]),
            "The forecast's quantile at the critical ratio (the newsvendor rule).",
        ))
    if _num(sizing.get("min_batch")) is not None:
        facts.append(SizingFact("Factory's minimum", _units(sizing["min_batch"]), "No batch below it."))
    if _num(sizing.get("total")) is not None:
        facts.append(SizingFact(
            "Recommended batch", _units(sizing["total"]),
            "The larger of the best batch, the factory's minimum and the pre-orders, split over variant and market "
            "by the buyers' preferences.",
        ))
    outside = sizing.get("outside_markets")
    if isinstance(outside, dict) and any(outside.values()):
        facts.append(SizingFact(
            "Left out", f"{outside.get('votes', 0)} votes and {outside.get('pre_orders', 0)} pre-orders",
            "From markets the concept is not sold in: their quantities were not planned.",
        ))
    if _num(sizing.get("ordered_total")) is not None:
        edited = sizing.get("edited_by_merchandiser") is True
        facts.append(SizingFact(
            "Ordered", _units(sizing["ordered_total"]),
            "Lines edited by the merchandiser before ordering." if edited else "As recommended.",
        ))
    if isinstance(sizing.get("planned_by"), str) and sizing["planned_by"]:
        facts.append(SizingFact("Planned by", sizing["planned_by"]))
    return facts

"""The arithmetic of a cycle report: plain numbers in, plain numbers out, no database.

- **ordered**: units of the cycle's production orders released to a factory and not declined or cancelled;
- **made**: of those, units that passed QC (passed, shipped or received);
- **received**: of those, units the seller has received — what can be sold;
- **sold**: units of the received batches sold, sales matched to batches first in, first out
  (``production.reorder_rules.sales_allocate``), so a reorder in a later cycle takes its own share;
- **unsold**: received − sold, the stock still on hand;
- **sell-through** = sold / received; **unsold rate** = unsold / received;
- **revenue**: sold units at the average net price their variant and market fetched, in the base currency;
- **margin** = revenue − what every unit made cost at the factory (sold or not);
- **plan**: the made units at the concept's price for each market; planned margin at price − unit cost;
- **forecast error** = actual demand − forecast, where actual demand is what the batches sold plus the
  sales no received batch could meet (counted for the newest batch ordered of that variant and market);
  the absolute percentage error is |error| / actual demand.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def ratio(part, whole) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def money(value) -> str | None:
    """An amount as a string of cents (JSON keeps it exact); None stays None."""
    return None if value is None else str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def outcome_of(rows: Iterable[dict]) -> dict:
    """Totals of batch rows ``{"ordered", "made", "received", "sold", "unmatched", "revenue", "cost",
    "planned_revenue", "planned_margin"}`` (amounts as Decimal, None when unknown) with the rates and margin
    worked out."""
    ordered = made = received = sold = unmatched = 0
    revenue = cost = planned_revenue = planned_margin = Decimal(0)
    unknown = set()
    for row in rows:
        ordered += row.get("ordered", row["made"])
        unmatched += row.get("unmatched", 0)
        made += row["made"]
        received += row["received"]
        sold += row["sold"]
        for name in ("revenue", "cost", "planned_revenue", "planned_margin"):
            if row.get(name) is None:
                unknown.add(name)
        revenue += row.get("revenue") or 0
        cost += row.get("cost") or 0
        planned_revenue += row.get("planned_revenue") or 0
        planned_margin += row.get("planned_margin") or 0
    unsold = received - sold
    margin = None if {"revenue", "cost"} & unknown else revenue - cost
    return {
        "ordered": ordered,
        "made": made,
        "received": received,
        "sold": sold,
        "unsold": unsold,
        "sell_through": ratio(sold, received),
        "unsold_rate": ratio(unsold, received),
        "unmet": unmatched,
        "revenue": None if "revenue" in unknown else money(revenue),
        "margin": money(margin),
        "margin_rate": ratio(margin, revenue) if margin is not None and revenue else None,
        "planned_revenue": None if "planned_revenue" in unknown else money(planned_revenue),
        "planned_margin": None if "planned_margin" in unknown else money(planned_margin),
    }


def grouped(rows: list[dict], key: str, label) -> list[dict]:
    """``outcome_of`` per value of ``row[key]``, each with ``key`` and its ``label(row)``, in order of the key."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return [
        {key: value, "label": label(members[0])} | outcome_of(members)
        for value, members in sorted(groups.items(), key=lambda item: str(item[0]))
    ]


def forecast_accuracy(forecast: float | None, actual: float) -> dict:
    """Forecast against actual demand: the error (actual − forecast) and its absolute percentage."""
    if forecast is None:
        return {"forecast": None, "actual": actual, "error": None, "abs_pct_error": None}
    error = actual - forecast
    return {
        "forecast": round(forecast, 1),
        "actual": actual,
        "error": round(error, 1),
        "abs_pct_error": ratio(abs(error), actual) if actual else None,
    }


def sizing_forecast(sizing: dict) -> dict:
    """What a production order's sizing record forecast: ``{"forecast", "pre_orders", "votes", "basis"}``.

    Newsvendor sizing kept its forecast mean (pre-orders + converted would-order quantities); the
    simple rule took pre-orders plus the whole would-order quantity as the demand. A record with neither
    forecast nothing.
    """
    sizing = sizing if isinstance(sizing, dict) else {}
    pre = _number(sizing.get("pre_orders")) or 0.0
    mean = _number(sizing.get("forecast_mean"))
    if mean is not None:
        return {"forecast": mean, "pre_orders": pre, "votes": round(mean - pre, 1), "basis": "votes and pre-sales (newsvendor)"}
    would = _number(sizing.get("total_would_order"))
    if would is None:
        return {"forecast": None, "pre_orders": None, "votes": None, "basis": "no forecast recorded"}
    return {"forecast": pre + would, "pre_orders": pre, "votes": would, "basis": "votes and pre-sales (would-order total)"}


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)

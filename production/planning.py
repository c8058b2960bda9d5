"""Batch sizing from buyers' evidence: plain arithmetic, no database.

Without money figures the batch is the larger of the factory's minimum batch and
the pre-orders plus the buyers' total would-order quantity; with them it is the
newsvendor quantity of the forecast demand (``plan_newsvendor_batch``). Pre-orders
are made first on their own lines; the rest is split across (variant, market) in
proportion to the would-order quantities with largest-remainder rounding, so the
lines add up to the batch exactly.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import ceil, sqrt
from statistics import NormalDist

RULE = (
    "batch = max(factory minimum batch, pre-orders + total would-order quantity); pre-orders on their "
    "own lines, the rest split across (variant, market) in proportion to would-order quantities, "
    "largest-remainder rounding"
)
EVEN_RULE = (
    "batch = factory minimum batch; no buyer named a variant and market with a quantity, "
    "so it is split evenly across the concept's variants and target markets"
)


class PlanningError(ValueError):
    pass


@dataclass(frozen=True)
class BatchPlan:
    total: int
    lines: list[dict]
    total_would_order: int
    responses: int
    min_batch: int
    rule: str

    def sizing(self) -> dict:
        return {
            "total": self.total,
            "total_would_order": self.total_would_order,
            "responses": self.responses,
            "min_batch": self.min_batch,
            "rule": self.rule,
        }


def largest_remainder(weights: Sequence[int], total: int) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` that sum to ``total`` exactly.

    Ties for the leftover units go to the earlier weight, so the result is deterministic.
    """
    if total < 0:
        raise PlanningError(f"total must not be negative, got {total}")
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise PlanningError("cannot split by weights that sum to zero")
    shares, remainders = [], []
    for index, weight in enumerate(weights):
        share, remainder = divmod(total * weight, weight_sum)
        shares.append(share)
        remainders.append((-remainder, index))
    for _, index in sorted(remainders)[: total - sum(shares)]:
        shares[index] += 1
    return shares


def whole_number(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanningError(f"{where}: must be a whole number, got {value!r}")
    if value < 0:
        raise PlanningError(f"{where}: must not be negative, got {value}")
    return value


def plan_batch(
    votes: Iterable[dict],
    *,
    min_batch: int,
    fallback_keys: Sequence[tuple[int, str]] = (),
    pre_orders: Iterable[dict] = (),
) -> BatchPlan:
    """Plan a batch from vote dicts ``{"variant_id", "market", "would_order_qty"}`` and
    pre-orders ``{"variant_id", "market", "quantity"}``.

    A vote without a variant or a market still counts towards the batch size but
    cannot place its quantity on a line; the lines follow the votes that can.
    ``fallback_keys`` (variant id, market) are used for an even split when neither a
    vote nor a pre-order places any quantity.
    """
    min_batch = whole_number(min_batch, "min_batch")
    intent, total_would_order, responses = _vote_intent(votes)
    promised = promised_pre_orders(pre_orders)
    pre_total = sum(promised.values())
    total = max(min_batch, pre_total + total_would_order)
    rule = RULE
    if not intent and not promised:
        rule = EVEN_RULE
    lines = _split(total, promised, intent, fallback_keys)
    return BatchPlan(
        total=total,
        lines=lines,
        total_would_order=total_would_order,
        responses=responses,
        min_batch=min_batch,
        rule=rule,
    )


def _vote_intent(votes: Iterable[dict]) -> tuple[dict[tuple[int, str], int], int, int]:
    """Would-order quantity per (variant, market), the total, and the number of responses."""
    intent: dict[tuple[int, str], int] = {}
    total_would_order = responses = 0
    for index, vote in enumerate(votes):
        if not isinstance(vote, dict):
            raise PlanningError(f"votes[{index}]: must be a dict, got {type(vote).__name__}")
        qty = whole_number(vote.get("would_order_qty", 0), f"votes[{index}].would_order_qty")
        variant_id, market = vote.get("variant_id"), vote.get("market") or ""
        if variant_id is not None:
            whole_number(variant_id, f"votes[{index}].variant_id")
        if not isinstance(market, str):
            raise PlanningError(f"votes[{index}].market: must be a string, got {market!r}")
        responses += 1
        total_would_order += qty
        if variant_id is not None and market and qty:
            key = (variant_id, market)
            intent[key] = intent.get(key, 0) + qty
    return intent, total_would_order, responses


def promised_pre_orders(pre_orders: Iterable[dict]) -> dict[tuple[int, str], int]:
    """Pre-ordered quantity per (variant, market)."""
    promised: dict[tuple[int, str], int] = {}
    for index, pre in enumerate(pre_orders):
        if not isinstance(pre, dict):
            raise PlanningError(f"pre_orders[{index}]: must be a dict, got {type(pre).__name__}")
        qty = whole_number(pre.get("quantity"), f"pre_orders[{index}].quantity")
        variant_id = whole_number(pre.get("variant_id"), f"pre_orders[{index}].variant_id")
        market = pre.get("market")
        if not isinstance(market, str) or not market.strip():
            raise PlanningError(f"pre_orders[{index}].market: must be a market code, got {market!r}")
        if qty:
            key = (variant_id, market.strip())
            promised[key] = promised.get(key, 0) + qty
    return promised


def _split(total: int, promised: dict, intent: dict, fallback_keys: Sequence[tuple[int, str]]) -> list[dict]:
    """Lines of ``total`` units: pre-orders first, the rest by the buyers' intent, or the
    pre-order mix, or (with neither) evenly over ``fallback_keys``."""
    pre_total = sum(promised.values())
    weights = intent or dict(promised) or dict.fromkeys(sorted(set(fallback_keys)), 1)
    if total > pre_total and not weights:
        raise PlanningError("no variant and market to place the batch on: no vote or pre-order names one and no fallback given")
    keys = sorted(set(weights) | set(promised))
    rest = total - pre_total
    split = largest_remainder([weights.get(k, 0) for k in keys], rest) if rest else [0] * len(keys)
    return [
        {"variant_id": v, "market": m, "quantity": promised.get((v, m), 0) + q}
        for (v, m), q in zip(keys, split, strict=True)
        if promised.get((v, m), 0) + q
    ]


# --- Forecast and newsvendor sizing ------------------------------------------

NEWSVENDOR_RULE = (
    "demand = pre-orders + conversion × would-order quantities (non-respondents counted at "
    "non-response weight × the respondents' mean); batch = newsvendor quantile at the critical ratio "
    "margin / (margin + unsold cost), at least the factory minimum and the pre-orders; split across "
    "(variant, market) by converted would-order quantities plus pre-orders, largest-remainder rounding"
)
INTERVAL_Z = 1.2816  # an 80% interval


@dataclass(frozen=True)
class DemandForecast:
    mean: float
    sd: float
    low: float
    high: float
    pre_orders: int
    converted_intent: float
    response_rate: float | None


def forecast_demand(
    quantities: Sequence[int],
    *,
    pre_orders: int = 0,
    invited: int | None = None,
    conversion_rate: float = 0.3,
    nonresponse_weight: float = 0.5,
) -> DemandForecast:
    """First-batch demand from buyers' would-order quantities and pre-orders, with an 80% interval.

    Each respondent's quantity converts to real orders at ``conversion_rate``; the invited
    buyers who did not answer are assumed to order like the respondents, weighed down by
    ``nonresponse_weight``. The spread combines the Poisson noise of conversion with the
    sampling error of the respondents' mean. Pre-orders are taken as certain.
    """
    if not 0 < conversion_rate <= 1:
        raise PlanningError(f"conversion_rate must be in (0, 1], got {conversion_rate}")
    if not 0 <= nonresponse_weight <= 1:
        raise PlanningError(f"nonresponse_weight must be in [0, 1], got {nonresponse_weight}")
    quantities = [whole_number(q, f"quantities[{i}]") for i, q in enumerate(quantities)]
    pre_orders = whole_number(pre_orders, "pre_orders")
    n = len(quantities)
    if invited is not None:
        invited = whole_number(invited, "invited")
        if invited < n:
            raise PlanningError(f"invited ({invited}) cannot be fewer than the responses ({n})")
    missing = (invited - n) if invited is not None else 0
    mean_q = sum(quantities) / n if n else 0.0
    var_q = sum((q - mean_q) ** 2 for q in quantities) / (n - 1) if n > 1 else mean_q**2
    effective_buyers = n + missing * nonresponse_weight
    intent = mean_q * effective_buyers
    converted = conversion_rate * intent
    sampling_sd = conversion_rate * effective_buyers * sqrt(var_q / n) if n else 0.0
    sd = sqrt(converted + sampling_sd**2)
    mean = pre_orders + converted
    return DemandForecast(
        mean=mean,
        sd=sd,
        low=max(float(pre_orders), mean - INTERVAL_Z * sd),
        high=mean + INTERVAL_Z * sd,
        pre_orders=pre_orders,
        converted_intent=converted,
        response_rate=(n / invited) if invited else None,
    )


def newsvendor_quantity(forecast: DemandForecast, *, unit_margin: float, unsold_cost: float) -> tuple[int, float]:
    """The batch that maximises expected profit: the critical-ratio quantile of demand.

    Returns (quantity, critical ratio). ``unsold_cost`` is what an unsold unit loses
    (its cost less what it fetches on clearance).
    """
    if unit_margin <= 0:
        raise PlanningError(f"unit margin must be above 0, got {unit_margin}")
    if unsold_cost < 0:
        raise PlanningError(f"unsold cost must not be negative, got {unsold_cost}")
    ratio = unit_margin / (unit_margin + unsold_cost)
    if ratio >= 1:
        return ceil(forecast.high), 1.0
    z = NormalDist().inv_cdf(ratio)
    return max(0, ceil(forecast.mean + z * forecast.sd)), ratio


def plan_newsvendor_batch(
    votes: Iterable[dict],
    *,
    pre_orders: Iterable[dict] = (),
    min_batch: int,
    unit_margin: float,
    unsold_cost: float,
    invited: int | None = None,
    conversion_rate: float = 0.3,
    fallback_keys: Sequence[tuple[int, str]] = (),
) -> tuple[BatchPlan, dict]:
    """Size and split a first batch from votes and pre-orders ``{"variant_id", "market", "quantity"}``.

    The mix follows where the demand is: a colour voted for in one market is made for that
    market, not spread evenly over colours.
    """
    min_batch = whole_number(min_batch, "min_batch")
    votes = list(votes)
    intent, total_would_order, responses = _vote_intent(votes)
    promised = promised_pre_orders(pre_orders)
    pre_total = sum(promised.values())
    forecast = forecast_demand(
        [vote.get("would_order_qty", 0) for vote in votes], pre_orders=pre_total, invited=invited,
        conversion_rate=conversion_rate,
    )
    optimum, ratio = newsvendor_quantity(forecast, unit_margin=unit_margin, unsold_cost=unsold_cost)
    total = max(optimum, min_batch, pre_total)
    lines = _split(total, promised, intent, fallback_keys)
    plan = BatchPlan(
        total=total, lines=lines, total_would_order=total_would_order, responses=responses,
        min_batch=min_batch, rule=NEWSVENDOR_RULE,
    )
    explanation = {
        "forecast_mean": round(forecast.mean, 1),
        "forecast_interval_80": [round(forecast.low, 1), round(forecast.high, 1)],
        "forecast_sd": round(forecast.sd, 1),
        "pre_orders": pre_total,
        "conversion_rate": conversion_rate,
        "response_rate": round(forecast.response_rate, 3) if forecast.response_rate is not None else None,
        "unit_margin": unit_margin,
        "unsold_cost": unsold_cost,
        "critical_ratio": round(ratio, 3),
        "newsvendor_quantity": optimum,
    }
    return plan, explanation


# --- Quick response: reorders from sales velocity --------------------------------

REORDER_RULE = (
    "reorder when on hand + in the pipeline ≤ daily velocity × (lead time + review period) + safety stock "
    "(z × daily sd × √lead time); order up to velocity × (lead time + review + cover days) + safety stock"
)


def _sales_rows(sales: Iterable[dict], *, today, window_days: int) -> dict[tuple[int, str], list[int]]:
    start = today - datetime.timedelta(days=window_days)
    daily: dict[tuple[int, str], list[int]] = {}
    for index, row in enumerate(sales):
        if not isinstance(row, dict):
            raise PlanningError(f"sales[{index}]: must be a dict, got {type(row).__name__}")
        variant_id = whole_number(row.get("variant_id"), f"sales[{index}].variant_id")
        market = row.get("market")
        if not isinstance(market, str) or not market.strip():
            raise PlanningError(f"sales[{index}].market: must be a market code, got {market!r}")
        day = row.get("date")
        if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
            raise PlanningError(f"sales[{index}].date: must be a date, got {day!r}")
        qty = whole_number(row.get("quantity"), f"sales[{index}].quantity")
        if not start < day <= today:
            continue
        series = daily.setdefault((variant_id, market.strip()), [0] * window_days)
        series[(today - day).days] += qty
    return daily


def suggest_reorders(
    sales: Iterable[dict],
    *,
    on_hand: dict[tuple[int, str], int],
    in_transit: dict[tuple[int, str], int],
    lead_time_days: int,
    today,
    window_days: int = 28,
    review_days: int = 7,
    cover_days: int = 28,
    service_z: float = 1.65,
) -> list[dict]:
    """Reorder suggestions per (variant, market), most urgent first.

    ``sales`` are ``{"variant_id", "market", "date", "quantity"}`` rows (the caller reads them
    from the shop's orders); ``on_hand`` and ``in_transit`` map (variant id, market) to units.
    """
    lead_time_days = whole_number(lead_time_days, "lead_time_days")
    if window_days <= 0:
        raise PlanningError(f"window_days must be above 0, got {window_days}")
    daily = _sales_rows(sales, today=today, window_days=window_days)
    suggestions = []
    for key in sorted(set(daily) | set(on_hand) | set(in_transit)):
        series = daily.get(key, [0] * window_days)
        velocity = sum(series) / window_days
        if velocity == 0:
            continue
        sd = sqrt(sum((x - velocity) ** 2 for x in series) / max(window_days - 1, 1))
        safety = service_z * sd * sqrt(lead_time_days)
        stock, pipeline = on_hand.get(key, 0), in_transit.get(key, 0)
        position = stock + pipeline
        reorder_point = velocity * (lead_time_days + review_days) + safety
        if position > reorder_point:
            continue
        target = velocity * (lead_time_days + review_days + cover_days) + safety
        suggestions.append(
            {
                "variant_id": key[0],
                "market": key[1],
                "velocity_per_day": round(velocity, 2),
                "on_hand": stock,
                "in_transit": pipeline,
                "reorder_point": ceil(reorder_point),
                "quantity": max(1, ceil(target - position)),
                "days_of_cover": round(position / velocity, 1),
                "stockout_before_arrival": position < velocity * lead_time_days,
            }
        )
    suggestions.sort(key=lambda s: (s["days_of_cover"], s["variant_id"], s["market"]))
    return suggestions

"""Batch sizing from buyers' evidence: plain arithmetic, no database.

The batch is the larger of the factory's minimum batch and the buyers' total
would-order quantity. It is split across (variant, market) in proportion to the
would-order quantities with largest-remainder rounding, so the lines add up to
the batch exactly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RULE = (
    "batch = max(factory minimum batch, total would-order quantity); split across "
    "(variant, market) in proportion to would-order quantities, largest-remainder rounding"
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


def _whole_number(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanningError(f"{where}: must be a whole number, got {value!r}")
    if value < 0:
        raise PlanningError(f"{where}: must not be negative, got {value}")
    return value


def plan_batch(
    votes: Iterable[dict], *, min_batch: int, fallback_keys: Sequence[tuple[int, str]] = ()
) -> BatchPlan:
    """Plan a batch from vote dicts ``{"variant_id", "market", "would_order_qty"}``.

    A vote without a variant or a market still counts towards the batch size but
    cannot place its quantity on a line; the lines follow the votes that can.
    ``fallback_keys`` (variant id, market) are used for an even split when no vote
    places any quantity.
    """
    min_batch = _whole_number(min_batch, "min_batch")
    weights: dict[tuple[int, str], int] = {}
    total_would_order = responses = 0
    for index, vote in enumerate(votes):
        if not isinstance(vote, dict):
            raise PlanningError(f"votes[{index}]: must be a dict, got {type(vote).__name__}")
        qty = _whole_number(vote.get("would_order_qty", 0), f"votes[{index}].would_order_qty")
        variant_id, market = vote.get("variant_id"), vote.get("market") or ""
        if variant_id is not None:
            _whole_number(variant_id, f"votes[{index}].variant_id")
        if not isinstance(market, str):
            raise PlanningError(f"votes[{index}].market: must be a string, got {market!r}")
        responses += 1
        total_would_order += qty
        if variant_id is not None and market and qty:
            key = (variant_id, market)
            weights[key] = weights.get(key, 0) + qty

    total = max(min_batch, total_would_order)
    rule = RULE
    if not weights:
        keys = sorted(set(fallback_keys))
        weights = dict.fromkeys(keys, 1)
        rule = EVEN_RULE
    if total and not weights:
        raise PlanningError("no variant and market to place the batch on: no vote names one and no fallback given")

    keys = sorted(weights)
    quantities = largest_remainder([weights[k] for k in keys], total) if total else [0] * len(keys)
    lines = [
        {"variant_id": variant_id, "market": market, "quantity": qty}
        for (variant_id, market), qty in zip(keys, quantities, strict=True)
        if qty
    ]
    return BatchPlan(
        total=total,
        lines=lines,
        total_would_order=total_would_order,
        responses=responses,
        min_batch=min_batch,
        rule=rule,
    )

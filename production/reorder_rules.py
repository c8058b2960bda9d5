"""Reorder or stop: which batch each sale drew from, sell-through by day N, stock cover, and the verdict.

Plain arithmetic, no database. A sale is matched to the batches of its variant and market first in,
first out: the oldest received batch with stock left sells first, and a sale placed before its batch
arrived (a pre-sale) counts as sold on the day the batch was received. Sales beyond every batch's
units are left unmatched: demand the stock could not meet.

The rule (kept with each production order as a ``ReorderRule``):

- from the day the batch was received, its *sell-through* is units sold / units received, and its
  *stock cover* is units left / daily sales over the last ``velocity_window_days``;
- before day ``check_day``: **reorder** as soon as stock cover falls under ``reorder_cover_days``
  (a fast seller would sell out before a reorder arrives); otherwise wait;
- on day ``check_day`` and after: **reorder** when sell-through ≥ ``reorder_sell_through`` or stock
  cover < ``reorder_cover_days``; **stop** when sell-through < ``stop_sell_through`` or stock cover
  > ``stop_cover_days``; otherwise hold.

A batch sold out is a reorder whatever the day: nothing is left to sell.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from math import ceil

REORDER, STOP, HOLD, WAIT = "reorder", "stop", "hold", "wait"


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Batch:
    """Units of one (variant, market) of a production order, received on ``received_on``."""

    batch_id: int
    variant_id: int
    market: str
    received_on: datetime.date
    units: int

    @property
    def key(self) -> tuple[int, str]:
        return (self.variant_id, self.market)


@dataclass
class Allocation:
    """What each batch sold, by day, and the demand no batch could meet, per (variant, market)."""

    sold: dict[int, dict[datetime.date, int]] = field(default_factory=dict)
    unmatched: dict[tuple[int, str], int] = field(default_factory=dict)
    first_placed: dict[int, datetime.date] = field(default_factory=dict)  # the day its first sale was placed
    first_unmatched: dict[tuple[int, str], datetime.date] = field(default_factory=dict)

    def sold_units(self, batch_id: int, *, until: datetime.date | None = None) -> int:
        days = self.sold.get(batch_id, {})
        return sum(q for day, q in days.items() if until is None or day <= until)

    def first_sale(self, batch_id: int) -> datetime.date | None:
        days = self.sold.get(batch_id)
        return min(days) if days else None


def sales_allocate(batches: Iterable[Batch], sales: Iterable[dict]) -> Allocation:
    """Match sales ``{"variant_id", "market", "date", "quantity"}`` to ``batches`` first in, first out.

    Markets are compared in upper case. Batches of one (variant, market) sell in the order they were
    received (then by id); a sale dated before the batch it draws from was received counts on the
    receipt day.
    """
    queues: dict[tuple[int, str], list[list]] = {}
    for batch in sorted(batches, key=lambda b: (b.received_on, b.batch_id)):
        if batch.units < 0:
            raise RuleError(f"batch {batch.batch_id}: units must not be negative, got {batch.units}")
        queues.setdefault((batch.variant_id, batch.market.upper()), []).append([batch, batch.units])
    ordered = []
    for index, row in enumerate(sales):
        try:
            key = (int(row["variant_id"]), str(row["market"]).upper())
            day, quantity = row["date"], int(row["quantity"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"sales[{index}]: needs variant_id, market, date and quantity ({exc})") from exc
        if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
            raise RuleError(f"sales[{index}].date: must be a date, got {day!r}")
        if quantity < 0:
            raise RuleError(f"sales[{index}].quantity: must not be negative, got {quantity}")
        ordered.append((day, key, quantity))
    allocation = Allocation()
    for day, key, quantity in sorted(ordered, key=lambda r: (r[0], r[1])):
        for slot in queues.get(key, ()):
            if not quantity:
                break
            batch, left = slot
            taken = min(left, quantity)
            if taken:
                slot[1] -= taken
                quantity -= taken
                on = max(day, batch.received_on)
                days = allocation.sold.setdefault(batch.batch_id, {})
                days[on] = days.get(on, 0) + taken
                allocation.first_placed.setdefault(batch.batch_id, day)
        if quantity:
            allocation.unmatched[key] = allocation.unmatched.get(key, 0) + quantity
            allocation.first_unmatched.setdefault(key, day)
    return allocation


def ratio(part: float, whole: float) -> float | None:
    """``part / whole`` rounded to 4 places; None when there is no whole."""
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Thresholds:
    check_day: int = 14
    reorder_sell_through: float = 0.6
    stop_sell_through: float = 0.2
    reorder_cover_days: int = 35
    stop_cover_days: int = 120
    velocity_window_days: int = 14

    def __post_init__(self):
        for name in ("check_day", "reorder_cover_days", "stop_cover_days", "velocity_window_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RuleError(f"{name}: must be a whole number of days above 0, got {value!r}")
        for name in ("reorder_sell_through", "stop_sell_through"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise RuleError(f"{name}: must be a share from 0 to 1, got {value!r}")
        if self.stop_sell_through >= self.reorder_sell_through:
            raise RuleError(
                f"stop_sell_through ({self.stop_sell_through}) must be below reorder_sell_through "
                f"({self.reorder_sell_through})"
            )
        if self.reorder_cover_days >= self.stop_cover_days:
            raise RuleError(
                f"reorder_cover_days ({self.reorder_cover_days}) must be below stop_cover_days ({self.stop_cover_days})"
            )


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reason: str
    numbers: dict


def rule_verdict(
    *,
    thresholds: Thresholds,
    received_on: datetime.date,
    units: int,
    sold_by_day: dict[datetime.date, int],
    today: datetime.date,
    lead_time_days: int = 0,
) -> Verdict:
    """The rule's verdict on ``today`` for a batch of ``units`` received on ``received_on``.

    ``sold_by_day`` is what the batch sold per day (from ``sales_allocate``); sales after ``today`` are
    ignored. The numbers say what the verdict was reached with; a reorder comes with a quantity that
    covers the factory's lead time plus ``reorder_cover_days`` at the current pace.
    """
    if today < received_on:
        return Verdict(WAIT, "not received yet", {"day": None})
    day = (today - received_on).days + 1  # the receipt day is day 1
    sold = sum(q for d, q in sold_by_day.items() if d <= today)
    window_start = today - datetime.timedelta(days=thresholds.velocity_window_days)
    window_days = min(thresholds.velocity_window_days, day)
    recent = sum(q for d, q in sold_by_day.items() if window_start < d <= today)
    velocity = recent / window_days
    left = max(0, units - sold)
    cover = round(left / velocity, 1) if velocity else None
    sell_through = ratio(sold, units)
    numbers = {
        "day": day,
        "units": units,
        "sold": sold,
        "left": left,
        "sell_through": sell_through,
        "velocity_per_day": round(velocity, 2),
        "cover_days": cover,
        "check_day": thresholds.check_day,
    }
    t = thresholds
    reorder_quantity = ceil(velocity * (lead_time_days + t.reorder_cover_days)) - left if velocity else 0
    if units and left == 0:
        return Verdict(REORDER, f"sold out by day {day}", numbers | {"quantity": max(reorder_quantity, 1)})
    if cover is not None and cover < t.reorder_cover_days:
        reason = f"stock cover {cover} days < {t.reorder_cover_days} on day {day}"
        return Verdict(REORDER, reason, numbers | {"quantity": max(reorder_quantity, 1)})
    if day < t.check_day:
        return Verdict(WAIT, f"day {day} of {t.check_day}: sell-through is judged on day {t.check_day}", numbers)
    share = sell_through or 0.0
    if share >= t.reorder_sell_through:
        reason = f"sell-through {share:.0%} ≥ {t.reorder_sell_through:.0%} by day {day}"
        return Verdict(REORDER, reason, numbers | {"quantity": max(reorder_quantity, 1)})
    if share < t.stop_sell_through:
        return Verdict(STOP, f"sell-through {share:.0%} < {t.stop_sell_through:.0%} by day {day}", numbers)
    if cover is None or cover > t.stop_cover_days:
        shown = "no sales in the last %d days" % window_days if cover is None else f"stock cover {cover} days"
        return Verdict(STOP, f"{shown} > {t.stop_cover_days} days on day {day}", numbers)
    return Verdict(HOLD, f"sell-through {share:.0%} on day {day}, stock cover {cover} days: keep selling", numbers)

"""Quick response: what to reorder, from the shop's sales (customers) and the stock production made and has
in the pipeline, composed above both; production's rule decides each suggestion."""

import datetime

from customers.selectors import sales_units_by_variant_market, sales_units_by_variant_market_day
from production.selectors import (
    production_pipeline_units,
    production_received_units,
    production_reorder_suggestions,
    production_variant_factories,
)


def stock_on_hand(*, received: dict[tuple[int, str], int], sold: dict[tuple[int, str], int]) -> dict[tuple[int, str], int]:
    """Per (variant, market): what arrived less what has been sold, never below zero (pre-orders sold before
    the stock came are served from it)."""
    return {key: max(0, units - sold.get(key, 0)) for key, units in received.items()}


def reorder_suggestions(*, days: int, today: datetime.date) -> tuple[list[dict], list[str]]:
    """The suggestions of every factory's variants sold over the ``days`` up to ``today``, lowest cover first,
    and the SKUs sold that no factory makes. Each suggestion is production's, with the SKU and factory."""
    sales = sales_units_by_variant_market_day(days=days, today=today)
    on_hand = stock_on_hand(received=production_received_units(), sold=sales_units_by_variant_market())
    in_transit: dict[tuple[int, str], int] = {}
    for (variant_id, market), units in production_pipeline_units().items():
        in_transit[(variant_id, market.upper())] = in_transit.get((variant_id, market.upper()), 0) + units
    factories = production_variant_factories()
    skus = {row["variant_id"]: row["sku"] for row in sales}

    by_factory: dict[int, list[dict]] = {}
    unsourced = set()
    for row in sales:
        factory = factories.get(row["variant_id"])
        if factory is None:
            unsourced.add(row["sku"])
            continue
        by_factory.setdefault(factory.pk, []).append(row)
    suggestions = []
    factory_by_pk = {f.pk: f for f in factories.values()}
    for factory_id, rows in by_factory.items():
        factory = factory_by_pk[factory_id]
        variant_ids = {r["variant_id"] for r in rows}
        for suggestion in production_reorder_suggestions(
            factory=factory,
            sales=rows,
            on_hand=[{"variant_id": v, "market": m, "quantity": q} for (v, m), q in on_hand.items() if v in variant_ids],
            in_transit={key: units for key, units in in_transit.items() if key[0] in variant_ids},
            today=today,
            window_days=days,
        ):
            suggestions.append({**suggestion, "sku": skus[suggestion["variant_id"]], "factory": factory})
    suggestions.sort(key=lambda s: (s["days_of_cover"], s["sku"], s["market"]))
    return suggestions, sorted(unsourced)

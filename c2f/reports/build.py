"""A cycle's report, read from all eight links: what it bet on, what it decided, what came of it.

``cycle_report_build`` returns plain JSON-ready data (the snapshot ``core.CycleReport`` stores). It reads
a fixed number of queries whatever the number of concepts, orders and sales (the tests hold it to it).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from analysis.selectors import opportunities_first_created
from core.models import Cycle
from customers.selectors import customers_first_buying, sales_of_variants
from design.selectors import concept_price_for, cycle_concepts, fx_rates_per_usd, money_convert, variant_skus
from hotspots.selectors import hotspots_behind
from portraits.selectors_channels import segment_names_for_customers
from production.reorder_rules import sales_allocate
from production.selectors import (
    MADE_STATUSES, ORDERED_STATUSES, batches_received, cycle_orders_with_units, production_batches,
)
from samples.selectors import round_results_for_concepts

from .figures import forecast_accuracy, grouped, money, outcome_of, ratio, sizing_forecast

REPORT_VERSION = 1


def report_currency() -> str:
    """The base currency: the shop orders' net revenue is kept in it."""
    return settings.C2F_BASE_CURRENCY


def cycle_report_build(*, cycle: Cycle, today: datetime.date | None = None) -> dict:
    """Everything the cycle report shows, as of ``today``; 12 queries."""
    today = today or timezone.localdate()
    currency = report_currency()
    concepts = cycle_concepts(cycle=cycle)
    concept_ids = [c.pk for c in concepts]
    by_concept = {c.pk: c for c in concepts}
    per_usd = fx_rates_per_usd()
    variants = variant_skus(concept_ids=concept_ids)

    hypothesis = _hypothesis(cycle=cycle, concepts=concepts)
    rounds = _rounds(concept_ids=concept_ids)
    orders = cycle_orders_with_units(cycle=cycle)

    # Batches of these designs in every cycle, so that a later reorder takes its own share of the sales.
    all_batches = production_batches(variant_ids=list(variants), statuses=ORDERED_STATUSES)
    sales = sales_of_variants(variant_ids=list(variants), until=today)
    allocation = sales_allocate(batches_received(all_batches), sales)
    avg_price = _average_prices(sales)
    newest_cycle_of_key: dict[tuple[int, str], int] = {}
    # Demand no batch met belongs to the newest batch ordered for its variant and market.
    for b in sorted(all_batches, key=lambda b: (b["received_on"] or datetime.date.max, b["batch_id"])):
        newest_cycle_of_key[(b["variant_id"], b["market"])] = b["cycle_id"]

    rows = []
    for b in all_batches:
        if b["cycle_id"] != cycle.pk:
            continue
        concept = by_concept[b["concept_id"]]
        key = (b["variant_id"], b["market"])
        received = b["units"] if b["received_on"] is not None else 0
        made = b["units"] if b["status"] in MADE_STATUSES else 0
        sold = allocation.sold_units(b["batch_id"])
        price, _local, _cur = concept_price_for(concept=concept, market=b["market"], per_usd=per_usd)
        plan_price = money_convert(price, from_currency=concept.currency, to_currency=currency, per_usd=per_usd) if price is not None else None
        plan_cost = money_convert(concept.unit_cost, from_currency=concept.currency, to_currency=currency, per_usd=per_usd)
        cost = money_convert(b["unit_price"], from_currency=b["currency"], to_currency=currency, per_usd=per_usd)
        rows.append({
            "order_id": b["order_id"], "concept_id": concept.pk, "concept": concept.name,
            "variant_id": b["variant_id"], "sku": b["sku"], "market": b["market"],
            "ordered": b["units"], "made": made,
            "received": received, "sold": sold,
            "unmatched": allocation.unmatched.get(key, 0) if newest_cycle_of_key.get(key) == cycle.pk else 0,
            "revenue": avg_price[key] * sold if key in avg_price else (Decimal(0) if not sold else None),
            "cost": cost * made if cost is not None else None,
            "planned_revenue": plan_price * made if plan_price is not None else None,
            "planned_margin": (plan_price - plan_cost) * made if None not in (plan_price, plan_cost) else None,
            "first_sale": allocation.first_placed.get(b["batch_id"]),
            "first_unmet": allocation.first_unmatched.get(key) if newest_cycle_of_key.get(key) == cycle.pk else None,
        })
    # A key sold in several batches of this cycle reports its unmet demand once.
    seen_keys = set()
    for row in rows:
        key = (row["variant_id"], row["market"])
        if key in seen_keys:
            row["unmatched"] = 0
        seen_keys.add(key)

    outcome = {
        "totals": outcome_of(rows),
        "designs": grouped(rows, "concept_id", lambda r: r["concept"]),
        "variants": grouped(rows, "sku", lambda r: r["concept"]),
        "markets": grouped(rows, "market", lambda r: r["market"]),
    }
    decisions = {"rounds": rounds, "orders": _orders(orders, rows)}
    forecast_total = [o["forecast"]["forecast"] for o in decisions["orders"] if o["forecast"]["forecast"] is not None]
    demand = sum(r["sold"] + r["unmatched"] for r in rows)
    first_sale = min((d for r in rows for d in (r["first_sale"], r["first_unmet"]) if d), default=None)
    started = hypothesis["started_on"]
    new_customers = _new_customers(variant_ids=[v for v, row in variants.items() if row["concept_id"] in concept_ids],
                                   cycle=cycle, today=today)
    return {
        "version": REPORT_VERSION,
        "as_of": today.isoformat(),
        "currency": currency,
        "cycle": {"number": cycle.number, "name": str(cycle), "status": cycle.status, "is_demo": cycle.is_demo},
        "hypothesis": hypothesis,
        "decisions": decisions,
        "outcome": outcome,
        "new_customers": new_customers,
        "measures": {
            "forecast": forecast_accuracy(sum(forecast_total) if forecast_total else None, demand),
            "first_sale_on": first_sale.isoformat() if first_sale else None,
            "days_hotspot_to_first_sale": (first_sale - datetime.date.fromisoformat(started)).days
            if first_sale and started else None,
            "sell_through": outcome["totals"]["sell_through"],
            "unsold_rate": outcome["totals"]["unsold_rate"],
            "margin": outcome["totals"]["margin"],
            "margin_rate": outcome["totals"]["margin_rate"],
            "revenue": outcome["totals"]["revenue"],
        },
    }


def _hypothesis(*, cycle: Cycle, concepts: list) -> dict:
    """The hotspots, opportunities and target portraits the cycle's designs started from; two queries."""
    opportunity_ids = {c.opportunity_id for c in concepts if c.opportunity_id}
    hotspots = hotspots_behind(opportunity_ids=opportunity_ids, limit=20)
    started = opportunities_first_created(opportunity_ids=opportunity_ids)
    started_on = timezone.localdate(started) if started else timezone.localdate(cycle.created_at)
    return {
        "started_on": started_on.isoformat(),
        "hotspots": [{"keyword": h["keyword"], "market": h["market"], "score": round(h["score"], 3)} for h in hotspots],
        "concepts": [
            {
                "id": c.pk, "name": c.name, "category": c.category, "status": c.status,
                "target_markets": list(c.target_markets or []),
                "target_price": money(c.target_price), "unit_cost": money(c.unit_cost), "currency": c.currency,
                "opportunity": (
                    {"id": c.opportunity.pk, "key": c.opportunity.key, "score": round(c.opportunity.score, 3)}
                    if c.opportunity else None
                ),
                "target_segment": c.target_segment.name if c.target_segment else None,
                "brief": c.brief.text if c.brief else None,
            }
            for c in concepts
        ],
    }


def _rounds(*, concept_ids: list[int]) -> list[dict]:
    """The vote rounds on the designs' samples: votes, mean score, would-order total, decision; one query."""
    rounds = round_results_for_concepts(concept_ids=concept_ids)
    return [
        {
            "id": r["pk"], "concept": r["sample__concept__name"], "sample_version": r["sample__version"],
            "status": r["status"], "decision": r["decision"] or "undecided", "decision_note": r["decision_note"],
            "votes": r["n_votes"], "invited": r["n_invited"], "response_rate": ratio(r["n_votes"], r["n_invited"]),
            "mean_score": round(float(r["mean_score"]), 2) if r["mean_score"] is not None else None,
            "would_order": r["would_order"],
        }
        for r in rounds
    ]


def _orders(orders: list, rows: list[dict]) -> list[dict]:
    """Each production order with how it was sized and what its batch sold: the sizing record kept on it."""
    result = []
    for order in orders:
        mine = [r for r in rows if r["order_id"] == order.pk]
        sizing = order.sizing if isinstance(order.sizing, dict) else {}
        forecast = sizing_forecast(sizing)
        demand = sum(r["sold"] + r["unmatched"] for r in mine)
        result.append({
            "id": order.pk, "reference": order.reference, "concept": order.sample.concept.name,
            "factory": order.factory.name, "status": order.status, "units": order.units or 0,
            "rule": sizing.get("rule", ""), "min_batch": sizing.get("min_batch"),
            "ordered_total": sizing.get("ordered_total"), "edited": bool(sizing.get("edited_by_merchandiser")),
            "critical_ratio": sizing.get("critical_ratio"), "interval_80": sizing.get("forecast_interval_80"),
            "forecast": forecast | forecast_accuracy(forecast["forecast"], demand),
            "sold": sum(r["sold"] for r in mine),
        })
    return result


def _average_prices(sales: list[dict]) -> dict[tuple[int, str], Decimal]:
    """Average net price per (variant, market) in the base currency. A day whose lines had no exchange rate
    is left out of the average (its units sold still count)."""
    units: dict[tuple[int, str], int] = {}
    amounts: dict[tuple[int, str], Decimal] = {}
    for row in sales:
        if row["unconverted"]:
            continue
        key = (row["variant_id"], row["market"])
        units[key] = units.get(key, 0) + row["quantity"]
        amounts[key] = amounts.get(key, Decimal(0)) + row["net_base"]
    return {key: amounts[key] / units[key] for key in units if units[key]}


def _new_customers(*, variant_ids: list[int], cycle: Cycle, today: datetime.date) -> dict:
    """Customers whose first order held one of the cycle's designs, by their segment in the newest portrait run;
    two queries."""
    firsts = customers_first_buying(variant_ids=variant_ids, until=today)
    segments = segment_names_for_customers(customer_ids=[f["customer_id"] for f in firsts]) if firsts else {}
    counts: dict[str, int] = {}
    for first in firsts:
        name = segments.get(first["customer_id"], (None, "not in a portrait yet"))[1]
        counts[name] = counts.get(name, 0) + 1
    return {
        "total": len(firsts),
        "by_segment": [{"segment": name, "customers": n} for name, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))],
    }


__all__ = ["REPORT_VERSION", "cycle_report_build", "report_currency"]

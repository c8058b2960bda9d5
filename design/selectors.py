"""Reads of link 3: concepts, their landed cost per market and their compliance checklist."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse

from analysis.models import Opportunity
from analysis.selectors import AnalysisProgress, analysis_cycle_progress
from core.dashboard.lineage import downstream_counts_annotate
from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.dashboard.queries import correlated_count, correlated_first
from core.dashboard.todo import SECTION_LIMIT, TodoItem
from core.models import Cycle

from .costing import freight_per_unit, landed_cost
from .models import ComplianceItem, Concept, DutyRate, FreightRate, FxRate, MarketFees, Variant

EU_MARKETS = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}
MODES = [m.value for m in FreightRate.Mode]


def concepts_for_cycle(*, cycle: Cycle):
    return Concept.objects.filter(cycle=cycle).prefetch_related("variants", "attributes")


def concept_first(*, cycle: Cycle) -> Concept | None:
    """The cycle's first concept: the one the loop takes through the links."""
    return Concept.objects.filter(cycle=cycle).order_by("created_at", "id").first()


def concept_list_for_opportunity(*, opportunity: Opportunity) -> list[Concept]:
    """The concepts designed from ``opportunity``, newest first, with what later links counted for
    each (core.dashboard.lineage); one query."""
    return list(downstream_counts_annotate(Concept.objects.filter(opportunity=opportunity).order_by("-created_at")))


def concept_list() -> QuerySet[Concept]:
    """Every concept with its cycle, newest cycle first, by name: what a concept picker offers."""
    return Concept.objects.select_related("cycle").order_by("-cycle__number", "name")


def market_aliases(market: str) -> list[str]:
    """The codes a market's rules may be filed under, most specific first."""
    market = market.upper()
    return [market, "EU", "*"] if market in EU_MARKETS else [market, "*"]


def fx_rates_per_usd() -> dict[str, Decimal]:
    """The planning exchange rates as {currency: units per USD}; one query."""
    return dict(FxRate.objects.values_list("currency", "per_usd"))


def money_convert(amount, *, from_currency: str, to_currency: str, per_usd: dict[str, Decimal]) -> Decimal | None:
    """``amount`` at the planning rates (units per USD); None when a rate is missing."""
    if from_currency == to_currency:
        return Decimal(str(amount))
    if from_currency not in per_usd or to_currency not in per_usd:
        return None
    value = Decimal(str(amount)) / per_usd[from_currency] * per_usd[to_currency]
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def concept_price_for(*, concept: Concept, market: str, local_currency: str | None = None, per_usd=None):
    """The retail price in ``market`` as (price in the concept's currency, local price, local currency).

    A price set for the market is in the market's currency and is converted at the
    planning rate; otherwise the concept's target price applies, shown converted.
    """
    local_currency = local_currency or concept.currency
    per_usd = per_usd if per_usd is not None else dict(FxRate.objects.values_list("currency", "per_usd"))
    local = (concept.market_prices or {}).get(market)
    if local not in (None, ""):
        price = money_convert(local, from_currency=local_currency, to_currency=concept.currency, per_usd=per_usd)
        return price, Decimal(str(local)), local_currency
    local = money_convert(concept.target_price, from_currency=concept.currency, to_currency=local_currency, per_usd=per_usd)
    return concept.target_price, local, local_currency


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
    """Per target market: landed cost, margin and break-even by sea, air and express; four queries.

    Figures are in the concept's currency; a market's own price is converted at the
    planning exchange rate, and the local price is shown beside it.

    ``surprise`` marks a market where sea freight leaves a healthy margin and air
    or express freight does not — the cost to see before a rush shipment is paid.
    """
    markets = [m.upper() for m in concept.target_markets or []]
    aliases = {a for m in markets for a in market_aliases(m)}
    rates = {(r.market, r.mode): r for r in FreightRate.objects.filter(market__in=markets)}
    duties = list(DutyRate.objects.filter(market__in=aliases))
    fees = {f.market: f for f in MarketFees.objects.filter(market__in=aliases)}
    per_usd = dict(FxRate.objects.values_list("currency", "per_usd"))
    rows = []
    for market in markets:
        fee = next((fees[a] for a in market_aliases(market) if a in fees), None)
        duty = _duty_for(duties, hs_code=concept.hs_code, market=market)
        missing = []
        if fee is None:
            missing.append("market fees")
        if duty is None:
            missing.append(f"duty rate for HS {concept.hs_code or '(none)'}")
        local_currency = fee.currency if fee else concept.currency
        price, local_price, local_currency = concept_price_for(
            concept=concept, market=market, local_currency=local_currency, per_usd=per_usd
        )
        if price is None or local_price is None:
            missing.append(f"planning exchange rate for {local_currency}")
            price = price if price is not None else concept.target_price
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
            "local_price": local_price,
            "local_currency": local_currency,
            "duty_rate": duty.rate if duty else None,
            "modes": modes,
            "surprise": surprise,
            "missing": missing,
        })
    return rows


def concept_compliance_items(*, concept: Concept) -> list[ComplianceItem]:
    return list(concept.compliance_items.select_related("template").order_by("market", "-required", "title"))


@dataclass(frozen=True, kw_only=True)
class DesignProgress(LinkProgress):
    concepts: int
    draft: int
    sampling: int
    confirmed: int


def design_cycle_progress(*, cycle: Cycle, analysis: AnalysisProgress | None = None) -> DesignProgress:
    """Link 3 on ``cycle``: concepts by status and the oldest draft to send to sampling. One
    query, and the earlier links' when link 2's progress is not handed in."""
    if analysis is None:
        analysis = analysis_cycle_progress(cycle=cycle)
    draft = Q(status=Concept.Status.DRAFT)
    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_concepts=correlated_count(Concept, link="cycle"),
            n_draft=correlated_count(Concept, link="cycle", filters=draft),
            n_sampling=correlated_count(Concept, link="cycle", filters=Q(status=Concept.Status.SAMPLING)),
            # A concept in production was confirmed: it counts as confirmed here.
            n_confirmed=correlated_count(
                Concept, link="cycle", filters=Q(status__in=[Concept.Status.CONFIRMED, Concept.Status.IN_PRODUCTION])
            ),
            draft_pk=correlated_first(Concept, link="cycle", field="pk", order_by=("created_at", "pk"), filters=draft),
            draft_name=correlated_first(Concept, link="cycle", field="name", order_by=("created_at", "pk"), filters=draft),
        )
        .values("n_concepts", "n_draft", "n_sampling", "n_confirmed", "draft_pk", "draft_name")
        .get()
    )
    n_concepts = row["n_concepts"]
    if row["n_confirmed"]:
        state = ProgressState.DONE
    elif n_concepts:
        state = ProgressState.IN_PROGRESS
    else:
        state = ProgressState.NOT_STARTED
    hands_over = False
    if row["draft_pk"] is not None:
        action, url = f"Send “{row['draft_name']}” to sampling", reverse("design:detail", args=[row["draft_pk"]])
    elif not n_concepts and analysis.top_opportunity_id is not None:
        action = f"Design a concept from opportunity #{analysis.top_opportunity_rank}"
        url = reverse("analysis:detail", args=[analysis.top_opportunity_id])
    elif row["n_sampling"]:
        action, url, hands_over = f"{row['n_sampling']} concepts in sampling", "", True
    elif n_concepts:
        action, url = "Review concepts", cycle_list_url("design:list", cycle=cycle)
    else:
        action, url = "Waits for opportunities", cycle_list_url("analysis:list", cycle=cycle)
    return DesignProgress(
        state=state,
        next_action=action,
        next_url=url,
        hands_over=hands_over,
        counts=(
            ("concepts", str(n_concepts)),
            ("draft / sampling / confirmed", f"{row['n_draft']} / {row['n_sampling']} / {row['n_confirmed']}"),
        ),
        concepts=n_concepts,
        draft=row["n_draft"],
        sampling=row["n_sampling"],
        confirmed=row["n_confirmed"],
    )


def cycle_concepts(*, cycle: Cycle) -> list[Concept]:
    """The cycle's designs: its concepts and those its production orders made, with their opportunity, target
    segment and brief; one query."""
    return list(
        Concept.objects.filter(Q(cycle=cycle) | Q(samples__production_orders__cycle=cycle))
        .select_related("opportunity", "target_segment", "brief").distinct().order_by("id")
    )


def variant_skus(*, concept_ids) -> dict[int, dict]:
    """The variants of ``concept_ids`` by id, as ``{"pk", "sku", "concept_id"}``; one query."""
    rows = Variant.objects.filter(concept_id__in=list(concept_ids)).values("pk", "sku", "concept_id")
    return {row["pk"]: row for row in rows}


def design_todo(*, cycle: Cycle | None = None, limit: int = SECTION_LIMIT) -> list[TodoItem]:
    """Confirmed concepts (of ``cycle``, or of every cycle) whose compliance checklist still has
    required items open: no batch can be ordered until they are ticked with evidence. One query."""
    open_item = Q(required=True, checked=False)
    concepts = (
        Concept.objects.filter(status=Concept.Status.CONFIRMED)
        .select_related("cycle")
        .annotate(
            n_open=correlated_count(ComplianceItem, link="concept", filters=open_item),
            n_required=correlated_count(ComplianceItem, link="concept", filters=Q(required=True)),
        )
        .filter(n_open__gt=0)
        .order_by("created_at", "pk")
    )
    if cycle is not None:
        concepts = concepts.filter(cycle=cycle)
    return [
        TodoItem(
            section="compliance_missing", title=concept.name, cycle_number=concept.cycle.number,
            detail=f"{concept.n_open} of {concept.n_required} required compliance items open "
            f"({', '.join(concept.target_markets or [])})",
            action="Complete the checklist", url=reverse("design:detail", args=[concept.pk]) + "#compliance",
            when=concept.created_at,
        )
        for concept in concepts[:limit]
    ]

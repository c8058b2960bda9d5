"""Every non-trivial read of link 5. What a factory may see is decided here, once."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core import formats
from core.compiled import CompiledQuery
from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.dashboard.queries import correlated_aggregate, correlated_count
from core.dashboard.todo import SECTION_LIMIT, TodoItem
from core.models import Cycle
from design.costing import landed_cost
from design.selectors import concept_market_costs, money_convert
from samples.models import Sample, VoteRound
from samples.selectors import SamplesProgress, samples_cycle_progress

from .. import api_keys, feed, key_cache
from ..models import (
    Factory,
    FactoryApiKey,
    FactoryPayment,
    PreOrder,
    ProductionEvent,
    ProductionOrder,
    ProductionOrderLine,
    QcReport,
    Shipment,
)
from ..planning import PlanningError, suggest_reorders, whole_number


def _with_lines(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("factory", "cycle", "sample__concept").prefetch_related(
        Prefetch("lines", queryset=ProductionOrderLine.objects.select_related("variant"))
    )


def production_order_list() -> QuerySet[ProductionOrder]:
    return _with_lines(ProductionOrder.objects.all()).order_by("-created_at", "-id")


def production_order_get(*, order_id: int) -> ProductionOrder:
    return _with_lines(ProductionOrder.objects.prefetch_related("events")).get(pk=order_id)


def production_orders_for_factory(*, factory: Factory, with_events: bool = False) -> QuerySet[ProductionOrder]:
    """The orders addressed to ``factory`` that were released to it (never drafts).

    An order cancelled while still a draft was never released, so it stays hidden too.
    """
    queryset = (
        ProductionOrder.objects.filter(factory=factory, released_at__isnull=False)
        .select_related("sample__concept")
        .defer("sizing")  # the sizing evidence is the seller's, never shown to the factory
        .prefetch_related(Prefetch("lines", queryset=ProductionOrderLine.objects.select_related("variant")))
    )
    if with_events:
        queryset = queryset.prefetch_related("events", "qc_reports", "shipments__events")
    return queryset.order_by("-created_at", "-id")


def production_order_shipment_find(*, order: ProductionOrder, shipment_id: int) -> Shipment | None:
    """One shipment of ``order``, or None (a shipment of another order is not this order's)."""
    return Shipment.objects.filter(order=order, pk=shipment_id).first()


def production_order_landed_cost_plan(*, order: ProductionOrder, mode: str = "sea") -> dict:
    """The planned landed cost of ``order``'s pieces per market, from the design app's costing.

    Per market: the factory's unit price (in the concept's currency) plus the concept's freight
    by ``mode`` and the market's duty on both, times the pieces for that market. ``total`` is
    None while a market lacks a freight rate, a duty rate or an exchange rate; ``missing`` says which.
    """
    concept = order.sample.concept
    costs = {row["market"]: row for row in concept_market_costs(concept=concept)}
    units: dict[str, int] = {}
    for line in order.lines.all():
        units[line.market.upper()] = units.get(line.market.upper(), 0) + line.quantity
    unit_cost = order.unit_price
    missing: list[str] = []
    if order.currency != concept.currency:
        from design.models import FxRate

        per_usd = dict(FxRate.objects.values_list("currency", "per_usd"))
        unit_cost = money_convert(order.unit_price, from_currency=order.currency, to_currency=concept.currency, per_usd=per_usd)
        if unit_cost is None:
            missing.append(f"planning exchange rate from {order.currency} to {concept.currency}")
    markets: dict[str, dict] = {}
    for market, quantity in sorted(units.items()):
        row = costs.get(market)
        if row is None:
            missing.append(f"{market}: not a target market of the concept")
            continue
        figures = row["modes"].get(mode)
        if figures is None:
            missing.append(f"{market}: {mode} freight rate")
        if row["duty_rate"] is None:
            missing.append(f"{market}: duty rate for HS {concept.hs_code or '(none)'}")
        if figures is None or row["duty_rate"] is None or unit_cost is None:
            continue
        unit = landed_cost(
            unit_cost=unit_cost, price=row["price"], freight=figures["freight"], duty_rate=row["duty_rate"],
            platform_fee=0, payment_fee=0, return_allowance=0,
        )
        markets[market] = {
            "units": quantity, "freight": str(unit["freight"]), "duty": str(unit["duty"]),
            "unit_landed": str(unit["landed"]), "total": str(unit["landed"] * quantity),
        }
    total = None if missing or not markets else sum(Decimal(m["total"]) for m in markets.values())
    return {"mode": mode, "currency": concept.currency, "markets": markets, "total": total, "missing": missing}


def factory_api_key_find(*, raw_key: str) -> FactoryApiKey | None:
    """The key row a raw key belongs to (revoked or not), or None if it matches none."""
    prefix = api_keys.key_prefix(raw_key)
    if prefix is None:
        return None
    api_key = _key_rows().filter(prefix=prefix).first()
    if api_key is None or not api_keys.key_matches(raw_key, api_key.hashed_key):
        return None
    return api_key


def _key_rows() -> QuerySet[FactoryApiKey]:
    return FactoryApiKey.objects.select_related("factory").order_by()


@dataclass(frozen=True)
class PollReads:
    """What authenticating an API request read beside the key row, in the same round trip.

    ``feed_version``: what the factory's ETags are made of (see ``factory_feed_version``), None when
    not read. ``throttle_count``: the throttle counter this request was counted in and its count,
    None when not counted. ``cache_generation``: the generation of the cached row
    (``production.key_cache``), None without a shared cache.
    """

    feed_version: tuple | None = None
    throttle_count: tuple[str, int] | None = None
    cache_generation: str | None = None


def factory_api_key_authenticate(*, raw_key: str, count_in: tuple[str, int] | None = None) -> FactoryApiKey | None:
    """``factory_api_key_find`` for every API request, with what the request asks next read in the
    same round trip: the key row comes with ``poll_reads`` (``PollReads``). ``count_in`` is a throttle
    counter and how long a new one is kept; the request is counted there only for a matching key.

    Where the cache is shared by every process, the row is kept there by prefix for
    ``api_keys.CACHE_SECONDS`` (``production.key_cache``: any change to the key drops it, and a
    request that read it before a change cannot put it back), and row, count and feed version are
    one round trip to it: no query once the row is cached. A per-process cache could go on
    accepting a key another process revoked, so without a shared one every request reads the row,
    with the feed version, in one query; the raw key is checked against its hash either way."""
    prefix = api_keys.key_prefix(raw_key)
    if prefix is None:
        return None
    if not settings.C2F_CACHE_SHARED:
        api_key = _KEY_WITH_FEED_VERSION.first(prefix=prefix)
        if api_key is None or not api_keys.key_matches(raw_key, api_key.hashed_key):
            return None
        api_key.poll_reads = PollReads(feed_version=("orders", api_key.feed_latest, api_key.feed_count))
        del api_key.feed_latest, api_key.feed_count
        return api_key
    hashed_key = api_keys.hash_key(raw_key)
    cached = key_cache.read(prefix=prefix, hashed_key=hashed_key, count_in=count_in)
    if cached.api_key is None:
        api_key = _key_rows().filter(prefix=prefix).first()
        if api_key is None:
            return None
        # Stored only if the key did not change since ``cached.generation`` was read, before the row.
        if key_cache.store(api_key=api_key, generation=cached.generation):
            again = key_cache.read(prefix=prefix, hashed_key=hashed_key, count_in=count_in)
            if again.api_key is not None:
                cached, api_key = again, again.api_key
    else:
        api_key = cached.api_key
    if not api_keys.key_matches(raw_key, api_key.hashed_key):
        return None
    api_key.poll_reads = PollReads(
        feed_version=None if cached.feed_counter is None else ("feed", cached.feed_counter),
        throttle_count=None if cached.throttle_count is None or count_in is None else (count_in[0], cached.throttle_count),
        cache_generation=cached.generation,
    )
    return api_key


def _feed_version_columns(factory) -> dict:
    """The latest change and the number of the orders a factory sees: its feed version without a
    shared cache, as columns of one query (an index-only scan of ``order_factory_version``)."""
    orders = ProductionOrder.objects.filter(factory=factory, released_at__isnull=False).order_by().values("factory")
    return {
        "feed_latest": Subquery(orders.annotate(latest=Max("updated_at")).values("latest")),
        "feed_count": Coalesce(Subquery(orders.annotate(n=Count("*")).values("n")), 0),
    }


# Every request without a shared cache makes this read: compiled once, not per request. The factory
# is read only when a request needs more of it than its id (a page, a report); an idle poll does not.
_KEY_WITH_FEED_VERSION = CompiledQuery(
    lambda prefix: FactoryApiKey.objects.order_by()
    .annotate(**_feed_version_columns(OuterRef("factory_id")))
    .filter(prefix=prefix),
    "prefix",
)


def factory_feed_version(*, factory_id: int) -> tuple:
    """What the factory's ETags are made of: its change counter where the cache is shared
    (``production.feed``), else the latest change and number of its released orders (one query).
    ``factory_api_key_authenticate`` reads it with the key; this is for a request that did not."""
    if feed.feed_version_in_cache():
        return ("feed", feed.feed_counter(factory_id))
    row = Factory.objects.filter(pk=factory_id).values(**_feed_version_columns(OuterRef("pk"))).get()
    return ("orders", row["feed_latest"], row["feed_count"])


# --- Money, scorecards, grouping, reorders --------------------------------------

OPEN_STATUSES = (
    ProductionOrder.Status.RELEASED,
    ProductionOrder.Status.ACCEPTED,
    ProductionOrder.Status.IN_PRODUCTION,
    ProductionOrder.Status.QC_FAILED,
)
PIPELINE_STATUSES = (
    ProductionOrder.Status.ACCEPTED,
    ProductionOrder.Status.IN_PRODUCTION,
    ProductionOrder.Status.QC_FAILED,
    ProductionOrder.Status.QC_PASSED,
    ProductionOrder.Status.SHIPPED,
)


def factory_balances() -> QuerySet[Factory]:
    """Factories with ledger entries, each with ``balance_due`` (owed less paid), largest first, and
    its ``currency`` (``currencies`` says how many the ledger is kept in: a sum over two means nothing)."""
    return (
        Factory.objects.annotate(
            balance_due=Sum("payments__amount"), entries=Count("payments"),
            currency=Max("payments__currency"), currencies=Count("payments__currency", distinct=True),
        )
        .filter(entries__gt=0)
        .order_by("-balance_due", "name")
    )


def balances_by_currency(*, factory: Factory | None = None) -> list[tuple[str, Decimal]]:
    """What is owed to factories (or to ``factory``), one total per currency of the ledger."""
    payments = FactoryPayment.objects.all() if factory is None else FactoryPayment.objects.filter(factory=factory)
    return [
        (row["currency"], row["total"])
        for row in payments.order_by().values("currency").annotate(total=Sum("amount")).order_by("currency")
    ]


def factory_ledger(*, factory: Factory) -> QuerySet[FactoryPayment]:
    return FactoryPayment.objects.filter(factory=factory).select_related("order").order_by("created_at", "id")


def factory_list() -> QuerySet[Factory]:
    """Factories by name, each with ``open_orders`` (released and not yet past QC) and ``balance_due``.

    Both are correlated subqueries, so the page of factories is one query.
    """
    open_orders = (
        ProductionOrder.objects.filter(factory=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("factory")
        .annotate(n=Count("pk"))
        .values("n")
    )
    balance = (
        FactoryPayment.objects.filter(factory=OuterRef("pk"))
        .order_by()
        .values("factory")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Factory.objects.annotate(
        open_orders=Coalesce(Subquery(open_orders, output_field=IntegerField()), Value(0)),
        balance_due=Coalesce(Subquery(balance, output_field=money), Value(Decimal("0.00")), output_field=money),
        balance_currency=correlated_aggregate(FactoryPayment, link="factory", aggregate=Max("currency")),
        balance_currencies=correlated_aggregate(
            FactoryPayment, link="factory", aggregate=Count("currency", distinct=True), default=Value(0)
        ),
    ).order_by("name", "pk")


def factory_scorecard(*, factory: Factory) -> dict:
    """On-time rate, QC defect rate, first-pass QC rate and actual lead time, from events and QC reports."""
    return factory_scorecards(factory_ids=[factory.pk])[factory.pk] | {"promised_lead_time_days": factory.lead_time_days}


def factory_scorecards(*, factory_ids: list[int]) -> dict[int, dict]:
    """Per factory id: ``shipped_orders``, ``on_time_rate``, ``defect_rate``, ``qc_pass_rate`` and
    ``lead_time_days`` (accepted → shipped), None where there is nothing to measure; two queries
    whatever the number of factories."""
    factory_ids = list(factory_ids)
    moments: dict[int, dict[str, datetime.datetime]] = {}
    owner: dict[int, int] = {}
    due: dict[int, datetime.date | None] = {}
    events = (
        ProductionEvent.objects.filter(order__factory_id__in=factory_ids, to_status__in=["accepted", "shipped"])
        .order_by("order_id", "created_at", "id")
        .values_list("order__factory_id", "order_id", "to_status", "created_at", "order__due_date")
    )
    for factory_id, order_id, to_status, at, due_date in events:
        moments.setdefault(order_id, {}).setdefault(to_status, at)
        owner[order_id], due[order_id] = factory_id, due_date
    on_time: dict[int, list[bool]] = {}
    lead_times: dict[int, list[int]] = {}
    shipped: dict[int, int] = {}
    for order_id, moment in moments.items():
        if "shipped" not in moment:
            continue
        factory_id = owner[order_id]
        shipped[factory_id] = shipped.get(factory_id, 0) + 1
        if "accepted" in moment:
            lead_times.setdefault(factory_id, []).append((moment["shipped"] - moment["accepted"]).days)
        if due[order_id]:
            on_time.setdefault(factory_id, []).append(timezone.localtime(moment["shipped"]).date() <= due[order_id])
    qc = {
        row["order__factory_id"]: row
        for row in QcReport.objects.filter(order__factory_id__in=factory_ids)
        .order_by()
        .values("order__factory_id")
        .annotate(
            inspected=Sum("sample_size"),
            defects=Sum(F("critical") + F("major") + F("minor")),
            reports=Count("id"),
            passed=Count("id", filter=Q(passed=True)),
        )
    }
    cards = {}
    for factory_id in factory_ids:
        timely, leads = on_time.get(factory_id, []), lead_times.get(factory_id, [])
        row = qc.get(factory_id, {})
        cards[factory_id] = {
            "shipped_orders": shipped.get(factory_id, 0),
            "on_time_rate": sum(timely) / len(timely) if timely else None,
            "defect_rate": (row.get("defects") or 0) / row["inspected"] if row.get("inspected") else None,
            "qc_pass_rate": row["passed"] / row["reports"] if row.get("reports") else None,
            "lead_time_days": sum(leads) / len(leads) if leads else None,
        }
    return cards


def factory_api_key_list(*, factory: Factory) -> QuerySet[FactoryApiKey]:
    """A factory's keys, active ones first, newest first."""
    return factory.api_keys.order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")


def production_component_groups(*, factory: Factory | None = None) -> list[dict]:
    """Open order lines grouped by shared component (fabric) and blank (category × size), across orders.

    One group per (factory, material, category, size) with its units and the orders and SKUs in
    it, largest first: what a factory can cut from one fabric run or one blank.
    """
    lines = ProductionOrderLine.objects.filter(order__status__in=OPEN_STATUSES)
    if factory is not None:
        lines = lines.filter(order__factory=factory)
    rows = lines.values_list(
        "order__factory_id", "order__factory__name", "variant__material", "order__sample__concept__category",
        "variant__size", "order__reference", "variant__sku", "quantity",
    ).order_by("order__factory__name", "variant__material", "order__reference", "variant__sku")
    groups: dict[tuple, dict] = {}
    for factory_id, factory_name, material, category, size, reference, sku, qty in rows:
        key = (factory_id, material or "", category or "", size or "")
        group = groups.setdefault(
            key,
            {"factory_id": factory_id, "factory": factory_name, "material": material, "category": category,
             "size": size, "units": 0, "orders": [], "skus": []},
        )
        group["units"] += qty
        if reference not in group["orders"]:
            group["orders"].append(reference)
        if sku not in group["skus"]:
            group["skus"].append(sku)
    return sorted(groups.values(), key=lambda g: (-len(g["orders"]), -g["units"], g["factory"]))


ORDER_GONE_STATUSES = (ProductionOrder.Status.CANCELLED, ProductionOrder.Status.DECLINED)


def production_order_latest(*, sample, cycle=None) -> ProductionOrder | None:
    """The newest order for ``sample`` (in ``cycle`` when given), whatever its status; one query."""
    orders = ProductionOrder.objects.filter(sample=sample).select_related("factory")
    if cycle is not None:
        orders = orders.filter(cycle=cycle)
    return orders.order_by("-created_at", "-id").first()


def production_samples_waiting(*, cycle_number: int | None = None, limit: int = 50) -> list:
    """Confirmed rounds whose sample has no production order yet, newest first; one query.

    A sample whose only orders were cancelled or declined waits again. One round per sample
    (its latest confirmed one), with ``sample.concept`` and ``cycle`` loaded.
    """
    live_orders = ProductionOrder.objects.filter(sample=OuterRef("sample")).exclude(status__in=ORDER_GONE_STATUSES)
    rounds = (
        VoteRound.objects.filter(decision=VoteRound.Decision.CONFIRM)
        .filter(~Exists(live_orders))
        .select_related("sample__concept", "cycle")
        .order_by("-closes_at", "-id")
    )
    if cycle_number is not None:
        rounds = rounds.filter(cycle__number=cycle_number)
    waiting, seen = [], set()
    for vote_round in rounds[: limit * 2]:
        if vote_round.sample_id not in seen:
            seen.add(vote_round.sample_id)
            waiting.append(vote_round)
    return waiting[:limit]


def production_pipeline_units(*, factory: Factory | None = None) -> dict[tuple[int, str], int]:
    """Units ordered and not yet received, per (variant id, market)."""
    lines = ProductionOrderLine.objects.filter(order__status__in=PIPELINE_STATUSES)
    if factory is not None:
        lines = lines.filter(order__factory=factory)
    return {
        (variant_id, market): units
        for variant_id, market, units in lines.values_list("variant_id", "market")
        .annotate(units=Sum("quantity"))
        .values_list("variant_id", "market", "units")
        .order_by()
    }


def production_received_units() -> dict[tuple[int, str], int]:
    """Units of received orders per (variant id, market): what has reached the seller's stock."""
    return {
        (variant_id, market.upper()): units
        for variant_id, market, units in ProductionOrderLine.objects.filter(order__status=ProductionOrder.Status.RECEIVED)
        .values_list("variant_id", "market")
        .annotate(units=Sum("quantity"))
        .values_list("variant_id", "market", "units")
        .order_by()
    }


def production_variant_factories() -> dict[int, Factory]:
    """The factory that each variant was last released to: the one a reorder goes to; two queries."""
    latest: dict[int, int] = {}
    rows = (
        ProductionOrderLine.objects.filter(order__released_at__isnull=False)
        .values_list("variant_id", "order__factory_id")
        .order_by("variant_id", "-order__released_at", "-order_id")
    )
    for variant_id, factory_id in rows:
        latest.setdefault(variant_id, factory_id)
    factories = Factory.objects.in_bulk(set(latest.values()))
    return {variant_id: factories[factory_id] for variant_id, factory_id in latest.items()}


def production_reorder_suggestions(
    *, factory: Factory, sales: list[dict], on_hand: list[dict], today: datetime.date | None = None,
    in_transit: dict[tuple[int, str], int] | None = None, **options
) -> list[dict]:
    """Reorders for ``factory`` from the caller's sales rows and stock counts.

    ``sales``: ``{"variant_id", "market", "date", "quantity"}``; ``on_hand``:
    ``{"variant_id", "market", "quantity"}``. Production cannot read the shop's orders, so the
    caller (which may) hands them in. Units in this factory's production orders not yet received
    count as in transit, unless the caller hands in ``in_transit`` itself (per variant id, market).
    """
    stock: dict[tuple[int, str], int] = {}
    for index, row in enumerate(on_hand):
        if not isinstance(row, dict) or not isinstance(row.get("market"), str) or not row["market"].strip():
            raise PlanningError(f"on_hand[{index}]: must be a dict with variant_id, market and quantity")
        key = (whole_number(row.get("variant_id"), f"on_hand[{index}].variant_id"), row["market"].strip())
        stock[key] = stock.get(key, 0) + whole_number(row.get("quantity"), f"on_hand[{index}].quantity")
    return suggest_reorders(
        sales,
        on_hand=stock,
        in_transit=production_pipeline_units(factory=factory) if in_transit is None else in_transit,
        lead_time_days=factory.lead_time_days,
        today=today or timezone.localdate(),
        **options,
    )


# --- Pre-orders -----------------------------------------------------------------

def pre_orders_for_sizing(*, concept) -> list[dict]:
    """Open pre-orders of ``concept``'s variants summed per (variant id, market), in one query.

    ``[{"variant_id", "market", "quantity"}]``, ordered by variant id and market: the shape
    ``services.production_order_plan(pre_orders=...)`` takes. Cancelled and fulfilled ones do not count.
    """
    rows = (
        PreOrder.objects.filter(variant__concept=concept, status=PreOrder.Status.OPEN)
        .values("variant_id", "market")
        .annotate(total=Sum("quantity"))
        .order_by("variant_id", "market")
    )
    return [{"variant_id": row["variant_id"], "market": row["market"], "quantity": row["total"]} for row in rows]


def pre_orders_open_for_skus(*, skus) -> list[dict]:
    """Open pre-orders of the variants with these SKUs, for matching against shop orders; one query.

    ``[{"id", "channel", "reference", "sku", "market", "customer"}]`` ordered by id.
    """
    skus = sorted(set(skus))
    if not skus:
        return []
    return list(
        PreOrder.objects.filter(status=PreOrder.Status.OPEN, variant__sku__in=skus)
        .order_by("id")
        .values("id", "channel", "reference", "market", "customer", sku=F("variant__sku"))
    )


def pre_order_list(
    *, concept=None, channel: str | None = None, status: str | None = None, is_demo: bool | None = None
) -> QuerySet[PreOrder]:
    """Pre-orders with their variant and concept, newest order first; each filter is optional."""
    queryset = PreOrder.objects.select_related("variant__concept")
    if concept is not None:
        queryset = queryset.filter(variant__concept=concept)
    if channel:
        queryset = queryset.filter(channel=channel)
    if status:
        queryset = queryset.filter(status=status)
    if is_demo is not None:
        queryset = queryset.filter(is_demo=is_demo)
    return queryset.order_by("-ordered_at", "-id")


def pre_order_totals(*, queryset: QuerySet[PreOrder]) -> list[dict]:
    """Units and lines of ``queryset`` per concept × variant × market, in one query.

    ``[{"concept_id", "concept", "variant_id", "sku", "colour", "market", "units", "lines"}]``.
    """
    rows = (
        queryset.order_by()
        .values("variant__concept_id", "variant__concept__name", "variant_id", "variant__sku", "variant__colour", "market")
        .annotate(units=Sum("quantity"), lines=Count("id"))
        .order_by("variant__concept__name", "variant__concept_id", "variant__sku", "market")
    )
    return [
        {
            "concept_id": row["variant__concept_id"], "concept": row["variant__concept__name"],
            "variant_id": row["variant_id"], "sku": row["variant__sku"], "colour": row["variant__colour"],
            "market": row["market"], "units": row["units"], "lines": row["lines"],
        }
        for row in rows
    ]


def production_order_first(*, cycle: Cycle) -> ProductionOrder | None:
    """The cycle's first production order, with its sample and concept."""
    return ProductionOrder.objects.filter(cycle=cycle).select_related("sample__concept").order_by("id").first()


def production_order_list_for_sample(*, sample: Sample) -> list[ProductionOrder]:
    """The orders made of a sample version, newest first, with their factory; one query."""
    return list(ProductionOrder.objects.filter(sample=sample).select_related("factory").order_by("-created_at", "-id"))


def production_order_list_for_concept(*, concept) -> list[ProductionOrder]:
    """The orders made of any sample version of a concept, newest first, with their factory,
    sample and units; one query."""
    return list(
        ProductionOrder.objects.filter(sample__concept=concept).select_related("factory", "sample")
        .annotate(units=correlated_aggregate(ProductionOrderLine, link="order", aggregate=Sum("quantity"), default=0))
        .order_by("-created_at", "-id")
    )


def production_orders_live(orders: list[ProductionOrder]) -> bool:
    """Whether any of ``orders`` still stands (neither cancelled nor declined)."""
    return any(order.status not in ORDER_GONE_STATUSES for order in orders)


def production_order_list_for_round(*, round: VoteRound) -> list[ProductionOrder]:
    """The orders a round's votes sized, newest first, with their factory and number of lines; one query."""
    return list(
        ProductionOrder.objects.filter(sizing_round=round).select_related("factory")
        .annotate(n_lines=Count("lines")).order_by("-created_at", "-id")
    )


@dataclass(frozen=True, kw_only=True)
class ProductionProgress(LinkProgress):
    orders: int
    units: int
    by_status: dict[str, int]


def production_cycle_progress(*, cycle: Cycle, samples: SamplesProgress | None = None) -> ProductionProgress:
    """Link 5 on ``cycle``: its production orders by status and their units. One query, and the
    earlier links' when link 4's progress is not handed in."""
    if samples is None:
        samples = samples_cycle_progress(cycle=cycle)
    Status = ProductionOrder.Status
    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_orders=correlated_count(ProductionOrder, link="cycle"),
            n_units=correlated_aggregate(ProductionOrderLine, link="order__cycle", aggregate=Sum("quantity"), default=0),
            **{f"n_{status}": correlated_count(ProductionOrder, link="cycle", filters=Q(status=status)) for status in Status},
        )
        .values("n_orders", "n_units", *(f"n_{status}" for status in Status))
        .get()
    )
    n_orders = row["n_orders"]
    by_status = {status: row[f"n_{status}"] for status in Status if row[f"n_{status}"]}
    finished = by_status.get(Status.RECEIVED, 0) + by_status.get(Status.SHIPPED, 0)
    live = n_orders - by_status.get(Status.CANCELLED, 0) - by_status.get(Status.DECLINED, 0)
    listed = cycle_list_url("production:list", cycle=cycle)
    hands_over = False
    if not n_orders:
        state = ProgressState.NOT_STARTED
        if samples.confirmed_rounds:
            action, url = "Plan a batch for the confirmed sample", listed
        else:
            action, url = "Waits for a confirmed sample", cycle_list_url("samples:list", cycle=cycle)
    elif by_status.get(Status.DRAFT):
        state = ProgressState.IN_PROGRESS
        action, url = f"Release {by_status[Status.DRAFT]} draft orders", f"{listed}&status={Status.DRAFT}"
    elif finished and finished == live:
        state, action, url, hands_over = ProgressState.DONE, "Promote the received stock", "", True
    else:
        state, action, url = ProgressState.IN_PROGRESS, "Follow orders at the factories", listed
    return ProductionProgress(
        state=state,
        next_action=action,
        next_url=url,
        hands_over=hands_over,
        counts=(
            ("orders", str(n_orders)),
            ("units", f"{row['n_units']:,}"),
            # In the order of the status codes, as the card has always listed them.
            *((Status(status).label.lower(), str(n)) for status, n in sorted(by_status.items())),
        ),
        orders=n_orders,
        units=row["n_units"],
        by_status=by_status,
    )


def cycle_orders_with_units(*, cycle: Cycle) -> list[ProductionOrder]:
    """The cycle's production orders, oldest first, with their sample's concept and factory and ``units`` (the
    sum of their lines, None without lines); one query."""
    return list(
        ProductionOrder.objects.filter(cycle=cycle).select_related("sample__concept", "factory")
        .annotate(units=Sum("lines__quantity")).order_by("id")
    )


# Released orders a factory has not answered for this long are flagged on the home page.
ACCEPTANCE_WAIT_DAYS = 3
_LATE_STATUSES = (
    ProductionOrder.Status.RELEASED,
    ProductionOrder.Status.ACCEPTED,
    ProductionOrder.Status.IN_PRODUCTION,
    ProductionOrder.Status.QC_FAILED,
    ProductionOrder.Status.QC_PASSED,
)


def production_todo(*, cycle: Cycle | None = None, limit: int = SECTION_LIMIT) -> list[TodoItem]:
    """What link 5 waits on people for: confirmed samples without a batch, drafts to release,
    orders waiting for their factory to accept, late orders, shipments to receive (of ``cycle``,
    or of every cycle), and money owed to factories. Three queries."""
    items = []
    for vote_round in production_samples_waiting(cycle_number=cycle.number if cycle else None, limit=limit):
        items.append(TodoItem(
            section="batch_plan", title=str(vote_round.sample), cycle_number=vote_round.cycle.number,
            detail=f"confirmed in round {vote_round.pk} ({formats.date(vote_round.closes_at)}); no production order yet",
            action="Plan the batch", url=reverse("production:plan", args=[vote_round.sample_id]),
            when=vote_round.closes_at,
        ))

    today, now = timezone.localdate(), timezone.now()
    Status = ProductionOrder.Status
    waiting = Q(status__in=(Status.DRAFT, Status.RELEASED, Status.SHIPPED)) | Q(
        due_date__lt=today, status__in=_LATE_STATUSES
    )
    orders = (
        ProductionOrder.objects.filter(waiting)
        .select_related("factory", "cycle")
        .annotate(units=correlated_aggregate(ProductionOrderLine, link="order", aggregate=Sum("quantity"), default=0))
        .order_by("due_date", "created_at", "pk")
    )
    if cycle is not None:
        orders = orders.filter(cycle=cycle)
    counted: dict[str, int] = {}
    for order in orders[: limit * 5]:
        url = reverse("production:detail", args=[order.pk])
        common = {"title": f"{order.reference} · {order.factory.name}", "cycle_number": order.cycle.number, "url": url}
        units = f"{formats.number(order.units)} units"
        if order.due_date is not None and order.due_date < today and order.status in _LATE_STATUSES:
            late = (today - order.due_date).days
            item = TodoItem(
                section="order_late", action="Open the order", urgent=True, when=order.due_date,
                detail=f"{units}, due {formats.date(order.due_date)}: {late} day{'s' if late != 1 else ''} late "
                f"({order.get_status_display().lower()})",
                **common,
            )
        elif order.status == Status.DRAFT:
            item = TodoItem(
                section="order_release", action="Review and release", when=order.created_at,
                detail=f"{units} drafted {formats.date(order.created_at)}; the factory sees it once released",
                **common,
            )
        elif order.status == Status.RELEASED:
            since = order.released_at or order.created_at
            item = TodoItem(
                section="order_acceptance", action="Open the order", when=since,
                urgent=since <= now - datetime.timedelta(days=ACCEPTANCE_WAIT_DAYS),
                detail=f"{units} released {formats.date(since)}; waiting for the factory to accept",
                **common,
            )
        elif order.status == Status.SHIPPED:
            item = TodoItem(
                section="order_receive", action="Receive", when=order.updated_at,
                detail=f"{units} shipped; record the receipt and landed cost when it arrives", **common,
            )
        else:
            continue
        if counted.get(item.section, 0) < limit:
            counted[item.section] = counted.get(item.section, 0) + 1
            items.append(item)

    due = (
        FactoryPayment.objects.values("factory_id", "factory__name", "currency")
        .annotate(balance=Sum("amount"), since=Max("created_at"))
        .filter(balance__gt=0)
        .order_by("since", "factory__name")
    )
    for row in due[:limit]:
        items.append(TodoItem(
            section="payment_due", title=row["factory__name"], action="Open the ledger",
            detail=f"{formats.money(row['balance'], row['currency'])} owed (deposits and balances less payments)",
            url=reverse("production:factory", args=[row["factory_id"]]) + "#ledger", when=row["since"],
        ))
    return items

"""Briefs: what each valuable segment asks of the next cycle, and the next cycle they open.

A segment is *valuable* when it has at least ``BRIEF_MIN_MEMBERS`` customers and speaks
for at least ``BRIEF_MIN_WEIGHT`` of the run's expected value over the next 365 days
(BG/NBD + Gamma-Gamma, :mod:`portraits.value_model`); when the run has no value model
(too few repeat customers), of its net revenue; failing both, of its customers. Its
brief carries that ``weight``, the attributes the segment buys more of than all
customers (with their share and lift), its markets, price band, the keywords to watch
and, in ``evidence``, the numbers behind each of them.

The merchandiser may edit, drop or merge briefs until the next cycle is opened from
them; :func:`next_cycle_open` seeds one watchlist per active brief.
"""

from decimal import Decimal, InvalidOperation
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.demo_catalog import demo_keyword
from core.models import Cycle
from core.services import cycle_close, cycle_open
from hotspots import services as hotspots_services
from hotspots.models import WatchKeyword

from .models import Brief, PortraitRun, Segment
from .naming import money
from .profiles import main_markets

BRIEF_MIN_MEMBERS = 5
BRIEF_MIN_WEIGHT = 0.05
BRIEF_TOP_ATTRIBUTES = 3
BRIEF_MIN_MARKET_SHARE = 0.2
MAX_KEYWORDS = 30
PORTRAITS_ACTOR = "c2f portraits"


def brief_keywords(*, attributes: list[str], category: str) -> list[str]:
    """Search keywords for a brief: each attribute with the category, then each pair."""
    singles = [demo_keyword(a, category) for a in attributes]
    pairs = [demo_keyword(f"{a} {b}", category) for a, b in combinations(attributes, 2)]
    return list(dict.fromkeys(singles + pairs))


def segment_weights(segments: list[Segment]) -> tuple[dict[int, float], str]:
    """Each segment's share of the run's expected value, else of its revenue, else of its customers."""
    values = [s.expected_value for s in segments]
    if segments and all(v is not None for v in values) and sum(values) > 0:
        total = sum(values)
        return {s.pk: s.expected_value / total for s in segments}, "expected value over the next 365 days"
    revenue = [max(s.revenue_share or (s.profile or {}).get("revenue_share") or 0.0, 0.0) for s in segments]
    if sum(revenue) > 0:
        return {s.pk: r / sum(revenue) for s, r in zip(segments, revenue)}, "net revenue"
    total = sum(s.size for s in segments) or 1
    return {s.pk: s.size / total for s in segments}, "customers"


def _evidence(segment: Segment, attributes: list[dict], markets: list[str], weight: float, basis: str) -> dict:
    profile = segment.profile or {}
    value = profile.get("expected_value") or {}
    return {
        "weight": round(weight, 4),
        "weighed_by": basis,
        "customers": segment.size,
        "customer_share": profile.get("customer_share"),
        "revenue_share": profile.get("revenue_share"),
        "expected_value_total": value.get("total_value"),
        "expected_value_per_customer": value.get("value"),
        "expected_purchases_per_customer": value.get("purchases"),
        "attributes": [
            {"name": a["name"], "kind": a.get("kind", ""), "share": a.get("share"), "overall_share": a.get("overall_share"),
             "lift": a.get("lift")}
            for a in attributes
        ],
        "markets": {m: (profile.get("markets") or {}).get(m) for m in markets},
        "price_band": profile.get("price_band"),
        "price_median": profile.get("price_median"),
        "rfm_groups": dict(list((profile.get("rfm_groups") or {}).items())[:3]),
    }


def _brief_text(segment: Segment, evidence: dict, category: str, low, high, currency) -> str:
    rfm = (segment.profile or {}).get("rfm", {})
    taste = ", ".join(f"{a['name']} (×{a['lift']:.1f} the average share)" for a in evidence["attributes"] if a.get("lift"))
    worth = evidence.get("expected_value_total")
    worth_text = (
        f" They are expected to spend {money(worth, currency)} over the next year "
        f"({evidence['weight']:.0%} of what all customers are expected to spend)."
        if worth is not None else f" They bring {evidence['weight']:.0%} of the {evidence['weighed_by']}."
    )
    return (
        f"{segment.name}: {segment.size} customers who buy {taste or 'no single attribute more than others'} "
        f"in {category or 'mixed categories'}, mostly in {', '.join(evidence['markets']) or 'no main market'}. "
        f"They pay {money(float(low), currency)}–{money(float(high), currency)} a unit, order "
        f"{rfm.get('frequency') or 0:.1f} times and spend {money(rfm.get('monetary') or 0, currency)} on average."
        + worth_text
    )


def briefs_write(*, run: PortraitRun, min_members: int = BRIEF_MIN_MEMBERS, min_weight: float = BRIEF_MIN_WEIGHT) -> list[Brief]:
    """One brief per valuable segment (see the module docstring), heaviest first. Idempotent: a brief the
    merchandiser edited, dropped or merged is left as they made it."""
    if run.status != PortraitRun.Status.DONE:
        raise ValueError(f"portrait run {run.pk} is {run.status}, not done: it has no segments to brief")
    segments = list(run.segments.order_by("label"))
    weights, basis = segment_weights(segments)
    existing = {b.segment_id: b for b in Brief.objects.filter(run=run)}
    fields = ["category", "attributes", "price_low", "price_high", "markets", "weight", "evidence", "keywords", "text"]
    briefs, new, changed = [], [], []
    for segment in sorted(segments, key=lambda s: (-weights[s.pk], s.label)):
        if segment.size < min_members or weights[segment.pk] < min_weight:
            continue
        brief = existing.get(segment.pk)
        if brief is not None and brief.edited_at is not None:
            briefs.append(brief)  # as the merchandiser left it
            continue
        profile = segment.profile or {}
        category = profile.get("main_category") or ""
        top = list(profile.get("top_attributes", []))[:BRIEF_TOP_ATTRIBUTES]
        attributes = [a["name"] for a in top]
        markets = main_markets(profile, min_share=BRIEF_MIN_MARKET_SHARE)
        band = profile.get("price_band") or [0, 0]
        low, high = (Decimal(str(v or 0)).quantize(Decimal("0.01")) for v in band)
        evidence = _evidence(segment, top, markets, weights[segment.pk], basis)
        values = {
            "category": category, "attributes": attributes, "price_low": low, "price_high": high, "markets": markets,
            "weight": round(weights[segment.pk], 4), "evidence": evidence,
            "keywords": brief_keywords(attributes=attributes, category=category) if category else [],
            "text": _brief_text(segment, evidence, category, low, high, profile.get("currency")),
        }
        if brief is None:
            brief = Brief(run=run, segment=segment, **values)
            new.append(brief)
        else:
            for field, value in values.items():
                setattr(brief, field, value)
            changed.append(brief)
        briefs.append(brief)
    with transaction.atomic():
        Brief.objects.bulk_create(new)
        if changed:
            Brief.objects.bulk_update(changed, fields)
    return briefs


def _open_brief(brief_id: int) -> Brief:
    brief = Brief.objects.select_for_update().filter(pk=brief_id).first()
    if brief is None:
        raise ValidationError({"brief": [f"Brief {brief_id} does not exist."]})
    if brief.for_cycle_id is not None:
        raise ValidationError({"brief": [f"The brief already seeds cycle {brief.for_cycle_id}: it can no longer change."]})
    if brief.status != Brief.Status.ACTIVE:
        raise ValidationError({"brief": [f"The brief is {brief.get_status_display().lower()}."]})
    return brief


def _words(values, *, field: str, limit: int, width: int = 80) -> list[str]:
    if not isinstance(values, (list, tuple)):
        raise ValidationError({field: ["Give a list of words."]})
    words = []
    for value in values:
        if not isinstance(value, str):
            raise ValidationError({field: ["Every entry must be text."]})
        value = " ".join(value.split())
        if len(value) > width:
            raise ValidationError({field: [f"“{value[:20]}…” is longer than {width} characters."]})
        if value and value not in words:
            words.append(value)
    if len(words) > limit:
        raise ValidationError({field: [f"At most {limit} entries."]})
    return words


def brief_update(*, brief_id: int, actor: str, attributes=None, keywords=None, markets=None, price_low=None,
                 price_high=None, text=None) -> Brief:
    """Change what a brief asks for, before the next cycle opens from it; what is not given stays."""
    with transaction.atomic():
        brief = _open_brief(brief_id)
        if attributes is not None:
            brief.attributes = _words(attributes, field="attributes", limit=10)
        if keywords is not None:
            brief.keywords = _words(keywords, field="keywords", limit=MAX_KEYWORDS)
        if markets is not None:
            brief.markets = [m.upper() for m in _words(markets, field="markets", limit=20, width=12)]
        for field, value in (("price_low", price_low), ("price_high", price_high)):
            if value is not None:
                try:
                    amount = Decimal(str(value)).quantize(Decimal("0.01"))
                except (InvalidOperation, ValueError):
                    raise ValidationError({field: [f"“{value}” is not an amount."]}) from None
                if amount < 0 or amount >= Decimal("1e8"):
                    raise ValidationError({field: ["Must be from 0 to 99,999,999.99."]})
                setattr(brief, field, amount)
        if brief.price_low > brief.price_high:
            raise ValidationError({"price_high": ["The high end of the price band is below its low end."]})
        if text is not None:
            if not isinstance(text, str) or len(text) > 4000:
                raise ValidationError({"text": ["At most 4,000 characters of text."]})
            brief.text = text.strip()
        brief.edited_by, brief.edited_at = actor[:150], timezone.now()
        brief.save()
    return brief


def brief_drop(*, brief_id: int, actor: str) -> Brief:
    """The brief asks nothing of the next cycle."""
    with transaction.atomic():
        brief = _open_brief(brief_id)
        brief.status, brief.edited_by, brief.edited_at = Brief.Status.DROPPED, actor[:150], timezone.now()
        brief.save(update_fields=["status", "edited_by", "edited_at"])
    return brief


def brief_merge(*, brief_id: int, into_id: int, actor: str) -> Brief:
    """Fold one brief into another of the same run: attributes, markets and keywords joined, the price band
    widened, the weights and evidence added. Returns the brief merged into."""
    if brief_id == into_id:
        raise ValidationError({"into": ["A brief cannot be merged into itself."]})
    with transaction.atomic():
        first, second = sorted([brief_id, into_id])
        locked = {first: _open_brief(first), second: _open_brief(second)}
        brief, into = locked[brief_id], locked[into_id]
        if brief.run_id != into.run_id:
            raise ValidationError({"into": ["Only briefs of the same portrait run can be merged."]})
        into.attributes = list(dict.fromkeys(into.attributes + brief.attributes))
        into.markets = list(dict.fromkeys(into.markets + brief.markets))
        into.keywords = list(dict.fromkeys(into.keywords + brief.keywords))[:MAX_KEYWORDS]
        into.price_low, into.price_high = min(into.price_low, brief.price_low), max(into.price_high, brief.price_high)
        into.weight = round(into.weight + brief.weight, 4)
        into.evidence = {**into.evidence, "merged": [*into.evidence.get("merged", []),
                                                     {"brief": brief.pk, "segment": brief.segment.name, **brief.evidence}]}
        into.text = f"{into.text}\n\nMerged: {brief.text}".strip()
        into.edited_by, into.edited_at = actor[:150], timezone.now()
        into.save()
        brief.status, brief.merged_into = Brief.Status.MERGED, into
        brief.edited_by, brief.edited_at = actor[:150], timezone.now()
        brief.save(update_fields=["status", "merged_into", "edited_by", "edited_at"])
    return into


def next_cycle_open(*, run: PortraitRun) -> Cycle:
    """Close the run's cycle and open the next one, seeded with a watchlist per active brief.

    Idempotent: the existing next cycle is returned, and only briefs without a
    watchlist in it get one. A run built before any cycle existed opens the first.
    """
    if run.status != PortraitRun.Status.DONE:
        raise ValueError(f"portrait run {run.pk} is {run.status}, not done: it cannot open the next cycle")
    with transaction.atomic():
        briefs = list(run.briefs.select_related("segment").order_by("-weight", "segment__label"))
        if not briefs:
            briefs = briefs_write(run=run)
        if run.cycle_id is not None:
            cycle = cycle_close(cycle_id=run.cycle_id, actor=PORTRAITS_ACTOR, note=f"portrait run {run.version} built")
            next_cycle = Cycle.objects.filter(previous=cycle).first()
            if next_cycle is None:
                next_cycle = cycle_open(previous=cycle, is_demo=run.is_demo, actor=PORTRAITS_ACTOR)
        else:
            seeded = next((b.for_cycle for b in briefs if b.for_cycle_id), None)
            next_cycle = seeded or cycle_open(is_demo=run.is_demo, actor=PORTRAITS_ACTOR)
        active = [b for b in briefs if b.status == Brief.Status.ACTIVE]
        Brief.objects.filter(pk__in=[b.pk for b in briefs]).update(for_cycle=next_cycle)
        seeded = set(
            next_cycle.watchlists.filter(seeded_by_brief__in=active).values_list("seeded_by_brief_id", flat=True)
        )
        for brief in active:
            if brief.pk in seeded or not brief.keywords:
                continue
            hotspots_services.watchlist_create(
                cycle=next_cycle,
                name=f"Brief · {brief.segment.name}"[:120],
                keywords=[(keyword, brief.category) for keyword in brief.keywords],
                markets=brief.markets,
                origin=WatchKeyword.Origin.BRIEF,
                seeded_by_brief=brief,
                is_demo=run.is_demo,
            )
    return next_cycle

"""Link 2 writes: the lexicon, and opportunities mined from a cycle's hotspots."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import Cycle

from .lexicon import STARTER_LEXICON
from .models import Attribute, AttributeEvidence, Opportunity
from .scoring import ScoredOpportunity, opportunities_rank
from .selectors import attribute_matcher, hotspot_evidence, listing_supply, related_queries, review_signals

__all__ = [
    "attribute_lexicon_seed", "attribute_matcher", "listing_supply", "opportunities_mine", "review_evidence_replace",
]

MAX_EXAMPLES = 5
MAX_QUOTE = 300
_EXAMPLE_KEYS = {"quote", "rating", "product", "date", "language", "kind"}

_OPPORTUNITY_FIELDS = ["category", "market", "score", "components", "rank", "is_demo"]


def attribute_lexicon_seed() -> int:
    """Add the starter lexicon's missing attributes; returns how many were created."""
    existing = set(Attribute.objects.values_list("kind", "name"))
    new = [
        Attribute(kind=kind, name=name, synonyms=synonyms)
        for kind, terms in STARTER_LEXICON.items()
        for name, synonyms in terms.items()
        if (kind, name) not in existing
    ]
    Attribute.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def opportunities_mine(
    *, cycle: Cycle, fit_attribute_sets: Iterable[Iterable[str]] = ()
) -> list[Opportunity]:
    """Turn a cycle's hotspots into ranked opportunities (category + attributes + market), best first.

    How they are grouped and scored is ``analysis.scoring`` (see its ``FORMULA``); ``fit_attribute_sets``
    are the attribute sets of the briefs the cycle starts from. Re-running keeps the rows of the
    opportunities still supported, updated; the others go unless a concept grew from one. Reads and
    writes are set-wise: a fixed number of queries whatever the number of hotspots.
    """
    matcher = attribute_matcher()
    hotspots = hotspot_evidence(cycle=cycle)
    ranked = opportunities_rank(
        hotspots,
        related=related_queries(keywords={h.keyword for h in hotspots}),
        matcher=matcher,
        supply_by_market=listing_supply(markets={h.market for h in hotspots}, matcher=matcher),
        fit_attribute_sets=fit_attribute_sets,
        review_signals=review_signals(cycle=cycle),
    )
    return _opportunities_store(cycle=cycle, ranked=ranked)


def _evidence_row(index: int, item: dict, attributes: dict[str, Attribute], cycle: Cycle | None) -> AttributeEvidence:
    def refuse(field: str, reason: str):
        raise ValidationError({f"evidence[{index}].{field}": reason})

    if not isinstance(item, dict):
        refuse("item", "is not a mapping")
    name = str(item.get("attribute") or "").strip().lower()
    if name not in attributes:
        refuse("attribute", f"{name[:80]!r} is not an attribute of the lexicon")
    kind = item.get("kind")
    if kind not in AttributeEvidence.Kind.values:
        refuse("kind", f"{str(kind)[:20]!r} is not one of {', '.join(AttributeEvidence.Kind.values)}")
    count = item.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        refuse("count", f"{count!r} is not a positive whole number")
    category = str(item.get("category") or "").strip().lower()
    market = str(item.get("market") or "").strip().upper()
    if len(category) > 80:
        refuse("category", "longer than 80 characters")
    if len(market) > 12:
        refuse("market", "longer than 12 characters")
    examples = item.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
        refuse("examples", "is not a list of quotes")
    kept = [
        {key: (str(value)[:MAX_QUOTE] if isinstance(value, str) else value) for key, value in example.items()
         if key in _EXAMPLE_KEYS and isinstance(value, str | int | float | type(None))}
        for example in examples[:MAX_EXAMPLES]
    ]
    return AttributeEvidence(
        cycle=cycle, source=AttributeEvidence.Source.REVIEWS, attribute=attributes[name], category=category,
        market=market, kind=kind, count=count, examples=kept, is_demo=bool(item.get("is_demo", False)),
    )


def review_evidence_replace(*, cycle: Cycle | None = None, evidence: Iterable[dict]) -> int:
    """Replace what reviews said about attributes (for ``cycle``, or for every cycle when None) with
    ``evidence``; returns the number of rows stored.

    A later link (customers) mines its reviews and hands the result over here, since analysis
    may not read them: each item is ``{"attribute": lexicon name, "kind": "complaint" | "request" |
    "praise", "count": reviews, "category": "", "market": "", "examples": [{"quote", "rating",
    "product", "date", "language"}], "is_demo": bool}``. Items naming the same attribute, kind,
    category and market are added up. A bad item is refused with a ``ValidationError`` naming it,
    and nothing changes.
    """
    items = list(evidence)
    attributes: dict[str, Attribute] = {}
    for attribute in Attribute.objects.order_by("kind", "name"):
        attributes.setdefault(attribute.name, attribute)
    merged: dict[tuple, AttributeEvidence] = {}
    for index, item in enumerate(items):
        row = _evidence_row(index, item, attributes, cycle)
        key = (row.attribute.pk, row.category, row.market, row.kind)
        if key in merged:
            kept = merged[key]
            kept.count += row.count
            kept.examples = (kept.examples + row.examples)[:MAX_EXAMPLES]
            kept.is_demo = kept.is_demo and row.is_demo
        else:
            merged[key] = row
    with transaction.atomic():
        stale = AttributeEvidence.objects.filter(source=AttributeEvidence.Source.REVIEWS)
        stale = stale.filter(cycle__isnull=True) if cycle is None else stale.filter(cycle=cycle)
        stale.delete()
        AttributeEvidence.objects.bulk_create(merged.values())
    return len(merged)


def _opportunities_store(*, cycle: Cycle, ranked: list[ScoredOpportunity]) -> list[Opportunity]:
    attribute_ids = dict(
        Attribute.objects.filter(name__in={n for row in ranked for n in row.names}).values_list("name", "pk")
    )
    attribute_links = Opportunity.attributes.through
    hotspot_links = Opportunity.hotspots.through
    with transaction.atomic():
        existing = {o.key: o for o in Opportunity.objects.filter(cycle=cycle)}
        kept, new = [], []
        for row in ranked:
            opportunity = existing.pop(row.key, None)
            if opportunity is None:
                opportunity = Opportunity(cycle=cycle, key=row.key)
                new.append(opportunity)
            opportunity.category, opportunity.market = row.category, row.market
            opportunity.score, opportunity.components, opportunity.rank = row.score, row.components, row.rank
            opportunity.is_demo = row.is_demo
            kept.append(opportunity)
        updated = [o for o in kept if o.pk is not None]
        Opportunity.objects.bulk_update(updated, _OPPORTUNITY_FIELDS)
        Opportunity.objects.bulk_create(new)
        # Each kept opportunity's attributes and evidence are written afresh.
        attribute_links.objects.filter(opportunity__in=updated).delete()
        hotspot_links.objects.filter(opportunity__in=updated).delete()
        pairs = list(zip(kept, ranked, strict=True))
        attribute_links.objects.bulk_create(
            attribute_links(opportunity_id=o.pk, attribute_id=attribute_ids[name])
            for o, row in pairs
            for name in sorted(row.names)
        )
        hotspot_links.objects.bulk_create(
            hotspot_links(opportunity_id=o.pk, hotspot_id=h.id) for o, row in pairs for h in row.evidence
        )
        # Opportunities no longer supported by the data go, unless a concept already grew from one.
        Opportunity.objects.filter(pk__in=[o.pk for o in existing.values()], concepts__isnull=True).delete()
    return kept

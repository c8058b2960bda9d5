"""Link 2 writes: the lexicon, and opportunities mined from a cycle's hotspots."""

from collections.abc import Iterable

from django.db import transaction

from core.models import Cycle

from .lexicon import STARTER_LEXICON
from .models import Attribute, Opportunity
from .scoring import ScoredOpportunity, opportunities_rank
from .selectors import attribute_matcher, hotspot_evidence, listing_supply, related_queries

__all__ = ["attribute_lexicon_seed", "attribute_matcher", "listing_supply", "opportunities_mine"]

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
    )
    return _opportunities_store(cycle=cycle, ranked=ranked)


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

"""Link 3 writes: concepts and their variants."""

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from analysis.models import Attribute, Opportunity

from .costing import CATEGORY_SIZES, unit_cost_breakdown
from .models import Concept, Variant

DEFAULT_COLOURS = ["cream", "sage green", "blue grey"]
# Planning retail price = unit cost × this, until a brief gives a price band.
DEFAULT_PRICE_MULTIPLE = Decimal("3.2")


def _attribute_names_of_kind(attributes, kind: str) -> list[str]:
    return [a.name for a in attributes if a.kind == kind]


def concept_create_from_opportunity(
    *,
    opportunity: Opportunity,
    brief=None,
    markets: list[str] | None = None,
    is_demo: bool = False,
) -> Concept:
    """A concept for the opportunity's category and attributes.

    ``brief`` is a portrait brief handed in by the caller (this link never reads
    portraits itself): its attributes fill in colours and materials the
    opportunity leaves open, its price band sets the target price, its markets
    join the target markets, and its segment becomes the target segment.
    """
    attributes = list(opportunity.attributes.all())
    brief_attributes = list(Attribute.objects.filter(name__in=brief.attributes)) if brief else []
    materials = _attribute_names_of_kind(attributes, "material") or _attribute_names_of_kind(
        brief_attributes, "material"
    )
    colours = _attribute_names_of_kind(attributes, "colour") + [
        c for c in _attribute_names_of_kind(brief_attributes, "colour") if c not in _attribute_names_of_kind(attributes, "colour")
    ]
    colours = (colours + [c for c in DEFAULT_COLOURS if c not in colours])[:3]
    material = materials[0] if materials else None
    costs = unit_cost_breakdown(category=opportunity.category, material=material)
    unit_cost = Decimal(str(costs["unit_cost"]))
    if brief:
        target_price = ((Decimal(brief.price_low) + Decimal(brief.price_high)) / 2).quantize(Decimal("1")) - Decimal("0.01")
    else:
        target_price = (unit_cost * DEFAULT_PRICE_MULTIPLE).quantize(Decimal("1")) - Decimal("0.01")
    target_price = max(target_price, (unit_cost * Decimal("1.5")).quantize(Decimal("0.01")))
    target_markets = list(dict.fromkeys([opportunity.market, *(markets or []), *(brief.markets if brief else [])]))

    words = [a.name for a in attributes]
    name = " ".join(w.capitalize() for w in [*words, opportunity.category])
    with transaction.atomic():
        concept = Concept.objects.create(
            cycle=opportunity.cycle,
            name=name,
            category=opportunity.category,
            opportunity=opportunity,
            brief=brief,
            target_segment=getattr(brief, "segment", None),
            target_markets=target_markets,
            target_price=target_price,
            unit_cost=unit_cost,
            cost_breakdown=costs,
            status=Concept.Status.DRAFT,
            is_demo=is_demo or opportunity.is_demo,
        )
        concept.attributes.set({a.pk: a for a in attributes + [a for a in brief_attributes if a.name in colours or a.name == material]}.values())
        sizes = CATEGORY_SIZES.get(opportunity.category, ["one size"])
        Variant.objects.bulk_create(
            Variant(
                concept=concept,
                sku=f"C{concept.cycle.number}-{concept.pk:04d}-{slugify(colour)[:6]}-{slugify(size)}".upper(),
                colour=colour,
                size=size,
                material=material or "",
            )
            for colour in colours
            for size in sizes
        )
    return concept


def concept_set_status(*, concept: Concept, status: str) -> Concept:
    concept.status = status
    concept.save(update_fields=["status"])
    return concept

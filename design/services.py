"""Link 3 writes: concepts and their variants."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from analysis.models import Attribute, Opportunity
from core import transitions
from core.models import Cycle

from .costing import CATEGORY_SHIPPING, CATEGORY_SIZES, DEFAULT_SHIPPING, unit_cost_breakdown
from .models import ComplianceItem, ComplianceTemplate, Concept, Variant
from .selectors import market_aliases

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".txt", ".csv", ".xlsx", ".docx"}
DEMO_EVIDENCE_NOTE = "Demo: test report on file with the partner factory (not a real certificate)."

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
    actor: str = "c2f",
) -> Concept:
    """A concept for the opportunity's category and attributes, in draft; ``actor`` is who created it.

    ``brief`` is a portrait brief handed in by the caller (this link never reads
    portraits itself): its attributes fill in colours and materials the
    opportunity leaves open, its price band sets the target price, its markets
    join the target markets, and its segment becomes the target segment.
    """
    return _concept_create(
        cycle=opportunity.cycle,
        category=opportunity.category,
        attributes=list(opportunity.attributes.all()),
        markets=[opportunity.market, *(markets or [])],
        opportunity=opportunity,
        brief=brief,
        is_demo=is_demo or opportunity.is_demo,
        actor=actor,
    )


def concept_create_from_brief(*, brief, cycle: Cycle, is_demo: bool = False, actor: str = "c2f") -> Concept:
    """A concept straight from a portrait brief (handed in by the caller): its category,
    attributes, markets and price band, aimed at the brief's segment."""
    if not brief.category:
        raise ValidationError({"brief": "The brief names no category to design for."})
    attributes = list(Attribute.objects.filter(name__in=brief.attributes).order_by("kind", "name"))
    return _concept_create(
        cycle=cycle, category=brief.category, attributes=attributes, markets=list(brief.markets),
        opportunity=None, brief=brief, is_demo=is_demo, actor=actor,
    )


def _concept_create(*, cycle, category, attributes, markets, opportunity, brief, is_demo, actor) -> Concept:
    brief_attributes = list(Attribute.objects.filter(name__in=brief.attributes)) if brief else []
    materials = _attribute_names_of_kind(attributes, "material") or _attribute_names_of_kind(
        brief_attributes, "material"
    )
    colours = _attribute_names_of_kind(attributes, "colour") + [
        c for c in _attribute_names_of_kind(brief_attributes, "colour") if c not in _attribute_names_of_kind(attributes, "colour")
    ]
    colours = (colours + [c for c in DEFAULT_COLOURS if c not in colours])[:3]
    material = materials[0] if materials else None
    costs = unit_cost_breakdown(category=category, material=material)
    unit_cost = Decimal(str(costs["unit_cost"]))
    if brief:
        target_price = ((Decimal(brief.price_low) + Decimal(brief.price_high)) / 2).quantize(Decimal("1")) - Decimal("0.01")
    else:
        target_price = (unit_cost * DEFAULT_PRICE_MULTIPLE).quantize(Decimal("1")) - Decimal("0.01")
    target_price = max(target_price, (unit_cost * Decimal("1.5")).quantize(Decimal("0.01")))
    target_markets = list(dict.fromkeys([m for m in [*markets, *(brief.markets if brief else [])] if m]))

    words = [a.name for a in attributes]
    name = " ".join(w.capitalize() for w in [*words, category])
    shipping = CATEGORY_SHIPPING.get(category, DEFAULT_SHIPPING)
    with transaction.atomic():
        concept = Concept.objects.create(
            cycle=cycle,
            name=name,
            category=category,
            opportunity=opportunity,
            brief=brief,
            target_segment=getattr(brief, "segment", None),
            target_markets=target_markets,
            target_price=target_price,
            unit_cost=unit_cost,
            cost_breakdown=costs,
            hs_code=shipping["hs_code"],
            unit_weight_kg=Decimal(str(shipping["weight_kg"])),
            unit_volume_m3=Decimal(str(shipping["volume_m3"])),
            is_demo=is_demo,
        )
        transitions.record_created(
            concept, actor=actor, note=f"from opportunity #{opportunity.rank}" if opportunity else "from a brief"
        )
        concept.attributes.set({a.pk: a for a in attributes + [a for a in brief_attributes if a.name in colours or a.name == material]}.values())
        sizes = CATEGORY_SIZES.get(category, ["one size"])
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
        concept_compliance_sync(concept=concept)
        concept.market_mix = _even_mix(concept)
        concept.save(update_fields=["market_mix"])
    return concept


def _even_mix(concept: Concept) -> dict[str, dict[str, float]]:
    skus = list(concept.variants.order_by("sku").values_list("sku", flat=True))
    return {m: {sku: round(1 / len(skus), 4) for sku in skus} for m in concept.target_markets} if skus else {}


def concept_market_mix_set(*, concept: Concept, mix: dict[str, dict[str, Decimal | float | int]]) -> Concept:
    """The expected share of each variant in each target market, given in percent; each market sums to 100."""
    skus = set(concept.variants.values_list("sku", flat=True))
    markets = set(concept.target_markets)
    stored = {}
    for market, shares in mix.items():
        if market not in markets:
            raise ValidationError({"market_mix": f"{market} is not a target market of {concept}."})
        unknown = set(shares) - skus
        if unknown:
            raise ValidationError({"market_mix": f"{', '.join(sorted(unknown))} is not a variant of {concept}."})
        if any(Decimal(str(v)) < 0 for v in shares.values()):
            raise ValidationError({"market_mix": f"{market}: a share cannot be negative."})
        total = sum(Decimal(str(v)) for v in shares.values())
        if abs(total - 100) > Decimal("0.5"):
            raise ValidationError({"market_mix": f"{market}: the shares add up to {total}%, not 100%."})
        stored[market] = {sku: round(float(Decimal(str(v)) / total), 4) for sku, v in sorted(shares.items())}
    concept.market_mix = stored
    concept.save(update_fields=["market_mix"])
    return concept


def concept_costing_update(
    *,
    concept: Concept,
    hs_code: str,
    unit_weight_kg: Decimal,
    unit_volume_m3: Decimal,
    fixed_costs: Decimal,
    market_prices: dict[str, str] | None = None,
) -> Concept:
    """Shipping figures, customs code and per-market prices that the landed cost is worked out from."""
    markets = {m.upper() for m in concept.target_markets or []}
    prices = {}
    for market, price in (market_prices or {}).items():
        if market.upper() not in markets:
            raise ValidationError({"market_prices": f"{market} is not a target market of {concept}."})
        value = Decimal(str(price))
        if value <= 0:
            raise ValidationError({"market_prices": f"The price for {market} must be positive."})
        prices[market.upper()] = str(value.quantize(Decimal("0.01")))
    if unit_weight_kg < 0 or unit_volume_m3 < 0 or fixed_costs < 0:
        raise ValidationError({"unit_weight_kg": "Weight, volume and fixed costs cannot be negative."})
    concept.hs_code = (hs_code or "").strip()
    concept.unit_weight_kg = unit_weight_kg
    concept.unit_volume_m3 = unit_volume_m3
    concept.fixed_costs = fixed_costs
    concept.market_prices = prices
    concept.save(update_fields=["hs_code", "unit_weight_kg", "unit_volume_m3", "fixed_costs", "market_prices"])
    return concept


# --- moving a concept (core.transitions; the map is Concept.ALLOWED_TRANSITIONS) -------------


def concept_sampling_start(*, concept_id: int, actor: str, note: str = "") -> Concept:
    """draft → sampling: a first sample of the concept is put to a vote."""
    return transitions.transition(Concept, pk=concept_id, to=Concept.Status.SAMPLING, actor=actor, note=note)


def concept_confirm(*, concept_id: int, actor: str, note: str = "") -> Concept:
    """sampling → confirmed: buyers confirmed a sample of it."""
    return transitions.transition(Concept, pk=concept_id, to=Concept.Status.CONFIRMED, actor=actor, note=note)


def concept_drop(*, concept_id: int, actor: str, note: str = "") -> Concept:
    """Give the concept up, from any state before production (never once in production)."""
    return transitions.transition(Concept, pk=concept_id, to=Concept.Status.DROPPED, actor=actor, note=note)


def concept_production_start(*, concept_id: int, actor: str, note: str = "") -> Concept:
    """confirmed → in_production, called by production when it creates a live order for the concept.

    A concept already in production stays so (its second batch moves nothing).
    """
    return transitions.transition(
        Concept, pk=concept_id, to=Concept.Status.IN_PRODUCTION, actor=actor, note=note, already="skip"
    )


def concept_production_stop(*, concept_id: int, actor: str, note: str = "") -> Concept:
    """in_production → confirmed, called by production when the concept's last live order is
    cancelled or declined; the caller checks that under a lock on the concept."""
    return transitions.transition(Concept, pk=concept_id, to=Concept.Status.CONFIRMED, actor=actor, note=note)


# --- compliance ------------------------------------------------------------


def _templates_for(concept: Concept):
    markets = {m.upper() for m in concept.target_markets or []}
    aliases = {a for m in markets for a in market_aliases(m)}
    attribute_names = set(concept.attributes.values_list("name", flat=True))
    templates = ComplianceTemplate.objects.filter(
        Q(category="*") | Q(category__iexact=concept.category), market__in=aliases
    ).order_by("market", "title")
    for template in templates:
        if template.applies_to_attribute and template.applies_to_attribute not in attribute_names:
            continue
        for market in sorted(markets):
            if template.market in market_aliases(market):
                yield market, template


def concept_compliance_sync(*, concept: Concept) -> int:
    """Give the concept every checklist item its category × markets call for; returns how many were added.

    Items already there (ticked or not) stay as they are; a rerun adds only what is new.
    """
    existing = set(concept.compliance_items.values_list("market", "title"))
    new = [
        ComplianceItem(concept=concept, template=t, market=market, title=t.title, required=t.required)
        for market, t in _templates_for(concept)
        if (market, t.title) not in existing
    ]
    ComplianceItem.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _check_evidence_file(upload) -> None:
    import os

    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in EVIDENCE_EXTENSIONS:
        allowed = ", ".join(sorted(EVIDENCE_EXTENSIONS))
        raise ValidationError({"evidence_file": f"{upload.name}: type {extension or '(none)'} is not accepted ({allowed})."})
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence_file": f"{upload.name} is {upload.size:,} bytes; the limit is {EVIDENCE_MAX_BYTES:,}."})


def compliance_item_check(*, item: ComplianceItem, actor: str, note: str = "", evidence_file=None) -> ComplianceItem:
    """Tick an item; it needs evidence, a note or a file (or one already on the item)."""
    note = (note or "").strip()
    if evidence_file is not None:
        _check_evidence_file(evidence_file)
    with transaction.atomic():
        item = ComplianceItem.objects.select_for_update().get(pk=item.pk)
        if not note and evidence_file is None and not item.evidence_note and not item.evidence_file:
            raise ValidationError({"evidence_note": f"“{item.title}” ({item.market}) needs evidence: a note or a file."})
        if note:
            item.evidence_note = note
        if evidence_file is not None:
            item.evidence_file = evidence_file
        item.checked = True
        item.checked_by = actor[:150]
        item.checked_at = timezone.now()
        item.save()
    return item


def compliance_item_uncheck(*, item: ComplianceItem) -> ComplianceItem:
    ComplianceItem.objects.filter(pk=item.pk).update(checked=False, checked_by="", checked_at=None)
    item.refresh_from_db()
    return item


def concept_ready_for_production(*, concept: Concept) -> list[str]:
    """The required checklist items still unticked, as "MARKET: title"; empty when the concept may go."""
    return [
        f"{market}: {title}"
        for market, title in concept.compliance_items.filter(required=True, checked=False)
        .order_by("market", "title")
        .values_list("market", "title")
    ]


def compliance_demo_complete(*, concept: Concept) -> int:
    """Tick a demo concept's open items with a note that says it is demo evidence; returns how many."""
    if not concept.is_demo:
        raise ValidationError({"concept": f"{concept} is not demo data; its checklist needs real evidence."})
    return concept.compliance_items.filter(checked=False).update(
        checked=True, evidence_note=DEMO_EVIDENCE_NOTE, checked_by="c2f demo", checked_at=timezone.now()
    )

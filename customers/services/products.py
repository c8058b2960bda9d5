"""Products: the SKUs the shops sell, mapped to lexicon attributes and concepts."""

from django.db import transaction
from django.utils import timezone

from analysis.models import Attribute
from core.demo_catalog import DEMO_ATTRIBUTES, DEMO_CATALOGUE
from customers.models import Product
from design.models import Concept, Variant


def attributes_ensure(*, names: list[str], context: str = "") -> dict[str, Attribute]:
    """The lexicon rows for ``names``; demo lexicon terms missing from the table are created."""
    wanted = list(dict.fromkeys(n.strip().lower() for n in names if n and n.strip()))
    found: dict[str, Attribute] = {}
    for attribute in Attribute.objects.filter(name__in=wanted).order_by("kind", "name"):
        found.setdefault(attribute.name, attribute)
    for name in wanted:
        if name in found:
            continue
        kind = DEMO_ATTRIBUTES.get(name)
        if kind is None:
            where = f" ({context})" if context else ""
            raise ValueError(f"attribute {name!r}{where} is not in the attribute lexicon")
        found[name], _ = Attribute.objects.get_or_create(kind=kind, name=name)
    return {name: found[name] for name in wanted}


def lexicon_terms(values: list[str]) -> list[str]:
    """The values (lower-cased) that name an attribute of the lexicon."""
    candidates = [v.strip().lower() for v in values if v and v.strip()]
    if not candidates:
        return []
    known = set(Attribute.objects.filter(name__in=candidates).values_list("name", flat=True))
    known |= {c for c in candidates if c in DEMO_ATTRIBUTES}
    return [c for c in candidates if c in known]


def product_upsert(
    *,
    sku: str,
    title: str,
    category: str,
    attribute_names: list[str],
    concept: Concept | None = None,
    variant: Variant | None = None,
    is_demo: bool = False,
) -> Product:
    """Create or update the product of ``sku``.

    With a ``concept`` (a product made from a concept's variant) the category and attributes given
    are the concept's and the product is mapped to it. Without one they are the shop's: they are
    stored as the product's own unless the product is mapped, in which case the mapping and the
    concept's category and attributes stay, and the shop's are kept aside (``shop_category``,
    ``shop_attributes``) for the day it is unmapped.
    """
    sku = (sku or "").strip()
    if not sku:
        raise ValueError("product sku is empty")
    with transaction.atomic():
        attributes = attributes_ensure(names=attribute_names, context=f"product {sku}")
        product = Product.objects.select_for_update().filter(sku=sku).first()
        if concept is None and product is not None and product.concept_id is not None:
            product.title, product.is_demo = title[:200], is_demo
            product.shop_category, product.shop_attributes = category, list(attributes)
            product.save(update_fields=["title", "is_demo", "shop_category", "shop_attributes"])
            return product
        fields = {"title": title[:200], "category": category, "concept": concept, "variant": variant, "is_demo": is_demo}
        if concept is None:
            fields.update(shop_category=category, shop_attributes=list(attributes), mapped_by="", mapped_at=None)
        elif product is None or product.concept_id != concept.pk or product.variant_id != getattr(variant, "pk", None):
            fields.update(mapped_by=Product.MappedBy.DESIGN, mapped_at=timezone.now())
        if product is None:
            product = Product.objects.create(sku=sku, **fields)
        else:
            for name, value in fields.items():
                setattr(product, name, value)
            product.save(update_fields=list(fields))
        product.attributes.set(attributes.values())
    return product


def demo_catalogue_ensure() -> list[Product]:
    """The seller's DEMO catalogue as products (idempotent)."""
    with transaction.atomic():
        return [
            product_upsert(sku=sku, title=title, category=category, attribute_names=names, is_demo=True)
            for sku, title, category, names, _price in DEMO_CATALOGUE
        ]


def products_for_concept(*, concept: Concept) -> list[Product]:
    """One product per variant of the concept, carrying the concept's attributes and the
    variant's colour and material when those are lexicon terms."""
    concept_attributes = list(concept.attributes.values_list("name", flat=True))
    products = []
    with transaction.atomic():
        for variant in concept.variants.order_by("sku"):
            extra = lexicon_terms([variant.colour, variant.material])
            products.append(
                product_upsert(
                    sku=variant.sku,
                    title=f"{concept.name} · {variant}",
                    category=concept.category,
                    attribute_names=[*concept_attributes, *extra],
                    concept=concept,
                    variant=variant,
                    is_demo=concept.is_demo,
                )
            )
    return products

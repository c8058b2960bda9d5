"""Which concept and variant a shop's SKU is: mapped by hand, by an accepted suggestion, or by an equal SKU.

A mapped product takes the concept's category and attributes (and its variant's colour and
material when they are lexicon terms), so portraits see what shoppers bought; the shop's own
category and attribute names are kept aside and come back when the mapping is removed. Every
change of mapping hands the review evidence over again, since its category follows the product's.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customers.models import Product
from design.models import Concept, Variant

from .products import attributes_ensure, lexicon_terms
from .review_evidence import review_evidence_hand_over


def _concept_attribute_names(concept: Concept, variant: Variant | None) -> list[str]:
    names = list(concept.attributes.order_by("name").values_list("name", flat=True))
    if variant is not None:
        names += lexicon_terms([variant.colour, variant.material])
    return names


def _apply(product: Product, *, concept: Concept, variant: Variant | None, how: str) -> None:
    if product.concept_id is None:
        product.shop_category = product.category
        product.shop_attributes = sorted(product.attributes.values_list("name", flat=True))
    attributes = attributes_ensure(names=_concept_attribute_names(concept, variant), context=f"concept {concept.pk}")
    product.concept, product.variant, product.category = concept, variant, concept.category
    product.mapped_by, product.mapped_at = how, timezone.now()
    product.save(update_fields=[
        "concept", "variant", "category", "shop_category", "shop_attributes", "mapped_by", "mapped_at",
    ])
    product.attributes.set(attributes.values())


def product_map(
    *,
    product: Product,
    variant: Variant | None = None,
    concept: Concept | None = None,
    how: str = Product.MappedBy.MANUAL,
    hand_over: bool = True,
) -> Product:
    """Map ``product`` to a design ``variant`` (and its concept), or to a ``concept`` alone.

    Refused with a ``ValidationError`` naming the field: neither given, a variant of another
    concept than the one given, a variant already sold as another product.
    """
    if how not in Product.MappedBy.values:
        raise ValidationError({"how": f"{how!r} is not a way of mapping"})
    if variant is None and concept is None:
        raise ValidationError({"variant": "Choose a variant or a concept to map the product to."})
    if variant is not None:
        if concept is not None and variant.concept_id != concept.pk:
            raise ValidationError({"variant": f"Variant {variant.sku} belongs to another concept than {concept}."})
        concept = variant.concept
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        if variant is not None:
            taken = Product.objects.filter(variant=variant).exclude(pk=product.pk).only("sku").first()
            if taken is not None:
                raise ValidationError({"variant": f"Variant {variant.sku} is already sold as {taken.sku}; unmap that first."})
        _apply(product, concept=concept, variant=variant, how=how)
        if hand_over:
            _hand_over_on_commit()
    return product


def product_unmap(*, product: Product, hand_over: bool = True) -> Product:
    """Remove the mapping: the product gets back the category and attributes its shop export gave."""
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        if product.concept_id is None:
            return product
        names = [n for n in product.shop_attributes if isinstance(n, str)]
        attributes = attributes_ensure(names=names, context=f"product {product.sku}") if names else {}
        product.concept = product.variant = None
        product.category = product.shop_category
        product.mapped_by, product.mapped_at = "", None
        product.save(update_fields=["concept", "variant", "category", "mapped_by", "mapped_at"])
        product.attributes.set(attributes.values())
        if hand_over:
            _hand_over_on_commit()
    return product


def products_automap(*, products: list[Product] | None = None, hand_over: bool = True) -> list[Product]:
    """Map every unmapped product (of ``products``, or all) whose SKU is a free design variant's SKU,
    letter case and spaces aside. Returns the products mapped."""
    unmapped = Product.objects.filter(concept__isnull=True)
    if products is not None:
        unmapped = unmapped.filter(pk__in=[p.pk for p in products])
    by_sku = {p.sku.strip().upper(): p for p in unmapped.only("pk", "sku")}
    if not by_sku:
        return []
    variants = Variant.objects.filter(product__isnull=True).select_related("concept").only(
        "pk", "sku", "colour", "material", "concept"
    )
    mapped = []
    with transaction.atomic():
        for variant in variants.order_by("sku"):
            product = by_sku.pop(variant.sku.strip().upper(), None)
            if product is not None:
                mapped.append(product_map(product=product, variant=variant, how=Product.MappedBy.SKU, hand_over=False))
        if mapped and hand_over:
            _hand_over_on_commit()
    return mapped


def _hand_over_on_commit() -> None:
    transaction.on_commit(review_evidence_hand_over)

"""Reads for the product pages: the list with its sales and reviews, suggested matches, one product's reviews."""

from django.db.models import Avg, Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from core.dashboard.queries import correlated_count
from design.models import Concept, Variant

from .models import OrderLine, Product, Review, ReviewMention
from .product_matching import Candidate, Suggestion, suggest, words


def product_list() -> QuerySet[Product]:
    """Products with units sold, review count and mean rating per row, each a correlated subquery
    (so a page of 50 products is one query)."""
    units = (
        OrderLine.objects.filter(product=OuterRef("pk")).order_by().values("product")
        .annotate(n=Sum("quantity")).values("n")
    )
    rating = (
        Review.objects.filter(product=OuterRef("pk")).order_by().values("product")
        .annotate(mean=Avg("rating")).values("mean")
    )
    return (
        Product.objects.select_related("concept", "variant")
        .annotate(
            units=Coalesce(Subquery(units, output_field=IntegerField()), 0),
            n_reviews=correlated_count(Review, link="product"),
            mean_rating=Subquery(rating),
        )
    )


def mapping_candidates() -> list[Candidate]:
    """Every design variant not yet sold as a product, and every concept without variants, as
    suggestion candidates; four queries at most (each kind's concept attributes prefetched)."""
    variants = (
        Variant.objects.filter(product__isnull=True).select_related("concept")
        .prefetch_related("concept__attributes").order_by("sku")
    )
    candidates = []
    for variant in variants:
        concept = variant.concept
        names = [a.name for a in concept.attributes.all()]
        detail = " / ".join(part for part in (variant.colour, variant.size, variant.material) if part)
        candidates.append(Candidate(
            variant_id=variant.pk, concept_id=concept.pk, sku=variant.sku,
            label=f"{concept.name} · {detail}" if detail else concept.name,
            words=words(concept.name, concept.category, *names, variant.colour, variant.size, variant.material),
        ))
    for concept in Concept.objects.filter(variants__isnull=True).prefetch_related("attributes").order_by("pk"):
        names = [a.name for a in concept.attributes.all()]
        candidates.append(Candidate(
            variant_id=None, concept_id=concept.pk, sku="", label=concept.name,
            words=words(concept.name, concept.category, *names),
        ))
    return candidates


def product_suggestions(
    *, products: list[Product], candidates: list[Candidate] | None = None, limit: int = 3,
) -> dict[int, list[Suggestion]]:
    """Unmapped product id -> its suggested variants or concepts, best first, each with its reason
    (``customers.product_matching``). Mapped products are left out. Four queries at most, none when the
    ``candidates`` are handed in."""
    unmapped = [p for p in products if p.concept_id is None]
    if not unmapped:
        return {}
    candidates = mapping_candidates() if candidates is None else candidates
    return {
        p.pk: suggest(sku=p.sku, title=" ".join(part for part in (p.title, p.category) if part),
                      candidates=candidates, limit=limit)
        for p in unmapped
    }


def product_rating_counts(*, product: Product) -> list[int]:
    """Reviews of the product with 1, 2, 3, 4 and 5 stars; one query."""
    counts = dict(
        Review.objects.filter(product=product).order_by().values_list("rating").annotate(n=Count("pk"))
    )
    return [counts.get(stars, 0) for stars in range(1, 6)]


def product_reviews(*, product: Product, limit: int = 50) -> list[Review]:
    """The newest reviews of a product with what was found in them; two queries."""
    return list(
        Review.objects.filter(product=product).select_related("customer")
        .prefetch_related("mentions__attribute").order_by("-created_at", "-pk")[:limit]
    )


def product_mention_counts(*, product: Product) -> list[dict]:
    """What the product's reviews complain about, ask for and praise: one row per aspect or attribute
    and kind with the number of reviews, most first; one query."""
    rows = (
        ReviewMention.objects.filter(review__product=product)
        .values("kind", "aspect", "term", "attribute__name", "implied")
        .annotate(n=Count("review", distinct=True))
        .order_by("-n", "kind", "term")
    )
    return [
        {"kind": r["kind"], "label": r["attribute__name"] or f"{r['term']} ({r['aspect']})",
         "attribute": r["attribute__name"], "implied": r["implied"], "reviews": r["n"]}
        for r in rows
    ]

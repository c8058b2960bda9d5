"""What reviews say about attributes: mentions mined and stored per review, and the evidence handed to analysis.

Analysis ranks the next cycle's opportunities and may not read customers; customers mines its
reviews (``customers.review_mining``) and hands the counts and quotes over through
``analysis.services.review_evidence_replace``. The hand-over is whole: it replaces the evidence
of every cycle each time, so it is always what the stored reviews say now.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Coalesce, NullIf

from analysis.models import Attribute
from analysis.selectors import attribute_matcher
from analysis.services import review_evidence_replace
from core.models import Cycle
from customers.models import Review, ReviewMention
from customers.review_mining import MentionRow, ReviewMiner, evidence_from_mentions, guess_language

BATCH = 500


def review_miner() -> ReviewMiner:
    """A miner reading against the lexicon as it is now; one query."""
    return ReviewMiner(attribute_matcher())


def review_mentions_store(*, reviews: Iterable[Review], miner: ReviewMiner | None = None) -> int:
    """Mine ``reviews`` (title and text) and store their mentions in place of any earlier ones; returns how many.

    Three queries and the inserts, whatever the number of reviews.
    """
    reviews = list(reviews)
    if not reviews:
        return 0
    miner = miner or review_miner()
    attribute_ids: dict[str, int] = {}
    for name, pk in Attribute.objects.order_by("kind", "name").values_list("name", "pk"):
        attribute_ids.setdefault(name, pk)
    rows = []
    for review in reviews:
        text = "\n".join(part for part in (review.title, review.text) if part)
        language = guess_language(text)
        for mention in miner.mine(text, rating=review.rating):
            rows.append(ReviewMention(
                review_id=review.pk, kind=mention.kind, aspect=mention.aspect[:40], term=mention.term[:80],
                attribute_id=attribute_ids.get(mention.attribute) if mention.attribute else None,
                implied=mention.implied, snippet=mention.snippet[:300], language=mention.language or language,
            ))
    with transaction.atomic():
        ReviewMention.objects.filter(review_id__in=[r.pk for r in reviews]).delete()
        ReviewMention.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def review_mentions_refresh() -> int:
    """Mine every stored review again (after the lexicon changed); returns the mentions stored."""
    miner = review_miner()
    total = 0
    ids = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = Review.objects.filter(pk__in=ids[start : start + BATCH]).only("pk", "title", "text", "rating")
        total += review_mentions_store(reviews=batch, miner=miner)
    review_evidence_hand_over()
    return total


def review_evidence_rows() -> list[MentionRow]:
    """Every stored mention that names a lexicon attribute, with its review's facts; one query."""
    market = Coalesce(
        NullIf("review__country", Value("")), NullIf("review__customer__country", Value("")), Value(""),
        output_field=CharField(),
    )
    rows = (
        ReviewMention.objects.filter(attribute__isnull=False)
        .annotate(market=market)
        .order_by("review_id", "id")
        .values_list(
            "review_id", "kind", "attribute__name", "review__product__category", "market", "snippet",
            "review__rating", "review__product__title", "review__created_at", "language", "review__is_demo",
        )
    )
    return [
        MentionRow(
            review_id=review_id, kind=kind, attribute=name, category=category or "", market=market or "",
            snippet=snippet, rating=rating, product=title, date=created.date().isoformat(), language=language,
            is_demo=is_demo,
        )
        for review_id, kind, name, category, market, snippet, rating, title, created, language, is_demo in rows
    ]


def review_evidence_hand_over(*, cycle: Cycle | None = None) -> int:
    """Hand what the stored reviews say about attributes to analysis (for every cycle, or ``cycle``);
    returns the evidence rows stored there."""
    return review_evidence_replace(cycle=cycle, evidence=evidence_from_mentions(review_evidence_rows()))

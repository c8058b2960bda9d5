"""Reads for the review pages: ratings and what shoppers complain about, ask for and praise, and import runs."""

from django.db.models import Count, QuerySet

from core.models import TaskRun

from .models import Review, ReviewImport, ReviewMention, ReviewUpload
from .review_mining import KINDS


def review_rating_counts(*, reviews: QuerySet[Review]) -> list[int]:
    """How many of ``reviews`` have 1, 2, 3, 4 and 5 stars; one query."""
    counts = dict(reviews.order_by().values_list("rating").annotate(n=Count("pk")))
    return [counts.get(stars, 0) for stars in range(1, 6)]


def review_mentions_by_attribute(*, reviews: QuerySet[Review], limit: int = 15) -> list[tuple[str, dict[str, int]]]:
    """(attribute or aspect, {kind: reviews}) for the ``limit`` most talked-about, over ``reviews``; one query.

    Mentions naming a lexicon attribute are counted under it, the others under their aspect
    (size, thickness...)."""
    rows = (
        ReviewMention.objects.filter(review__in=reviews.order_by().values("pk"))
        .values("attribute__name", "aspect", "kind")
        .annotate(n=Count("review", distinct=True))
        .order_by()
    )
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        label = row["attribute__name"] or row["aspect"]
        counts = table.setdefault(label, dict.fromkeys(KINDS, 0))
        counts[row["kind"]] += row["n"]
    ranked = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return ranked[:limit]


def review_import_runs(*, limit: int = 10) -> list[TaskRun]:
    return list(TaskRun.objects.filter(kind=ReviewUpload.TASK_KIND).order_by("-created_at", "-id")[:limit])


def review_imports_of_run(*, task_run: TaskRun) -> list[ReviewImport]:
    """The files of one dashboard upload with what was stored or why not; one query."""
    return list(ReviewImport.objects.filter(task_run=task_run).order_by("id"))


def review_imports_recent(*, limit: int = 20) -> list[ReviewImport]:
    return list(ReviewImport.objects.order_by("-created_at", "-id")[:limit])

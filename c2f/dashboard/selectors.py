"""Reads the dashboard pages need that do not belong to one link."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from core.models import Cycle, TaskRun
from hotspots.models import TrendPoint
from portraits.models import Brief


def correlated_count(model, *, link: str, filters: Q | None = None) -> Coalesce:
    """COUNT of ``model`` rows whose ``link`` points at the outer row."""
    queryset = model.objects.filter(**{link: OuterRef("pk")})
    if filters is not None:
        queryset = queryset.filter(filters)
    counted = queryset.order_by().values(link).annotate(_n=Count("*")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def related_model(outer_model, path: str):
    """The model at the end of a chain of reverse relations (``"samples__rounds"``).

    Pages of an early link show what later links made from a record (a concept's
    vote rounds, a campaign's orders) without importing those later apps: the
    import graph between apps stays one-way, as DESIGN.md asks.
    """
    model = outer_model
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def reverse_count(outer_model, path: str, *, filters: Q | None = None) -> Coalesce:
    """COUNT of the rows reached from the outer row through reverse relations ``path``."""
    model, links = outer_model, []
    for part in path.split("__"):
        relation = model._meta.get_field(part)
        links.append(relation.field.name)
        model = relation.related_model
    return correlated_count(model, link="__".join(reversed(links)), filters=filters)


def series_recent_values(*, series_ids: list[int], n: int = 52) -> dict[int, list[float | None]]:
    """The last ``n`` values of each series, oldest first, in one query."""
    if not series_ids:
        return {}
    rows = (
        TrendPoint.objects.filter(series_id__in=set(series_ids))
        .annotate(position=Window(RowNumber(), partition_by=[F("series_id")], order_by=F("date").desc()))
        .filter(position__lte=n)
        .order_by("series_id", "date")
        .values_list("series_id", "value")
    )
    values: dict[int, list[float | None]] = defaultdict(list)
    for series_id, value in rows:
        values[series_id].append(value)
    return dict(values)


def cycle_seeding_briefs(*, cycle: Cycle) -> list[Brief]:
    """Briefs of an earlier portrait run that opened ``cycle`` (directly or through watchlists)."""
    return list(
        Brief.objects.filter(Q(for_cycle=cycle) | Q(watchlists__cycle=cycle))
        .select_related("run__cycle", "segment")
        .distinct()
        .order_by("run_id", "id")
    )


def task_runs_active(*, cycle: Cycle | None = None) -> list[TaskRun]:
    active = TaskRun.objects.filter(status__in=[TaskRun.Status.PENDING, TaskRun.Status.RUNNING])
    if cycle is not None:
        active = active.filter(Q(cycle=cycle) | Q(cycle__isnull=True))
    return list(active.order_by("-created_at", "-id")[:20])


def flatten_profile(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A segment profile or score components as (label, text) rows for a table."""
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for key, inner in value.items():
            label = f"{prefix} · {key}" if prefix else str(key)
            rows.extend(flatten_profile(inner, label))
        return rows
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return [(prefix, ", ".join(_fmt(v) for v in value))]
        return [row for i, inner in enumerate(value) for row in flatten_profile(inner, f"{prefix} [{i + 1}]")]
    return [(prefix, _fmt(value))]


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)

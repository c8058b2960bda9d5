"""Query expressions the dashboard's pages share: aggregates of related rows as correlated subqueries.

A correlated subquery counts or sums the rows that point at the outer row without a join, so
a list of 50 rows, or a cycle's eight cards, stays one query whatever the related tables hold.
"""

from django.db.models import Aggregate, Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def _related(model, link: str, filters: Q | None):
    queryset = model.objects.filter(**{link: OuterRef("pk")})
    return queryset.filter(filters) if filters is not None else queryset


def correlated_count(model, *, link: str, filters: Q | None = None) -> Coalesce:
    """COUNT of ``model`` rows whose ``link`` points at the outer row; 0 when there is none."""
    counted = _related(model, link, filters).order_by().values(link).annotate(_n=Count("*")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def correlated_aggregate(model, *, link: str, aggregate: Aggregate, filters: Q | None = None, default=None):
    """``aggregate`` over the ``model`` rows whose ``link`` points at the outer row; None (or
    ``default``) when there is none."""
    inner = _related(model, link, filters).order_by().values(link).annotate(_value=aggregate).values("_value")
    return Subquery(inner) if default is None else Coalesce(Subquery(inner), default)


def correlated_first(model, *, link: str, field: str, order_by: tuple, filters: Q | None = None) -> Subquery:
    """``field`` of the first ``model`` row (in ``order_by``) whose ``link`` points at the outer row."""
    return Subquery(_related(model, link, filters).order_by(*order_by).values(field)[:1])

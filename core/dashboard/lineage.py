"""What later links made from a record, shown on an earlier link's pages without an import upward.

A concept's page shows its samples, vote rounds, campaigns and products; a campaign's list
shows how many shop orders each campaign brought. Those rows live in later links, which the
concept's and the campaign's apps may not import (the import graph runs in loop order). So
the later link registers, from its ``AppConfig.ready()``, what it made from the earlier
link's record:

- a *downstream panel* for a detail page: a title, a function that fetches the rows for one
  record (one query or a few, never one per row), and the template that renders them;
- a *downstream count* for a column of a list: a correlated subquery, so a page of 50 rows
  still runs one query, and the column can be sorted on (a count, or any value such as a
  customer's latest segment);
- a *downstream filter* for a list: the values offered and how a queryset is narrowed to one.

The earlier link's template renders whatever is registered for its model and names no later
link: ``{% downstream_panels object %}`` (template library ``lineage``) for panels, and for
counts the columns the view puts in the context with ``row|downstream_count:column``.
Registrations run in ``INSTALLED_APPS`` order, which is loop order, so panels appear in loop
order too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Expression, Model, QuerySet


@dataclass(frozen=True)
class DownstreamPanel:
    model: str  # the earlier link's model, "design.Concept"
    key: str
    title: str
    template: str  # rendered with ``object`` (the record), ``panel`` and ``rows``
    rows: Callable[[Model], Any]


@dataclass(frozen=True)
class DownstreamCount:
    model: str
    key: str  # the list's sort key; the value is annotated as ``n_<key>``
    label: str
    expression: Callable[[], Expression]

    @property
    def attname(self) -> str:
        return f"n_{self.key}"


@dataclass(frozen=True)
class DownstreamFilter:
    """A filter on lists of the earlier link's model by what a later link made of each row (a customer's
    portrait segment): ``choices()`` the values offered (one query), ``apply(queryset, value)`` the filter."""

    model: str
    key: str  # the query parameter
    label: str
    choices: Callable[[], list[tuple[str, str]]]
    apply: Callable[[QuerySet, str], QuerySet]


_panels: dict[str, dict[str, DownstreamPanel]] = {}
_counts: dict[str, dict[str, DownstreamCount]] = {}
_filters: dict[str, dict[str, DownstreamFilter]] = {}


def _label(model: type[Model] | Model | QuerySet | str) -> str:
    if isinstance(model, str):
        return model
    if isinstance(model, QuerySet):
        model = model.model
    return model._meta.label


def downstream_panel_register(
    model: type[Model], *, key: str, title: str, template: str, rows: Callable[[Model], Any]
) -> DownstreamPanel:
    """Show ``rows(record)`` through ``template`` on the detail page of every ``model`` record.

    Registering the same ``key`` again replaces the panel in its place.
    """
    panel = DownstreamPanel(model=_label(model), key=key, title=title, template=template, rows=rows)
    _panels.setdefault(panel.model, {})[key] = panel
    return panel


def downstream_count_register(
    model: type[Model], *, key: str, label: str, expression: Callable[[], Expression]
) -> DownstreamCount:
    """Offer a column ``label`` on lists of ``model``: ``expression()`` evaluated per row, in SQL."""
    count = DownstreamCount(model=_label(model), key=key, label=label, expression=expression)
    _counts.setdefault(count.model, {})[key] = count
    return count


def downstream_filter_register(
    model: type[Model], *, key: str, label: str, choices: Callable[[], list[tuple[str, str]]],
    apply: Callable[[QuerySet, str], QuerySet],
) -> DownstreamFilter:
    """Offer a filter ``key`` on lists of ``model`` (a FilterSet adds it, see ``downstream_filters``)."""
    registered = DownstreamFilter(model=_label(model), key=key, label=label, choices=choices, apply=apply)
    _filters.setdefault(registered.model, {})[key] = registered
    return registered


def downstream_filters(model: type[Model] | Model | QuerySet | str) -> list[DownstreamFilter]:
    return list(_filters.get(_label(model), {}).values())


def downstream_panels(model: type[Model] | Model | str) -> list[DownstreamPanel]:
    return list(_panels.get(_label(model), {}).values())


def downstream_counts(model: type[Model] | Model | QuerySet | str) -> list[DownstreamCount]:
    return list(_counts.get(_label(model), {}).values())


def downstream_counts_annotate(queryset: QuerySet) -> QuerySet:
    """``queryset`` with every count registered for its model annotated as ``n_<key>``; no extra query."""
    counts = downstream_counts(queryset)
    if not counts:
        return queryset
    return queryset.annotate(**{count.attname: count.expression() for count in counts})

"""Base views every dashboard page is built from."""

from django.http import QueryDict
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from core.models import Cycle, TaskRun

from .access import MerchandiserRequiredMixin, MerchandiserWriteMixin
from .lineage import downstream_counts, downstream_counts_annotate


# ``?cycle=all``: every cycle's rows.
ALL_CYCLES = "all"
# Query parameters that sort and page a list rather than filter it.
NOT_FILTERS = ("sort", "page")


class MerchandiserListView(MerchandiserRequiredMixin, FilterView):
    """A paginated, sortable, cycle-filterable list (``?cycle=N&sort=-score&page=2``).

    A list whose filter has a ``cycle`` opens on the current cycle; ``?cycle=all`` shows every
    cycle, and so does any other filter given without a cycle (a link to one record's rows must not
    lose the rows of an older cycle). Sorts in ``per_cycle_sorts`` rank values that are on each
    cycle's own scale (a score over that cycle's trend exports): over all cycles they rank within
    each cycle, newest cycle first, never in one mixed ranking.

    With ``show_downstream_counts`` the rows also carry the counts later links registered for the
    model (core.dashboard.lineage), sortable by their key; the template renders them from the
    ``downstream_columns`` of the context.
    """

    paginate_by = 50
    # Query parameter value -> ORM ordering; the first entry is the default.
    sort_fields: dict[str, tuple[str, ...]] = {}
    default_sort = ""
    title = ""
    show_downstream_counts = False
    cycle_default_current = True
    per_cycle_sorts: frozenset[str] = frozenset()
    cycle_sort_field = "cycle__number"

    def get_downstream_columns(self) -> list:
        return downstream_counts(self.model) if self.show_downstream_counts else []

    def get_sort_fields(self) -> dict[str, tuple[str, ...]]:
        return {**self.sort_fields, **{column.key: (column.attname,) for column in self.get_downstream_columns()}}

    def has_cycle_filter(self) -> bool:
        return self.filterset_class is not None and "cycle" in self.filterset_class.base_filters

    def selected_cycle(self) -> str:
        """The cycle the list shows: the number given, ``ALL_CYCLES``, or by default the current
        cycle's number ('' when the list has no cycle filter)."""
        if not hasattr(self, "_selected_cycle"):
            self._selected_cycle = self._selected_cycle_find()
        return self._selected_cycle

    def _selected_cycle_find(self) -> str:
        if not self.has_cycle_filter():
            return ""
        given = self.request.GET.get("cycle", "").strip()
        if given:
            return ALL_CYCLES if given.lower() == ALL_CYCLES else given
        filtered = any(value for key, value in self.request.GET.items() if key not in NOT_FILTERS)
        if filtered or not self.cycle_default_current:
            return ALL_CYCLES
        cycles = self.cycle_list()
        return str(cycles[-1].number) if cycles else ALL_CYCLES  # the newest is the current one

    def cycle_list(self) -> list[Cycle]:
        """Every cycle, oldest first (one query a request)."""
        if not hasattr(self, "_cycles"):
            self._cycles = list(Cycle.objects.order_by("number").only("number", "name", "is_demo"))
        return self._cycles

    def ranks_within_cycle(self) -> bool:
        return self.selected_cycle() == ALL_CYCLES and self.current_sort().lstrip("-") in self.per_cycle_sorts

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", "")
        if requested.lstrip("-") in self.get_sort_fields():
            return requested
        return self.default_sort

    def get_filterset_kwargs(self, filterset_class):
        # Sorted here rather than in get_queryset so subclasses' annotations can be sort keys.
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.has_cycle_filter():
            data = (kwargs["data"] or QueryDict()).copy()
            data.pop("cycle", None)
            if self.selected_cycle() != ALL_CYCLES:
                data["cycle"] = self.selected_cycle()
            kwargs["data"] = data
        self.filter_data = kwargs["data"] or QueryDict()
        queryset = kwargs["queryset"]
        if self.show_downstream_counts:
            queryset = downstream_counts_annotate(queryset)
        kwargs["queryset"] = self.sort_queryset(queryset)
        return kwargs

    def sort_queryset(self, queryset):
        sort = self.current_sort()
        if sort:
            fields = self.get_sort_fields()[sort.lstrip("-")]
            if sort.startswith("-"):
                fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
            if self.ranks_within_cycle():
                fields = (f"-{self.cycle_sort_field}", *fields)
            queryset = queryset.order_by(*fields, "-pk" if sort.startswith("-") else "pk")
        return queryset

    def known_count(self) -> int | None:
        """The number of rows the list shows when it is known without counting them (a list of a
        million rows spends most of its time in COUNT(*)); None to count."""
        return None

    def only_filter(self, name: str) -> str | None:
        """The value of filter ``name`` when it is the only filter applied (the default cycle
        counts as given), else None."""
        data = getattr(self, "filter_data", self.request.GET)
        given = {key for key, value in data.items() if value and key not in NOT_FILTERS}
        return data.get(name) if given == {name} else None

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        count = self.known_count()
        if count is not None:
            paginator.count = count  # Paginator.count is a cached property: this is its value
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sort"] = self.current_sort()
        context["title"] = self.title
        context["downstream_columns"] = self.get_downstream_columns()
        context["cycles"] = self.cycle_list()
        context["selected_cycle"] = self.selected_cycle()
        selected = next((c for c in context["cycles"] if str(c.number) == context["selected_cycle"]), None)
        context["cycle"] = selected
        context["current_cycle_number"] = context["cycles"][-1].number if context["cycles"] else None
        context["ranks_within_cycle"] = self.ranks_within_cycle()
        return context


class MerchandiserDetailView(MerchandiserRequiredMixin, DetailView):
    """One record; its template shows what later links made from it with ``{% downstream_panels object %}``."""


class TaskRunDetailView(MerchandiserDetailView):
    """One background run of ``task_kind`` (an upload, a scoring): its progress bar and report.

    htmx polls the page for ``partial_template_name`` (the progress and report part) until the run ends.
    """

    model = TaskRun
    context_object_name = "run"
    task_kind = ""
    partial_template_name = ""

    def get_queryset(self):
        return TaskRun.objects.filter(kind=self.task_kind)

    def get_template_names(self):
        return [self.partial_template_name] if self.request.htmx else [self.template_name]


class MerchandiserFormView(MerchandiserWriteMixin, FormView):
    """A staff-only page that writes: GET shows the form, POST (CSRF-checked) calls a service."""

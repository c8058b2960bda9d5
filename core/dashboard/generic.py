"""Base views every dashboard page is built from."""

from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from core.models import Cycle

from .access import MerchandiserRequiredMixin, MerchandiserWriteMixin
from .lineage import downstream_counts, downstream_counts_annotate


class MerchandiserListView(MerchandiserRequiredMixin, FilterView):
    """A paginated, sortable, cycle-filterable list (``?cycle=N&sort=-score&page=2``).

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

    def get_downstream_columns(self) -> list:
        return downstream_counts(self.model) if self.show_downstream_counts else []

    def get_sort_fields(self) -> dict[str, tuple[str, ...]]:
        return {**self.sort_fields, **{column.key: (column.attname,) for column in self.get_downstream_columns()}}

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", "")
        if requested.lstrip("-") in self.get_sort_fields():
            return requested
        return self.default_sort

    def get_filterset_kwargs(self, filterset_class):
        # Sorted here rather than in get_queryset so subclasses' annotations can be sort keys.
        kwargs = super().get_filterset_kwargs(filterset_class)
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
            queryset = queryset.order_by(*fields, "-pk" if sort.startswith("-") else "pk")
        return queryset

    def known_count(self) -> int | None:
        """The number of rows the list shows when it is known without counting them (a list of a
        million rows spends most of its time in COUNT(*)); None to count."""
        return None

    def only_filter(self, name: str) -> str | None:
        """The value of filter ``name`` when it is the only filter given, else None."""
        given = {key for key, value in self.request.GET.items() if value and key not in ("sort", "page")}
        return self.request.GET.get(name) if given == {name} else None

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
        context["cycles"] = list(Cycle.objects.order_by("number").only("number", "name", "is_demo"))
        context["selected_cycle"] = self.request.GET.get("cycle", "")
        selected = next((c for c in context["cycles"] if str(c.number) == context["selected_cycle"]), None)
        context["cycle"] = selected
        return context


class MerchandiserDetailView(MerchandiserRequiredMixin, DetailView):
    """One record; its template shows what later links made from it with ``{% downstream_panels object %}``."""


class MerchandiserFormView(MerchandiserWriteMixin, FormView):
    """A staff-only page that writes: GET shows the form, POST (CSRF-checked) calls a service."""

from itertools import zip_longest

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from core.dashboard.access import MerchandiserRequiredMixin, MerchandiserWriteMixin
from core.dashboard.charts import bar_chart, line_chart, sparkline_points
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView, TaskRunDetailView
from core.dashboard.lineage import downstream_counts, downstream_counts_annotate
from core.models import Cycle

from . import selectors, services
from .charts import lines_chart, ranked_bars
from .explain import score_explained
from .filters import HotspotFilter, TrendImportFilter
from .forms import TrendUploadForm, WatchlistEditForm, WatchlistForm
from .models import (
    Hotspot,
    KeywordColumnMapping,
    RegionInterest,
    RelatedQuery,
    RelatedTopic,
    TrendImport,
    TrendSeries,
    Watchlist,
)
from .tasks import import_uploads, score_hotspots


class HotspotListView(MerchandiserListView):
    model = Hotspot
    filterset_class = HotspotFilter
    template_name = "hotspots/hotspot_list.html"
    title = "Hotspots"
    sort_fields = {
        "score": ("score",),
        "keyword": ("keyword",),
        "market": ("market",),
        "category": ("category",),
        "level": ("level",),
        "growth": ("growth",),
        "slope": ("slope",),
        "cycle": ("cycle__number",),
    }
    default_sort = "-score"
    # A keyword's level is on its trend export's 0-100 scale, and so is the score built on it.
    per_cycle_sorts = frozenset({"score", "level"})

    def get_queryset(self):
        return super().get_queryset().select_related("cycle")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hotspots = list(context["object_list"])
        recent = selectors.series_recent_values(series_ids=[h.series_id for h in hotspots])
        for hotspot in hotspots:
            hotspot.sparkline = sparkline_points(recent.get(hotspot.series_id, []))
        context["object_list"] = context["hotspots"] = hotspots
        watchlists = Watchlist.objects.select_related("cycle").annotate(n_keywords=Count("keywords"))
        if context["cycle"]:
            watchlists = watchlists.filter(cycle=context["cycle"])
        context["watchlists"] = watchlists.order_by("-cycle__number", "id")[:20]
        return context


class HotspotDetailView(MerchandiserDetailView):
    model = Hotspot
    template_name = "hotspots/hotspot_detail.html"

    def get_queryset(self):
        return Hotspot.objects.select_related("cycle", "series__last_import")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hotspot = self.object
        points = list(hotspot.series.points.order_by("date").values_list("date", "value"))
        context["chart"] = line_chart(
            x=[d.isoformat() for d, _ in points], y=[v for _, v in points],
            title=f"Search interest: {hotspot.keyword} ({hotspot.market or 'world'})", y_title="index 0–100",
        )
        context["n_points"] = len(points)
        context["explanation"] = score_explained(
            hotspot.components or {}, score=hotspot.score, granularity=hotspot.series.granularity
        )
        context["related_queries"] = RelatedQuery.objects.filter(
            keyword=hotspot.keyword, market__in={hotspot.market, ""}
        ).order_by("kind", "-is_breakout", "-value")[:40]
        context["regions"] = RegionInterest.objects.filter(keyword=hotspot.keyword, market=hotspot.market).order_by("-value")[:15]
        context["watchlists"] = (
            Watchlist.objects.filter(cycle=hotspot.cycle, keywords__keyword=hotspot.keyword)
            .select_related("seeded_by_brief__segment")
            .distinct()
        )
        context["season"] = (hotspot.components or {}).get("season")
        return context


class SeriesDetailView(MerchandiserDetailView):
    model = TrendSeries
    template_name = "hotspots/series_detail.html"
    context_object_name = "series"

    def get_queryset(self):
        return TrendSeries.objects.select_related("last_import")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        series = self.object
        points = list(series.points.order_by("date").values_list("date", "value", "is_partial"))
        context["chart"] = line_chart(
            x=[d.isoformat() for d, _, _ in points], y=[v for _, v, _ in points], title=str(series), y_title="index 0–100"
        )
        context["points"] = points[-20:][::-1]
        context["n_points"] = len(points)
        context["hotspots"] = series.hotspots.select_related("cycle").order_by("-cycle__number", "-score")
        regions = list(RegionInterest.objects.filter(keyword=series.keyword, market=series.market).order_by("-value")[:15])
        if regions:
            context["region_chart"] = bar_chart(
                x=[r.region for r in regions], y=[r.value for r in regions], title="Interest by region"
            )
        return context


class WatchlistDetailView(MerchandiserDetailView):
    model = Watchlist
    template_name = "hotspots/watchlist_detail.html"
    context_object_name = "watchlist"

    def get_queryset(self):
        return Watchlist.objects.select_related("cycle", "seeded_by_brief__segment", "seeded_by_brief__run__cycle")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        watchlist = self.object
        keywords = list(watchlist.keywords.order_by("keyword"))
        context["keywords"] = keywords
        # What later links made of each hotspot (opportunities, ...) comes from the lineage registry.
        context["hotspots"] = downstream_counts_annotate(
            Hotspot.objects.filter(cycle=watchlist.cycle, keyword__in=[k.keyword for k in keywords]).order_by("-score")
        )
        context["hotspot_columns"] = downstream_counts(Hotspot)
        return context


class TrendImportView(MerchandiserWriteMixin, FormView):
    """Upload several exports at once; a task imports them while the page shows its progress."""

    form_class = TrendUploadForm
    template_name = "hotspots/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = selectors.import_task_runs()
        context["mappings"] = KeywordColumnMapping.objects.order_by("name")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            run = services.trend_upload_stage(
                files=[(f.name, f.read()) for f in data["files"]], mapping=data["mapping"],
                market=data["market"], snapshot=data["snapshot"], keyword=data["keyword"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        import_uploads.delay_on_commit(run.pk)
        return redirect("hotspots:import_run", pk=run.pk)


class TrendImportRunView(TaskRunDetailView):
    """One upload's progress bar and per-file report; htmx polls the report part until the run ends."""

    task_kind = "hotspots.import"
    template_name = "hotspots/import_run.html"
    partial_template_name = "hotspots/_import_run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imports = list(selectors.task_run_imports(task_run=self.object))
        series = selectors.series_of_imports(import_ids=[i.pk for i in imports])
        for record in imports:
            record.series_list = series.get(record.pk, [])
        context["imports"] = imports
        context["cycle"] = selectors.open_cycle()
        return context


class HotspotScoreView(MerchandiserWriteMixin, View):
    """The "Score hotspots" button: scores the cycle's hotspots in a task whose progress the next page shows."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cycle = get_object_or_404(Cycle, number=request.POST.get("cycle") or 0)
        run = services.hotspots_score_stage(cycle=cycle)
        score_hotspots.delay_on_commit(run.pk)
        return redirect("hotspots:score_run", pk=run.pk)


class HotspotScoreRunView(TaskRunDetailView):
    """The hotspot scoring a button started: its progress bar, then the cycle's scores."""

    task_kind = "hotspots.score"
    template_name = "hotspots/score_run.html"
    partial_template_name = "hotspots/_score_run.html"

    def get_queryset(self):
        return super().get_queryset().select_related("cycle")


class TrendImportListView(MerchandiserListView):
    """The run log: every imported file and every live pull, with what was stored or why not."""

    model = TrendImport
    filterset_class = TrendImportFilter
    template_name = "hotspots/trendimport_list.html"
    title = "Imports and pulls"
    sort_fields = {"created": ("created_at",), "filename": ("filename",), "status": ("status",),
                   "source": ("source",), "new": ("new",)}
    default_sort = "-created"


class WatchlistCreateView(MerchandiserWriteMixin, FormView):
    form_class = WatchlistForm
    template_name = "hotspots/watchlist_form.html"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("cycle"):
            initial["cycle"] = self.request.GET["cycle"]
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["cycle"].to_field_name = "number"
        form.fields["cycle"].label_from_instance = lambda c: f"cycle {c.number}{' · ' + c.name if c.name else ''}"
        return form

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            watchlist = services.watchlist_create(
                cycle=data["cycle"], name=data["name"], markets=data["markets"], keywords=data["keywords"],
                origin="manual", timeframe=data["timeframe"].strip() or "today 5-y", live_source=data["live_source"] or "pytrends",
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Watchlist {watchlist.name} saved.")
        return redirect(watchlist.get_absolute_url())


class WatchlistEditView(MerchandiserWriteMixin, FormView):
    template_name = "hotspots/watchlist_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.watchlist = get_object_or_404(Watchlist.objects.select_related("cycle"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return WatchlistEditForm(watchlist=self.watchlist, **self.get_form_kwargs())

    def get_initial(self):
        return {"name": self.watchlist.name, "markets": ", ".join(self.watchlist.markets),
                "timeframe": self.watchlist.timeframe, "live_source": self.watchlist.live_source}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["watchlist"] = self.watchlist
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.watchlist_update(
                watchlist=self.watchlist, name=data["name"], markets=data["markets"], timeframe=data["timeframe"],
                add_keywords=data["keywords"], remove_keyword_ids=data["remove"], live_source=data["live_source"] or "pytrends",
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Watchlist {self.watchlist.name} saved.")
        return redirect(self.watchlist.get_absolute_url())


class KeywordView(MerchandiserRequiredMixin, TemplateView):
    """A keyword across markets: its series per market, related queries, Amazon figures, hotspots."""

    template_name = "hotspots/keyword.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        keyword = " ".join(self.request.GET.get("keyword", "").split())[:200]
        if not keyword:
            raise Http404("No keyword given.")
        context["keyword"] = keyword
        by_market = selectors.keyword_series_by_market(keyword=keyword)
        if by_market:
            context["chart"] = lines_chart(
                traces={(m or "world"): ([d.isoformat() for d, _ in pts], [v for _, v in pts]) for m, pts in by_market.items()},
                title=f"Search interest: {keyword}, by market", y_title="index 0–100",
            )
        related = list(RelatedQuery.objects.filter(keyword__iexact=keyword).order_by("market", "kind", "-is_breakout", "-value"))
        charts = []
        for market in sorted({q.market for q in related}):
            top = [q for q in related if q.market == market and q.kind == "top"][:15]
            rising = [q for q in related if q.market == market and q.kind == "rising"][:15]
            if top:
                charts.append(ranked_bars(
                    labels=[q.query for q in top], values=[q.value or 0 for q in top],
                    title=f"Top related queries · {market or 'world'}", x_title="index 0–100",
                ))
            if rising:
                ceiling = max([q.value or 0 for q in rising] + [100]) * 1.2
                charts.append(ranked_bars(
                    labels=[q.query for q in rising], values=[ceiling if q.is_breakout else (q.value or 0) for q in rising],
                    text=["Breakout" if q.is_breakout else f"+{q.value or 0:.0f}%" for q in rising],
                    title=f"Rising related queries · {market or 'world'}", x_title="growth % (Breakout drawn longest)",
                ))
        context["related_charts"] = charts
        context["region_charts"] = [
            ranked_bars(labels=[r.region for r in regions], values=[r.value or 0 for r in regions],
                        title=f"Interest by region · {market or 'world'}", x_title="index 0–100")
            for market, regions in selectors.keyword_regions_by_market(keyword=keyword).items()
        ]
        context["topics"] = [
            (market, list(zip_longest(lists["top"], lists["rising"])))
            for market, lists in selectors.keyword_topics_by_market(keyword=keyword).items()
        ]
        context["amazon"] = selectors.amazon_metric_list(keyword=keyword)
        context["hotspots"] = Hotspot.objects.filter(keyword__iexact=keyword).select_related("cycle").order_by("-cycle__number", "-score")
        return context

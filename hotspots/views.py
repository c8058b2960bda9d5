from django.db.models import Count, Q

from analysis.models import Opportunity
from c2f.dashboard.charts import bar_chart, line_chart, sparkline_points
from c2f.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from c2f.dashboard.selectors import flatten_profile, series_recent_values

from .filters import HotspotFilter
from .models import Hotspot, RegionInterest, RelatedQuery, TrendSeries, Watchlist


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

    def get_queryset(self):
        return super().get_queryset().select_related("cycle")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hotspots = list(context["object_list"])
        recent = series_recent_values(series_ids=[h.series_id for h in hotspots])
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
        context["components"] = flatten_profile(hotspot.components)
        context["related_queries"] = RelatedQuery.objects.filter(
            keyword=hotspot.keyword, market__in={hotspot.market, ""}
        ).order_by("kind", "-is_breakout", "-value")[:40]
        context["regions"] = RegionInterest.objects.filter(keyword=hotspot.keyword, market=hotspot.market).order_by("-value")[:15]
        context["watchlists"] = (
            Watchlist.objects.filter(cycle=hotspot.cycle, keywords__keyword=hotspot.keyword)
            .select_related("seeded_by_brief__segment")
            .distinct()
        )
        context["opportunities"] = (
            Opportunity.objects.filter(hotspots=hotspot).select_related("cycle").prefetch_related("attributes").order_by("rank")
        )
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
        context["hotspots"] = (
            Hotspot.objects.filter(cycle=watchlist.cycle, keyword__in=[k.keyword for k in keywords])
            .annotate(n_opportunities=Count("opportunities", filter=Q(opportunities__cycle=watchlist.cycle)))
            .order_by("-score")
        )
        return context

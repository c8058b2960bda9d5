from django.db.models import Count
from django.views.generic import TemplateView

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from core.models import Cycle
from hotspots.charts import heatmap_chart, lines_chart

from .explain import opportunity_explained
from .filters import OpportunityFilter
from .models import Opportunity
from .selectors import attribute_demand, attribute_demand_over_time, review_evidence_for_opportunity


class OpportunityListView(MerchandiserListView):
    model = Opportunity
    filterset_class = OpportunityFilter
    template_name = "analysis/opportunity_list.html"
    title = "Opportunities"
    sort_fields = {
        "rank": ("rank",),
        "score": ("score",),
        "category": ("category",),
        "market": ("market",),
        "hotspots": ("n_hotspots",),
    }
    default_sort = "rank"
    per_cycle_sorts = frozenset({"rank", "score"})  # ranks and scores of the cycle's own hotspots
    show_downstream_counts = True  # the concepts designed from each opportunity, and so on

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle")
            .prefetch_related("attributes")
            .annotate(n_hotspots=Count("hotspots", distinct=True))
        )


class OpportunityDetailView(MerchandiserDetailView):
    model = Opportunity
    template_name = "analysis/opportunity_detail.html"

    def get_queryset(self):
        return Opportunity.objects.select_related("cycle").prefetch_related("attributes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity = self.object
        context["explanation"] = opportunity_explained(opportunity.components or {}, market=opportunity.market)
        context["hotspots"] = opportunity.hotspots.select_related("series").order_by("-score")
        context["review_evidence"] = review_evidence_for_opportunity(opportunity=opportunity)
        return context


class AttributeDemandView(MerchandiserRequiredMixin, TemplateView):
    """Which attributes shoppers search for, market by market and category by category, and together."""

    template_name = "analysis/attribute_demand.html"
    TIME_SERIES = 6

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycles = list(Cycle.objects.order_by("number").only("number", "name", "is_demo"))
        wanted = self.request.GET.get("cycle", "")
        cycle = next((c for c in cycles if str(c.number) == wanted), cycles[-1] if cycles else None)
        market = self.request.GET.get("market", "").strip()[:12]
        category = self.request.GET.get("category", "").strip()[:80]
        context.update(cycles=cycles, cycle=cycle, selected_cycle=str(cycle.number) if cycle else "",
                       market=market, category=category)
        if cycle is None:
            return context
        demand = attribute_demand(cycle=cycle, market=market, category=category)
        context["demand"] = demand
        if demand.attributes:
            labels = [f"{a} ({demand.kinds.get(a, '')})" for a in demand.attributes]
            context["market_heatmap"] = heatmap_chart(
                z=demand.matrix(by="market"), x=demand.markets, y=labels,
                title="Attribute × market: mean hotspot score of the keywords naming it", colorbar="score",
            )
            context["category_heatmap"] = heatmap_chart(
                z=demand.matrix(by="category"), x=demand.categories, y=labels,
                title="Attribute × category: hotspots naming it", colorbar="hotspots",
            )
            over_time = attribute_demand_over_time(demand=demand, attributes=demand.attributes[: self.TIME_SERIES])
            if not over_time.empty:
                context["time_chart"] = lines_chart(
                    traces={
                        name: ([d.date().isoformat() for d in over_time.index], [None if v != v else round(v, 2) for v in over_time[name]])
                        for name in over_time.columns
                    },
                    title="Attribute demand over time (monthly mean interest, top attributes)", y_title="index 0–100",
                )
        if demand.amazon_attributes:
            context["amazon_heatmap"] = heatmap_chart(
                z=demand.amazon_matrix(), x=demand.amazon_markets,
                y=[f"{a} ({demand.kinds.get(a, '')})" for a in demand.amazon_attributes],
                title="Attribute × marketplace: Amazon monthly searches of the keyword phrases naming it",
                colorbar="searches",
            )
        if demand.supply_attributes:
            context["supply_heatmap"] = heatmap_chart(
                z=demand.supply_matrix(), x=[f"{m} ({demand.supply_listings[m]})" for m in demand.supply_markets],
                y=[f"{a} ({demand.kinds.get(a, '')})" for a in demand.supply_attributes],
                title="Attribute × marketplace: supply, % of Amazon listing titles carrying it (listings)",
                colorbar="% of listings",
            )
        context["pairs"] = demand.pairs[:30]
        return context

from django.db.models import Count

from c2f.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from c2f.dashboard.selectors import flatten_profile
from design.models import Concept

from .filters import OpportunityFilter
from .models import Opportunity


class OpportunityListView(MerchandiserListView):
    model = Opportunity
    filterset_class = OpportunityFilter
    template_name = "analysis/opportunity_list.html"
    title = "Opportunities"
    sort_fields = {
        "rank": ("cycle__number", "rank"),
        "score": ("score",),
        "category": ("category",),
        "market": ("market",),
        "hotspots": ("n_hotspots",),
        "concepts": ("n_concepts",),
    }
    default_sort = "rank"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle")
            .prefetch_related("attributes")
            .annotate(n_hotspots=Count("hotspots", distinct=True), n_concepts=Count("concepts", distinct=True))
        )


class OpportunityDetailView(MerchandiserDetailView):
    model = Opportunity
    template_name = "analysis/opportunity_detail.html"

    def get_queryset(self):
        return Opportunity.objects.select_related("cycle").prefetch_related("attributes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity = self.object
        context["components"] = flatten_profile(opportunity.components)
        context["hotspots"] = opportunity.hotspots.select_related("series").order_by("-score")
        context["concepts"] = Concept.objects.filter(opportunity=opportunity).annotate(n_samples=Count("samples")).order_by("-created_at")
        return context

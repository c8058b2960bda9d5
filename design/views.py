from django.db.models import Count, DecimalField, ExpressionWrapper, F

from c2f.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from c2f.dashboard.selectors import correlated_count, flatten_profile
from samples.models import Sample, VoteRound

from .filters import ConceptFilter
from .models import Concept, Variant


class ConceptListView(MerchandiserListView):
    model = Concept
    filterset_class = ConceptFilter
    template_name = "design/concept_list.html"
    title = "Concepts"
    sort_fields = {
        "created": ("created_at",),
        "name": ("name",),
        "category": ("category",),
        "status": ("status",),
        "price": ("target_price",),
        "margin": ("margin_value",),
        "variants": ("n_variants",),
        "samples": ("n_samples",),
    }
    default_sort = "-created"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle", "opportunity", "target_segment")
            .annotate(
                n_variants=correlated_count(Variant, link="concept"),
                n_samples=correlated_count(Sample, link="concept"),
                margin_value=ExpressionWrapper(
                    (F("target_price") - F("unit_cost")) / F("target_price"), output_field=DecimalField()
                ),
            )
        )


class ConceptDetailView(MerchandiserDetailView):
    model = Concept
    template_name = "design/concept_detail.html"

    def get_queryset(self):
        return Concept.objects.select_related(
            "cycle", "opportunity__cycle", "brief__run__cycle", "target_segment__run"
        ).prefetch_related("attributes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concept = self.object
        context["variants"] = concept.variants.all()
        context["cost_rows"] = flatten_profile(getattr(concept, "cost_breakdown", {}) or {})
        context["samples"] = (
            concept.samples.annotate(n_rounds=Count("rounds")).order_by("version")
        )
        context["rounds"] = VoteRound.objects.filter(sample__concept=concept).select_related("sample").order_by("-opens_at")
        context["campaigns"] = concept.campaigns.order_by("-starts_on")
        context["products"] = concept.products.order_by("sku")
        return context

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, ExpressionWrapper, F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserDetailView, MerchandiserFormView, MerchandiserListView
from core.dashboard.queries import correlated_count
from core.dashboard.tables import flatten_profile

from .filters import ConceptFilter
from .forms import ComplianceCheckForm, ConceptCostingForm, ConceptFromOpportunityForm, ConceptMarketMixForm
from .models import ComplianceItem, Concept, Variant
from .selectors import concept_compliance_items, concept_market_costs
from .services import (
    concept_market_mix_set,
    compliance_item_check,
    compliance_item_uncheck,
    concept_costing_update,
    concept_create_from_opportunity,
    concept_ready_for_production,
)


class ConceptCreateView(MerchandiserFormView):
    form_class = ConceptFromOpportunityForm
    template_name = "design/concept_form.html"

    def get_initial(self):
        return {"opportunity": self.request.GET.get("opportunity")}

    def form_valid(self, form):
        try:
            concept = concept_create_from_opportunity(
                opportunity=form.cleaned_data["opportunity"], markets=form.cleaned_data["markets"],
                actor=self.request.user.get_username(),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Concept “{concept.name}” created with {concept.variants.count()} variants.")
        return redirect(concept.get_absolute_url())


class ConceptCostingView(MerchandiserFormView):
    form_class = ConceptCostingForm
    template_name = "design/concept_costing_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.concept = get_object_or_404(Concept, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "markets": [m.upper() for m in self.concept.target_markets or []]}

    def get_initial(self):
        c = self.concept
        return {
            "hs_code": c.hs_code, "unit_weight_kg": c.unit_weight_kg, "unit_volume_m3": c.unit_volume_m3,
            "fixed_costs": c.fixed_costs,
            "market_prices": ", ".join(f"{m}={p}" for m, p in (c.market_prices or {}).items()),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "concept": self.concept}

    def form_valid(self, form):
        try:
            concept_costing_update(concept=self.concept, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Landed cost figures updated.")
        return redirect(self.concept.get_absolute_url())


class ConceptMarketMixView(MerchandiserFormView):
    form_class = ConceptMarketMixForm
    template_name = "design/concept_mix_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.concept = get_object_or_404(Concept, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "concept": self.concept}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "concept": self.concept}

    def form_valid(self, form):
        try:
            concept_market_mix_set(concept=self.concept, mix=form.mix())
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Expected variant mix per market updated.")
        return redirect(self.concept.get_absolute_url())


class ComplianceCheckView(MerchandiserFormView):
    form_class = ComplianceCheckForm
    template_name = "design/compliance_check_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(ComplianceItem.objects.select_related("concept", "template"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "item": self.item, "concept": self.item.concept}

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "uncheck":
            compliance_item_uncheck(item=self.item)
            messages.info(request, f"“{self.item.title}” ({self.item.market}) unticked.")
            return redirect(self.item.concept.get_absolute_url() + "#compliance")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            compliance_item_check(
                item=self.item,
                actor=self.request.user.get_username(),
                note=form.cleaned_data["evidence_note"],
                evidence_file=form.cleaned_data["evidence_file"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"“{self.item.title}” ({self.item.market}) ticked.")
        return redirect(self.item.concept.get_absolute_url() + "#compliance")


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
    }
    default_sort = "-created"
    show_downstream_counts = True  # the samples made of each concept, and so on

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle", "opportunity", "target_segment")
            .annotate(
                n_variants=correlated_count(Variant, link="concept"),
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
        context["variants"] = variants = list(concept.variants.all())
        mix = concept.market_mix or {}
        context["mix_markets"] = list(concept.target_markets)
        context["mix_rows"] = [
            (v, [round(100 * mix.get(m, {}).get(v.sku, 0), 1) for m in concept.target_markets]) for v in variants
        ]
        context["cost_rows"] = flatten_profile(getattr(concept, "cost_breakdown", {}) or {})
        context["market_costs"] = concept_market_costs(concept=concept)
        context["compliance_items"] = concept_compliance_items(concept=concept)
        context["compliance_missing"] = concept_ready_for_production(concept=concept)
        context["events"] = concept.events.all()
        return context


class ComplianceEvidenceView(MerchandiserRequiredMixin, View):
    def get(self, request, pk):
        item = get_object_or_404(ComplianceItem, pk=pk)
        if not item.evidence_file:
            raise Http404("No evidence file.")
        return FileResponse(item.evidence_file.open("rb"), as_attachment=True, filename=item.evidence_file.name.rsplit("/", 1)[-1])

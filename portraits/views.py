from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.db.models.functions import Mod
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.charts import bar_chart, scatter_chart
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from design.models import Concept
from design.services import concept_create_from_brief
from hotspots.models import Watchlist

from .explain import run_parameters, segment_profile_facts
from .filters import PortraitRunFilter
from .models import Brief, PortraitRun, Segment, SegmentMembership


class PortraitRunListView(MerchandiserListView):
    model = PortraitRun
    filterset_class = PortraitRunFilter
    template_name = "portraits/run_list.html"
    title = "Portrait runs"
    sort_fields = {"created": ("created_at",), "customers": ("n_customers",), "segments": ("n_segments",)}
    default_sort = "-created"

    def get_queryset(self):
        segments = Segment.objects.select_related("brief").order_by("-size", "label")
        return super().get_queryset().select_related("cycle").prefetch_related(Prefetch("segments", queryset=segments))


# The most customers the recency-vs-spend scatter of a run draws.
SCATTER_POINTS = 2000


class PortraitRunDetailView(MerchandiserDetailView):
    model = PortraitRun
    template_name = "portraits/run_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return PortraitRun.objects.select_related("cycle")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        segments = list(
            run.segments.select_related("brief__for_cycle").annotate(n_concepts=Count("concepts")).order_by("-size", "label")
        )
        context["segments"] = segments
        context["params"] = run_parameters(run.params)
        if segments:
            context["size_chart"] = bar_chart(
                x=[s.name for s in segments], y=[s.size for s in segments], title="Customers per segment", y_title="customers"
            )
            names = {s.pk: s.name for s in segments}
            groups: dict[str, tuple[list, list]] = {}
            # A scatter of every customer of a large run would weigh megabytes: every n-th membership is drawn.
            step = max(1, run.n_customers // SCATTER_POINTS)
            members = SegmentMembership.objects.filter(run=run)
            if step > 1:
                members = members.annotate(_pick=Mod("id", step)).filter(_pick=0)
                context["rfm_sample"] = (run.n_customers + step - 1) // step
            for segment_id, features in members.values_list("segment_id", "features"):
                recency, monetary = (features or {}).get("recency_days"), (features or {}).get("monetary")
                if recency is None or monetary is None:
                    continue
                xs, ys = groups.setdefault(names.get(segment_id, str(segment_id)), ([], []))
                xs.append(recency)
                ys.append(monetary)
            if groups:
                context["rfm_chart"] = scatter_chart(
                    groups=groups, title="Recency vs monetary", x_title="days since last order", y_title="spend"
                )
        return context


class SegmentDetailView(MerchandiserDetailView):
    model = Segment
    template_name = "portraits/segment_detail.html"
    context_object_name = "segment"

    def get_queryset(self):
        return Segment.objects.select_related("run__cycle", "brief__for_cycle")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        segment = self.object
        context["profile"] = segment_profile_facts(segment.profile)
        context["members"] = segment.memberships.select_related("customer").order_by("customer__platform", "customer__external_id")[:50]
        context["concepts"] = segment.concepts.select_related("cycle").order_by("-created_at")
        context["brief"] = getattr(segment, "brief", None)
        return context


class BriefDetailView(MerchandiserDetailView):
    model = Brief
    template_name = "portraits/brief_detail.html"
    context_object_name = "brief"

    def get_queryset(self):
        return Brief.objects.select_related("run__cycle", "segment", "for_cycle")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        brief = self.object
        context["watchlists"] = (
            Watchlist.objects.filter(seeded_by_brief=brief).select_related("cycle").annotate(n_keywords=Count("keywords"))
        )
        context["concepts"] = Concept.objects.filter(brief=brief).select_related("cycle").order_by("-created_at")
        return context


class BriefConceptCreateView(MerchandiserRequiredMixin, View):
    """Design straight from a portrait brief: a concept in the cycle the brief seeds."""

    http_method_names = ["post"]

    def post(self, request, pk):
        brief = get_object_or_404(Brief.objects.select_related("segment", "for_cycle", "run"), pk=pk)
        if brief.for_cycle is None:
            messages.error(request, "This brief seeds no cycle yet: open the next cycle from its portrait run first.")
            return redirect("portraits:brief", pk=brief.pk)
        try:
            concept = concept_create_from_brief(brief=brief, cycle=brief.for_cycle, is_demo=brief.run.is_demo)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return redirect("portraits:brief", pk=brief.pk)
        messages.success(request, f"Concept “{concept}” created from the brief for {brief.for_cycle}.")
        return redirect(concept.get_absolute_url())

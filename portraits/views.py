from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from core.dashboard.access import MerchandiserRequiredMixin, MerchandiserWriteMixin
from core.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from core.files import csv_streaming_response
from core.selectors import cycle_current
from design.models import Concept
from design.services import concept_create_from_brief
from hotspots.models import Watchlist

from . import charts
from .cards import run_metric_rows, segment_card
from .filters import PortraitRunFilter
from .forms import BriefForm, BriefMergeForm
from .models import Brief, PortraitRun, Segment
from .selectors import portrait_run_current, segment_members
from .services import brief_drop, brief_merge, brief_update, portrait_run_start
from .tasks import build_portraits

MEMBERS_PER_PAGE = 50
EXPORT_COLUMNS = (
    ("customer_id", "customer id"), ("customer__platform", "shop"), ("customer__external_id", "id at the shop"),
    ("market", "main market"), ("channel", "first channel"), ("recency_days", "days since last order"),
    ("frequency", "orders"), ("monetary", "net spend"), ("avg_order_value", "average order value"),
    ("tenure_days", "days since first order"), ("days_between", "days between orders"), ("returns", "orders refunded"),
    ("reviews", "reviews"), ("unit_price", "unit price"), ("price_band", "price band"), ("r_score", "R"),
    ("f_score", "F"), ("m_score", "M"), ("rfm_group", "RFM group"), ("expected_purchases", "expected orders, 365 days"),
    ("expected_value", "expected spend, 365 days"), ("p_alive", "still active"), ("top_attributes", "preferred attributes"),
)


class PortraitRunListView(MerchandiserListView):
    model = PortraitRun
    filterset_class = PortraitRunFilter
    template_name = "portraits/run_list.html"
    title = "Portrait runs"
    sort_fields = {"version": ("version",), "customers": ("n_customers",), "segments": ("n_segments",)}
    default_sort = "-version"

    def get_queryset(self):
        segments = Segment.objects.select_related("brief").order_by("-size", "label")
        return super().get_queryset().select_related("cycle", "task_run").prefetch_related(Prefetch("segments", queryset=segments))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current"] = portrait_run_current()
        return context


class PortraitRunStartView(MerchandiserWriteMixin, View):
    """"Build portraits now": a queued run over the whole customer base, executed by a worker; its page shows the progress."""

    http_method_names = ["post"]

    def post(self, request):
        cycle = cycle_current()
        active = PortraitRun.objects.filter(status__in=[PortraitRun.Status.QUEUED, PortraitRun.Status.RUNNING]).first()
        if active is not None:
            messages.warning(request, f"Portrait run {active.version} is already {active.get_status_display().lower()}.")
            return redirect(active.get_absolute_url())
        run = portrait_run_start(cycle=cycle, is_demo=bool(cycle and cycle.is_demo), with_task=True)
        build_portraits.delay_on_commit(run.pk)
        return redirect(run.get_absolute_url())


# The most customers the recency-vs-spend scatter of a run draws.
SCATTER_POINTS = 2000


class PortraitRunDetailView(MerchandiserDetailView):
    model = PortraitRun
    template_name = "portraits/run_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return PortraitRun.objects.select_related("cycle", "task_run")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        segments = list(
            run.segments.select_related("brief__for_cycle").annotate(n_concepts=Count("concepts")).order_by("-size", "label")
        )
        context["cards"] = [segment_card(s) for s in segments]
        context["metric_rows"] = run_metric_rows(run)
        context["overall"] = segment_card(Segment(run=run, name="All customers", size=run.n_customers,
                                                  profile=(run.metrics or {}).get("overall") or {})) if run.metrics else None
        if segments:
            names = {s.label: s.name for s in segments}
            context["charts"] = [c for c in (
                charts.segments_overview_chart(segments), charts.market_mix_chart(segments),
                charts.rfm_groups_chart(segments), charts.sample_scatter_chart(run, names), charts.silhouette_chart(run),
            ) if c]
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
        context["card"] = segment_card(segment)
        context["charts"] = [c for c in (
            charts.lift_chart(segment.profile), charts.segment_market_chart(segment.profile),
            charts.price_histogram_chart(segment.profile), charts.rfm_distribution_chart(segment.profile),
        ) if c]
        search = self.request.GET.get("q", "")[:80]
        members = segment_members(segment=segment, search=search)
        paginator = Paginator(members, MEMBERS_PER_PAGE)
        if not search:
            paginator.count = segment.size  # known: no COUNT over the segment's memberships
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(search=search, page_obj=page, paginator=paginator, is_paginated=page.has_other_pages(),
                       members=page.object_list)
        context["concepts"] = segment.concepts.select_related("cycle").order_by("-created_at")
        context["brief"] = getattr(segment, "brief", None)
        return context


class SegmentExportView(MerchandiserRequiredMixin, View):
    """The segment's members with their features as CSV, streamed (cells defused)."""

    def get(self, request, pk):
        segment = get_object_or_404(Segment.objects.select_related("run"), pk=pk)
        rows = segment_members(segment=segment).values_list(*[field for field, _ in EXPORT_COLUMNS]).iterator(chunk_size=5000)
        return csv_streaming_response(
            filename=f"portrait-run-{segment.run.version}-segment-{segment.label}.csv",
            header=[label for _, label in EXPORT_COLUMNS], rows=rows,
        )


class BriefDetailView(MerchandiserDetailView):
    model = Brief
    template_name = "portraits/brief_detail.html"
    context_object_name = "brief"

    def get_queryset(self):
        return Brief.objects.select_related("run__cycle", "segment", "for_cycle", "merged_into")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        brief = self.object
        context["watchlists"] = (
            Watchlist.objects.filter(seeded_by_brief=brief).select_related("cycle").annotate(n_keywords=Count("keywords"))
        )
        context["concepts"] = Concept.objects.filter(brief=brief).select_related("cycle").order_by("-created_at")
        context["editable"] = brief.for_cycle_id is None and brief.status == Brief.Status.ACTIVE
        if context["editable"]:
            context["form"] = kwargs.get("form") or BriefForm.for_brief(brief)
            context["merge_form"] = BriefMergeForm(choices=_merge_choices(brief))
        context["evidence"] = brief.evidence or {}
        return context


def _merge_choices(brief: Brief) -> list[tuple[int, str]]:
    others = (
        Brief.objects.filter(run_id=brief.run_id, status=Brief.Status.ACTIVE, for_cycle__isnull=True)
        .exclude(pk=brief.pk).select_related("segment").order_by("-weight")
    )
    return [(b.pk, f"{b.segment.name} ({b.weight:.0%})") for b in others]


class BriefEditView(MerchandiserWriteMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        brief = get_object_or_404(Brief, pk=pk)
        form = BriefForm(request.POST)
        if form.is_valid():
            try:
                brief_update(brief_id=brief.pk, actor=request.user.get_username(), **form.changes())
            except ValidationError as error:
                messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
            else:
                messages.success(request, "Brief saved.")
        else:
            messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("portraits:brief", pk=brief.pk)


class BriefDropView(MerchandiserWriteMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        brief = get_object_or_404(Brief, pk=pk)
        try:
            brief_drop(brief_id=brief.pk, actor=request.user.get_username())
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, "Brief dropped: it will seed nothing.")
        return redirect("portraits:brief", pk=brief.pk)


class BriefMergeView(MerchandiserWriteMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        brief = get_object_or_404(Brief, pk=pk)
        form = BriefMergeForm(request.POST, choices=_merge_choices(brief))
        if not form.is_valid():
            messages.error(request, "Choose a brief of the same run to merge into.")
            return redirect("portraits:brief", pk=brief.pk)
        try:
            into = brief_merge(brief_id=brief.pk, into_id=form.cleaned_data["into"], actor=request.user.get_username())
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return redirect("portraits:brief", pk=brief.pk)
        messages.success(request, "Briefs merged.")
        return redirect("portraits:brief", pk=into.pk)


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

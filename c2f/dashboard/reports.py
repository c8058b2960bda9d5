"""The cycle report (what a cycle bet on, decided and got), its CSV, and cycle against cycle.

The pages read the stored report (``core.CycleReport``), refreshed daily by beat, by
``refresh_cycle_reports`` and by the page's refresh button.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from c2f.reports import cycle_reports_stored, cycles_compare, cycles_trend
from c2f.tasks import cycle_reports_refresh_task
from core.dashboard.access import MerchandiserRequiredMixin
from core.files import csv_response
from core.models import Cycle, CycleReport

from .report_charts import plan_chart, sold_unsold_chart, trend_chart

CSV_HEADER = [
    "level", "key", "label", "ordered", "made", "received", "sold", "unsold", "unmet", "sell_through", "unsold_rate",
    "revenue", "planned_revenue", "margin", "planned_margin", "currency",
]
LEVELS = (("design", "designs", "concept_id"), ("variant", "variants", "sku"), ("market", "markets", "market"))


def report_csv_rows(data: dict):
    """One row per design, variant and market, then the cycle's totals."""
    currency = data.get("currency", "")
    outcome = data.get("outcome", {})
    for level, group, key in LEVELS:
        for row in outcome.get(group, []):
            yield [level, row.get(key), row.get("label"), *(row.get(f) for f in CSV_HEADER[3:-1]), currency]
    totals = outcome.get("totals", {})
    yield ["cycle", data.get("cycle", {}).get("number"), data.get("cycle", {}).get("name"),
           *(totals.get(f) for f in CSV_HEADER[3:-1]), currency]


class CycleReportView(MerchandiserRequiredMixin, TemplateView):
    template_name = "dashboard/cycle_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = get_object_or_404(Cycle, number=self.kwargs["number"])
        report = CycleReport.objects.filter(cycle=cycle).first()
        context.update(cycle=cycle, report=report, cycles=list(Cycle.objects.order_by("number").values_list("number", flat=True)))
        if report is not None:
            data = report.data
            outcome = data.get("outcome", {})
            context.update(
                data=data,
                designs_chart=sold_unsold_chart(rows=outcome.get("designs", []), title="Sold and unsold units per design"),
                markets_chart=sold_unsold_chart(rows=outcome.get("markets", []), title="Sold and unsold units per market"),
                plan_chart=plan_chart(rows=outcome.get("designs", []), currency=data.get("currency", "")),
            )
        return context


class CycleReportCsvView(MerchandiserRequiredMixin, View):
    def get(self, request, number):
        report = CycleReport.objects.filter(cycle__number=number).select_related("cycle").first()
        if report is None:
            raise Http404("No report stored for this cycle yet.")
        return csv_response(
            filename=f"cycle-{number}-report-{report.as_of}.csv", header=CSV_HEADER, rows=report_csv_rows(report.data)
        )


class CycleReportRefreshView(MerchandiserRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, number):
        cycle = get_object_or_404(Cycle, number=number)
        cycle_reports_refresh_task.delay_on_commit(cycle.pk)
        messages.success(request, f"The report of {cycle} is being refreshed.")
        return redirect("dashboard:cycle_report", number=cycle.number)


class CycleCompareView(MerchandiserRequiredMixin, TemplateView):
    template_name = "dashboard/cycle_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = cycle_reports_stored()
        by_number = {r.cycle.number: r for r in reports}
        numbers = sorted(by_number)
        a, b = self._pick("a", numbers, default=-2), self._pick("b", numbers, default=-1)
        context.update(numbers=numbers, a=by_number.get(a), b=by_number.get(b), trend_chart=trend_chart(trend=cycles_trend(reports=reports)))
        if a in by_number and b in by_number:
            context["rows"] = cycles_compare(a=by_number[a], b=by_number[b])
        return context

    def _pick(self, name: str, numbers: list[int], *, default: int) -> int | None:
        raw = self.request.GET.get(name, "")
        if raw.isdigit() and int(raw) in numbers:
            return int(raw)
        return numbers[default] if len(numbers) >= -default else (numbers[0] if numbers else None)

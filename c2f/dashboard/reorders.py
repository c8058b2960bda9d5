"""Quick response: reorders from the shop's sales (link 7) and the stock that production (link 5) made.

The page sits above both apps; the suggestions are composed in ``c2f.reports.reorder_suggestions``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from c2f.reports.reorder_suggestions import reorder_suggestions
from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.charts import bar_chart
from production.models import ReorderDecision
from production.planning import REORDER_RULE
from production.reorder_rules import __doc__ as RULE_DOC
from production.selectors import reorder_decision_list, reorder_rule_list
from production.services import reorder_decision_accept, reorder_decision_dismiss

WINDOWS = (14, 28, 56, 91)
DEFAULT_WINDOW = 28


class ReordersView(MerchandiserRequiredMixin, TemplateView):
    template_name = "dashboard/reorders.html"

    def window_days(self) -> int:
        raw = self.request.GET.get("days", "")
        return int(raw) if raw.isdigit() and int(raw) in WINDOWS else DEFAULT_WINDOW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = self.window_days()
        suggestions, unsourced = reorder_suggestions(days=days, today=timezone.localdate())
        context.update(
            decisions=reorder_decision_list(limit=50),
            rules=list(reorder_rule_list()[:50]),
            rule_doc=RULE_DOC.split("The rule", 1)[-1].strip(),
            days=days,
            windows=WINDOWS,
            suggestions=suggestions,
            unsourced=unsourced,
            rule=REORDER_RULE,
            chart=bar_chart(
                x=[f"{s['sku']} · {s['market']}" for s in suggestions],
                y=[s["days_of_cover"] for s in suggestions],
                title="Days of cover (on hand + in the pipeline) per variant and market",
                y_title="days",
            ) if suggestions else "",
        )
        return context


class ReorderDecisionMoveView(MerchandiserRequiredMixin, View):
    """Accept or dismiss a proposed reorder or stop (production's transitions)."""

    http_method_names = ["post"]
    MOVES = {"accept": reorder_decision_accept, "dismiss": reorder_decision_dismiss}

    def post(self, request, pk, move):
        if move not in self.MOVES:
            raise Http404("No such move.")
        try:
            decision = self.MOVES[move](decision_id=pk, actor=request.user.get_username())
        except ReorderDecision.DoesNotExist as exc:
            raise Http404("No such decision.") from exc
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{decision}: {decision.get_status_display().lower()}.")
        return redirect("dashboard:reorders")

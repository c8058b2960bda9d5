"""Quick response: reorders from the shop's sales (link 7) and the stock that production (link 5) made.

The page sits above both apps: it reads sales per variant and market from customers, stock
received and in the pipeline from production, and asks production for the suggestions.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.charts import bar_chart
from customers.selectors import sales_units_by_variant_market, sales_units_by_variant_market_day
from production.models import ReorderDecision
from production.planning import REORDER_RULE
from production.reorder_rules import __doc__ as RULE_DOC
from production.selectors import reorder_decision_list, reorder_rule_list
from production.services import reorder_decision_accept, reorder_decision_dismiss
from production.selectors import (
    production_pipeline_units,
    production_received_units,
    production_reorder_suggestions,
    production_variant_factories,
)

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
        today = timezone.localdate()
        sales = sales_units_by_variant_market_day(days=days, today=today)
        sold = sales_units_by_variant_market()
        received = production_received_units()
        in_transit: dict[tuple[int, str], int] = {}
        for (variant_id, market), units in production_pipeline_units().items():
            in_transit[(variant_id, market.upper())] = in_transit.get((variant_id, market.upper()), 0) + units
        # Stock on hand: what arrived less what has been sold since, never below zero.
        on_hand = {key: max(0, units - sold.get(key, 0)) for key, units in received.items()}
        factories = production_variant_factories()
        skus = {row["variant_id"]: row["sku"] for row in sales}

        by_factory: dict[int, list[dict]] = {}
        unsourced = set()
        for row in sales:
            factory = factories.get(row["variant_id"])
            if factory is None:
                unsourced.add(row["sku"])
                continue
            by_factory.setdefault(factory.pk, []).append(row)
        suggestions = []
        factory_by_pk = {f.pk: f for f in factories.values()}
        for factory_id, rows in by_factory.items():
            factory = factory_by_pk[factory_id]
            variant_ids = {r["variant_id"] for r in rows}
            for suggestion in production_reorder_suggestions(
                factory=factory,
                sales=rows,
                on_hand=[{"variant_id": v, "market": m, "quantity": q} for (v, m), q in on_hand.items() if v in variant_ids],
                in_transit={key: units for key, units in in_transit.items() if key[0] in variant_ids},
                today=today,
                window_days=days,
            ):
                suggestions.append({**suggestion, "sku": skus[suggestion["variant_id"]], "factory": factory})
        suggestions.sort(key=lambda s: (s["days_of_cover"], s["sku"], s["market"]))
        context.update(
            decisions=reorder_decision_list(limit=50),
            rules=list(reorder_rule_list()[:50]),
            rule_doc=RULE_DOC.split("The rule", 1)[-1].strip(),
            days=days,
            windows=WINDOWS,
            suggestions=suggestions,
            unsourced=sorted(unsourced),
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

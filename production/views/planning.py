"""Planning a first batch from the dashboard: size it from the confirmed round, edit it, create the draft."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from core.dashboard.access import MerchandiserWriteMixin
from core.dashboard.forms import form_add_service_errors
from design.services import concept_ready_for_production
from samples.models import Sample, VoteRound
from samples.selectors import round_votes_for_sizing

from .. import selectors, services
from ..charts import batch_split_chart
from ..forms import BatchLinesForm, BatchPlanForm
from ..models import Factory, ProductionOrder
from ..services.sizing import factory_makes_category, factory_order_defaults

PLAN_PARAMS = ("factory", "conversion_rate", "unit_margin", "unsold_cost", "due_date", "unit_price")


def _line_key(line: dict) -> tuple[int, str]:
    return line["variant_id"], line["market"]


class ProductionPlanView(MerchandiserWriteMixin, TemplateView):
    """Size a batch for a confirmed sample (GET ``?factory=…`` previews), edit its lines, create the draft order.

    The preview comes from ``services.production_order_plan`` with the round's votes, the concept's
    open pre-orders and the money the merchandiser confirms; the order from
    ``services.production_order_create_from_plan``, which holds the rules (compliance checklist,
    one live order per sample unless another batch is asked for) and records how the batch was sized.
    """

    template_name = "production/plan.html"

    def _load(self, sample_id: int) -> None:
        self.sample = get_object_or_404(Sample.objects.select_related("concept__cycle"), pk=sample_id)
        self.concept = self.sample.concept
        self.round = (
            VoteRound.objects.filter(sample=self.sample, decision=VoteRound.Decision.CONFIRM)
            .select_related("cycle")
            .order_by("-closes_at", "-id")
            .first()
        )

    def _not_confirmed(self):
        messages.error(self.request, f"{self.sample} has no confirmed vote round: confirm a round before planning a batch.")
        return redirect("production:list")

    def get(self, request, sample_id):
        self._load(sample_id)
        if self.round is None:
            return self._not_confirmed()
        bound = any(name in request.GET for name in PLAN_PARAMS)
        return self._respond(data=request.GET if bound else None, lines_data=None, create=False)

    def post(self, request, sample_id):
        self._load(sample_id)
        if self.round is None:
            return self._not_confirmed()
        return self._respond(data=request.POST, lines_data=request.POST, create=request.POST.get("action") == "create")

    # --- building the page ---------------------------------------------------------

    def _factories(self, data) -> tuple[list[Factory], dict]:
        everyone = list(Factory.objects.order_by("name"))
        makers = [f for f in everyone if factory_makes_category(factory=f, category=self.concept.category)]
        want_all = (data or self.request.GET).get("all_factories") == "1"
        shown = everyone if want_all or not makers else makers
        return shown, {"showing_all": shown is everyone, "no_maker": not makers, "n_makers": len(makers)}

    def _respond(self, *, data, lines_data, create: bool):
        concept, vote_round = self.concept, self.round
        factories, factory_notes = self._factories(data)
        money = services.sizing_money_for_concept(concept=concept)
        form = BatchPlanForm(data, factories=factories, category=concept.category, initial=self._initial(factories, money))
        votes = round_votes_for_sizing(round=vote_round)
        invited = vote_round.invitations.count()
        pre_orders = selectors.pre_orders_for_sizing(concept=concept)
        missing = concept_ready_for_production(concept=concept)
        variants = list(concept.variants.order_by("sku"))
        existing = list(
            ProductionOrder.objects.filter(sample=self.sample).select_related("factory").order_by("-created_at", "-id")
        )
        live = [o for o in existing if o.status not in selectors.ORDER_GONE_STATUSES]
        context = {
            "sample": self.sample, "concept": concept, "round": vote_round, "cycle": vote_round.cycle,
            "form": form, "factory_notes": factory_notes, "money": money, "missing": missing,
            "votes_count": len(votes), "invited": invited,
            "response_rate": (len(votes) / invited) if invited else None,
            "would_order_total": sum(v["would_order_qty"] or 0 for v in votes),
            "pre_orders": pre_orders, "pre_orders_total": sum(p["quantity"] for p in pre_orders),
            "existing_orders": existing, "live_orders": live, "variants": variants,
            "factory_options": self._factory_options(form, factories), "section": "production",
        }
        status = 200
        if data is not None and form.is_valid():
            outcome = self._plan(form, votes=votes, invited=invited, pre_orders=pre_orders, variants=variants,
                                 lines_data=lines_data, context=context)
            if outcome is not None and create:
                response = self._create(form, outcome, context=context)
                if response is not None:
                    return response
        if lines_data is not None and (form.errors or context.get("lines_form") is None or context["lines_form"].errors):
            status = 400
        return self.render_to_response(context, status=status)

    def _initial(self, factories: list[Factory], money: dict) -> dict:
        initial = {"conversion_rate": "0.3", **money}
        if factories:
            first = factories[0]
            defaults = factory_order_defaults(factory=first, concept=self.concept)
            initial |= {"factory": first.pk, "due_date": defaults["due_date"], "unit_price": defaults["unit_price"]}
        return initial

    def _factory_options(self, form: BatchPlanForm, factories: list[Factory]) -> list[dict]:
        """The factory choices with each one's defaults, so the page can refill them when the choice changes."""
        options, labels = [], dict(form.fields["factory"].choices)
        for factory in factories:
            defaults = factory_order_defaults(factory=factory, concept=self.concept)
            options.append({
                "pk": factory.pk, "label": labels[factory.pk],
                "due_date": defaults["due_date"], "unit_price": defaults["unit_price"],
                "lead_time_days": factory.lead_time_days, "min_batch": factory.min_batch,
            })
        return options

    def _plan(self, form, *, votes, invited, pre_orders, variants, lines_data, context) -> dict | None:
        data = form.cleaned_data
        factory = data["factory"]
        try:
            plan = services.production_order_plan(
                sample=self.sample, sizing_round=self.round, factory=factory, votes=votes, pre_orders=pre_orders,
                unit_margin=data["unit_margin"], unsold_cost=data["unsold_cost"], invited=invited,
                conversion_rate=float(data["conversion_rate"]),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return None
        defaults = factory_order_defaults(factory=factory, concept=self.concept)
        by_id = {v.pk: v for v in variants}
        recommended = {_line_key(line): line["quantity"] for line in plan["lines"]}
        promised = {_line_key(p): p["quantity"] for p in pre_orders}
        markets = list(dict.fromkeys(m.strip() for m in self.concept.target_markets or [] if isinstance(m, str) and m.strip()))
        keys = {(v.pk, m) for v in variants for m in markets} | set(recommended) | {k for k in promised if k[0] in by_id}
        cells = sorted(((by_id[v], m) for v, m in keys if v in by_id), key=lambda c: (c[0].sku, c[1]))
        lines_form = BatchLinesForm(
            lines_data, cells=cells,
            initial={BatchLinesForm.field_name(v.pk, m): recommended.get((v.pk, m), 0) for v, m in cells},
        )
        if lines_data is None:
            lines = plan["lines"]
        elif lines_form.is_valid():
            lines = lines_form.lines()
        else:
            lines = None
        ordered = {_line_key(line): line["quantity"] for line in lines or []}
        rows = [
            {
                "variant": variant, "market": market, "field": lines_form[BatchLinesForm.field_name(variant.pk, market)],
                "recommended": recommended.get((variant.pk, market), 0), "pre_orders": promised.get((variant.pk, market), 0),
                "ordered": ordered.get((variant.pk, market), 0),
            }
            for variant, market in cells
        ]
        sizing = plan["sizing"]
        context.update({
            "plan": plan, "sizing": sizing, "factory": factory, "defaults": defaults,
            "unit_price": data["unit_price"] if data["unit_price"] is not None else defaults["unit_price"],
            "due_date": data["due_date"] or defaults["due_date"],
            "lines_form": lines_form, "rows": rows, "lines": lines,
            "ordered_total": sum(ordered.values()), "recommended_total": sum(recommended.values()),
            "edited": lines is not None and sorted(ordered.items()) != sorted(recommended.items()),
            "held_at_minimum": sizing["total"] == sizing["min_batch"] > sizing.get("newsvendor_quantity", 0),
            "shared_components": self._shared_components(factory, variants),
        })
        if lines:
            context["split_chart"] = batch_split_chart(rows=[
                {"label": f"{by_id[v].sku} {by_id[v].colour}".strip(), "market": m, "quantity": q}
                for (v, m), q in ordered.items()
            ])
        return {"plan": plan, "lines": lines, "defaults": defaults} if lines is not None else None

    def _shared_components(self, factory: Factory, variants) -> list[dict]:
        """Open orders of ``factory`` cut from the same fabric, or sewn on the same blank, as this concept."""
        materials = {v.material.strip().lower() for v in variants if v.material and v.material.strip()}
        blanks = {(self.concept.category.strip().lower(), (v.size or "").strip().lower()) for v in variants}
        shared = []
        for group in selectors.production_component_groups(factory=factory):
            same_fabric = (group["material"] or "").strip().lower() in materials
            same_blank = ((group["category"] or "").strip().lower(), (group["size"] or "").strip().lower()) in blanks
            if same_fabric or same_blank:
                shared.append(group | {"same_fabric": same_fabric, "same_blank": same_blank})
        return shared

    def _create(self, form, outcome: dict, *, context):
        try:
            order = services.production_order_create_from_plan(
                plan=outcome["plan"], lines=outcome["lines"], cycle=self.round.cycle, factory=form.cleaned_data["factory"],
                sample=self.sample, sizing_round=self.round, unit_price=context["unit_price"], due_date=context["due_date"],
                is_demo=self.round.is_demo, actor=self.request.user.get_username(),
                another_batch=self.request.POST.get("another_batch") == "1",
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return None
        messages.success(
            self.request,
            f"Draft order {order.reference} created: {order.sizing['ordered_total']} units from {order.factory.name}"
            + (" (lines edited from the recommendation)." if order.sizing["edited_by_merchandiser"] else "."),
        )
        return redirect(order.get_absolute_url())

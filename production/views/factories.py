from django.db.models import Sum

from c2f.dashboard.generic import MerchandiserDetailView

from .. import selectors
from ..models import Factory


class FactoryDetailView(MerchandiserDetailView):
    model = Factory
    template_name = "production/factory_detail.html"
    context_object_name = "factory"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        factory = self.object
        context["orders"] = (
            factory.orders.select_related("cycle", "sample__concept").annotate(units=Sum("lines__quantity")).order_by("-created_at")[:100]
        )
        context["api_keys"] = factory.api_keys.order_by("-created_at")
        context["scorecard"] = selectors.factory_scorecard(factory=factory)
        context["ledger"] = list(selectors.factory_ledger(factory=factory))
        context["balance_due"] = sum(entry.amount for entry in context["ledger"])
        context["groups"] = selectors.production_component_groups(factory=factory)
        return context

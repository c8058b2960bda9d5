"""The factory developer's guide: how to poll orders and report back, with a working client."""

from django.views.generic import TemplateView

from production.models import ProductionOrder


class FactoryApiGuideView(TemplateView):
    template_name = "production/api/guide.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["base_url"] = self.request.build_absolute_uri("/").rstrip("/")
        context["transitions"] = [
            (ProductionOrder.Status(state).label, [ProductionOrder.Status(n).label for n in onward])
            for state, onward in ProductionOrder.ALLOWED_TRANSITIONS.items()
        ]
        return context

"""The merchandiser's home: where the current cycle stands on each link, and running work."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from core.models import Cycle, TaskRun

from .access import MerchandiserRequiredMixin
from .loop_status import cycle_loop_status
from .selectors import cycle_seeding_briefs, task_runs_active


class HomeView(MerchandiserRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_cycle(self) -> Cycle | None:
        return Cycle.objects.select_related("previous").order_by("-number").first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = self.get_cycle()
        context["cycle"] = cycle
        context["cycles"] = list(Cycle.objects.order_by("number").only("number", "name", "is_demo"))
        if cycle is not None:
            context["links"] = cycle_loop_status(cycle=cycle)
            context["seeding_briefs"] = cycle_seeding_briefs(cycle=cycle)
            context["next_cycle"] = Cycle.objects.filter(previous=cycle).only("number", "name").first()
            context["task_runs"] = task_runs_active(cycle=cycle)
        return context


class CycleView(HomeView):
    def get_cycle(self) -> Cycle:
        return get_object_or_404(Cycle.objects.select_related("previous"), number=self.kwargs["number"])


class TaskProgressView(MerchandiserRequiredMixin, DetailView):
    """The progress bar of one task run; htmx polls it until the run ends."""

    model = TaskRun
    template_name = "dashboard/_task_progress.html"
    context_object_name = "run"


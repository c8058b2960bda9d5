"""The merchandiser's home: what needs a person, where the current cycle stands on each link, and running work."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView, TemplateView

from c2f.tasks import cycle_run_start
from core.dashboard.access import MerchandiserRequiredMixin
from core.models import Cycle, TaskRun
from core.selectors import task_run_active_exists, task_run_latest, task_runs_active
from portraits.selectors import cycle_seeding_briefs

from .loop_status import cycle_loop_status
from .todo import todo_sections


class HomeView(MerchandiserRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_cycle(self) -> Cycle | None:
        return Cycle.objects.select_related("previous").order_by("-number").first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = self.get_cycle()
        context["cycle"] = cycle
        context["cycles"] = list(Cycle.objects.order_by("number").only("number", "name", "is_demo"))
        # The to-do list shows the cycle on screen; "all cycles" is one click away.
        context["todo_all"] = cycle is None or self.request.GET.get("todo") == "all"
        context["todo"] = todo_sections(cycle=None if context["todo_all"] else cycle)
        if cycle is not None:
            context["links"] = cycle_loop_status(cycle=cycle)
            context["seeding_briefs"] = cycle_seeding_briefs(cycle=cycle)
            context["next_cycle"] = Cycle.objects.filter(previous=cycle).only("number", "name").first()
            context["task_runs"] = task_runs_active(cycle=cycle)
            context["events"] = cycle.events.all()
            context["last_loop_run"] = task_run_latest(cycle=cycle, kind="cycle.run")
        return context


class CycleView(HomeView):
    def get_cycle(self) -> Cycle:
        return get_object_or_404(Cycle.objects.select_related("previous"), number=self.kwargs["number"])


class TaskProgressView(MerchandiserRequiredMixin, DetailView):
    """The progress bar of one task run; htmx polls it until the run ends."""

    model = TaskRun
    template_name = "dashboard/_task_progress.html"
    context_object_name = "run"


class CycleRunView(MerchandiserRequiredMixin, View):
    """Take a cycle through the eight links (a Celery chain), as ``run_cycle --cycle N`` does.

    GET is the confirmation step: what the loop will do on this cycle (play the people with demo
    data on a demo cycle; stop where people are needed on any other), and the button that POSTs.
    """

    http_method_names = ["get", "post"]

    def get(self, request, number):
        cycle = get_object_or_404(Cycle, number=number)
        return render(request, "dashboard/cycle_run_confirm.html", {
            "cycle": cycle,
            "running": task_run_active_exists(cycle=cycle, kind="cycle.run"),
        })

    def post(self, request, number):
        cycle = get_object_or_404(Cycle, number=number)
        if cycle.status == Cycle.Status.CLOSED:
            messages.error(request, f"{cycle} is closed: its portraits already opened the next cycle.")
        elif task_run_active_exists(cycle=cycle, kind="cycle.run"):
            messages.warning(request, f"The loop is already running for {cycle}.")
        else:
            cycle_run_start(cycle=cycle)
            messages.success(request, f"The loop started for {cycle}; its progress is shown below.")
        return redirect("dashboard:cycle", number=cycle.number)

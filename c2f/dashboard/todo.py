"""What needs a person, across the links: the to-do list of the home page.

Each link reports its own waiting work through its ``<link>_todo`` selector (small ``TodoItem``s
with the button that acts on each); this module puts them in sections, in the order a
merchandiser would take them, and turns failed task runs into items with the page that shows
them. Each section keeps its own order (urgent first, then by date); sections are never merged
into one ranking.
"""

from dataclasses import dataclass

from django.urls import reverse

from core.dashboard.todo import SECTION_LIMIT, TodoItem, todo_sorted
from core.models import Cycle, TaskRun
from core.selectors import task_runs_failed
from design.selectors import design_todo
from hotspots.selectors import hotspots_todo
from production.selectors import production_todo
from promotion.selectors import promotion_todo
from samples.selectors import samples_todo

# (key, title, what the link is) in the order of the list on the home page.
TODO_SECTIONS = (
    ("task_failed", "Work that failed", "core"),
    ("import_failed", "Imports that failed", "hotspots"),
    ("send_failed", "Invitations that could not be sent", "samples"),
    ("post_unsent", "Posts that failed or were not sent on time", "promotion"),
    ("round_decide", "Rounds closed, waiting for a decision", "samples"),
    ("round_open", "Rounds open for votes", "samples"),
    ("compliance_missing", "Compliance items missing before a batch", "design"),
    ("batch_plan", "Confirmed samples waiting for a batch", "production"),
    ("order_release", "Production orders to release", "production"),
    ("order_acceptance", "Production orders waiting for the factory to accept", "production"),
    ("order_late", "Production orders late", "production"),
    ("order_receive", "Shipments to receive", "production"),
    ("payment_due", "Payments due to factories", "production"),
)
TASK_NAMES = {
    "cycle.run": "The loop",
    "hotspots.import": "Trend import",
    "hotspots.score": "Hotspot scoring",
    "portraits.build": "Portrait build",
}


@dataclass(frozen=True)
class TodoSection:
    key: str
    title: str
    link: str
    items: list[TodoItem]

    @property
    def urgent(self) -> int:
        return sum(1 for item in self.items if item.urgent)


def _task_run_url(run: TaskRun) -> str:
    if run.kind == "hotspots.import":
        return reverse("hotspots:import_run", args=[run.pk])
    if run.cycle_id is not None:
        return reverse("dashboard:cycle", args=[run.cycle.number])
    return reverse("dashboard:home")


def task_failure_items(*, cycle: Cycle | None) -> list[TodoItem]:
    return [
        TodoItem(
            section="task_failed",
            title=f"{TASK_NAMES.get(run.kind, run.kind)}{f' · cycle {run.cycle.number}' if run.cycle_id else ''}",
            detail=(run.error or run.message or "failed")[:200],
            action="See what failed",
            url=_task_run_url(run),
            cycle_number=run.cycle.number if run.cycle_id else None,
            urgent=True,
            when=run.updated_at,
        )
        for run in task_runs_failed(cycle=cycle, limit=SECTION_LIMIT)
    ]


def todo_sections(*, cycle: Cycle | None) -> list[TodoSection]:
    """The to-do list for ``cycle`` (None: every cycle), only the sections with items; about ten queries."""
    items = [
        *task_failure_items(cycle=cycle),
        *hotspots_todo(),
        *design_todo(cycle=cycle),
        *samples_todo(cycle=cycle),
        *production_todo(cycle=cycle),
        *promotion_todo(cycle=cycle),
    ]
    by_section: dict[str, list[TodoItem]] = {}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    return [
        TodoSection(key=key, title=title, link=link, items=todo_sorted(by_section[key]))
        for key, title, link in TODO_SECTIONS
        if by_section.get(key)
    ]

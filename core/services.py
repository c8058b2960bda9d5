from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import transitions
from .models import Cycle, TaskRun


def cycle_open(*, previous: Cycle | None = None, is_demo: bool = False, name: str = "", actor: str = "c2f") -> Cycle:
    with transaction.atomic():
        number = (Cycle.objects.aggregate(m=Max("number"))["m"] or 0) + 1
        cycle = Cycle.objects.create(number=number, previous=previous, is_demo=is_demo, name=name or f"Cycle {number}")
        transitions.record_created(cycle, actor=actor, note=f"opened after {previous}" if previous else "opened")
    return cycle


# --- moving a cycle (core.transitions; the map is Cycle.ALLOWED_TRANSITIONS) ----------------


def cycle_mark_running(*, cycle: Cycle, actor: str = "c2f loop", note: str = "") -> bool:
    """An open cycle starts running (its loop was started); a running or closed one stays as it is.

    Under the cycle's row lock, so two steps starting at once move it once. Returns whether it
    moved; the caller's copy is told only a move that happened.
    """
    with transaction.atomic():
        if Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("status", flat=True).get() != Cycle.Status.OPEN:
            return False
        transitions.transition(Cycle, pk=cycle.pk, to=Cycle.Status.RUNNING, actor=actor, note=note)
    cycle.status = Cycle.Status.RUNNING
    return True


def cycle_close(*, cycle_id: int, actor: str, note: str = "") -> Cycle:
    """open or running → closed: its portraits opened the next cycle. Closing twice changes nothing."""

    def stamp(cycle: Cycle) -> list[str]:
        cycle.closed_at = timezone.now()
        return ["closed_at"]

    return transitions.transition(
        Cycle, pk=cycle_id, to=Cycle.Status.CLOSED, actor=actor, note=note, change=stamp, already="skip"
    )


def task_run_start(*, kind: str, total: int = 0, cycle: Cycle | None = None) -> TaskRun:
    return TaskRun.objects.create(kind=kind, total=total, cycle=cycle, status=TaskRun.Status.RUNNING)


def task_run_progress(*, run_id: int, done: int, total: int | None = None, message: str = "") -> None:
    fields = {"done": done, "message": message[:300], "updated_at": timezone.now()}
    if total is not None:
        fields["total"] = total
    TaskRun.objects.filter(pk=run_id).update(**fields)


def task_run_finish(*, run_id: int, error: str = "", message: str | None = None) -> None:
    """The run ends: failed with ``error``, else done; ``message`` replaces the last progress message."""
    status = TaskRun.Status.FAILED if error else TaskRun.Status.DONE
    fields = {"status": status, "error": error, "updated_at": timezone.now()}
    if message is not None:
        fields["message"] = message[:300]
    TaskRun.objects.filter(pk=run_id).update(**fields)

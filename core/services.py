from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Cycle, TaskRun


def cycle_open(*, previous: Cycle | None = None, is_demo: bool = False, name: str = "") -> Cycle:
    with transaction.atomic():
        number = (Cycle.objects.aggregate(m=Max("number"))["m"] or 0) + 1
        return Cycle.objects.create(
            number=number, previous=previous, is_demo=is_demo, name=name or f"Cycle {number}"
        )


def cycle_set_status(*, cycle: Cycle, status: str) -> Cycle:
    cycle.status = status
    cycle.closed_at = timezone.now() if status == Cycle.Status.CLOSED else None
    cycle.save(update_fields=["status", "closed_at"])
    return cycle


def cycle_mark_running(*, cycle: Cycle) -> bool:
    """An open cycle starts running (its loop was started); a running or closed one stays as it is.

    A conditional update: two steps starting at once move the cycle once. Returns whether it moved.
    """
    moved = Cycle.objects.filter(pk=cycle.pk, status=Cycle.Status.OPEN).update(status=Cycle.Status.RUNNING)
    if moved:
        cycle.status = Cycle.Status.RUNNING
    return bool(moved)


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

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .dashboard.todo import RECENT_DAYS
from .models import Cycle, TaskRun


def cycle_current() -> Cycle | None:
    """The newest cycle: the one the dashboard opens on."""
    return Cycle.objects.order_by("-number").first()


def cycle_get(*, cycle_id: int) -> Cycle:
    return Cycle.objects.get(pk=cycle_id)


def task_runs_active(*, cycle: Cycle | None = None) -> list[TaskRun]:
    """Pending and running work, newest first (at most 20): of ``cycle`` and of no cycle, or all."""
    active = TaskRun.objects.filter(status__in=[TaskRun.Status.PENDING, TaskRun.Status.RUNNING])
    if cycle is not None:
        active = active.filter(Q(cycle=cycle) | Q(cycle__isnull=True))
    return list(active.order_by("-created_at", "-id")[:20])


def task_run_latest(*, cycle: Cycle, kind: str) -> TaskRun | None:
    return TaskRun.objects.filter(cycle=cycle, kind=kind).order_by("-created_at", "-id").first()


def task_run_active_exists(*, cycle: Cycle, kind: str) -> bool:
    return TaskRun.objects.filter(
        cycle=cycle, kind=kind, status__in=[TaskRun.Status.PENDING, TaskRun.Status.RUNNING]
    ).exists()


def task_runs_failed(*, cycle: Cycle | None = None, limit: int = 10) -> list[TaskRun]:
    """Work that failed in the last ``RECENT_DAYS`` days and has not run through since (no later
    run of the same kind and cycle finished), newest first: of ``cycle`` and of no cycle, or all.
    One query."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    later_done = TaskRun.objects.filter(
        kind=OuterRef("kind"), cycle=OuterRef("cycle"), status=TaskRun.Status.DONE, created_at__gt=OuterRef("created_at")
    )
    failed = TaskRun.objects.filter(status=TaskRun.Status.FAILED, updated_at__gte=since).filter(~Exists(later_done))
    if cycle is not None:
        failed = failed.filter(Q(cycle=cycle) | Q(cycle__isnull=True))
    return list(failed.select_related("cycle").order_by("-updated_at", "-id")[:limit])

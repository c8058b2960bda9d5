import logging

from celery import shared_task

from core.models import Cycle
from core.services import task_run_finish, task_run_progress, task_run_start

from .models import PortraitRun
from .services import portrait_run_build

logger = logging.getLogger(__name__)


@shared_task(name="portraits.build", soft_time_limit=600, time_limit=660)
def build_portraits(cycle_id: int) -> int | None:
    """Build a portrait run for the cycle; returns the run's id (None if the cycle is gone)."""
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        logger.warning("portraits.build: cycle %s no longer exists, skipped", cycle_id)
        return None
    task = task_run_start(kind="portraits.build", total=3, cycle=cycle)

    def progress(done: int, total: int, message: str) -> None:
        task_run_progress(run_id=task.pk, done=done, total=total, message=message)

    try:
        run = portrait_run_build(cycle=cycle, is_demo=cycle.is_demo, progress=progress)
    except Exception as exc:
        task_run_finish(run_id=task.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    task_run_finish(run_id=task.pk, error=run.error if run.status == PortraitRun.Status.FAILED else "")
    return run.pk

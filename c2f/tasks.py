"""The loop as a Celery chain: one task per link, each handed the cycle id and a TaskRun id."""

import logging

from celery import chain, shared_task
from django.conf import settings
from django.db import transaction

from core.models import Cycle, TaskRun
from core.services import task_run_finish, task_run_progress, task_run_start

from .loop import STEP_NAMES, LoopWaiting, step_run

logger = logging.getLogger(__name__)

STEP_QUEUES = {"portraits": "ml", "samples": "email"}


@shared_task(name="c2f.loop.step", acks_late=True, soft_time_limit=600, time_limit=660)
def loop_step(cycle_id: int, step: str, task_run_id: int) -> dict:
    index = STEP_NAMES.index(step)
    task_run_progress(run_id=task_run_id, done=index, message=f"{step}…")
    try:
        summary = step_run(cycle_id=cycle_id, step=step)
    except LoopWaiting as waiting:
        # Not a failure: the chain stops here until people act; the dashboard says what is awaited.
        task_run_finish(run_id=task_run_id, message=f"waiting: {waiting}")
        raise
    except Exception as exc:
        logger.exception("Loop step %s failed for cycle %s", step, cycle_id)
        task_run_finish(run_id=task_run_id, error=f"{step}: {exc}")
        raise
    last = index == len(STEP_NAMES) - 1
    task_run_progress(run_id=task_run_id, done=index + 1, message=f"{step}: {summary}"[:300])
    if last:
        task_run_finish(run_id=task_run_id)
    return {"step": step, "summary": summary}


def cycle_run_chain(*, cycle: Cycle) -> tuple[chain, TaskRun]:
    """The eight links as one chain of immutable signatures, with its progress record."""
    task_run = task_run_start(kind="cycle.run", total=len(STEP_NAMES), cycle=cycle)
    signatures = [
        loop_step.si(cycle.pk, step, task_run.pk).set(queue=STEP_QUEUES.get(step, "default")) for step in STEP_NAMES
    ]
    return chain(*signatures), task_run


def cycle_run_start(*, cycle: Cycle, wait_for_commit: bool = True) -> TaskRun:
    """Enqueue the loop for a cycle once the current transaction commits; returns its progress record.

    With Celery in-process (the embedded default) the chain has run when this
    returns: a step that waits for people, or fails, has already written why
    onto the TaskRun, so nothing is raised here.
    """
    workflow, task_run = cycle_run_chain(cycle=cycle)

    def enqueue():
        try:
            workflow.apply_async()
        except LoopWaiting:
            pass
        except Exception:
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                raise

    if wait_for_commit:
        transaction.on_commit(enqueue)
    else:
        enqueue()
    return task_run


@shared_task(name="c2f.reports.refresh", soft_time_limit=600, time_limit=660)
def cycle_reports_refresh_task(cycle_id: int | None = None) -> int:
    """Refresh one cycle's stored report, or every cycle's; idempotent (same day, same figures)."""
    from .reports import cycle_report_refresh, cycle_reports_refresh

    if cycle_id is not None:
        return 1 if cycle_report_refresh(cycle_id=cycle_id) is not None else 0
    return len(cycle_reports_refresh())


@shared_task(name="c2f.reorder_rules.check", soft_time_limit=300, time_limit=360)
def reorder_rules_check_task() -> str:
    """Judge every received order's reorder rule on today's sales; a second run on a day writes nothing new."""
    from .reports import reorder_check_run

    return reorder_check_run().summary()

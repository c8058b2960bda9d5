import logging

from celery import shared_task

from core.selectors import cycle_current

from .models import PortraitRun
from .services import portrait_run_execute, portrait_run_start

logger = logging.getLogger(__name__)


@shared_task(name="portraits.build", soft_time_limit=600, time_limit=660)
def build_portraits(run_id: int) -> int | None:
    """Execute a queued portrait run (started from the dashboard); returns its id, None if it is gone or
    another worker has it."""
    if not PortraitRun.objects.filter(pk=run_id).exists():
        logger.warning("portraits.build: portrait run %s no longer exists, skipped", run_id)
        return None
    run = portrait_run_execute(run_id=run_id)
    return run.pk if run is not None else None


@shared_task(name="portraits.build_scheduled", soft_time_limit=600, time_limit=660)
def build_portraits_scheduled() -> int | None:
    """The scheduled run over the whole customer base, placed in the newest cycle's lineage."""
    cycle = cycle_current()
    run = portrait_run_start(cycle=cycle, is_demo=bool(cycle and cycle.is_demo), with_task=True)
    portrait_run_execute(run_id=run.pk)
    return run.pk

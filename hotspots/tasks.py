import logging

from celery import shared_task

from core.models import Cycle

from .models import Watchlist
from .services import hotspots_score_run, trend_upload_import, trends_pull
from .sources.base import RateLimited

logger = logging.getLogger(__name__)


@shared_task(
    name="hotspots.pull",
    autoretry_for=(RateLimited,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=600,
    time_limit=660,
)
def pull_watchlist(watchlist_id: int) -> list[dict]:
    watchlist = Watchlist.objects.filter(pk=watchlist_id).first()
    if watchlist is None:
        logger.warning("Watchlist %s is gone; nothing to pull", watchlist_id)
        return []
    return [
        {"name": r.filename, "status": r.status, "new": r.new, "updated": r.updated, "error": r.error}
        for r in trends_pull(watchlist=watchlist)
    ]


@shared_task(name="hotspots.pull_all", soft_time_limit=60, time_limit=90)
def pull_all_watchlists() -> list[int]:
    """The periodic pull: every watchlist of the newest cycle that is not closed, one task each."""
    cycle = Cycle.objects.exclude(status=Cycle.Status.CLOSED).order_by("-number").first()
    if cycle is None:
        return []
    ids = list(Watchlist.objects.filter(cycle=cycle).order_by("id").values_list("id", flat=True))
    for watchlist_id in ids:
        pull_watchlist.delay(watchlist_id)
    return ids


@shared_task(name="hotspots.import_uploads", soft_time_limit=900, time_limit=960)
def import_uploads(task_run_id: int) -> list[dict]:
    return [
        {"name": r.filename, "kind": r.kind, "status": r.status, "new": r.new, "updated": r.updated,
         "unchanged": r.unchanged, "rejected": r.rejected, "error": r.error}
        for r in trend_upload_import(task_run_id=task_run_id)
    ]


@shared_task(name="hotspots.score", soft_time_limit=600, time_limit=660)
def score_hotspots(task_run_id: int) -> int:
    """Score a cycle's hotspots for the dashboard's button; the TaskRun carries the progress."""
    return hotspots_score_run(task_run_id=task_run_id)

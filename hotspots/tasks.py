import logging

from celery import shared_task

from .models import Watchlist
from .services import trends_pull
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

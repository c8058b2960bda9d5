import logging

from celery import shared_task
from django.core.cache import cache

from core.dashboard.figures import figures_warm

from .services import orders_attribute_recent, review_upload_import
from .services.attribution import ATTRIBUTION_QUEUED_KEY, orders_attribute_hand_over
from .services.figures import QUEUED_KEY, sales_figures_refresh
from .services.uploads import orders_upload_import

logger = logging.getLogger(__name__)


@shared_task(name="customers.import_uploads", soft_time_limit=1800, time_limit=1860)
def import_uploads(task_run_id: int) -> list[dict]:
    return [
        {"file": r.file, "status": r.status, "new": r.orders_new, "updated": r.orders_updated,
         "unchanged": r.orders_unchanged, "rejected": r.rejected, "problems": r.problem_messages[:5]}
        for r in orders_upload_import(task_run_id=task_run_id)
    ]


@shared_task(name="customers.import_review_uploads", soft_time_limit=900, time_limit=960)
def import_review_uploads(task_run_id: int) -> list[dict]:
    """Import the review exports uploaded in the dashboard for one TaskRun (idempotent: claimed once)."""
    return [
        {"file": r.file, "ok": r.ok, "new": r.new, "updated": r.updated, "unchanged": r.unchanged,
         "problems": len(r.problems)}
        for r in review_upload_import(task_run_id=task_run_id)
    ]


@shared_task(name="customers.refresh_sales_figures", soft_time_limit=600, time_limit=660)
def refresh_sales_figures() -> dict:
    cache.delete(QUEUED_KEY)
    figures = sales_figures_refresh()
    figures_warm()  # the pages' kept figures are counted now, not on the next visit
    return figures


@shared_task(name="customers.attribute_orders", soft_time_limit=600, time_limit=660)
def attribute_orders(updated_since: str | None = None) -> int:
    """Hand orders changed since ``updated_since`` (ISO time; beat: the last quarter of an hour) to promotion,
    which credits each to the tracked link that brought it."""
    from django.utils.dateparse import parse_datetime

    cache.delete(ATTRIBUTION_QUEUED_KEY)
    since = parse_datetime(updated_since) if updated_since else None
    changed = orders_attribute_hand_over(updated_since=since) if since else orders_attribute_recent()
    if changed:
        figures_warm()
    return changed

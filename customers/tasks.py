from celery import shared_task

from .services import review_upload_import


@shared_task(name="customers.import_review_uploads", soft_time_limit=900, time_limit=960)
def import_review_uploads(task_run_id: int) -> list[dict]:
    """Import the review exports uploaded in the dashboard for one TaskRun (idempotent: claimed once)."""
    return [
        {"file": r.file, "ok": r.ok, "new": r.new, "updated": r.updated, "unchanged": r.unchanged,
         "problems": len(r.problems)}
        for r in review_upload_import(task_run_id=task_run_id)
    ]

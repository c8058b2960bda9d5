"""Celery entry points of link 5."""

from celery import shared_task

from . import services


@shared_task(name="production.prune_idempotency_records", soft_time_limit=120, time_limit=180)
def prune_idempotency_records(days: int = 30) -> int:
    """Idempotent: a second run finds nothing older to delete."""
    import datetime

    return services.idempotency_records_prune(older_than=datetime.timedelta(days=days))

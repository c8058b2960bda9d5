from celery import shared_task

from .services import task_run_finish, task_run_start


@shared_task(name="core.ping", soft_time_limit=10, time_limit=20)
def ping() -> str:
    """Round trip through the broker that leaves a TaskRun row: proves a worker reaches the database."""
    run = task_run_start(kind="core.ping", total=1)
    task_run_finish(run_id=run.pk)
    return "pong"

import smtplib

from celery import shared_task

from .services import task_run_finish, task_run_start

# Mail servers and networks fail for a while and recover; anything else is a bug and is not retried.
TRANSIENT_SMTP_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def retried_task(*, name: str, transient: tuple[type[BaseException], ...], max_retries: int = 5,
                 backoff_max: int = 600, **options):
    """A Celery task retried with exponential backoff and jitter on ``transient`` errors only.

    The one retry policy for tasks that talk to another server: up to ``max_retries``
    retries, waits doubling from one second up to ``backoff_max`` seconds, each spread
    by jitter so that workers failing together do not come back together.
    ``options`` are passed to ``shared_task`` (time limits, ``acks_late``...).
    """
    return shared_task(
        name=name,
        autoretry_for=transient,
        retry_backoff=True,
        retry_backoff_max=backoff_max,
        retry_jitter=True,
        max_retries=max_retries,
        **options,
    )


@shared_task(name="core.ping", soft_time_limit=10, time_limit=20)
def ping() -> str:
    """Round trip through the broker that leaves a TaskRun row: proves a worker reaches the database."""
    run = task_run_start(kind="core.ping", total=1)
    task_run_finish(run_id=run.pk)
    return "pong"

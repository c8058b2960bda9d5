"""Celery entry points of link 6: releasing due posts, delivering them, storing buffered clicks."""

import logging
import random

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


def backoff_seconds(retries: int) -> int:
    """30 s, 1 min, 2 min ... up to 30 min, each spread by up to a fifth so retries do not come back together."""
    base = min(30 * 2**retries, 1800)
    return int(base + random.uniform(0, base / 5))


@shared_task(name="promotion.release_due_posts", soft_time_limit=120, time_limit=150)
def release_due_posts() -> int:
    released = services.posts_release_due()
    for post_id in released.queued:
        publish_post.delay(post_id)
    return len(released.queued) + released.sent + released.failed


@shared_task(bind=True, name="promotion.publish_post", acks_late=True, soft_time_limit=60, time_limit=90,
             max_retries=None)
def publish_post(self, post_id: int) -> str:
    """One delivery attempt; a transient failure comes back after a backoff until the last attempt.

    Run in-process (no broker: the embedded default and tests) the attempts follow each other at once.
    """
    attempt = self.request.retries + 1
    while True:
        outcome = services.post_deliver(post_id=post_id, final=attempt >= services.max_attempts())
        if outcome.status != "retry":
            return outcome.status
        if not self.request.is_eager:
            raise self.retry(countdown=backoff_seconds(attempt - 1))
        attempt += 1


@shared_task(name="promotion.flush_clicks", soft_time_limit=50, time_limit=60)
def flush_clicks() -> int:
    return services.clicks_flush()

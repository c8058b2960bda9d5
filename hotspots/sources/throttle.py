"""A requests-per-minute budget per source, shared by every worker through the cache.

A refusal (HTTP 429) halves the budget for half an hour, once per refusal up to
a sixteenth, so a source that pushes back is asked less often rather than
hammered by retries.
"""

import time

from django.core.cache import cache

from .base import RateLimited

PENALTY_SECONDS = 30 * 60
MAX_PENALTY = 4


class RequestsPerMinute:
    def __init__(self, name: str, per_minute: int, *, max_wait: float = 65.0, clock=time.time, sleep=time.sleep):
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.name, self.per_minute, self.max_wait = name, per_minute, max_wait
        self._clock, self._sleep = clock, sleep

    @property
    def _penalty_key(self) -> str:
        return f"hotspots:rate:{self.name}:penalty"

    def allowed_per_minute(self) -> int:
        return max(1, self.per_minute >> int(cache.get(self._penalty_key, 0)))

    def acquire(self) -> None:
        """Take one request from this minute's budget, waiting for the next minute when it is spent."""
        waited = 0.0
        while True:
            now = self._clock()
            key = f"hotspots:rate:{self.name}:{int(now // 60)}"
            cache.add(key, 0, timeout=120)
            try:
                used = cache.incr(key)
            except ValueError:  # the window expired between add and incr
                cache.set(key, 1, timeout=120)
                used = 1
            if used <= self.allowed_per_minute():
                return
            wait = 60 - now % 60 + 0.05
            if waited + wait > self.max_wait:
                raise RateLimited(f"{self.name}: request budget spent for this minute", retry_after=wait)
            self._sleep(wait)
            waited += wait

    def refused(self) -> None:
        """Record a refusal: halve the budget for the next half hour."""
        penalty = min(MAX_PENALTY, int(cache.get(self._penalty_key, 0)) + 1)
        cache.set(self._penalty_key, penalty, timeout=PENALTY_SECONDS)

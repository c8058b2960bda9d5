import time

from django.core.cache import cache
from rest_framework import permissions, throttling

from production.models import FactoryApiKey


class IsFactory(permissions.BasePermission):
    """Only requests authenticated with a factory API key."""

    message = "A factory API key is required."

    def has_permission(self, request, view):
        return isinstance(request.auth, FactoryApiKey)


class FactoryKeyThrottle(throttling.SimpleRateThrottle):
    """The ``factory`` rate, counted per API key in fixed windows of the rate's period.

    One atomic increment of a counter per request, so concurrent requests in several
    processes are all counted and the cost does not grow with the rate (DRF's default
    throttle reads and rewrites a list of every request's time). A client may reach up
    to twice the rate across a window's edge; ``Retry-After`` names the window's end.

    Where the cache is shared, the authentication counts the request in ``counter(prefix)``
    in the round trip that reads the key (``factory_api_key_authenticate``); the throttle then
    decides on that count instead of counting again.
    """

    scope = "factory"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, FactoryApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}

    def _window(self, ident: str, now: float) -> tuple[str, float]:
        """The counter of ``ident``'s window at ``now`` and the time that window ends."""
        window = int(now // self.duration)
        return f"{ident}:{window}", (window + 1) * self.duration

    def counter(self, prefix: str) -> tuple[str, int] | None:
        """The counter a request with the key ``prefix`` counts in now, and how long a new one is
        kept; None when there is no rate."""
        if self.rate is None:
            return None
        ident = self.cache_format % {"scope": self.scope, "ident": prefix}
        return self._window(ident, time.time())[0], self.duration + 1

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = time.time()
        key, ends = self._window(ident, now)
        self.wait_seconds = max(1.0, ends - now)
        reads = getattr(request.auth, "poll_reads", None)
        if reads is not None and reads.throttle_count is not None and reads.throttle_count[0] == key:
            count = reads.throttle_count[1]  # counted by the authentication's round trip
        else:
            count = self._count(key)
        return count <= self.num_requests

    def _count(self, key: str) -> int:
        try:
            return cache.incr(key)
        except ValueError:  # the window's first request (or its first after an eviction)
            if cache.add(key, 1, self.duration + 1):
                return 1
            return cache.incr(key)  # another process opened it meanwhile

    def wait(self):
        return self.wait_seconds

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
    """

    scope = "factory"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, FactoryApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"{ident}:{window}"
        self.wait_seconds = max(1.0, (window + 1) * self.duration - now)
        try:
            count = cache.incr(key)
        except ValueError:  # the window's first request (or its first after an eviction)
            if cache.add(key, 1, self.duration + 1):
                return True
            count = cache.incr(key)  # another process opened it meanwhile
        return count <= self.num_requests

    def wait(self):
        return self.wait_seconds

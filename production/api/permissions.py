from rest_framework import permissions, throttling

from production.models import FactoryApiKey


class IsFactory(permissions.BasePermission):
    """Only requests authenticated with a factory API key."""

    message = "A factory API key is required."

    def has_permission(self, request, view):
        return isinstance(request.auth, FactoryApiKey)


class FactoryKeyThrottle(throttling.SimpleRateThrottle):
    """The ``factory`` rate, counted per API key."""

    scope = "factory"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, FactoryApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}

from rest_framework import throttling


class ShopWebhookThrottle(throttling.SimpleRateThrottle):
    """The ``shop_webhook`` rate per sending address, counted before the body is read or its signature checked."""

    scope = "shop_webhook"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

"""``Authorization: Api-Key <key>`` for partner factories."""

from rest_framework import authentication, exceptions

from production import api_keys
from production.models import Factory, FactoryApiKey
from production.selectors import factory_api_key_authenticate
from production.services import factory_api_key_mark_used

from .permissions import FactoryKeyThrottle

KEYWORD = "Api-Key"


class FactoryPrincipal:
    """``request.user`` for a factory: authenticated, but never staff or a Django user."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, api_key: FactoryApiKey):
        self._api_key = api_key

    @property
    def factory(self) -> Factory:
        return self._api_key.factory  # read with the key from a shared cache; else on first use (an idle poll needs none)

    def __str__(self):
        return f"factory:{self.factory.name}"

    def has_perm(self, perm, obj=None):
        return False


class FactoryApiKeyAuthentication(authentication.BaseAuthentication):
    """``request.auth`` is the FactoryApiKey; ``request.auth.factory`` the factory it speaks for."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(f"Malformed Authorization header: expected '{KEYWORD} <key>'.")
        try:
            raw_key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed API key.") from exc
        api_key = factory_api_key_authenticate(raw_key=raw_key, count_in=_throttle_counter(request, raw_key))
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown or malformed API key.")
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        factory_api_key_mark_used(api_key=api_key)
        return FactoryPrincipal(api_key), api_key

    def authenticate_header(self, request):
        return KEYWORD


def _throttle_counter(request, raw_key: str) -> tuple[str, int] | None:
    """Where the view's key throttle will count this request: the key's round trip counts it there
    (FactoryKeyThrottle then decides on that count), so an idle poll asks the cache once."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    prefix = api_keys.key_prefix(raw_key)
    if view is None or prefix is None:
        return None
    for throttle in view.get_throttles():
        if isinstance(throttle, FactoryKeyThrottle):
            return throttle.counter(prefix)
    return None


def request_factory(request) -> Factory | None:
    api_key = getattr(request, "auth", None)
    return api_key.factory if isinstance(api_key, FactoryApiKey) else None

"""``Authorization: Api-Key <key>`` for partner factories."""

from rest_framework import authentication, exceptions

from production.models import Factory, FactoryApiKey
from production.selectors import factory_api_key_authenticate
from production.services import factory_api_key_mark_used

KEYWORD = "Api-Key"


class FactoryPrincipal:
    """``request.user`` for a factory: authenticated, but never staff or a Django user."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, factory: Factory):
        self.factory = factory

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
        api_key = factory_api_key_authenticate(raw_key=raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown or malformed API key.")
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        factory_api_key_mark_used(api_key=api_key)
        return FactoryPrincipal(api_key.factory), api_key

    def authenticate_header(self, request):
        return KEYWORD


def request_factory(request) -> Factory | None:
    api_key = getattr(request, "auth", None)
    return api_key.factory if isinstance(api_key, FactoryApiKey) else None

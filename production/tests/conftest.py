import uuid

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from production.services import factory_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user("merch", password="pw", is_staff=True)


@pytest.fixture
def staff(client, staff_user):
    """The test client, logged in as a merchandiser."""
    client.force_login(staff_user)
    return client


@pytest.fixture
def factory_with_key(db):
    return factory_create(name="Mill A")


@pytest.fixture
def other_factory_with_key(db):
    return factory_create(name="Mill B")


class FactoryClient(APIClient):
    """Sends a fresh Idempotency-Key with each POST that does not bring its own, as the guide's client does."""

    auto_idempotency_key = True

    def post(self, path, data=None, format=None, content_type=None, follow=False, **extra):
        if self.auto_idempotency_key and "HTTP_IDEMPOTENCY_KEY" not in extra:
            extra["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4())
        return super().post(path, data=data, format=format, content_type=content_type, follow=follow, **extra)


@pytest.fixture
def client_for():
    """client_for(raw_key) → an APIClient sending ``Authorization: Api-Key <raw_key>``.

    ``auto_key=False`` leaves the Idempotency-Key to the test.
    """

    def make(raw_key: str | None = None, *, auto_key: bool = True) -> APIClient:
        client = FactoryClient()
        client.auto_idempotency_key = auto_key
        if raw_key:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
        return client

    return make


@pytest.fixture(params=["database", "shared cache"])
def feed_mode(request, settings):
    """Run a test with the feed version read from the database (a per-process cache) and
    kept in a shared cache (Redis in production; this process's cache stands in for it)."""
    settings.C2F_CACHE_SHARED = request.param == "shared cache"
    return request.param


@pytest.fixture
def shared_cache(settings):
    settings.C2F_CACHE_SHARED = True


@pytest.fixture
def per_process_cache(settings):
    settings.C2F_CACHE_SHARED = False

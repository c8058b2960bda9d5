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
def factory_with_key(db):
    return factory_create(name="Mill A")


@pytest.fixture
def other_factory_with_key(db):
    return factory_create(name="Mill B")


@pytest.fixture
def client_for():
    """client_for(raw_key) → an APIClient sending ``Authorization: Api-Key <raw_key>``."""

    def make(raw_key: str | None = None) -> APIClient:
        client = APIClient()
        if raw_key:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
        return client

    return make

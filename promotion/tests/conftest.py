import uuid

import pytest

from promotion.services import link_cache_clear


@pytest.fixture(autouse=True)
def _own_click_keys(settings):
    """Each test counts clicks under keys of its own (Redis outlives a test) and reads links afresh."""
    settings.C2F_CLICK_KEY_PREFIX = f"c2f:test:{uuid.uuid4().hex}"
    link_cache_clear()
    yield
    link_cache_clear()

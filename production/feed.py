"""A factory's feed version: what the factory API's ETags are made of.

Where every process shares one cache (Redis), each change to a factory's orders
bumps a counter there once the change has committed. The counter expires after
``COUNTER_SECONDS`` and restarts from a random value, so even a change whose bump
was lost (a process killed between commit and bump) reaches the factory within
that time. Authentication reads the counter with the key row and counts the
request for the throttle in the same round trip (``production.key_cache``), so an
idle poll is answered from the cache alone, in one round trip.

Where each process has its own cache (the embedded default), one process cannot
see another's bumps; the version is then the latest change and the number of the
factory's released orders, read from the database with the key row in one query
(``production.selectors.factory_api_key_authenticate``).
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

COUNTER_SECONDS = 600


def counter_key(factory_id: int) -> str:
    return f"factory-api:feed:{factory_id}"


def feed_version_in_cache() -> bool:
    return settings.C2F_CACHE_SHARED


def feed_counter(factory_id: int) -> int:
    """The factory's change counter, started at a random value when absent."""
    key = counter_key(factory_id)
    value = cache.get(key)
    if value is None:
        cache.add(key, secrets.randbits(48), COUNTER_SECONDS)
        value = cache.get(key)
    return value


def feed_changed(factory_id: int) -> None:
    """Bump the factory's counter after the current transaction commits (at once outside one)."""
    if not feed_version_in_cache():
        return

    def bump():
        try:
            cache.incr(counter_key(factory_id))
        except ValueError:  # absent: the next reader starts a fresh random counter, a new version too
            pass

    transaction.on_commit(bump)

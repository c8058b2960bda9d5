"""Factories' API keys: issuing, revoking, recording use."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import api_keys, key_cache  # the key format: production/api_keys.py
from ..models import Factory, FactoryApiKey

# Each touch is a write on the polling path; every few minutes is exact enough for "last used".
KEY_TOUCH_INTERVAL = datetime.timedelta(minutes=5)


def factory_api_key_create(*, factory: Factory, name: str = "") -> str:
    """Issue a new key for ``factory``; the returned raw key cannot be recovered later."""
    name = name.strip() if isinstance(name, str) else ""
    FactoryApiKey(factory=factory, name=name).full_clean(
        exclude=["factory", "prefix", "hashed_key"], validate_unique=False
    )
    for _ in range(5):
        prefix = api_keys.new_prefix()
        raw_key = api_keys.build_key(prefix)
        try:
            with transaction.atomic():
                FactoryApiKey.objects.create(
                    factory=factory, name=name, prefix=prefix, hashed_key=api_keys.hash_key(raw_key)
                )
        except IntegrityError:  # prefix collision: draw again
            continue
        return raw_key
    raise RuntimeError("Could not draw an unused API key prefix.")


def factory_api_key_revoke(*, key_id: int, factory: Factory | None = None) -> FactoryApiKey:
    """Revoke a key at once; revoking twice keeps the first time. Saving the key drops its row
    cached for authentication (``production.key_cache``), so every process refuses it from then on.

    With ``factory``, a key of another factory is not found (``FactoryApiKey.DoesNotExist``).
    """
    keys = FactoryApiKey.objects.select_for_update()
    if factory is not None:
        keys = keys.filter(factory=factory)
    with transaction.atomic():
        api_key = keys.get(pk=key_id)
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
    return api_key


def factory_api_key_mark_used(*, api_key: FactoryApiKey, now: datetime.datetime | None = None) -> bool:
    """Record use, at most once per KEY_TOUCH_INTERVAL so polling does not write on every request.

    True when it wrote. A key read by ``factory_api_key_authenticate`` from a shared cache is
    cached again with its new ``last_used_at``, unless the key changed since it was read (a
    revoke racing this request): then the cache keeps it dropped.
    """
    now = now or timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < KEY_TOUCH_INTERVAL:
        return False
    FactoryApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
    reads = getattr(api_key, "poll_reads", None)
    if api_key.revoked_at is None and reads is not None and reads.cache_generation is not None:
        key_cache.store(api_key=api_key, generation=reads.cache_generation)
    return True

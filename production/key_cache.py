"""Factory key rows kept in the shared cache, and the one round trip that authenticates an API request.

Where every process shares one cache (Redis), a key's row is kept there for
``api_keys.CACHE_SECONDS``, so a poll needs no query. Three entries per key prefix:

  ``factory-api:key:<prefix>``             the row with its factory, pickled as Django's cache stores it
  ``factory-api:key-check:<prefix>``       ``<factory id>:<SHA-256 of the key>``, which the script below reads
  ``factory-api:key-generation:<prefix>``  moved on by every change to the key; never expires

A revoke or a delete that races a request cannot be undone by it:

* every change to a key row — a save (revoking is one), a delete (the admin's, a factory's
  cascade, a queryset's) or a queryset update — calls ``drop``: the cached row goes and the
  generation moves on, at once and again once the change has committed;
* a row is cached only by ``store``, with the generation read *before* the row was read, in one
  server-side step that refuses when the generation has moved since. A request that read the row
  before a revoke committed can therefore never put it back after the revoke dropped it, neither
  when it fills the cache nor when it records the key's last use.

``read`` is all an API request asks the cache, in one round trip (one script): the row and the
generation and, only for a key that matches the row's hash, the request counted in its throttle
window and the factory's feed version (``production.feed``). An idle poll needs nothing more.

A shared cache that cannot run scripts (the tests' stand-in for Redis) is served the same through
Django's cache API, one call at a time: exact for the single process it is used in.
"""

import copy
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, transaction

from core.cache import RedisCache

from . import api_keys, feed

READ = """
-- KEYS: the row, its check, its generation, and the throttle window's counter when one is given.
-- ARGV: the SHA-256 of the key presented, a new feed counter's start, the throttle counter's lifetime.
local generation = redis.call('get', KEYS[3]) or ''
local row = redis.call('get', KEYS[1])
local check = redis.call('get', KEYS[2])
if not row or not check then
    return {false, generation}
end
local factory, hashed = string.match(check, '^(%%d+):(%%x+)$')
if not hashed or hashed ~= ARGV[1] then
    return {row, generation}
end
local count = false
if #KEYS > 3 then
    count = redis.call('incr', KEYS[4])
    if count == 1 then
        redis.call('expire', KEYS[4], ARGV[3])
    end
end
local counter = '%(counter_base)s' .. factory
local version = redis.call('get', counter)
if not version then
    version = ARGV[2]
    redis.call('set', counter, version, 'ex', %(counter_seconds)d)
end
return {row, generation, count, version}
"""

STORE = """
-- KEYS: the row, its check, its generation. ARGV: the generation read before the row, the row, the check, seconds.
if (redis.call('get', KEYS[3]) or '') ~= ARGV[1] then
    return 0
end
redis.call('set', KEYS[1], ARGV[2], 'ex', ARGV[4])
redis.call('set', KEYS[2], ARGV[3], 'ex', ARGV[4])
return 1
"""

DROP = """
-- KEYS: the row, check and generation of each key in turn.
for i = 1, #KEYS, 3 do
    redis.call('del', KEYS[i], KEYS[i + 1])
    redis.call('incr', KEYS[i + 2])
end
return #KEYS / 3
"""


def check_key(prefix: str) -> str:
    return f"factory-api:key-check:{prefix}"


def generation_key(prefix: str) -> str:
    return f"factory-api:key-generation:{prefix}"


@dataclass(frozen=True)
class CachedKey:
    """What ``read`` found: ``api_key`` is None when the row is not cached."""

    api_key: object | None
    generation: str
    throttle_count: int | None = None  # requests in the throttle window, this one included; None: not counted
    feed_counter: int | None = None  # the factory's feed counter; None: not read


_READ_SOURCES: dict[str, str | None] = {}  # per feed counters' key less the factory id


def _scripted() -> tuple[RedisCache, str] | None:
    """The Redis cache and the read script for its key names, or None where scripts cannot serve."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    base = backend.make_key(feed.counter_key(""))
    source = _READ_SOURCES.get(base, False)
    if source is False:
        if backend.make_key(feed.counter_key(0)) != f"{base}0" or "'" in base or "\\" in base:
            source = None  # a KEY_FUNCTION that does not just prefix: the script could not name a counter
        else:
            source = READ % {"counter_base": base, "counter_seconds": feed.COUNTER_SECONDS}
        _READ_SOURCES[base] = source
    return None if source is None else (backend, source)


def read(*, prefix: str, hashed_key: str, count_in: tuple[str, int] | None = None) -> CachedKey:
    """The cached row of ``prefix`` and its generation; where the row's hash is ``hashed_key``, also
    the request counted in ``count_in`` (a counter and how long a new one is kept) and the feed counter."""
    scripted = _scripted()
    if scripted is None:
        row_key, gen_key = api_keys.cache_key(prefix), generation_key(prefix)
        found = cache.get_many([row_key, gen_key])
        return CachedKey(found.get(row_key), str(found.get(gen_key, "")))
    keys = [api_keys.cache_key(prefix), check_key(prefix), generation_key(prefix)]
    args = [hashed_key, secrets.randbits(48)]
    if count_in is not None:
        keys.append(count_in[0])
        args.append(count_in[1])
    backend, source = scripted
    reply = backend.run_script(source, keys=keys, args=args) + [None, None]
    row, generation, count, counter = reply[:4]
    return CachedKey(
        api_key=None if row is None else backend.loads(row),
        generation=generation.decode() if isinstance(generation, bytes) else str(generation),
        throttle_count=count,
        feed_counter=None if counter is None else int(counter),
    )


def store(*, api_key, generation: str) -> bool:
    """Cache ``api_key``'s row, unless the key has changed since ``generation`` was read (then False)."""
    row = copy.copy(api_key)
    for extra in set(row.__dict__) - {f.attname for f in row._meta.concrete_fields} - {"_state"}:
        del row.__dict__[extra]  # what a request read beside the row is not the row's
    scripted = _scripted()
    if scripted is None:
        if str(cache.get(generation_key(api_key.prefix), "")) != generation:
            return False
        cache.set(api_keys.cache_key(api_key.prefix), row, api_keys.CACHE_SECONDS)
        return True
    backend, _ = scripted
    stored = backend.run_script(
        STORE,
        keys=[api_keys.cache_key(api_key.prefix), check_key(api_key.prefix), generation_key(api_key.prefix)],
        args=[generation, backend.dumps(row), f"{api_key.factory_id}:{api_key.hashed_key}", api_keys.CACHE_SECONDS],
    )
    return bool(stored)


def drop(prefixes: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Forget the cached rows of ``prefixes`` and move their generations on: now, and again once the
    current transaction commits (a request may have read the old row in between)."""
    prefixes = list(dict.fromkeys(prefixes))
    if not prefixes:
        return

    def forget():
        scripted = _scripted()
        if scripted is None:
            cache.delete_many([k for p in prefixes for k in (api_keys.cache_key(p), check_key(p))])
            for prefix in prefixes:
                if not cache.add(generation_key(prefix), 1, None):
                    cache.incr(generation_key(prefix))
            return
        scripted[0].run_script(
            DROP,
            keys=[k for p in prefixes for k in (api_keys.cache_key(p), check_key(p), generation_key(p))]
        )

    forget()
    transaction.on_commit(forget, using=using)

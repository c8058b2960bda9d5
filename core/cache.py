"""Django's Redis cache, keeping one redis-py client per connection pool, with an atomic ``incr``
and server-side scripts on the cache's own keys.

Django builds a new ``redis.Redis`` object for every cache call, and redis-py's
constructor fills a table of some 170 response callbacks each time: about a fifth
of a millisecond, several times per API request. A client object takes a
connection from its pool per command, so one per pool can be shared by every
thread of a process (redis-py resets pools in a forked child).

Django's ``incr`` asks whether the key exists, then increments it: two round trips,
and a key that expires in between comes back as a new key with no expiry. Here
one server-side script does both.

``RedisCache.run_script(source, keys=..., args=...)`` runs a Lua script in one round trip on keys named as
everywhere else in Django (its key prefix and version are applied), so a request
that needs several values can read and write them together. Values that Django
stored come back as stored: integers as digits, anything else pickled (``loads``).
"""

from collections.abc import Sequence

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


INCR_IF_EXISTS = """
if redis.call('exists', KEYS[1]) == 1 then
    return redis.call('incrby', KEYS[1], ARGV[1])
end
return false
"""


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._scripts = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client

    def run_script(self, source: str, keys: Sequence[str], args: Sequence):
        """Run ``source`` on the server with made ``keys``: one round trip (EVALSHA) once the server knows it."""
        client = self.get_client(write=True)
        script = self._scripts.get((id(client), source))
        if script is None:
            script = self._scripts[(id(client), source)] = client.register_script(source)
        return script(keys=list(keys), args=list(args))

    def incr(self, key, delta):
        value = self.run_script(INCR_IF_EXISTS, [key], [delta])
        if value is None:
            raise ValueError("Key '%s' not found." % key)
        return value


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient

    def run_script(self, source: str, *, keys: Sequence[str] = (), args: Sequence = ()):
        """Run the Lua ``source`` on the server in one round trip, on this cache's ``keys``."""
        return self._cache.run_script(source, [self.make_key(key) for key in keys], args)

    def dumps(self, value) -> bytes | int:
        """``value`` as ``set`` stores it: an int as is, anything else pickled."""
        return self._cache._serializer.dumps(value)

    def loads(self, raw: bytes):
        """A value as ``set`` stored it, read raw by a script."""
        return self._cache._serializer.loads(raw)

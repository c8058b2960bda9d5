"""Django's Redis cache, keeping one redis-py client per connection pool.

Django builds a new ``redis.Redis`` object for every cache call, and redis-py's
constructor fills a table of some 170 response callbacks each time: about a fifth
of a millisecond, several times per API request. A client object takes a
connection from its pool per command, so one per pool can be shared by every
thread of a process (redis-py resets pools in a forked child).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient

"""The Redis cache backend that keeps one redis-py client per connection pool."""

import threading
import time

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.cache import RedisCache

from .redis_server import redis_server

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis"), env_var="REDIS_URL") as url:
        yield url


@pytest.fixture
def backend(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": "core-cache-test", "TIMEOUT": 60})
    cache.clear()
    yield cache
    cache.clear()


def test_one_client_serves_every_call(backend):
    first = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=True) is first
    assert backend._cache.get_client() is first  # one server: reads and writes share its pool
    assert isinstance(backend, DjangoRedisCache)


def test_it_behaves_as_djangos_backend(backend):
    backend.set("page", b"x" * 50_000)
    assert backend.get("page") == b"x" * 50_000
    assert backend.add("count", 1) and not backend.add("count", 5)
    assert backend.incr("count") == 2
    with pytest.raises(ValueError):
        backend.incr("absent")
    backend.set_many({"a": {"k": [1, 2]}, "b": None})
    assert backend.get_many(["a", "b", "c"]) == {"a": {"k": [1, 2]}, "b": None}
    backend.delete("page")
    assert backend.get("page", "gone") == "gone"


def test_incr_is_one_atomic_step_that_keeps_the_expiry(backend):
    backend.set("window", 5, timeout=30)
    assert backend.incr("window", 3) == 8 and backend.decr("window") == 7
    client = backend._cache.get_client(write=True)
    assert 0 < client.ttl(backend.make_key("window")) <= 30
    backend.set("short", 1, timeout=1)
    client.pexpire(backend.make_key("short"), 1)
    time.sleep(0.01)
    with pytest.raises(ValueError):
        backend.incr("short")
    assert backend.get("short") is None  # not brought back without an expiry


def test_concurrent_increments_are_all_counted(backend):
    backend.set("hits", 0)

    def hit():
        for _ in range(100):
            backend.incr("hits")

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert backend.get("hits") == 800


def test_threads_share_the_client_without_mixing_answers(backend):
    wrong = []

    def work(n):
        for i in range(200):
            backend.set(f"t{n}", i)
            if backend.get(f"t{n}") != i:
                wrong.append((n, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert backend.get_many([f"t{n}" for n in range(8)]) == {f"t{n}": 199 for n in range(8)}


def test_a_script_runs_in_one_round_trip_on_the_caches_own_keys(backend):
    backend.set("count", 5)
    backend.set("row", {"name": "Mill"})
    source = "local n = redis.call('incrby', KEYS[1], ARGV[1]); return {n, redis.call('get', KEYS[2]), redis.call('get', KEYS[3])}"
    count, row, absent = backend.run_script(source, keys=["count", "row", "absent"], args=[2])
    assert count == 7 and backend.get("count") == 7  # the key as Django names it, prefix and version
    assert backend.loads(row) == {"name": "Mill"} and absent is None
    assert backend.loads(backend.dumps(12)) == 12 and backend.loads(backend.dumps([1, "a"])) == [1, "a"]
    client = backend._cache.get_client(write=True)
    client.script_flush()  # a server that forgot the script (a restart) is given it again
    assert backend.run_script(source, keys=["count", "row", "absent"], args=[1])[0] == 8

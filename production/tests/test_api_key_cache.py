"""Factory keys kept in a shared cache (Redis) for authentication.

A key deleted or revoked by any path is refused at once; a request that read the key
before the change cannot bring it back, neither by filling the cache nor by recording
the key's use; an idle poll is one round trip to Redis and no query. Against a real
redis-server of the test's own (core/tests/redis_server.py).
"""

import threading

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from core.tests.redis_server import redis_server
from production import api_keys, key_cache
from production.api.permissions import FactoryKeyThrottle
from production.models import FactoryApiKey
from production.selectors import factory_api_key_authenticate, factory_feed_version
from production.services import KEY_TOUCH_INTERVAL, factory_api_key_mark_used, factory_api_key_revoke, factory_create

from .test_api import LIST, assert_error
from .test_api_reporting import released_order

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def command_names(packed) -> list[str]:
    """The commands in what redis-py sent in one write: arrays of bulk strings, one per command."""
    data = b"".join(bytes(part) for part in packed) if isinstance(packed, list | tuple) else bytes(packed)
    names, lines, i = [], data.split(b"\r\n"), 0
    while i < len(lines) and lines[i].startswith(b"*"):
        count = int(lines[i][1:])
        names.append(lines[i + 2].decode().upper())
        i += 1 + 2 * count
    return names


class CountingConnection(redis.Connection):
    """A real connection that records each write to the server: one entry per round trip.

    ``before_send[thread id]``, when set, runs in that thread before each write: a test holds a
    request there to let another change happen in between."""

    sent: list[list[str]] = []
    before_send: dict = {}

    def send_packed_command(self, command, check_health=True):
        CountingConnection.sent.append(command_names(command))
        hook = CountingConnection.before_send.get(threading.get_ident())
        if hook is not None:
            hook()
        return super().send_packed_command(command, check_health)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis"), env_var="REDIS_URL") as url:
        yield url


@pytest.fixture
def round_trips(redis_url, settings):
    """The project's cache on the test's redis-server, shared as in production; what each round trip sent."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "key-cache-test",
            "OPTIONS": {"connection_class": CountingConnection},
        }
    }
    settings.C2F_CACHE_SHARED = True
    cache.clear()
    CountingConnection.sent = []
    yield CountingConnection.sent
    CountingConnection.before_send.clear()
    cache.clear()


def cached_row(api_key: FactoryApiKey):
    return cache.get(api_keys.cache_key(api_key.prefix))


# --- One round trip ----------------------------------------------------------


def test_an_idle_poll_is_one_round_trip_and_no_query(round_trips, client_for, factory_with_key, django_assert_num_queries):
    factory, raw_key = factory_with_key
    released_order(factory)
    client = client_for(raw_key)
    etag = client.get(LIST)["ETag"]  # fills the cache and records the key's use
    assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304
    round_trips.clear()
    with django_assert_num_queries(0):
        idle = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert idle.status_code == 304 and idle["ETag"] == etag
    assert round_trips == [["EVALSHA"]]  # key row, throttle count and feed version in one script

    round_trips.clear()
    with django_assert_num_queries(0):
        page = client.get(LIST)
    assert page.status_code == 200 and page["ETag"] == etag
    assert round_trips == [["EVALSHA"], ["GET"]]  # and the page rendered for this ETag


def test_the_throttle_counts_in_that_round_trip_and_only_a_matching_key(round_trips, client_for, factory_with_key, monkeypatch):
    monkeypatch.setattr(FactoryKeyThrottle, "THROTTLE_RATES", {"factory": "2/min"})
    factory, raw_key = factory_with_key
    client = client_for(raw_key)
    assert client.get(LIST).status_code == 200
    forged = client_for(raw_key[: raw_key.rindex("_") + 1] + "x" * 43)
    for _ in range(5):  # a wrong secret with the key's real prefix spends nothing of the key's rate
        assert_error(forged.get(LIST), 401)
    assert client.get(LIST).status_code == 200
    throttled = client.get(LIST)
    assert_error(throttled, 429, "throttled")
    assert 1 <= int(throttled["Retry-After"]) <= 60
    counter = FactoryKeyThrottle().counter(FactoryApiKey.objects.get(factory=factory).prefix)[0]
    assert cache.get(counter) == 3
    assert 0 < cache._cache.get_client().ttl(cache.make_key(counter)) <= 61


def test_a_cached_key_gives_the_same_etags_and_answers(round_trips, client_for, factory_with_key, other_factory_with_key):
    factory, raw_key = factory_with_key
    order = released_order(factory)
    client = client_for(raw_key)
    first = client.get(LIST)
    again = client.get(LIST)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert client.get(f"/api/v1/factory/orders/{order.pk}/")["ETag"] != first["ETag"]
    _, other_key = other_factory_with_key
    assert client_for(other_key).get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_version_read_with_the_key_is_the_factorys_feed_version(round_trips, factory_with_key):
    factory, raw_key = factory_with_key
    released_order(factory)
    factory_api_key_authenticate(raw_key=raw_key)  # fills the cache
    api_key = factory_api_key_authenticate(raw_key=raw_key)
    assert api_key.poll_reads.feed_version == factory_feed_version(factory_id=factory.pk)
    assert api_key.poll_reads.cache_generation is not None


# --- Every change drops the cached row ----------------------------------------


def _revoke_in_admin(admin_client, key):
    admin_client.post("/admin/production/factoryapikey/", {"action": "revoke", "_selected_action": [key.pk]})


def _delete_selected_in_admin(admin_client, key):
    admin_client.post(
        "/admin/production/factoryapikey/", {"action": "delete_selected", "_selected_action": [key.pk], "post": "yes"}
    )


CHANGES = {
    "revoked by the service": lambda admin, key: factory_api_key_revoke(key_id=key.pk),
    "revoked by the admin action": _revoke_in_admin,
    "deleted on its admin page": lambda admin, key: admin.post(f"/admin/production/factoryapikey/{key.pk}/delete/", {"post": "yes"}),
    "deleted by the admin's bulk delete": _delete_selected_in_admin,
    "deleted with its factory in the admin": lambda admin, key: admin.post(
        f"/admin/production/factory/{key.factory_id}/delete/", {"post": "yes"}
    ),
    "revoked by a queryset update": lambda admin, key: FactoryApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now()),
    "deleted by a queryset delete": lambda admin, key: FactoryApiKey.objects.filter(pk=key.pk).delete(),
    "deleted": lambda admin, key: key.delete(),
}


def _refused(key: FactoryApiKey) -> bool:
    """The change took: the key is revoked or gone."""
    row = FactoryApiKey.objects.filter(pk=key.pk).first()
    return row is None or row.revoked_at is not None


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_key_is_refused_at_once(round_trips, client_for, factory_with_key, admin_client, change):
    factory, raw_key = factory_with_key
    client = client_for(raw_key)
    key = FactoryApiKey.objects.get(factory=factory)
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 200
    assert cached_row(key) is not None

    CHANGES[change](admin_client, key)

    assert _refused(key)
    assert cached_row(key) is None
    response = client.get(LIST)
    assert_error(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"
    assert cached_row(key) is None or cached_row(key).revoked_at is not None


def test_recording_use_keeps_the_row_cached(round_trips, client_for, factory_with_key):
    factory, raw_key = factory_with_key
    key = FactoryApiKey.objects.get(factory=factory)
    client_for(raw_key).get(LIST)
    FactoryApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    assert cached_row(key) is not None


# --- A request in flight during a change --------------------------------------


def test_recording_use_after_a_revoke_does_not_bring_the_key_back(round_trips, client_for, factory_with_key):
    factory, raw_key = factory_with_key
    client = client_for(raw_key)
    assert client.get(LIST).status_code == 200
    key = FactoryApiKey.objects.get(factory=factory)

    in_flight = factory_api_key_authenticate(raw_key=raw_key)  # a request reads the cached key...
    factory_api_key_revoke(key_id=key.pk)  # ...the key is revoked meanwhile...
    later = timezone.now() + KEY_TOUCH_INTERVAL
    assert factory_api_key_mark_used(api_key=in_flight, now=later)  # ...and the request records its use

    assert cached_row(key) is None
    assert_error(client.get(LIST), 401)


def test_recording_use_after_a_delete_does_not_bring_the_key_back(round_trips, client_for, factory_with_key):
    factory, raw_key = factory_with_key
    client = client_for(raw_key)
    assert client.get(LIST).status_code == 200
    key = FactoryApiKey.objects.get(factory=factory)

    in_flight = factory_api_key_authenticate(raw_key=raw_key)
    key.delete()
    factory_api_key_mark_used(api_key=in_flight, now=timezone.now() + KEY_TOUCH_INTERVAL)

    assert cached_row(key) is None
    assert_error(client.get(LIST), 401)


def test_a_row_read_before_a_change_is_not_stored_after_it(round_trips, factory_with_key):
    factory, _ = factory_with_key
    key = FactoryApiKey.objects.select_related("factory").get(factory=factory)
    before = key_cache.read(prefix=key.prefix, hashed_key=key.hashed_key).generation
    key_cache.drop([key.prefix])
    assert not key_cache.store(api_key=key, generation=before)
    assert cached_row(key) is None
    now = key_cache.read(prefix=key.prefix, hashed_key=key.hashed_key).generation
    assert now != before and key_cache.store(api_key=key, generation=now)
    assert cached_row(key) == key


RACING_CHANGES = {
    "revoke": lambda key: factory_api_key_revoke(key_id=key.pk),
    "delete": lambda key: key.delete(),
    "queryset update": lambda key: FactoryApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now()),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", RACING_CHANGES)
def test_a_cache_fill_that_read_the_key_before_a_change_does_not_bring_it_back(round_trips, client_for, change):
    """A request finds no cached row and reads it from the database; the change commits and drops
    the cached row; only then does the request write its copy to the cache."""
    factory, raw_key = factory_create(name="Mill R")
    key = FactoryApiKey.objects.get(factory=factory)
    row_read, held, changed = threading.Event(), threading.Event(), threading.Event()
    in_flight = {}

    def note_the_key_read(execute, sql, params, many, context):
        if 'FROM "production_factoryapikey"' in sql:
            row_read.set()
        return execute(sql, params, many, context)

    def hold_the_next_cache_write():  # the row is read and its statement done: nothing in the database waits
        if row_read.is_set() and not held.is_set():
            held.set()
            changed.wait(20)

    def request():
        CountingConnection.before_send[threading.get_ident()] = hold_the_next_cache_write
        try:
            with connection.execute_wrapper(note_the_key_read):
                in_flight["key"] = factory_api_key_authenticate(raw_key=raw_key)
        finally:
            connection.close()

    thread = threading.Thread(target=request)
    thread.start()
    try:
        assert held.wait(20), "the request never wrote to the cache after reading the key"
        RACING_CHANGES[change](key)
    finally:
        changed.set()
        thread.join(20)
    assert in_flight["key"] is not None and in_flight["key"].revoked_at is None  # it read the key before the change

    assert cached_row(key) is None
    assert_error(client_for(raw_key).get(LIST), 401)
    assert _refused(key)


def test_without_a_shared_cache_nothing_is_cached(client_for, factory_with_key, per_process_cache):
    factory, raw_key = factory_with_key
    assert client_for(raw_key).get(LIST).status_code == 200
    key = FactoryApiKey.objects.get(factory=factory)
    assert cache.get(api_keys.cache_key(key.prefix)) is None
    assert key_cache.read(prefix=key.prefix, hashed_key=key.hashed_key).api_key is None

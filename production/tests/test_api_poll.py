"""What an idle poll costs: its ETag comes with the key, so a current one is answered before any
filter is built or list query run. Redis round trips are bounded in test_api_key_cache.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tests.queries import statement_of
from production.selectors import factory_api_key_authenticate, factory_feed_version

from .factories import ProductionOrderFactory
from .test_api import LIST, assert_error
from .test_api_reporting import released_order

pytestmark = pytest.mark.django_db


def test_without_a_shared_cache_an_idle_poll_is_the_keys_one_query(client_for, factory_with_key, per_process_cache):
    factory, raw_key = factory_with_key
    released_order(factory)
    client = client_for(raw_key)
    etag = client.get(LIST, {"status": "released"})["ETag"]
    with CaptureQueriesContext(connection) as queries:
        idle = client.get(LIST, {"status": "released"}, HTTP_IF_NONE_MATCH=etag)
    assert idle.status_code == 304
    assert len(queries) == 1
    sql = statement_of(queries[0]["sql"])
    assert 'FROM "production_factoryapikey"' in sql and "status" not in sql  # the key and its version; no list


def test_without_a_shared_cache_the_key_comes_with_its_factorys_feed_version(factory_with_key, per_process_cache):
    factory, raw_key = factory_with_key
    released_order(factory)
    api_key = factory_api_key_authenticate(raw_key=raw_key)
    assert api_key.poll_reads.feed_version == factory_feed_version(factory_id=factory.pk)
    assert api_key.poll_reads.feed_version[2] == 1  # the number of orders it sees


def test_any_change_to_the_factorys_orders_changes_every_list_etag(
    client_for, factory_with_key, feed_mode, django_capture_on_commit_callbacks
):
    factory, raw_key = factory_with_key
    released_order(factory)
    client = client_for(raw_key)
    etag = client.get(LIST, {"status": "accepted"})["ETag"]
    assert client.get(LIST, {"status": "accepted"}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        gone = ProductionOrderFactory(factory=factory, status="released")
        released = released_order(factory)
    assert client.get(LIST, {"status": "accepted"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    etag = client.get(LIST, {"status": "accepted"})["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()  # not the latest change: the count still moves the version
    assert released.pk and client.get(LIST, {"status": "accepted"}, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_star_is_304_only_for_a_list_whose_filters_are_valid(client_for, factory_with_key, feed_mode):
    factory, raw_key = factory_with_key
    released_order(factory)
    client = client_for(raw_key)
    assert client.get(LIST, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get(LIST, {"status": "released"}, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert_error(client.get(LIST, {"status": "melted"}, HTTP_IF_NONE_MATCH="*"), 400)
    assert_error(client.get(LIST, {"updated_since": "yesterday"}, HTTP_IF_NONE_MATCH="*"), 400)

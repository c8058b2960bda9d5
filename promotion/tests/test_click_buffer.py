"""Clicks through Redis, as deployed: web processes answer at once and hand clicks over in batches,
and the repeat window and the flood limit hold across processes."""

import time

import pytest

from core.tests.redis_server import redis_server
from promotion.models import Click
from promotion.services import clicks as clicks_module
from promotion.services import clicks_flush, link_target, tracked_link_create

from .factories import CampaignFactory, PostFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis"), env_var="REDIS_URL") as url:
        yield url


@pytest.fixture
def target(redis_url, settings):
    settings.C2F_CLICK_BUFFER_URL = redis_url
    campaign = CampaignFactory(status="active")
    link = tracked_link_create(campaign=campaign, post=PostFactory(campaign=campaign, channel="x"), source="x")
    return link_target(link.code)


def _another_process(monkeypatch):
    """What a second web process holds: nothing of this one's memory."""
    monkeypatch.setattr(clicks_module, "_batch", clicks_module._Batch())


def test_a_visitor_counted_by_two_processes_is_stored_once(target, monkeypatch):
    assert clicks_module.click_record(link=target, address="203.0.113.1", user_agent=PHONE) == "recorded"
    assert clicks_module.click_record(link=target, address="203.0.113.1", user_agent=PHONE) == "repeat"
    clicks_module.clicks_push()
    _another_process(monkeypatch)
    assert clicks_module.click_record(link=target, address="203.0.113.1", user_agent=PHONE) == "recorded"
    clicks_module.click_record(link=target, address="203.0.113.2", user_agent=PHONE)
    assert clicks_flush() == 2
    assert sorted(Click.objects.values_list("channel", "device")) == [("x", "mobile"), ("x", "mobile")]


def test_a_flood_spread_over_processes_is_held_to_the_limit_and_then_refused_by_all(target, monkeypatch, settings):
    settings.C2F_CLICK_FLOOD_RATE = "5/min"
    for i in range(4):
        clicks_module.click_record(link=target, address="203.0.113.9", user_agent=f"{PHONE} a{i}")
    clicks_module.clicks_push()
    _another_process(monkeypatch)
    for i in range(4):  # this process alone has not reached the limit
        assert clicks_module.click_record(link=target, address="203.0.113.9", user_agent=f"{PHONE} b{i}") == "recorded"
    clicks_module.clicks_push()  # Redis counts 8 from this source: it is over the limit everywhere
    assert clicks_module.click_record(link=target, address="203.0.113.9", user_agent=f"{PHONE} c") == "flood"
    assert clicks_module.click_record(link=target, address="198.51.100.1", user_agent=PHONE) == "recorded"
    assert clicks_flush() == 6  # five from the flooding source, one from another


def test_the_process_hands_its_clicks_over_by_itself(target, redis_url, settings):
    import redis

    clicks_module.click_record(link=target, address="203.0.113.3", user_agent=PHONE)
    queue = f"{settings.C2F_CLICK_KEY_PREFIX}:buffer"
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 5
    while client.llen(queue) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.llen(queue) == 1 and clicks_module._batch.pending == []
    assert clicks_flush() == 1 and client.llen(queue) == 0

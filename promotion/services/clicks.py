"""Recording clicks on tracked links: fast for the shopper, nothing personal kept, floods held back.

``click_record`` decides from the request's facts (``promotion.click_log``) and writes at most one
row. Two ways to write, chosen by ``C2F_CLICK_BUFFER_URL`` (default ``REDIS_URL``):

- with Redis: one server-side script per click counts the source's requests this minute, keeps one
  visitor's repeats within the window out, and appends the click to a list, in one round trip; beat
  runs ``clicks_flush`` every few seconds, which stores the list with one INSERT per batch;
- without (the embedded default): the same checks in Django's cache and one INSERT per click.

A failure to record never fails the redirect: the caller logs it and sends the shopper on.
"""

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .. import click_log
from ..models import Click, TrackedLink

logger = logging.getLogger(__name__)

RECORDED, FLOOD, REPEAT = "recorded", "flood", "repeat"

# Counts a source's clicks this minute, refuses a repeat of a visitor within the window, and queues
# the click: one round trip. Returns 1 recorded, 2 over the flood limit, 3 a repeat.
_RECORD_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then return 2 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then return 3 end
redis.call('RPUSH', KEYS[3], ARGV[4])
return 1
"""
_RESULTS = {1: RECORDED, 2: FLOOD, 3: REPEAT}


@dataclass(frozen=True)
class LinkTarget:
    """What the redirect needs of a link, kept in each process for ``C2F_LINK_CACHE_SECONDS``."""

    id: int
    campaign_id: int
    channel: str
    location: str
    is_demo: bool


_links: dict[str, tuple[float, LinkTarget | None]] = {}
_links_lock = threading.Lock()
_LINKS_MAX = 20_000


def link_target(code: str) -> LinkTarget | None:
    """The link behind ``code`` (None when there is none), from this process's short-lived cache or one query."""
    ttl = getattr(settings, "C2F_LINK_CACHE_SECONDS", 30)
    now = time.monotonic()
    hit = _links.get(code)
    if hit is not None and hit[0] > now:
        return hit[1]
    from .links import tracked_link_destination

    link = (TrackedLink.objects.filter(code=code).select_related("campaign")
            .only("id", "campaign_id", "channel", "destination_url", "utm_source", "utm_medium", "utm_campaign",
                  "utm_content", "utm_term", "campaign__is_demo")
            .first())
    target = None if link is None else LinkTarget(
        id=link.pk, campaign_id=link.campaign_id, channel=link.channel or link.utm_source[:10],
        location=tracked_link_destination(link=link), is_demo=link.campaign.is_demo,
    )
    if ttl > 0:
        with _links_lock:
            if len(_links) >= _LINKS_MAX:
                _links.clear()
            _links[code] = (now + ttl, target)
    return target


def link_cache_clear(code: str | None = None) -> None:
    with _links_lock:
        if code is None:
            _links.clear()
        else:
            _links.pop(code, None)


def _rate() -> tuple[int, int]:
    count, _, unit = str(getattr(settings, "C2F_CLICK_FLOOD_RATE", "60/min")).partition("/")
    seconds = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600}.get(unit.strip().lower(), 60)
    return int(count), seconds


_redis_clients: dict[str, object] = {}


def _buffer():
    url = getattr(settings, "C2F_CLICK_BUFFER_URL", "")
    if not url:
        return None
    client = _redis_clients.get(url)
    if client is None:
        import redis

        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return client


def _keys(source: str, visitor: str, link_id: int, window: int) -> tuple[str, str, str]:
    base = getattr(settings, "C2F_CLICK_KEY_PREFIX", "c2f:clicks")
    bucket = int(time.time() // window)
    return f"{base}:flood:{source}:{bucket}", f"{base}:seen:{visitor}:{link_id}", f"{base}:buffer"


def click_record(*, link: LinkTarget, address: str, user_agent: str, referrer: str = "", country: str = "",
                 at: datetime | None = None) -> str:
    """Record one person's click on ``link``: ``recorded``, or ``flood`` / ``repeat`` when it is held back.

    ``country`` is the value of the trusted country header, if the deployment names one; ``address``
    and ``user_agent`` only make the day's keys and are not kept.
    """
    at = at or datetime.now(UTC)
    salt = click_log.daily_salt(settings.SECRET_KEY, at.date())
    visitor = click_log.visitor_key(salt=salt, address=address, user_agent=user_agent)
    source = click_log.source_key(salt=salt, address=address)
    limit, window = _rate()
    dedup = int(getattr(settings, "C2F_CLICK_DEDUP_SECONDS", 1800))
    flood_key, seen_key, buffer_key = _keys(source, visitor, link.id, window)
    row = {
        "l": link.id, "c": link.campaign_id, "ch": link.channel, "t": at.timestamp(),
        "d": click_log.device_class(user_agent), "co": click_log.trusted_country(country),
        "r": click_log.referrer_origin(referrer), "demo": link.is_demo,
    }
    client = _buffer()
    if client is not None:
        script = _redis_clients.get("script")
        if script is None:
            script = _redis_clients["script"] = client.register_script(_RECORD_SCRIPT)
        result = script(keys=[flood_key, seen_key, buffer_key],
                        args=[window, limit, dedup, json.dumps(row, separators=(",", ":"))], client=client)
        return _RESULTS[int(result)]
    cache.add(flood_key, 0, timeout=window)
    try:
        hits = cache.incr(flood_key)
    except ValueError:
        cache.set(flood_key, 1, timeout=window)
        hits = 1
    if hits > limit:
        return FLOOD
    if not cache.add(seen_key, 1, timeout=dedup):
        return REPEAT
    Click.objects.create(**_click_fields(row))
    return RECORDED


def _click_fields(row: dict) -> dict:
    return {
        "link_id": row["l"], "campaign_id": row["c"], "channel": row["ch"][:10],
        "at": datetime.fromtimestamp(row["t"], UTC), "device": row["d"], "country": row["co"],
        "referrer": row["r"][:300], "is_demo": bool(row.get("demo")),
    }


def clicks_flush(*, batch: int = 5000, max_batches: int = 100) -> int:
    """Store the clicks waiting in Redis, one INSERT per ``batch``; returns how many were stored.

    Items are taken off the list atomically; if the INSERT fails they are put back and the error raised.
    """
    client = _buffer()
    if client is None:
        return 0
    key = f"{getattr(settings, 'C2F_CLICK_KEY_PREFIX', 'c2f:clicks')}:buffer"
    stored = 0
    for _ in range(max_batches):
        with client.pipeline() as pipe:
            pipe.lrange(key, 0, batch - 1)
            pipe.ltrim(key, batch, -1)
            items, _ = pipe.execute()
        if not items:
            break
        try:
            rows = [json.loads(item) for item in items]
            known = set(TrackedLink.objects.filter(pk__in={r["l"] for r in rows}).values_list("pk", flat=True))
            clicks = [Click(**_click_fields(r)) for r in rows if r["l"] in known]
            with transaction.atomic():
                Click.objects.bulk_create(clicks, batch_size=batch)
        except Exception:
            client.rpush(key, *items)
            raise
        stored += len(clicks)
        if len(items) < batch:
            break
    return stored

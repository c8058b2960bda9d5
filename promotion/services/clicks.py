"""Recording clicks on tracked links: fast for the shopper, nothing personal kept, floods held back.

``click_record`` decides from the request's facts (``promotion.click_log``) and keeps at most one
click. Two ways to keep it, chosen by ``C2F_CLICK_BUFFER_URL`` (default ``REDIS_URL``):

- with Redis (as deployed): the redirect never waits for a store. Each web process counts a source's
  requests and its visitors' repeats in memory, answers at once, and a thread of its own hands the
  clicks to Redis every half second in one server-side script, which applies the flood limit and the
  repeat window across all processes (a source over the limit anywhere is refused by every process
  from the next hand-over on) and queues the clicks; beat runs ``clicks_flush`` every few seconds,
  which stores the queue with one INSERT per batch. A process killed outright loses at most the half
  second of clicks it had not handed over;
- without (the embedded default): the same checks in Django's cache and one INSERT per click.

A failure to record never fails the redirect: the caller logs it and sends the shopper on.
"""

import atexit
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .. import click_log
from ..models import Click, TrackedLink

logger = logging.getLogger(__name__)

RECORDED, FLOOD, REPEAT = "recorded", "flood", "repeat"

# A batch of clicks: ARGV = window seconds, limit, repeat window seconds, bucket, then per click its
# source key, its visitor-and-link key and its row. Each click counts for its source this window;
# over the limit the source is returned (and the click dropped); a repeat within the window is
# dropped; the rest are queued on KEYS[1]. KEYS[2] is the prefix of the counters.
_BATCH_SCRIPT = """
local window, limit, dedup, bucket = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local blocked = {}
for i = 5, #ARGV, 3 do
  local flood = KEYS[2] .. ':flood:' .. ARGV[i] .. ':' .. bucket
  local n = redis.call('INCR', flood)
  if n == 1 then redis.call('EXPIRE', flood, window) end
  if n > limit then
    blocked[#blocked + 1] = ARGV[i]
  elseif redis.call('SET', KEYS[2] .. ':seen:' .. ARGV[i + 1], '1', 'NX', 'EX', dedup) then
    redis.call('RPUSH', KEYS[1], ARGV[i + 2])
  end
end
return blocked
"""
PUSH_EVERY = 0.5
LOCAL_SEEN_MAX = 50_000


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


_LINK_FIELDS = ("id", "code", "campaign_id", "channel", "destination_url", "utm_source", "utm_medium", "utm_campaign",
                "utm_content", "utm_term", "campaign__is_demo")
_live = {"until": 0.0}


def _target(link: TrackedLink) -> LinkTarget:
    from .links import tracked_link_destination

    return LinkTarget(id=link.pk, campaign_id=link.campaign_id, channel=link.channel or link.utm_source[:10],
                      location=tracked_link_destination(link=link), is_demo=link.campaign.is_demo)


def _live_links_load(now: float, ttl: float) -> None:
    """Every link of the campaigns that are scheduled or running, in one query, once per ``ttl``: a process
    then answers their clicks from memory instead of a query per link."""
    from ..models import Campaign

    links = (TrackedLink.objects.filter(campaign__status__in=[Campaign.Status.SCHEDULED, Campaign.Status.ACTIVE])
             .select_related("campaign").only(*_LINK_FIELDS).order_by("-id")[:_LINKS_MAX // 2])
    loaded = {link.code: (now + ttl, _target(link)) for link in links}
    with _links_lock:
        if len(_links) + len(loaded) >= _LINKS_MAX:
            _links.clear()
        _links.update(loaded)
        _live["until"] = now + ttl


def link_target(code: str) -> LinkTarget | None:
    """The link behind ``code`` (None when there is none), from this process's short-lived cache (the live
    campaigns' links are loaded together) or one query."""
    ttl = getattr(settings, "C2F_LINK_CACHE_SECONDS", 30)
    now = time.monotonic()
    hit = _links.get(code)
    if hit is not None and hit[0] > now:
        return hit[1]
    if ttl > 0 and _live["until"] <= now:
        _live_links_load(now, ttl)
        hit = _links.get(code)
        if hit is not None and hit[0] > now:
            return hit[1]
    link = TrackedLink.objects.filter(code=code).select_related("campaign").only(*_LINK_FIELDS).first()
    target = None if link is None else _target(link)
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
            _live["until"] = 0.0
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


def _prefix() -> str:
    return getattr(settings, "C2F_CLICK_KEY_PREFIX", "c2f:clicks")


class _Batch:
    """This process's clicks not yet handed to Redis, its sources' counts this window, and the sources
    Redis said are over the limit."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending: list[tuple[str, str, str]] = []
        self.bucket = -1
        self.counts: dict[str, int] = {}
        self.blocked: set[str] = set()
        self.seen: OrderedDict[str, float] = OrderedDict()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.prefix = ""

    def start(self) -> None:
        import os

        if self.thread is not None and self.thread.is_alive() and self.pid == os.getpid():
            return
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="c2f-click-push", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(PUSH_EVERY)
            try:
                clicks_push()
            except Exception:  # noqa: BLE001 - Redis away: the clicks wait in memory for the next try
                logger.warning("clicks not handed to Redis; trying again", exc_info=True)


_batch = _Batch()
atexit.register(lambda: _batch.pending and clicks_push())


def clicks_push() -> int:
    """Hand this process's waiting clicks to Redis in one round trip; returns how many were handed."""
    client = _buffer()
    with _batch.lock:
        items, _batch.pending = _batch.pending, []
    if client is None or not items:
        return 0
    limit, window = _rate()
    dedup = int(getattr(settings, "C2F_CLICK_DEDUP_SECONDS", 1800))
    script = _redis_clients.get("batch-script")
    if script is None:
        script = _redis_clients["batch-script"] = client.register_script(_BATCH_SCRIPT)
    args = [window, limit, dedup, int(time.time() // window)]
    for item in items:
        args.extend(item)
    try:
        blocked = script(keys=[f"{_prefix()}:buffer", _prefix()], args=args, client=client)
    except Exception:
        with _batch.lock:
            _batch.pending[:0] = items
            del _batch.pending[:-100_000]  # a long outage keeps the newest clicks, not all memory
        raise
    if blocked:
        with _batch.lock:
            _batch.blocked.update(b.decode() if isinstance(b, bytes) else b for b in blocked)
    return len(items)


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
    row = {
        "l": link.id, "c": link.campaign_id, "ch": link.channel, "t": at.timestamp(),
        "d": click_log.device_class(user_agent), "co": click_log.trusted_country(country),
        "r": click_log.referrer_origin(referrer), "demo": link.is_demo,
    }
    seen_key = f"{visitor}:{link.id}"
    if _buffer() is not None:
        bucket = int(time.time() // window)
        now = time.monotonic()
        prefix = _prefix()
        with _batch.lock:
            if prefix != _batch.prefix:  # another key space (a test, a bench run): nothing carries over
                _batch.prefix, _batch.seen, _batch.bucket = prefix, OrderedDict(), -1
            if bucket != _batch.bucket:
                _batch.bucket, _batch.counts, _batch.blocked = bucket, {}, set()
            hits = _batch.counts[source] = _batch.counts.get(source, 0) + 1
            if hits > limit or source in _batch.blocked:
                return FLOOD
            last = _batch.seen.get(seen_key)
            if last is not None and now - last < dedup:
                return REPEAT
            _batch.seen[seen_key] = now
            _batch.seen.move_to_end(seen_key)
            while len(_batch.seen) > LOCAL_SEEN_MAX:
                _batch.seen.popitem(last=False)
            _batch.pending.append((source, seen_key, json.dumps(row, separators=(",", ":"))))
        _batch.start()
        return RECORDED
    base = _prefix()
    flood_key = f"{base}:flood:{source}:{int(time.time() // window)}"
    cache.add(flood_key, 0, timeout=window)
    try:
        hits = cache.incr(flood_key)
    except ValueError:
        cache.set(flood_key, 1, timeout=window)
        hits = 1
    if hits > limit:
        return FLOOD
    if not cache.add(f"{base}:seen:{seen_key}", 1, timeout=dedup):
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
    clicks_push()  # this process's own waiting clicks first
    key = f"{_prefix()}:buffer"
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

"""Google Trends live through SerpApi's Google Trends engine: a plain HTTP client (requests).

One GET per request, ``engine=google_trends`` with ``data_type`` TIMESERIES
(interest over time, up to five comma-separated queries on one scale),
GEO_MAP_0 (interest by region, one query), RELATED_QUERIES or RELATED_TOPICS.
The key comes from ``SERPAPI_API_KEY``; without it the source is not available
and nothing changes. Requests share their own per-minute budget
(``C2F_SERPAPI_PER_MINUTE``) with every worker; transient failures (connection
errors, HTTP 5xx) are retried with backoff and jitter, a refusal (HTTP 429, or a
spent monthly quota) raises ``RateLimited`` for the task to retry later. Batches
of more than five keywords are put on one scale through an anchor keyword, the
same way as the pytrends source (``rescale.py``).
"""

import random
import time
from datetime import datetime, timezone

import pandas as pd
import requests
from django.conf import settings

from hotspots.importers import GeoColumn, GeoMap, RegionValue, RelatedQueries, RelatedRow, TimelineSeries
from hotspots.importers.common import LESS_THAN_ONE
from hotspots.importers.related_queries import KIND as QUERIES_KIND
from hotspots.importers.related_queries import TOPICS_KIND

from .base import RateLimited, SourceError
from .pytrends_source import frame_to_series
from .rescale import keyword_batches, rescale_batches
from .throttle import RequestsPerMinute

BASE_URL = "https://serpapi.com/search.json"
RETRIES = 3


def api_key() -> str:
    return (getattr(settings, "SERPAPI_API_KEY", "") or "").strip()


def is_configured() -> bool:
    return bool(api_key())


class SerpApiSource:
    name = "serpapi"

    def __init__(
        self, *, key: str | None = None, session: requests.Session | None = None, timeout=(5, 30),
        throttle: RequestsPerMinute | None = None, retries: int = RETRIES, backoff: float = 1.0, sleep=time.sleep,
        tz: int = 0, hl: str = "en",
    ):
        self.key = key if key is not None else api_key()
        if not self.key:
            raise SourceError("SerpApi is not configured: set SERPAPI_API_KEY")
        self.session = session or requests.Session()
        self.timeout, self.retries, self.backoff, self._sleep = timeout, retries, backoff, sleep
        self.tz, self.hl = tz, hl
        self.throttle = throttle or RequestsPerMinute(self.name, settings.C2F_SERPAPI_PER_MINUTE)

    # -- HTTP ----------------------------------------------------------------------------------------------
    def _get(self, params: dict) -> dict:
        query = {"engine": "google_trends", "hl": self.hl, "tz": str(self.tz), **params, "api_key": self.key}
        for attempt in range(self.retries + 1):
            self.throttle.acquire()
            try:
                response = self.session.get(BASE_URL, params=query, timeout=self.timeout)
            except requests.RequestException as exc:
                if attempt < self.retries:
                    self._wait(attempt)
                    continue
                raise SourceError(f"SerpApi could not be reached ({exc.__class__.__name__})") from exc
            if response.status_code == 429:
                self.throttle.refused()
                retry_after = response.headers.get("Retry-After", "")
                raise RateLimited(
                    f"SerpApi refused with HTTP 429: {_error_of(response)}",
                    float(retry_after) if retry_after.isdigit() else None,
                )
            if response.status_code >= 500 and attempt < self.retries:
                self._wait(attempt)
                continue
            if response.status_code != 200:
                raise SourceError(f"SerpApi answered HTTP {response.status_code}: {_error_of(response)}")
            try:
                body = response.json()
            except ValueError as exc:
                raise SourceError("SerpApi answered with something that is not JSON") from exc
            if body.get("error"):
                raise SourceError(f"SerpApi: {str(body['error'])[:200]}")
            status = (body.get("search_metadata") or {}).get("status", "Success")
            if status not in ("Success", "Cached"):
                raise SourceError(f"SerpApi search ended as {status!r}")
            return body
        raise SourceError("SerpApi kept failing")  # pragma: no cover - the loop returns or raises

    def _wait(self, attempt: int) -> None:
        self._sleep(self.backoff * 2**attempt * (1 + random.random() / 2))

    # -- interest over time ---------------------------------------------------------------------------------
    def interest_over_time(
        self, *, keywords: list[str], market: str, timeframe: str = "today 5-y", anchor: str | None = None
    ) -> list[TimelineSeries]:
        """All batches are fetched before anything is returned: a refusal midway gives nothing, not half."""
        if not keywords:
            return []
        anchor = anchor or keywords[0]
        frames = []
        for batch in keyword_batches(keywords, anchor=anchor):
            body = self._get({"data_type": "TIMESERIES", "q": ",".join(batch), "geo": market, "date": timeframe})
            frames.append(timeline_frame(body, batch))
        return frame_to_series(rescale_batches(frames, anchor=anchor), market=market)

    # -- interest by region, related queries and topics -------------------------------------------------------
    def interest_by_region(self, *, keyword: str, market: str, timeframe: str = "today 5-y") -> GeoMap:
        body = self._get({"data_type": "GEO_MAP_0", "q": keyword, "geo": market, "date": timeframe})
        column = GeoColumn(keyword, market, market)
        for number, item in enumerate(body.get("interest_by_region") or [], start=1):
            region = str(item.get("location") or item.get("geo") or "").strip()
            if region:
                column.regions.append(RegionValue(region[:200], _value(item), number))
        return GeoMap(category="", region_label="", columns=[column])

    def related_queries(self, *, keyword: str, market: str, timeframe: str = "today 5-y") -> RelatedQueries:
        body = self._get({"data_type": "RELATED_QUERIES", "q": keyword, "geo": market, "date": timeframe})
        return _related(body.get("related_queries") or {}, keyword, market, kind=QUERIES_KIND)

    def related_topics(self, *, keyword: str, market: str, timeframe: str = "today 5-y") -> RelatedQueries:
        body = self._get({"data_type": "RELATED_TOPICS", "q": keyword, "geo": market, "date": timeframe})
        return _related(body.get("related_topics") or {}, keyword, market, kind=TOPICS_KIND)


def _error_of(response: requests.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:200] or response.reason
    except ValueError:
        return response.reason or ""


def _value(item: dict) -> float | None:
    """A 0-100 cell: ``extracted_value``, or ``value`` as Google wrote it; "<1" is 0.5 as everywhere."""
    text = str(item.get("value", "")).strip()
    if text.startswith("<"):
        return LESS_THAN_ONE
    if item.get("extracted_value") is not None:
        return float(item["extracted_value"])
    if text.replace(".", "", 1).isdigit():
        return float(text)
    return None


def timeline_frame(body: dict, batch: list[str]) -> pd.DataFrame:
    """TIMESERIES answer -> frame indexed by the start of each period (UTC), one column per query, ``isPartial``."""
    rows = (body.get("interest_over_time") or {}).get("timeline_data") or []
    if not rows:
        raise SourceError(f"no data for {', '.join(batch)}")
    index, data, partial = [], [], []
    for row in rows:
        try:
            moment = datetime.fromtimestamp(int(row["timestamp"]), tz=timezone.utc).replace(tzinfo=None)
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"a timeline row without a timestamp: {str(row)[:80]}") from exc
        by_query = {str(v.get("query", "")): _value(v) for v in row.get("values") or []}
        missing = [k for k in batch if k not in by_query]
        if missing:
            raise SourceError(f"the answer has no value for {', '.join(missing)} on {row.get('date', moment)}")
        index.append(moment)
        data.append([by_query[k] for k in batch])
        partial.append(bool(row.get("partial_data")))
    frame = pd.DataFrame(data, index=pd.DatetimeIndex(index), columns=batch, dtype=float)
    frame["isPartial"] = partial
    return frame


def _related(lists: dict, keyword: str, market: str, *, kind: str) -> RelatedQueries:
    result = RelatedQueries(category="", keyword=keyword, market=market, market_label=market, kind=kind)
    for section, target in (("top", result.top), ("rising", result.rising)):
        for number, item in enumerate(lists.get(section) or [], start=1):
            topic = item.get("topic") or {}
            title = str(topic.get("title") if kind == TOPICS_KIND else item.get("query", "")).strip()
            if not title:
                continue
            text = str(item.get("value", "")).strip()
            if section == "rising":
                breakout = text.casefold() == "breakout" or not any(ch.isdigit() for ch in text)
                value = None if breakout else float(item.get("extracted_value") or 0)
            else:
                breakout, value = False, _value(item)
            target.append(RelatedRow(title[:300], value, breakout, number, rank=len(target) + 1,
                                     topic_type=str(topic.get("type", ""))[:100]))
    return result

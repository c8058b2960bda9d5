"""Google Trends live, through pytrends: batches of five around one anchor keyword."""

import time
import warnings

import pandas as pd
import requests
from django.conf import settings
from pytrends import exceptions as pytrends_errors
from pytrends.request import TrendReq

from hotspots.importers import TimelinePoint, TimelineSeries
from hotspots.importers.dates import HOUR, granularity_of
from hotspots.importers.multi_timeline import DAILY_MEANS_OF, daily_means

from .base import RateLimited, SourceError
from .rescale import keyword_batches, rescale_batches
from .throttle import RequestsPerMinute


class PytrendsSource:
    name = "pytrends"

    def __init__(
        self, *, hl: str = "en-US", tz: int = 0, pause: float = 1.0, timeout=(5, 20), throttle: RequestsPerMinute | None = None
    ):
        self.hl, self.tz, self.pause, self.timeout = hl, tz, pause, timeout
        self.throttle = throttle or RequestsPerMinute(self.name, settings.C2F_PYTRENDS_PER_MINUTE)
        self._client = None

    def _request(self, action):
        self.throttle.acquire()
        try:
            return _call(action)
        except RateLimited:
            self.throttle.refused()
            raise

    def _connect(self) -> TrendReq:
        if self._client is None:
            self._client = self._request(lambda: TrendReq(hl=self.hl, tz=self.tz, timeout=self.timeout))
        return self._client

    def interest_over_time(
        self, *, keywords: list[str], market: str, timeframe: str = "today 5-y", anchor: str | None = None
    ) -> list[TimelineSeries]:
        """All batches are fetched before anything is returned: a refusal midway gives nothing, not half."""
        if not keywords:
            return []
        anchor = anchor or keywords[0]
        client = self._connect()
        frames = []
        for number, batch in enumerate(keyword_batches(keywords, anchor=anchor)):
            if number and self.pause:
                time.sleep(self.pause)
            frame = self._request(lambda batch=batch: _fetch(client, batch, market, timeframe))
            if frame.empty:
                raise SourceError(f"no data for {', '.join(batch)} in {market or 'worldwide'}")
            frames.append(frame)
        combined = rescale_batches(frames, anchor=anchor)
        return frame_to_series(combined, market=market)


def _fetch(client: TrendReq, batch: list[str], market: str, timeframe: str) -> pd.DataFrame:
    client.build_payload(batch, timeframe=timeframe, geo=market)
    with warnings.catch_warnings():
        # pytrends' own pandas idioms; nothing we can act on.
        warnings.simplefilter("ignore", FutureWarning)
        return client.interest_over_time()


def _call(action):
    try:
        return action()
    except pytrends_errors.TooManyRequestsError as exc:
        retry_after = exc.response.headers.get("Retry-After") if exc.response is not None else None
        raise RateLimited(
            "Google Trends refused with HTTP 429", float(retry_after) if retry_after and retry_after.isdigit() else None
        ) from exc
    except pytrends_errors.ResponseError as exc:
        raise SourceError(str(exc)) from exc
    except requests.RequestException as exc:
        raise SourceError(f"Google Trends could not be reached ({exc.__class__.__name__})") from exc


def frame_to_series(frame: pd.DataFrame, *, market: str) -> list[TimelineSeries]:
    """A rescaled frame (date index, one column per keyword, ``isPartial``) -> series; hourly and 8-minute
    frames become daily means under their own granularity, as exports do (``multi_timeline.daily_means``)."""
    moments = [ts.to_pydatetime().replace(tzinfo=None) for ts in frame.index]
    shapes = {HOUR} if any(m.hour or m.minute for m in moments) else {"day"}
    granularity = granularity_of(moments, shapes, "")
    partial = frame["isPartial"].astype(bool).tolist() if "isPartial" in frame else [False] * len(frame)
    result = []
    for keyword in [c for c in frame.columns if c != "isPartial"]:
        values = [(None if pd.isna(value) else float(value), flag) for value, flag in zip(frame[keyword].tolist(), partial)]
        series = TimelineSeries(
            keyword=keyword, market=market, market_label=market, granularity=DAILY_MEANS_OF.get(granularity, granularity)
        )
        if granularity in DAILY_MEANS_OF:
            series.points = daily_means(moments, values, granularity=granularity)
        else:
            series.points = [TimelinePoint(m.date(), v, f) for m, (v, f) in sorted(zip(moments, values))]
        result.append(series)
    return result

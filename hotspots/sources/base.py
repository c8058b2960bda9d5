"""What a live trend source offers, and the errors a caller can act on."""

from typing import Protocol

from hotspots.importers import TimelineSeries


class SourceError(Exception):
    """The source answered, but not with something we can store."""


class RateLimited(SourceError):
    """The source refused for now (HTTP 429): slow down and retry later."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class TrendSource(Protocol):
    name: str

    def interest_over_time(
        self, *, keywords: list[str], market: str, timeframe: str
    ) -> list[TimelineSeries]:
        """One series per keyword for one market, all on one 0-100 scale; partial points flagged."""
        ...

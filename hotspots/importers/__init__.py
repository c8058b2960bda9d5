"""Google Trends web exports and Amazon keyword-tool and listing exports -> plain dataclasses. Pure: no Django here.

``parse_export(data, file)`` reads the bytes with ``core.files``, tells the kind from the content
and returns a ``MultiTimeline``, ``GeoMap``, ``RelatedQueries``,
``AmazonKeywords`` or ``AmazonListings``; anything it cannot read raises
``ImportProblem(file, line, field, reason)``. Related topics (relatedEntities) come back
as ``RelatedQueries`` whose ``kind`` is ``relatedEntities``.
"""

from datetime import date

from .amazon import AmazonKeywords, KeywordRow, parse_amazon_keywords, tool_of
from .common import read_rows
from .detect import AMAZON_LISTINGS, GEO_MAP, MULTI_TIMELINE, RELATED_QUERIES, detect_kind, listing_tool_of
from .geo import country_code, market_for_label
from .geo_map import GeoColumn, GeoMap, RegionValue, parse_geo_map
from .listings import AmazonListings, ListingRow, parse_amazon_listings
from .multi_timeline import MultiTimeline, TimelinePoint, TimelineSeries, parse_multi_timeline
from .problems import ImportProblem
from .related_queries import TOPICS_KIND, RelatedQueries, RelatedRow, is_topics_file, parse_related_queries

Parsed = MultiTimeline | GeoMap | RelatedQueries | AmazonKeywords | AmazonListings

_PARSERS = {
    MULTI_TIMELINE: parse_multi_timeline,
    GEO_MAP: parse_geo_map,
    RELATED_QUERIES: parse_related_queries,
}


def parse_export(
    data: bytes | str, file: str, *, mapping: dict[str, str] | None = None, market: str = "",
    snapshot: date | None = None, keyword: str = "",
) -> Parsed:
    """``mapping`` (field -> header) reads the file as a generic keyword CSV; ``market`` and
    ``snapshot`` name the marketplace and date of an Amazon export when its file name does not.

    For Google Trends files that do not say it, ``market`` (``WORLD`` for worldwide) names the
    country of a map of regions or of a related list without a title line, and ``keyword`` the
    keyword of such a list. A file that says its market keeps its own."""
    rows = read_rows(data, file)
    tool = "generic" if mapping else tool_of(rows)
    if tool is None:
        kind = detect_kind(rows, file)
        if kind == AMAZON_LISTINGS:
            try:
                return parse_amazon_listings(rows, file, market=market, snapshot=snapshot)
            except ImportProblem as problem:
                problem.kind = f"amazon_listings:{listing_tool_of(rows)}"
                raise
        try:
            trends_market = _trends_market(market, file)
            if kind == GEO_MAP:
                return parse_geo_map(rows, file, market=trends_market)
            if kind == RELATED_QUERIES:
                return parse_related_queries(rows, file, keyword=keyword, market=trends_market)
            return _PARSERS[kind](rows, file)
        except ImportProblem as problem:
            # A refused file still says what it was.
            problem.kind = TOPICS_KIND if kind == RELATED_QUERIES and is_topics_file(file) else kind
            raise
    try:
        return parse_amazon_keywords(rows, file, tool=tool, mapping=mapping, market=market, snapshot=snapshot)
    except ImportProblem as problem:
        problem.kind = f"amazon:{tool}"
        raise


def _trends_market(market: str, file: str) -> str | None:
    """The caller's market for a Google Trends file: a country code, "" for WORLD, None when not named."""
    code = (market or "").strip()
    if not code:
        return None
    if code.upper() in {"WORLD", "WORLDWIDE", "GLOBAL"}:
        return ""
    found = country_code(code)
    if found is None:
        raise ImportProblem(file, None, "market", f"{code[:20]!r} is not a country code such as US or DE")
    return found


__all__ = [
    "AMAZON_LISTINGS", "AmazonKeywords", "AmazonListings", "KeywordRow", "ListingRow", "GEO_MAP", "MULTI_TIMELINE", "RELATED_QUERIES", "GeoColumn", "GeoMap", "ImportProblem", "MultiTimeline",
    "Parsed", "RegionValue", "RelatedQueries", "RelatedRow", "TOPICS_KIND", "country_code", "TimelinePoint", "TimelineSeries",
    "detect_kind", "market_for_label", "parse_export",
]

"""Google Trends web exports and Amazon keyword-tool and listing exports -> plain dataclasses. Pure: no Django here.

``parse_export(data, file)`` reads the bytes with ``core.files``, tells the kind from the content
and returns a ``MultiTimeline``, ``GeoMap``, ``RelatedQueries``,
``AmazonKeywords`` or ``AmazonListings``; anything it cannot read raises
``ImportProblem(file, line, field, reason)``.
"""

from datetime import date

from .amazon import AmazonKeywords, KeywordRow, parse_amazon_keywords, tool_of
from .common import read_rows
from .detect import AMAZON_LISTINGS, GEO_MAP, MULTI_TIMELINE, RELATED_QUERIES, detect_kind, listing_tool_of
from .geo import market_for_label
from .geo_map import GeoColumn, GeoMap, RegionValue, parse_geo_map
from .listings import AmazonListings, ListingRow, parse_amazon_listings
from .multi_timeline import MultiTimeline, TimelinePoint, TimelineSeries, parse_multi_timeline
from .problems import ImportProblem
from .related_queries import RelatedQueries, RelatedRow, parse_related_queries

Parsed = MultiTimeline | GeoMap | RelatedQueries | AmazonKeywords | AmazonListings

_PARSERS = {
    MULTI_TIMELINE: parse_multi_timeline,
    GEO_MAP: parse_geo_map,
    RELATED_QUERIES: parse_related_queries,
}


def parse_export(
    data: bytes | str, file: str, *, mapping: dict[str, str] | None = None, market: str = "",
    snapshot: date | None = None,
) -> Parsed:
    """``mapping`` (field -> header) reads the file as a generic keyword CSV; ``market`` and
    ``snapshot`` name the marketplace and date of an Amazon export when its file name does not."""
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
        return _PARSERS[kind](rows, file)
    try:
        return parse_amazon_keywords(rows, file, tool=tool, mapping=mapping, market=market, snapshot=snapshot)
    except ImportProblem as problem:
        problem.kind = f"amazon:{tool}"
        raise


__all__ = [
    "AMAZON_LISTINGS", "AmazonKeywords", "AmazonListings", "KeywordRow", "ListingRow", "GEO_MAP", "MULTI_TIMELINE", "RELATED_QUERIES", "GeoColumn", "GeoMap", "ImportProblem", "MultiTimeline",
    "Parsed", "RegionValue", "RelatedQueries", "RelatedRow", "TimelinePoint", "TimelineSeries",
    "detect_kind", "market_for_label", "parse_export",
]

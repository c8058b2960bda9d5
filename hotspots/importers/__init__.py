"""Google Trends web exports -> plain dataclasses. Pure: no Django here.

``parse_export(data, file)`` decodes the bytes, tells the kind from the content
and returns a ``MultiTimeline``, ``GeoMap`` or ``RelatedQueries``; anything it
cannot read raises ``ImportProblem(file, line, field, reason)``.
"""

from .common import decode, read_rows
from .detect import GEO_MAP, MULTI_TIMELINE, RELATED_QUERIES, detect_kind
from .geo import market_for_label
from .geo_map import GeoColumn, GeoMap, RegionValue, parse_geo_map
from .multi_timeline import MultiTimeline, TimelinePoint, TimelineSeries, parse_multi_timeline
from .problems import ImportProblem
from .related_queries import RelatedQueries, RelatedRow, parse_related_queries

Parsed = MultiTimeline | GeoMap | RelatedQueries

_PARSERS = {
    MULTI_TIMELINE: parse_multi_timeline,
    GEO_MAP: parse_geo_map,
    RELATED_QUERIES: parse_related_queries,
}


def parse_export(data: bytes | str, file: str) -> Parsed:
    rows = read_rows(decode(data, file), file)
    return _PARSERS[detect_kind(rows, file)](rows, file)


__all__ = [
    "GEO_MAP", "MULTI_TIMELINE", "RELATED_QUERIES", "GeoColumn", "GeoMap", "ImportProblem", "MultiTimeline",
    "Parsed", "RegionValue", "RelatedQueries", "RelatedRow", "TimelinePoint", "TimelineSeries",
    "detect_kind", "market_for_label", "parse_export",
]

"""Tell which export a text is (Google Trends or an Amazon listing export), from its content rather than its file name.

Amazon keyword-tool exports are told apart before this, by ``amazon.tool_of``.
"""

from .common import LABELLED, Row, split_category, trimmed
from .dates import looks_like_date
from .listings import listing_header
from .problems import ImportProblem
from .related_queries import is_section_title

MULTI_TIMELINE = "multiTimeline"
GEO_MAP = "geoMap"
RELATED_QUERIES = "relatedQueries"
AMAZON_LISTINGS = "amazonListings"


def listing_tool_of(rows: list[Row]) -> str | None:
    """``xray`` or ``jungle_scout`` for an Amazon product-listing export (ASIN and title columns), else None."""
    found = listing_header(rows)
    return found[1] if found else None


def detect_kind(rows: list[Row], file: str) -> str:
    if listing_tool_of(rows):
        return AMAZON_LISTINGS
    category, content = split_category(rows)
    if not content:
        raise ImportProblem(file, None, None, "the file is empty")
    first = trimmed(content[0].cells)
    if len(first) == 1:
        if is_section_title(first) or any(is_section_title(row.cells) for row in content[1:]) or LABELLED.match(first[0]):
            return RELATED_QUERIES
        raise ImportProblem(
            file, content[0].line, None,
            f"one cell {first[0][:40]!r} where a related-queries export has its title line 'keyword: (geo)' "
            "followed by TOP and RISING sections; a time or map export has a header row of several columns",
        )
    if len(content) > 1 and content[1].cells and looks_like_date(content[1].cells[0]):
        return MULTI_TIMELINE
    labelled = any(LABELLED.match(cell) for cell in first[1:])
    if not category and not labelled:
        raise ImportProblem(
            file, content[0].line, None,
            "not a Google Trends export: expected a 'Category: ...' line or a header whose columns read "
            "'keyword: (geo)', and a first column of dates (time) or regions (map)",
        )
    if len(content) == 1:
        raise ImportProblem(file, content[0].line + 1, None, "no data rows under the header")
    return GEO_MAP

"""Writes of link 1, by kind: imports (files, uploads), live pulls, watchlists, hotspot scores."""

from .hotspot_scores import (
    amazon_competition,
    hotspots_score,
    hotspots_score_run,
    hotspots_score_stage,
    related_breakouts,
)
from .imports import (
    BATCH,
    ImportReport,
    import_summary,
    trend_points_upsert_copy,
    trend_series_upsert,
    trends_import_files,
)
from .live import fallback_source, live_source_for, trends_pull
from .uploads import MAX_UPLOAD_FILES, trend_upload_import, trend_upload_stage
from .watchlists import TIMEFRAME, watchlist_create, watchlist_update

__all__ = [
    "BATCH",
    "MAX_UPLOAD_FILES",
    "TIMEFRAME",
    "ImportReport",
    "amazon_competition",
    "fallback_source",
    "live_source_for",
    "hotspots_score",
    "hotspots_score_run",
    "hotspots_score_stage",
    "import_summary",
    "related_breakouts",
    "trend_points_upsert_copy",
    "trend_series_upsert",
    "trend_upload_import",
    "trend_upload_stage",
    "trends_import_files",
    "trends_pull",
    "watchlist_create",
    "watchlist_update",
]

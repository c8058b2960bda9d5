import pathlib

import pytest

SHARED = pathlib.Path(__file__).parent / "data" / "google_trends"
YEEZY = SHARED / "duyvux_multiTimeline_yeezy_weekly_US.csv"
PT_BR = SHARED / "joaomts_multiTimeline_ptBR_monthly_5kw.csv"
GEO_ID = SHARED / "lovebonito_geoMap_id_ID.csv"
RELATED = SHARED / "t418_relatedQueries_airpod_US.csv"


@pytest.fixture
def real_files():
    return [YEEZY, PT_BR, GEO_ID, RELATED]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Request budgets of the live sources live in the cache: every test starts with a full one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

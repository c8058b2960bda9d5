"""The bundled DEMO trend exports (generated, not measured): which file holds which keyword and market."""

import functools
import pathlib

from .importers import ImportProblem, parse_export
from .importers.multi_timeline import MultiTimeline

DEMO_TRENDS_DIR = pathlib.Path(__file__).resolve().parent / "demo_data" / "trends"


@functools.cache
def demo_trend_index() -> dict[tuple[str, str], tuple[pathlib.Path, ...]]:
    """(keyword casefolded, market) -> bundled files holding it, from the files' own headers."""
    index: dict[tuple[str, str], list[pathlib.Path]] = {}
    for path in sorted(DEMO_TRENDS_DIR.glob("*.csv")):
        try:
            parsed = parse_export(path.read_bytes(), path.name)
        except ImportProblem:
            continue
        if isinstance(parsed, MultiTimeline):
            keys = {(s.keyword.casefold(), s.market) for s in parsed.series}
        else:
            keys = {(parsed.keyword.casefold(), parsed.market)}
        for key in keys:
            index.setdefault(key, []).append(path)
    return {key: tuple(paths) for key, paths in index.items()}


def demo_trend_files(*, keywords: list[str], markets: list[str]) -> list[pathlib.Path]:
    """Bundled files holding any of these keywords for any of these markets, in a stable order."""
    index = demo_trend_index()
    found = {
        path
        for keyword in keywords
        for market in markets
        for path in index.get((keyword.strip().casefold(), market.strip().upper()), ())
    }
    return sorted(found)

"""Hotspot scores of a cycle, with Amazon competition and rising-query breakouts beside them."""

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import Cycle, TaskRun
from core.services import task_run_finish, task_run_progress

from ..models import AmazonKeywordMetric, Hotspot, RelatedQuery, TrendPoint, TrendSeries, WatchKeyword
from ..scoring import PERIODS_PER_YEAR, Breakout, Competition, score_series
from ..selectors import series_preference
from .imports import BATCH


def amazon_competition(*, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Competition]:
    """(casefolded keyword, market) -> the latest Amazon keyword-tool figures, any tool; one query."""
    if not keys:
        return {}
    found: dict[tuple[str, str], Competition] = {}
    for keyword, market, volume, competing, density in (
        AmazonKeywordMetric.objects.filter(keyword__in={k for k, _m in keys}, market__in={m for _k, m in keys})
        .order_by("keyword", "market", "-snapshot", "tool")
        .values_list("keyword", "market", "search_volume", "competing_products", "title_density")
    ):
        key = (keyword, market)
        if key in keys and key not in found:
            found[key] = Competition(search_volume=volume, competing_products=competing, title_density=density)
    return found


def related_breakouts(*, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Breakout]:
    """(casefolded keyword, market) -> counts of its rising related queries; one query."""
    if not keys:
        return {}
    counts: dict[tuple[str, str], list[int]] = {}
    for keyword, market, value, is_breakout in (
        RelatedQuery.objects.annotate(folded=Lower("keyword"))
        .filter(kind=RelatedQuery.Kind.RISING, folded__in={k for k, _m in keys}, market__in={m for _k, m in keys})
        .values_list("folded", "market", "value", "is_breakout")
    ):
        key = (keyword, market)
        if key not in keys:
            continue
        row = counts.setdefault(key, [0, 0, 0])
        row[0] += bool(is_breakout)
        row[1] += bool(not is_breakout and value is not None and value >= 500)
        row[2] += 1
    return {key: Breakout(breakouts=b, rising_fast=f, rising_known=n) for key, (b, f, n) in counts.items()}


def hotspots_score(*, cycle: Cycle) -> list[Hotspot]:
    """Score every watchlist keyword x market of the cycle that has a stored series; updates in place."""
    targets: dict[tuple[str, str], tuple[str, str]] = {}
    for keyword, category, markets in WatchKeyword.objects.filter(watchlist__cycle=cycle).values_list(
        "keyword", "category", "watchlist__markets"
    ):
        for market in markets or [""]:
            targets.setdefault((keyword.casefold(), market), (keyword, category))
    if not targets:
        return []
    candidates = (
        TrendSeries.objects.annotate(folded=Lower("keyword"))
        .filter(folded__in={k for k, _m in targets}, market__in={m for _k, m in targets})
        .order_by("id")
    )
    chosen: dict[tuple[str, str], TrendSeries] = {}
    for series in candidates:
        key = (series.keyword.casefold(), series.market)
        if key not in targets:
            continue
        best = chosen.get(key)
        if best is None or series_preference(series) < series_preference(best):
            chosen[key] = series
    values: dict[int, list] = {s.pk: [] for s in chosen.values()}
    dates: dict[int, list] = {s.pk: [] for s in chosen.values()}
    for series_id, day, value, is_partial in (
        TrendPoint.objects.filter(series_id__in=values).order_by("series_id", "date")
        .values_list("series_id", "date", "value", "is_partial")
    ):
        if not is_partial:
            values[series_id].append(value)
            dates[series_id].append(day)
    competition = amazon_competition(keys=set(chosen))
    breakouts = related_breakouts(keys=set(chosen))

    with transaction.atomic():
        stored = {(h.keyword, h.market): h for h in Hotspot.objects.select_for_update().filter(cycle=cycle)}
        created, changed = [], []
        for key, series in sorted(chosen.items()):
            result = score_series(
                values[series.pk], periods_per_year=PERIODS_PER_YEAR.get(series.granularity),
                dates=dates[series.pk], competition=competition.get(key), breakout=breakouts.get(key),
            )
            if result is None:
                continue
            keyword, category = targets[key]
            hotspot = stored.get((keyword, series.market))
            if hotspot is None:
                hotspot = Hotspot(cycle=cycle, keyword=keyword, market=series.market)
                created.append(hotspot)
            else:
                changed.append(hotspot)
            hotspot.series = series
            hotspot.category = category
            hotspot.score, hotspot.level = result.score, result.level
            hotspot.growth, hotspot.slope = result.growth, result.slope
            hotspot.components = {**result.components(), "granularity": series.granularity}
            hotspot.is_demo = series.is_demo
        Hotspot.objects.bulk_create(created, batch_size=BATCH)
        Hotspot.objects.bulk_update(
            changed, ["series", "category", "score", "level", "growth", "slope", "components", "is_demo"],
            batch_size=BATCH,
        )
    return sorted(created + changed, key=lambda h: (-h.score, h.keyword, h.market))


def hotspots_score_stage(*, cycle: Cycle) -> TaskRun:
    """The TaskRun whose progress bar the dashboard shows while the cycle's hotspots are scored."""
    return TaskRun.objects.create(
        kind="hotspots.score", cycle=cycle, total=1, status=TaskRun.Status.PENDING,
        message=f"scoring the hotspots of cycle {cycle.number}",
    )


def hotspots_score_run(*, task_run_id: int) -> int:
    """Score the cycle of a staged TaskRun once (claimed PENDING -> RUNNING); returns the hotspots scored."""
    claimed = TaskRun.objects.filter(pk=task_run_id, status=TaskRun.Status.PENDING).update(
        status=TaskRun.Status.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return 0
    run = TaskRun.objects.select_related("cycle").get(pk=task_run_id)
    try:
        scored = hotspots_score(cycle=run.cycle)
    except Exception as exc:
        task_run_finish(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    noun = "hotspot" if len(scored) == 1 else "hotspots"
    task_run_progress(run_id=run.pk, done=1, total=1, message=f"{len(scored)} {noun} scored in cycle {run.cycle.number}")
    task_run_finish(run_id=run.pk)
    return len(scored)

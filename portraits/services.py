"""Writes of link 8: portrait runs over the whole customer base (this module), briefs and the next cycle
(:mod:`portraits.services_briefs`, re-exported here).

A run is *started* (queued, with the next version number) and then *executed*: it reads
every order up to its as-of date set-wise (:mod:`portraits.selectors_frames`), computes
features, RFM groups, segments, customer value and profiles (:mod:`portraits.pipeline`),
stores segments and memberships set-wise (:mod:`portraits.membership_store`) and, if no
run with a higher version finished first, becomes the current run (PostHog-style cohort
versioning: a slower older run never replaces a newer one). Its progress is on the run
(``progress``, ``message``) and on its ``TaskRun`` when the dashboard started it.
"""

import logging
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.models import Cycle, TaskRun
from core.services import task_run_finish, task_run_progress

from .errors import PortraitError
from .membership_store import membership_frame, memberships_analyze, memberships_store
from .models import PortraitRun, Segment, SegmentMembership, next_run_version
from .pipeline import Portraits, build_portraits
from .profiles import MIN_SUPPORT
from .selectors_frames import customer_base_frames, read_numbers_frame
from .services_briefs import (
    BRIEF_MIN_MEMBERS, BRIEF_MIN_WEIGHT, brief_drop, brief_keywords, brief_merge, brief_update, briefs_write,
    next_cycle_open,
)

__all__ = [
    "BRIEF_MIN_MEMBERS", "BRIEF_MIN_WEIGHT", "brief_drop", "brief_keywords", "brief_merge", "brief_update",
    "briefs_write", "next_cycle_open", "portrait_run_build", "portrait_run_execute", "portrait_run_start",
    "portrait_run_params",
]

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
TASK_KIND = "portraits.build"
STEPS = 5
SCATTER_SAMPLE = 1_500
PRICE_BINS = 12
# Serialises promotions to "current" on PostgreSQL (SQLite serialises every write).
PROMOTION_LOCK = 80_808


def portrait_run_params(*, k_min: int | None = None, k_max: int | None = None, sample_size: int | None = None,
                        minibatch_threshold: int | None = None) -> dict:
    """The clustering parameters of a run: the settings, overridden by what is given."""
    params = {
        "k_range": [k_min or settings.C2F_PORTRAIT_K_MIN, k_max or settings.C2F_PORTRAIT_K_MAX],
        "sample_size": sample_size or settings.C2F_PORTRAIT_SAMPLE,
        "minibatch_threshold": minibatch_threshold or settings.C2F_PORTRAIT_MINIBATCH,
        "min_support": MIN_SUPPORT,
    }
    if not 2 <= params["k_range"][0] <= params["k_range"][1]:
        raise ValueError(f"k must range from at least 2 upwards, got {params['k_range'][0]}..{params['k_range'][1]}")
    if params["sample_size"] < 10:
        raise ValueError(f"the silhouette sample needs at least 10 customers, got {params['sample_size']}")
    return params


def portrait_run_start(*, cycle: Cycle | None = None, as_of=None, is_demo: bool = False, params: dict | None = None,
                       with_task: bool = False) -> PortraitRun:
    """A queued run with the next version number; ``with_task`` gives it a TaskRun for the dashboard's progress bar."""
    task = None
    if with_task:
        task = TaskRun.objects.create(kind=TASK_KIND, total=STEPS, cycle=cycle, status=TaskRun.Status.PENDING,
                                      message="waiting for a worker")
    for attempt in range(5):
        try:
            with transaction.atomic():
                return PortraitRun.objects.create(
                    cycle=cycle, version=next_run_version(), as_of=as_of, is_demo=is_demo, task_run=task,
                    params=params if params is not None else portrait_run_params(),
                )
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _reporter(run: PortraitRun, extra: Progress | None) -> Progress:
    def report(done: int, total: int, message: str) -> None:
        PortraitRun.objects.filter(pk=run.pk).update(progress=round(100 * done / total), message=message[:200])
        if run.task_run_id:
            task_run_progress(run_id=run.task_run_id, done=done, total=total, message=message)
        if extra is not None:
            extra(done, total, message)

    return report


def portrait_run_execute(*, run_id: int, progress: Progress | None = None) -> PortraitRun | None:
    """Compute and store a queued run. A run another worker already claimed is left alone (None).

    A run that cannot segment the data (no orders, too few customers) ends ``failed``
    with the reason in ``error``; an unexpected error fails it too and is raised.
    """
    claimed = PortraitRun.objects.filter(pk=run_id, status=PortraitRun.Status.QUEUED).update(
        status=PortraitRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        logger.warning("portrait run %s is not queued any more; left alone", run_id)
        return None
    run = PortraitRun.objects.get(pk=run_id)
    if run.task_run_id:
        TaskRun.objects.filter(pk=run.task_run_id).update(status=TaskRun.Status.RUNNING)
    report = _reporter(run, progress)
    timings: dict[str, float] = {}
    try:
        result = _compute(run, report, timings)
        report(3, STEPS, f"storing {result.k} segments of {len(result.labels)} customers")
        _store(run, result, timings)
    except PortraitError as exc:
        _fail(run, str(exc))
        report(STEPS, STEPS, f"failed: {exc}")
        return run
    except Exception as exc:
        _fail(run, f"{type(exc).__name__}: {exc}")
        raise
    report(4, STEPS, "writing briefs")
    briefs_write(run=run)
    current = " (now the current run)" if run.is_current else " (a newer run is current)"
    report(STEPS, STEPS, f"done: {run.n_segments} segments of {run.n_customers} customers{current}")
    if run.task_run_id:
        task_run_finish(run_id=run.task_run_id)
    return run


def portrait_run_build(*, cycle: Cycle | None = None, is_demo: bool = False, progress: Progress | None = None,
                       as_of=None, params: dict | None = None) -> PortraitRun:
    """Start and execute a run in this process (the command, the loop, the scheduled task)."""
    run = portrait_run_start(cycle=cycle, as_of=as_of, is_demo=is_demo, params=params)
    portrait_run_execute(run_id=run.pk, progress=progress)
    run.refresh_from_db()
    return run


def json_safe(value):
    """``value`` with every NaN or infinite number replaced by None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _previous_labels() -> tuple[int | None, pd.Series | None]:
    """The current run's segment per customer (for stability), read set-wise; None when there is none."""
    current = PortraitRun.objects.filter(is_current=True).values_list("pk", flat=True).first()
    if current is None:
        return None, None
    frame = read_numbers_frame(
        f"SELECT m.customer_id, CAST(s.label AS integer) FROM {SegmentMembership._meta.db_table} m "
        f"JOIN {Segment._meta.db_table} s ON s.id = m.segment_id WHERE m.run_id = %s",
        [current], [("customer_id", "int8"), ("label", "int4")],
    )
    return current, pd.Series(frame["label"].to_numpy(), index=frame["customer_id"].to_numpy())


def _compute(run: PortraitRun, report: Progress, timings: dict) -> Portraits:
    as_of = run.as_of or timezone.now()
    if run.as_of is None:
        PortraitRun.objects.filter(pk=run.pk).update(as_of=as_of)
        run.as_of = as_of
    report(0, STEPS, "reading orders")
    started = time.perf_counter()
    base = customer_base_frames(as_of=as_of)
    previous_run, previous = _previous_labels()
    timings["read"] = time.perf_counter() - started
    if base.orders.empty:
        raise PortraitError("no orders of identified customers up to the as-of date: import orders first")
    report(1, STEPS, f"segmenting {base.orders['customer_id'].nunique()} customers")
    params = run.params or portrait_run_params()
    result = build_portraits(
        base.orders, base.lines, base.product_attributes, as_of=as_of, currency=base.currency,
        k_range=tuple(params["k_range"]), sample_size=int(params["sample_size"]),
        minibatch_threshold=int(params["minibatch_threshold"]), min_support=float(params["min_support"]),
        previous_labels=previous, timings=timings,
    )
    run.metrics = {
        **result.metrics(),
        "in_base_currency": base.in_base_currency,
        "currency": base.currency,
        "orders": int(len(base.orders)),
        "previous_run": previous_run,
    }
    report(2, STEPS, f"{result.k} segments found")
    return result


def _charts(result: Portraits) -> tuple[dict, dict[int, dict]]:
    """What the pages draw, aggregated or sampled here so no page reads every membership.

    The run: a scatter of recency against spend on at most ``SCATTER_SAMPLE`` customers
    (drawn with a fixed seed), and the customers per RFM score pair. Each segment: a
    histogram of its customers' unit prices on bins shared by all segments.
    """
    table = result.features.table
    labels = result.labels.reindex(table.index).to_numpy()
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(table), size=min(SCATTER_SAMPLE, len(table)), replace=False))
    scatter = {
        "segment": labels[rows].tolist(),
        "recency_days": table["recency_days"].to_numpy()[rows].tolist(),
        "monetary": table["monetary"].to_numpy(dtype=float)[rows].round(2).tolist(),
    }
    price = table["unit_price"].to_numpy(dtype=float)
    priced = ~np.isnan(price)
    per_segment: dict[int, dict] = {}
    if priced.any():
        top = float(np.quantile(price[priced], 0.99))
        edges = np.linspace(0.0, max(top, 1.0), PRICE_BINS + 1)
        counts, _, _ = np.histogram2d(labels[priced], np.clip(price[priced], 0, edges[-1]),
                                      bins=[np.arange(result.k + 1) - 0.5, edges])
        for label in range(result.k):
            per_segment[label] = {"edges": edges.round(2).tolist(), "counts": counts[label].astype(int).tolist()}
    rfm = result.rfm
    pairs = np.bincount((rfm["r_score"].to_numpy(dtype=int) - 1) * 5 + rfm["f_score"].to_numpy(dtype=int) - 1, minlength=25)
    return {"scatter": scatter, "rf_counts": pairs.reshape(5, 5).tolist()}, per_segment


def _store(run: PortraitRun, result: Portraits, timings: dict) -> None:
    started = time.perf_counter()
    charts, histograms = _charts(result)
    overall = result.overall
    with transaction.atomic():
        segments = Segment.objects.bulk_create([
            Segment(
                run=run, label=label, name=profile["name"][:120], size=profile["size"],
                revenue_share=profile.get("revenue_share") or 0.0,
                expected_value=(profile.get("expected_value") or {}).get("total_value"),
                profile=json_safe({**profile, "price_histogram": histograms.get(label)}),
            )
            for label, profile in sorted(result.profiles.items())
        ])
        frame = membership_frame(run_id=run.pk, result=result, segment_ids={s.label: s.pk for s in segments})
        memberships_store(frame)
        timings["store"] = time.perf_counter() - started
        run.metrics = json_safe({**run.metrics, "overall": overall, "charts": charts,
                                 "timings": {k: round(v, 3) for k, v in timings.items()}})
        run.status = PortraitRun.Status.DONE
        run.n_customers = len(result.labels)
        run.n_segments = result.k
        run.finished_at = timezone.now()
        run.is_current = _promote(run)
        run.save(update_fields=["status", "n_customers", "n_segments", "finished_at", "metrics", "is_current"])
    memberships_analyze()


def _promote(run: PortraitRun) -> bool:
    """Make ``run`` the current run unless a run with a higher version is current; inside the store's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROMOTION_LOCK])
    if PortraitRun.objects.filter(is_current=True, version__gt=run.version).exists():
        return False
    PortraitRun.objects.filter(is_current=True).update(is_current=False)
    return True


def _fail(run: PortraitRun, error: str) -> None:
    PortraitRun.objects.filter(pk=run.pk).update(
        status=PortraitRun.Status.FAILED, error=error, finished_at=timezone.now(), progress=100,
    )
    run.refresh_from_db()
    if run.task_run_id:
        task_run_finish(run_id=run.task_run_id, error=error)


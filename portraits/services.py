"""Writes of link 8: portrait runs, briefs, and the next cycle they open."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from itertools import combinations

import numpy as np
from django.db import transaction
from django.utils import timezone

from core.demo_catalog import demo_keyword
from core.models import Cycle
from core.services import cycle_close, cycle_open
from hotspots import services as hotspots_services
from hotspots.models import WatchKeyword

from .errors import PortraitError
from .features import TASTE_KINDS
from .line_frames import frames_from_order_lines
from .models import Brief, PortraitRun, Segment, SegmentMembership
from .pipeline import Portraits, build_portraits
from .profiles import MIN_SUPPORT, main_markets
from .segmentation import K_RANGE
from .selectors import order_lines_frame

BRIEF_MIN_MEMBERS = 5
BRIEF_TOP_ATTRIBUTES = 3
BRIEF_MIN_MARKET_SHARE = 0.2
PORTRAITS_ACTOR = "c2f portraits"

Progress = Callable[[int, int, str], None]


MEMBERSHIP_FEATURES = {
    "recency_days": "recency_days", "frequency": "frequency", "monetary": "monetary", "mean_unit_price": "unit_price",
    "avg_order_value": "avg_order_value", "tenure_days": "tenure_days", "returns": "returns", "reviews": "reviews",
    "r_score": "r_score", "f_score": "f_score", "m_score": "m_score",
    "expected_purchases": "expected_purchases", "expected_value": "expected_value",
}
MEMBERSHIP_LABELS = {"market": "market", "channel": "channel", "price_band": "price_band", "rfm_group": "rfm_group"}


def _membership_features(result: Portraits) -> list[dict]:
    """Per customer, in the order of ``result.labels``: the stored features of their membership."""
    frame = result.memberships()
    numbers = {key: frame[column].to_numpy(dtype=float).round(4) for key, column in MEMBERSHIP_FEATURES.items()
               if column in frame.columns}
    labels = {key: frame[column].astype(object).where(frame[column].notna(), None).to_numpy()
              for key, column in MEMBERSHIP_LABELS.items()}
    taste = result.features.taste(TASTE_KINDS)
    shares = taste.to_numpy().round(4)
    names = [str(value) for _, value in taste.columns]
    rows, columns = np.nonzero(shares > 0)
    attributes: list[dict] = [{} for _ in range(len(frame))]
    for row, column in zip(rows.tolist(), columns.tolist()):
        attributes[row][names[column]] = float(shares[row, column])
    records = []
    for i in range(len(frame)):
        record = {key: (None if np.isnan(values[i]) else float(values[i])) for key, values in numbers.items()}
        record.update({key: values[i] for key, values in labels.items()})
        record["attributes"] = attributes[i]
        records.append(record)
    return records


def portrait_run_build(*, cycle: Cycle, is_demo: bool = False, progress: Progress | None = None) -> PortraitRun:
    """Segment the customers who ordered in ``cycle``; store segments and memberships.

    A run that cannot segment the data (too few customers, no orders) ends
    ``failed`` with the reason in ``error``. Which run a cycle shows is decided by
    ``selectors.portrait_run_latest``: the newest run that finished.
    """
    report = progress or (lambda done, total, message: None)
    run = PortraitRun.objects.create(
        cycle=cycle,
        is_demo=is_demo,
        params={"k_range": list(K_RANGE), "min_support": MIN_SUPPORT},
    )
    report(0, 3, "reading orders")
    try:
        lines = order_lines_frame(cycle=cycle)
        as_of = lines["placed_at"].max() + timedelta(days=1) if not lines.empty else timezone.now()
        report(1, 3, f"segmenting {lines['customer_id'].nunique()} customers")
        orders, order_lines, product_attributes = frames_from_order_lines(lines)
        currencies = lines["currency"].dropna() if "currency" in lines.columns else lines["customer_id"].iloc[:0]
        currency = str(currencies.mode().iloc[0]) if not currencies.empty else None
        result = build_portraits(orders, order_lines, product_attributes, as_of=as_of, currency=currency)
    except PortraitError as exc:
        _run_fail(run, str(exc))
        report(3, 3, f"failed: {exc}")
        return run
    except Exception as exc:
        _run_fail(run, f"{type(exc).__name__}: {exc}")
        raise

    report(2, 3, f"storing {result.k} segments")
    with transaction.atomic():
        segments = Segment.objects.bulk_create(
            [
                Segment(run=run, label=label, name=profile["name"][:120], size=profile["size"], profile=profile)
                for label, profile in sorted(result.profiles.items())
            ]
        )
        by_label = {segment.label: segment for segment in segments}
        SegmentMembership.objects.bulk_create(
            [
                SegmentMembership(run=run, segment=by_label[label], customer_id=customer_id, features=features)
                for customer_id, label, features in zip(
                    result.labels.index.tolist(), result.labels.tolist(), _membership_features(result)
                )
            ],
            batch_size=500,
        )
        run.status = PortraitRun.Status.DONE
        run.n_customers = len(result.labels)
        run.n_segments = result.k
        run.finished_at = timezone.now()
        run.params = {
            **run.params,
            "k": result.k,
            "silhouette": {str(k): round(v, 4) for k, v in result.clustering.silhouette.items()},
            "as_of": as_of.isoformat(),
            **result.metrics(),
        }
        run.save(update_fields=["status", "n_customers", "n_segments", "finished_at", "params"])
    report(3, 3, f"done: {result.k} segments of {len(result.labels)} customers")
    return run


def _run_fail(run: PortraitRun, error: str) -> None:
    run.status = PortraitRun.Status.FAILED
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def brief_keywords(*, attributes: list[str], category: str) -> list[str]:
    """Search keywords for a brief: each attribute with the category, then each pair."""
    singles = [demo_keyword(a, category) for a in attributes]
    pairs = [demo_keyword(f"{a} {b}", category) for a, b in combinations(attributes, 2)]
    return list(dict.fromkeys(singles + pairs))


def _brief_text(segment: Segment, attributes, markets, low, high, currency) -> str:
    rfm = segment.profile.get("rfm", {})
    return (
        f"{segment.name}: {segment.size} customers who spend on "
        f"{', '.join(attributes) or 'no single attribute'} in {segment.profile.get('main_category') or 'mixed categories'}, "
        f"mostly in {', '.join(markets)}. They pay {low}–{high} {currency or ''} a unit, "
        f"order {rfm.get('frequency', 0):.1f} times and spend {rfm.get('monetary', 0):.0f} on average."
    ).replace("  ", " ")


def briefs_write(*, run: PortraitRun, min_members: int = BRIEF_MIN_MEMBERS) -> list[Brief]:
    """One brief per segment with at least ``min_members`` customers (idempotent)."""
    if run.status != PortraitRun.Status.DONE:
        raise ValueError(f"portrait run {run.pk} is {run.status}, not done: it has no segments to brief")
    briefs = []
    with transaction.atomic():
        for segment in run.segments.filter(size__gte=min_members).order_by("label"):
            profile = segment.profile
            category = profile.get("main_category") or ""
            attributes = [a["name"] for a in profile.get("top_attributes", [])[:BRIEF_TOP_ATTRIBUTES]]
            markets = main_markets(profile, min_share=BRIEF_MIN_MARKET_SHARE)
            low, high = (Decimal(str(v)).quantize(Decimal("0.01")) for v in profile["price_band"])
            brief, _ = Brief.objects.update_or_create(
                segment=segment,
                defaults={
                    "run": run,
                    "category": category,
                    "attributes": attributes,
                    "price_low": low,
                    "price_high": high,
                    "markets": markets,
                    "keywords": brief_keywords(attributes=attributes, category=category) if category else [],
                    "text": _brief_text(segment, attributes, markets, low, high, profile.get("currency")),
                },
            )
            briefs.append(brief)
    return briefs


def next_cycle_open(*, run: PortraitRun) -> Cycle:
    """Close the run's cycle and open the next one, seeded with a watchlist per brief.

    Idempotent: the existing next cycle is returned, and only briefs without a
    watchlist in it get one.
    """
    if run.status != PortraitRun.Status.DONE:
        raise ValueError(f"portrait run {run.pk} is {run.status}, not done: it cannot open the next cycle")
    with transaction.atomic():
        cycle = cycle_close(cycle_id=run.cycle_id, actor=PORTRAITS_ACTOR, note=f"portrait run #{run.pk} built")
        next_cycle = Cycle.objects.filter(previous=cycle).first()
        if next_cycle is None:
            next_cycle = cycle_open(previous=cycle, is_demo=run.is_demo, actor=PORTRAITS_ACTOR)
        briefs = list(run.briefs.select_related("segment").order_by("segment__label")) or briefs_write(run=run)
        Brief.objects.filter(pk__in=[b.pk for b in briefs]).update(for_cycle=next_cycle)
        seeded = set(
            next_cycle.watchlists.filter(seeded_by_brief__in=briefs).values_list("seeded_by_brief_id", flat=True)
        )
        for brief in briefs:
            if brief.pk in seeded or not brief.keywords:
                continue
            hotspots_services.watchlist_create(
                cycle=next_cycle,
                name=f"Brief · {brief.segment.name}"[:120],
                keywords=[(keyword, brief.category) for keyword in brief.keywords],
                markets=brief.markets,
                origin=WatchKeyword.Origin.BRIEF,
                seeded_by_brief=brief,
                is_demo=run.is_demo,
            )
    return next_cycle

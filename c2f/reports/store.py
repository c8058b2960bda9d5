"""Refreshing the stored cycle reports: compute above the links, store the snapshot in core."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from core.models import Cycle, CycleReport

from .build import cycle_report_build

logger = logging.getLogger(__name__)


def cycle_report_refresh(*, cycle_id: int, today: datetime.date | None = None) -> CycleReport | None:
    """Compute the report of cycle ``cycle_id`` and store it; the stored report, or None for a missing cycle.

    Idempotent: running it twice on the same day stores the same figures. A refresh that started before
    the stored report was computed does not replace it. A failure is kept on the stored report and raised.
    """
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        logger.warning("Cycle %s is gone: no report to refresh", cycle_id)
        return None
    started = timezone.now()
    today = today or timezone.localdate()
    try:
        data = cycle_report_build(cycle=cycle, today=today)
    except Exception as exc:
        CycleReport.objects.filter(cycle=cycle).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    with transaction.atomic():
        report = CycleReport.objects.select_for_update().filter(cycle=cycle).first()
        if report is None:
            return CycleReport.objects.create(cycle=cycle, data=data, as_of=today, computed_at=started, refreshes=1)
        if report.computed_at > started:
            return report  # a newer refresh finished first
        report.data, report.as_of, report.computed_at, report.error = data, today, started, ""
        report.refreshes += 1
        report.save()
    return report


def cycle_reports_refresh(*, today: datetime.date | None = None, progress=None) -> list[CycleReport]:
    """Refresh every cycle's report, oldest cycle first; ``progress(done, total, cycle)`` after each."""
    cycle_ids = list(Cycle.objects.order_by("number").values_list("pk", flat=True))
    reports = []
    for done, cycle_id in enumerate(cycle_ids, start=1):
        report = cycle_report_refresh(cycle_id=cycle_id, today=today)
        if report is not None:
            reports.append(report)
        if progress is not None:
            progress(done, len(cycle_ids), report)
    return reports

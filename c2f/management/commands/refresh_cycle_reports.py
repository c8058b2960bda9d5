import datetime

from django.core.management.base import BaseCommand, CommandError

from c2f.reports import cycle_report_refresh, cycle_reports_refresh
from core.models import Cycle


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be a date like 2026-11-30, got {value!r}") from exc


class Command(BaseCommand):
    help = "Compute and store the cycle reports (every cycle, or one), with a progress line per cycle."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, help="Cycle number (default: every cycle).")
        parser.add_argument("--date", help="Figures up to this day (default: today).")

    def handle(self, *args, cycle=None, date=None, **options):
        today = _date(date) if date else None
        if cycle is not None:
            found = Cycle.objects.filter(number=cycle).first()
            if found is None:
                raise CommandError(f"There is no cycle {cycle}.")
            self._line(1, 1, cycle_report_refresh(cycle_id=found.pk, today=today))
            return
        reports = cycle_reports_refresh(today=today, progress=self._line)
        self.stdout.write(f"{len(reports)} cycle reports stored.")

    def _line(self, done: int, total: int, report) -> None:
        if report is None:
            self.stdout.write(f"[{done}/{total}] cycle gone, skipped")
            return
        totals = report.data["outcome"]["totals"]
        share = totals["sell_through"]
        self.stdout.write(
            f"[{done}/{total}] {report.cycle}: {totals['ordered']} ordered, {totals['made']} made, {totals['sold']} sold, "
            f"sell-through {'—' if share is None else f'{share:.0%}'} (as of {report.as_of})"
        )

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from c2f.reports import reorder_check_run


class Command(BaseCommand):
    help = "Judge every received production order's reorder rule on the shop's sales (what beat runs daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to judge on (default: today), e.g. 2026-11-30.")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date must be a date like 2026-11-30, got {date!r}") from exc
        try:
            report = reorder_check_run(today=today)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(report.summary())

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from c2f.tasks import cycle_run_start
from core.models import Cycle, TaskRun
from core.services import cycle_open


class Command(BaseCommand):
    help = (
        "Take a cycle through all eight links on the data present. On a fresh database with the "
        "bundled demo data it runs two demo cycles, the second seeded by the first's portraits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, help="Cycle number to run (default: the newest open cycle).")
        parser.add_argument("--timeout", type=int, default=900, help="Seconds to wait for workers.")

    def handle(self, *args, cycle=None, timeout=900, **options):
        if cycle is not None:
            try:
                self._run(Cycle.objects.get(number=cycle), timeout)
            except Cycle.DoesNotExist:
                raise CommandError(f"There is no cycle {cycle}.")
            return
        if not Cycle.objects.exists():
            self.stdout.write("Fresh database: running two demo cycles on the bundled demo data.")
            first = cycle_open(is_demo=True, name="Cycle 1 (demo)")
            if self._run(first, timeout):
                first.refresh_from_db()
                second = getattr(first, "next_cycle", None)
                if second is None:
                    raise CommandError("Cycle 1 did not open cycle 2.")
                self._run(second, timeout)
            return
        current = Cycle.objects.exclude(status=Cycle.Status.CLOSED).order_by("number").first()
        if current is None:
            raise CommandError("Every cycle is closed; open one from the latest portrait run.")
        self._run(current, timeout)

    def _run(self, cycle: Cycle, timeout: int) -> bool:
        self.stdout.write(f"{cycle}: running the eight links…")
        task_run = cycle_run_start(cycle=cycle, wait_for_commit=False)
        return self._follow(task_run, timeout)

    def _follow(self, task_run: TaskRun, timeout: int) -> bool:
        deadline = time.monotonic() + timeout
        last = None
        while True:
            task_run.refresh_from_db()
            line = f"  [{task_run.done}/{task_run.total}] {task_run.message}"
            if line != last:
                self.stdout.write(line)
                last = line
            if task_run.status == TaskRun.Status.FAILED:
                raise CommandError(f"{task_run.cycle} failed: {task_run.error}")
            if task_run.status == TaskRun.Status.DONE:
                waiting = task_run.message.startswith("waiting:")
                self.stdout.write(
                    self.style.WARNING(f"{task_run.cycle} stopped, {task_run.message}")
                    if waiting
                    else self.style.SUCCESS(f"{task_run.cycle} done.")
                )
                return not waiting
            if settings.CELERY_TASK_ALWAYS_EAGER or time.monotonic() > deadline:
                raise CommandError(
                    f"{task_run.cycle} did not finish"
                    + ("" if settings.CELERY_TASK_ALWAYS_EAGER else f" within {timeout}s: are the workers running?")
                )
            time.sleep(0.5)
            sys.stdout.flush()

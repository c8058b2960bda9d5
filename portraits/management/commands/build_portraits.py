from django.core.management.base import BaseCommand, CommandError

from core.models import Cycle
from core.selectors import cycle_current
from portraits.models import PortraitRun
from portraits.services import briefs_write, next_cycle_open, portrait_run_build


class Command(BaseCommand):
    help = "Build a portrait run (customer segments) from the orders of a cycle."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, help="Cycle number (default: the newest cycle).")
        parser.add_argument(
            "--open-next", action="store_true",
            help="Also write the segments' briefs and open the next cycle seeded by them.",
        )

    def handle(self, *args, cycle=None, open_next=False, **options):
        if cycle is None:
            target = cycle_current()
            if target is None:
                raise CommandError("There is no cycle yet: nothing to build portraits for.")
        else:
            target = Cycle.objects.filter(number=cycle).first()
            if target is None:
                raise CommandError(f"Cycle {cycle} does not exist.")

        def progress(done: int, total: int, message: str) -> None:
            self.stdout.write(f"[{done}/{total}] cycle {target.number}: {message}")

        run = portrait_run_build(cycle=target, is_demo=target.is_demo, progress=progress)
        if run.status != PortraitRun.Status.DONE:
            raise CommandError(f"Portrait run {run.pk} failed: {run.error}")
        for segment in run.segments.order_by("-size", "label"):
            self.stdout.write(f"  {segment.size:>5}  {segment.name}")
        if open_next:
            briefs = briefs_write(run=run)
            next_cycle = next_cycle_open(run=run)
            self.stdout.write(f"{len(briefs)} briefs written; {next_cycle} opened from them.")
        self.stdout.write(self.style.SUCCESS(f"Portrait run {run.pk}: {run.n_segments} segments of {run.n_customers} customers."))

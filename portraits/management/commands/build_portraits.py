from django.core.management.base import BaseCommand, CommandError

from core.models import Cycle
from core.selectors import cycle_current
from portraits.models import PortraitRun
from portraits.services import briefs_write, next_cycle_open, portrait_run_build, portrait_run_params


class Command(BaseCommand):
    help = (
        "Build a portrait run of the whole customer base: every order up to now (or --as-of), of every cycle "
        "and of none. The run is placed in the newest cycle's lineage (or --cycle N); with no cycle yet it "
        "stands alone, and --open-next opens the first cycle from its briefs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, help="Cycle number the run belongs to (default: the newest cycle, if any).")
        parser.add_argument("--k-min", type=int, help="Fewest segments to try (default C2F_PORTRAIT_K_MIN).")
        parser.add_argument("--k-max", type=int, help="Most segments to try (default C2F_PORTRAIT_K_MAX).")
        parser.add_argument(
            "--open-next", action="store_true",
            help="Also write the segments' briefs and open the next cycle seeded by them.",
        )

    def handle(self, *args, cycle=None, k_min=None, k_max=None, open_next=False, **options):
        if cycle is None:
            target = cycle_current()
        else:
            target = Cycle.objects.filter(number=cycle).first()
            if target is None:
                raise CommandError(f"Cycle {cycle} does not exist.")
        try:
            params = portrait_run_params(k_min=k_min, k_max=k_max)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        where = f"cycle {target.number}" if target else "customer base"

        def progress(done: int, total: int, message: str) -> None:
            self.stdout.write(f"[{done}/{total}] {where}: {message}")

        run = portrait_run_build(cycle=target, is_demo=bool(target and target.is_demo), progress=progress, params=params)
        if run.status != PortraitRun.Status.DONE:
            raise CommandError(f"Portrait run {run.version} failed: {run.error}")
        for segment in run.segments.order_by("-size", "label"):
            self.stdout.write(f"  {segment.size:>7}  {segment.name}")
        if open_next:
            briefs = briefs_write(run=run)
            next_cycle = next_cycle_open(run=run)
            self.stdout.write(f"{len(briefs)} briefs written; {next_cycle} opened from them.")
        self.stdout.write(self.style.SUCCESS(
            f"Portrait run {run.version}: {run.n_segments} segments of {run.n_customers} customers."
        ))

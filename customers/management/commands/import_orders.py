from django.core.management.base import BaseCommand, CommandError

from core.models import Cycle
from customers.importers import FORMATS
from customers.services import orders_import


class Command(BaseCommand):
    help = "Import shop order exports (Shopify, Amazon Order Report, WooCommerce, generic CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
        parser.add_argument("--cycle", type=int, help="Cycle number new orders belong to (default: the newest).")
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, fmt, files, cycle=None, **options):
        target = None
        if cycle is not None:
            target = Cycle.objects.filter(number=cycle).first()
            if target is None:
                raise CommandError(f"Cycle {cycle} does not exist.")
        reports = orders_import(fmt=fmt, paths=files, cycle=target)
        for report in reports:
            self.stdout.write(self.style.SUCCESS(str(report)) if report.ok else self.style.ERROR(str(report)))
        refused = [r.file for r in reports if not r.ok]
        if refused:
            raise CommandError(f"{len(refused)} of {len(reports)} file(s) refused: {', '.join(refused)}")

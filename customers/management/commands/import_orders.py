from django.core.management.base import BaseCommand, CommandError

from core.models import Cycle
from customers.importers import FORMATS
from customers.models import OrderColumnMapping
from customers.services import orders_import


class Command(BaseCommand):
    help = (
        "Import shop order exports (Shopify orders export, Amazon All Orders or Order Report, WooCommerce, generic CSV, "
        "or any export through a saved column mapping); one report per file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
        parser.add_argument("--mapping", help="Name of a saved column mapping to read the files with.")
        parser.add_argument("--partial", action="store_true",
                            help="Import the good orders of a file with bad rows and list the rest (default: all or nothing).")
        parser.add_argument("--currency", default="", help="Currency of files without a currency column, e.g. EUR.")
        parser.add_argument("--market", default="", help="Country of orders whose file gives none, e.g. DE.")
        parser.add_argument("--cycle", type=int, help="Cycle number new orders belong to (default: the newest).")
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, fmt, files, cycle=None, mapping=None, partial=False, currency="", market="", **options):
        target = None
        if cycle is not None:
            target = Cycle.objects.filter(number=cycle).first()
            if target is None:
                raise CommandError(f"Cycle {cycle} does not exist.")
        saved = None
        if mapping:
            saved = OrderColumnMapping.objects.filter(name=mapping).first()
            if saved is None:
                names = ", ".join(OrderColumnMapping.objects.order_by("name").values_list("name", flat=True)) or "none saved"
                raise CommandError(f"No column mapping named {mapping!r} ({names}).")
        reports = orders_import(
            fmt=fmt, paths=files, cycle=target, mapping=saved, partial=partial, currency=currency, market=market,
        )
        for report in reports:
            self.stdout.write(self.style.SUCCESS(str(report)) if report.ok else self.style.ERROR(str(report)))
        refused = [r.file for r in reports if not r.ok]
        if refused:
            raise CommandError(f"{len(refused)} of {len(reports)} file(s) refused: {', '.join(refused)}")

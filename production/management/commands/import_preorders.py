from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from design.models import Concept
from production.importers import MAX_FILE_BYTES
from production.models import PreOrder
from production.services import pre_orders_import


class Command(BaseCommand):
    help = (
        "Import pre-orders from the template CSV (reference,sku,market,quantity,ordered_at,customer) "
        "or Shopify orders exports; each file is stored whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--channel", choices=[c for c in PreOrder.Channel.values if c != PreOrder.Channel.DEMO],
            help="Channel the pre-orders came through (default: shopify for Shopify exports, other for the template).",
        )
        parser.add_argument("--concept", type=int, help="Refuse SKUs that are not variants of this concept (id).")

    def handle(self, *args, files, channel=None, concept=None, **options):
        target = None
        if concept is not None:
            target = Concept.objects.filter(pk=concept).first()
            if target is None:
                raise CommandError(f"Concept {concept} does not exist.")
        refused = []
        for name in files:
            path = Path(name)
            try:
                with path.open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                self.stdout.write(self.style.ERROR(f"{path.name}: nothing stored, cannot read the file ({exc.strerror})"))
                refused.append(path.name)
                continue

            def progress(done, total, _name=path.name):
                self.stdout.write(f"{_name}: {done:,} of {total:,} lines read …")

            try:
                report = pre_orders_import(file=data, filename=path.name, concept=target, channel=channel, progress=progress)
            except ValidationError as error:
                raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from None
            self.stdout.write(self.style.SUCCESS(str(report)) if report.ok else self.style.ERROR(str(report)))
            if not report.ok:
                refused.append(path.name)
        if refused:
            raise CommandError(f"{len(refused)} of {len(files)} file(s) refused: {', '.join(refused)}")

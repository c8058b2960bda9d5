from django.core.management.base import BaseCommand, CommandError

from customers.importers.reviews import FORMATS, GENERIC
from customers.models import ReviewColumnMapping
from customers.services import reviews_import


class Command(BaseCommand):
    help = (
        "Import review exports: Shopify Product Reviews (shopify), Judge.me (judgeme), the Amazon review "
        "export format (amazon), or any CSV through a saved column mapping (generic --mapping NAME)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--mapping", help="Name of a saved review column mapping (generic format).")
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, fmt, files, mapping=None, **options):
        saved = None
        if fmt == GENERIC:
            if not mapping:
                names = ", ".join(ReviewColumnMapping.objects.order_by("name").values_list("name", flat=True))
                raise CommandError(f"--format generic needs --mapping NAME (saved: {names or 'none yet'}).")
            saved = ReviewColumnMapping.objects.filter(name=mapping).first()
            if saved is None:
                raise CommandError(f"No review column mapping named {mapping!r}.")
        elif mapping:
            raise CommandError("--mapping goes with --format generic.")

        def progress(done: int, total: int, name: str) -> None:
            line = f"[{done}/{total}] {'reading ' + name if name else 'done'}"
            self.stderr.write(f"\r{line:<70}", ending="" if name else "\n")
            self.stderr.flush()

        reports = reviews_import(fmt=fmt, paths=files, mapping=saved, progress=progress)
        for report in reports:
            self.stdout.write(self.style.SUCCESS(str(report)) if report.ok else self.style.ERROR(str(report)))
        refused = [r.file for r in reports if not r.ok]
        if refused:
            raise CommandError(f"{len(refused)} of {len(reports)} file(s) refused: {', '.join(refused)}")

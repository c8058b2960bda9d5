import datetime
import pathlib

from django.core.management.base import BaseCommand, CommandError

from hotspots.models import KeywordColumnMapping
from hotspots.services import trends_import_files

PROGRESS_FROM = 10


class Command(BaseCommand):
    help = (
        "Import Google Trends exports (multiTimeline.csv, geoMap.csv, relatedQueries.csv, relatedEntities.csv), Amazon "
        "keyword-tool exports (Helium 10 Cerebro and Magnet, Jungle Scout, or a CSV read with a saved mapping) "
        "and Amazon product-listing exports (Helium 10 Xray, Jungle Scout products)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=pathlib.Path, metavar="FILE")
        parser.add_argument("--demo", action="store_true", help="Flag what is stored as demo data.")
        parser.add_argument("--mapping", help="Name of a saved keyword column mapping: read FILEs as generic keyword CSVs.")
        parser.add_argument(
            "--market", default="",
            help="Market of files that do not say it: Amazon exports whose file name does not, Google Trends maps of "
                 "one country's regions, related lists without a title line (US, DE..., WORLD for worldwide).",
        )
        parser.add_argument("--keyword", default="", help="Keyword of Google Trends related lists without a title line.")
        parser.add_argument("--snapshot", help="Date of Amazon exports whose file name does not say (YYYY-MM-DD; default today).")

    def handle(self, *args, files, demo, mapping=None, market="", snapshot=None, keyword="", **options):
        total = len(files)
        columns = None
        if mapping:
            saved = KeywordColumnMapping.objects.filter(name=mapping).first()
            if saved is None:
                names = ", ".join(KeywordColumnMapping.objects.values_list("name", flat=True)) or "none saved yet"
                raise CommandError(f"No keyword column mapping named {mapping!r} ({names}).")
            columns = saved.as_mapping()
            market = market or saved.market
        day = None
        if snapshot:
            try:
                day = datetime.date.fromisoformat(snapshot)
            except ValueError as exc:
                raise CommandError(f"--snapshot {snapshot!r} is not a date like 2024-03-01.") from exc

        def progress(done, total):
            if total >= PROGRESS_FROM and (done % PROGRESS_FROM == 0 or done == total):
                self.stderr.write(f"... {done}/{total} files")

        failed = 0
        reports = trends_import_files(
            paths=files, is_demo=demo, progress=progress, mapping=columns, market=market, snapshot=day,
            keyword=keyword,
        )
        for report in reports:
            if report.status == "failed":
                failed += 1
                where = []
                if report.line is not None:
                    where.append(f"at line {report.line}")
                if report.field:
                    where.append(f"field {report.field}")
                place = f" {', '.join(where)}" if where else ""
                self.stdout.write(self.style.ERROR(f"{report.filename}: FAILED{place}: {report.error}"))
            else:
                self.stdout.write(
                    f"{report.filename}: {report.kind}, {report.new} new, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {report.rejected} rejected"
                )
        if total > 1:
            self.stdout.write(f"{total - failed} of {total} files imported")
        if failed:
            raise SystemExit(1)

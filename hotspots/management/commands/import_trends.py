import pathlib

from django.core.management.base import BaseCommand

from hotspots.services import trends_import_files

PROGRESS_FROM = 10


class Command(BaseCommand):
    help = "Import Google Trends exports (multiTimeline.csv, geoMap.csv, relatedQueries.csv)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=pathlib.Path, metavar="FILE")
        parser.add_argument("--demo", action="store_true", help="Flag what is stored as demo data.")

    def handle(self, *args, files, demo, **options):
        total = len(files)

        def progress(done, total):
            if total >= PROGRESS_FROM and (done % PROGRESS_FROM == 0 or done == total):
                self.stderr.write(f"... {done}/{total} files")

        failed = 0
        for report in trends_import_files(paths=files, is_demo=demo, progress=progress):
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

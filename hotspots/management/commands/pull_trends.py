from django.core.management.base import BaseCommand, CommandError

from hotspots.models import Watchlist
from hotspots.services import trends_pull
from hotspots.sources.base import RateLimited


class Command(BaseCommand):
    help = (
        "Pull live Google Trends for the watchlists, or one of them, each through its live source "
        "(pytrends, or SerpApi when chosen or when pytrends is refused and SERPAPI_API_KEY is set)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--watchlist", type=int, metavar="ID", help="Only this watchlist.")

    def handle(self, *args, watchlist=None, **options):
        watchlists = Watchlist.objects.order_by("id")
        if watchlist is not None:
            watchlists = watchlists.filter(pk=watchlist)
            if not watchlists.exists():
                raise CommandError(f"No watchlist with id {watchlist}.")
        failed = False
        for one in watchlists:
            try:
                reports = trends_pull(watchlist=one)
            except RateLimited as exc:
                raise CommandError(f"{one.name}: {exc}; nothing stored for that market, try again later.") from exc
            for r in reports:
                if r.status == "failed":
                    failed = True
                    self.stdout.write(self.style.ERROR(f"{r.filename}: FAILED: {r.error}"))
                else:
                    self.stdout.write(f"{r.filename}: {r.new} new, {r.updated} updated, {r.unchanged} unchanged")
        if failed:
            raise SystemExit(1)

"""Link 1: what shoppers abroad search for."""

from django.db import models
from django.urls import reverse

from core.models import Cycle, TaskRun


class Granularity(models.TextChoices):
    # Hourly and 8-minute exports are kept as one point a day, the mean of the day's points (SCORES.md).
    HOURS = "hours", "Daily means of hourly points"
    MINUTES = "minutes", "Daily means of 8-minute points"
    DAY = "day", "Daily"
    WEEK = "week", "Weekly"
    MONTH = "month", "Monthly"


class TrendSource(models.TextChoices):
    TRENDS_EXPORT = "trends_export", "Google Trends export (CSV)"
    PYTRENDS = "pytrends", "Google Trends live (pytrends)"
    SERPAPI = "serpapi", "Google Trends live (SerpApi)"
    AMAZON_EXPORT = "amazon_export", "Amazon keyword-tool export"
    AMAZON_LISTINGS = "amazon_listings", "Amazon product-listing export"


class LiveSource(models.TextChoices):
    PYTRENDS = "pytrends", "pytrends (SerpApi when refused, if a key is set)"
    SERPAPI = "serpapi", "SerpApi"


class Watchlist(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="watchlists")
    name = models.CharField(max_length=120)
    markets = models.JSONField(default=list, help_text="Google Trends geo codes, e.g. US, GB, DE.")
    timeframe = models.CharField(max_length=40, default="today 5-y")
    live_source = models.CharField(
        max_length=10, choices=LiveSource.choices, default=LiveSource.PYTRENDS,
        help_text="How pull_trends asks Google Trends; SerpApi needs SERPAPI_API_KEY. pytrends falls back to "
                  "SerpApi when refused and a key is set.",
    )
    # Lineage: a watchlist written by the previous cycle's portrait brief.
    seeded_by_brief = models.ForeignKey(
        "portraits.Brief", null=True, blank=True, on_delete=models.SET_NULL, related_name="watchlists"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hotspots:watchlist", args=[self.pk])


class WatchKeyword(models.Model):
    class Origin(models.TextChoices):
        SEED = "seed", "Seed list"
        BRIEF = "brief", "Portrait brief"
        RELATED = "related", "Related query"
        MANUAL = "manual", "Added by hand"

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=200)
    category = models.CharField(max_length=80, blank=True, help_text="Product category, e.g. blanket.")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SEED)

    class Meta:
        ordering = ["watchlist", "keyword"]
        constraints = [models.UniqueConstraint(fields=["watchlist", "keyword"], name="uniq_watchlist_keyword")]

    def __str__(self):
        return self.keyword


class TrendImport(models.Model):
    """One imported file (or one live pull): what was stored, or why not."""

    class Status(models.TextChoices):
        OK = "ok", "Imported"
        FAILED = "failed", "Failed"

    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=40)
    source = models.CharField(max_length=20, choices=TrendSource.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    summary = models.JSONField(
        default=dict, blank=True,
        help_text="What came in: keywords, markets, first and last date, points, regions, related rows.",
    )
    is_demo = models.BooleanField(default=False)
    task_run = models.ForeignKey(
        TaskRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="trend_imports",
        help_text="The dashboard upload or pull this file belonged to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.status})"


class TrendUpload(models.Model):
    """A file uploaded in the dashboard, held until the import task has read it (then deleted)."""

    task_run = models.ForeignKey(TaskRun, on_delete=models.CASCADE, related_name="trend_uploads")
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    options = models.JSONField(default=dict, blank=True, help_text="mapping id, market, snapshot.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_run", "id"]


class KeywordColumnMapping(models.Model):
    """Which header of a keyword CSV holds which metric; saved once, reused for every file of that shape."""

    name = models.CharField(max_length=80, unique=True)
    keyword = models.CharField(max_length=120, help_text="Header of the keyword column.")
    search_volume = models.CharField(max_length=120, blank=True)
    search_volume_trend = models.CharField(max_length=120, blank=True)
    competing_products = models.CharField(max_length=120, blank=True)
    title_density = models.CharField(max_length=120, blank=True)
    suggested_bid = models.CharField(max_length=120, blank=True)
    price = models.CharField(max_length=120, blank=True)
    market = models.CharField(max_length=12, blank=True, help_text="Marketplace when the file does not say, e.g. US.")
    created_at = models.DateTimeField(auto_now_add=True)

    FIELDS = ("keyword", "search_volume", "search_volume_trend", "competing_products", "title_density",
              "suggested_bid", "price")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def as_mapping(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.FIELDS if getattr(self, name).strip()}


class AmazonKeywordMetric(models.Model):
    """One keyword's Amazon figures in one marketplace on one snapshot date, from a keyword tool."""

    class Tool(models.TextChoices):
        CEREBRO = "cerebro", "Helium 10 Cerebro"
        MAGNET = "magnet", "Helium 10 Magnet"
        JUNGLE_SCOUT = "jungle_scout", "Jungle Scout"
        GENERIC = "generic", "CSV with a saved mapping"

    tool = models.CharField(max_length=12, choices=Tool.choices)
    keyword = models.CharField(max_length=200, help_text="Lower case, single spaces.")
    market = models.CharField(max_length=12, help_text="Marketplace, e.g. US, DE.")
    snapshot = models.DateField()
    search_volume = models.PositiveIntegerField(null=True, blank=True)
    search_volume_trend = models.FloatField(null=True, blank=True, help_text="Percent change the tool reports.")
    competing_products = models.PositiveIntegerField(null=True, blank=True)
    title_density = models.PositiveIntegerField(null=True, blank=True)
    suggested_bid = models.FloatField(null=True, blank=True)
    price = models.FloatField(null=True, blank=True)
    last_import = models.ForeignKey(TrendImport, null=True, blank=True, on_delete=models.SET_NULL)
    is_demo = models.BooleanField(default=False)

    VALUE_FIELDS = ["search_volume", "search_volume_trend", "competing_products", "title_density",
                    "suggested_bid", "price"]

    class Meta:
        ordering = ["keyword", "market", "-snapshot"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "keyword", "market", "snapshot"], name="uniq_amazon_keyword_metric")
        ]
        indexes = [models.Index(fields=["keyword", "market", "-snapshot"], name="amazon_kw_latest")]

    def __str__(self):
        return f"{self.keyword} [{self.market}, {self.snapshot}]"


class AmazonListing(models.Model):
    """One product listing (ASIN) in one marketplace on one snapshot date, from a listing export.

    Its title is where link 2 reads what the market already offers (``analysis`` supply)."""

    class Tool(models.TextChoices):
        XRAY = "xray", "Helium 10 Xray"
        JUNGLE_SCOUT = "jungle_scout", "Jungle Scout"

    tool = models.CharField(max_length=12, choices=Tool.choices)
    market = models.CharField(max_length=12, help_text="Marketplace, e.g. US, DE.")
    asin = models.CharField(max_length=10, verbose_name="ASIN")
    snapshot = models.DateField()
    title = models.CharField(max_length=500)
    brand = models.CharField(max_length=120, blank=True)
    price = models.FloatField(null=True, blank=True)
    monthly_sales = models.PositiveIntegerField(null=True, blank=True, help_text="Units a month, as the tool estimates.")
    monthly_revenue = models.FloatField(null=True, blank=True)
    reviews = models.PositiveIntegerField(null=True, blank=True)
    rating = models.FloatField(null=True, blank=True, help_text="Stars, 0-5.")
    last_import = models.ForeignKey(TrendImport, null=True, blank=True, on_delete=models.SET_NULL)
    is_demo = models.BooleanField(default=False)

    VALUE_FIELDS = ["tool", "title", "brand", "price", "monthly_sales", "monthly_revenue", "reviews", "rating"]

    class Meta:
        ordering = ["market", "-snapshot", "asin"]
        constraints = [
            models.UniqueConstraint(fields=["market", "asin", "snapshot"], name="uniq_amazon_listing")
        ]
        indexes = [models.Index(fields=["market", "-snapshot"], name="amazon_listing_latest")]

    def __str__(self):
        return f"{self.asin} [{self.market}, {self.snapshot}]"


class TrendSeries(models.Model):
    source = models.CharField(max_length=20, choices=TrendSource.choices)
    keyword = models.CharField(max_length=200)
    market = models.CharField(
        max_length=100, blank=True, help_text="ISO country code (from the CLDR name in the file); blank is worldwide."
    )
    granularity = models.CharField(max_length=8, choices=Granularity.choices)
    category = models.CharField(max_length=120, blank=True, help_text="Google Trends category line.")
    is_demo = models.BooleanField(default=False)
    last_import = models.ForeignKey(TrendImport, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["keyword", "market", "granularity"]
        verbose_name_plural = "trend series"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "keyword", "market", "granularity"], name="uniq_trend_series"
            )
        ]

    def __str__(self):
        return f"{self.keyword} [{self.market or 'world'}, {self.granularity}]"

    def get_absolute_url(self):
        return reverse("hotspots:series", args=[self.pk])


class TrendPoint(models.Model):
    series = models.ForeignKey(TrendSeries, on_delete=models.CASCADE, related_name="points")
    date = models.DateField()
    # Google's 0-100 index; "<1" is stored as 0.5, an empty cell as NULL (not zero).
    value = models.FloatField(null=True)
    is_partial = models.BooleanField(default=False)

    class Meta:
        ordering = ["series", "date"]
        constraints = [models.UniqueConstraint(fields=["series", "date"], name="uniq_trend_point")]


class RelatedQuery(models.Model):
    class Kind(models.TextChoices):
        TOP = "top", "Top"
        RISING = "rising", "Rising"

    source = models.CharField(max_length=20, choices=TrendSource.choices)
    keyword = models.CharField(max_length=200)
    market = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    query = models.CharField(max_length=300)
    value = models.FloatField(null=True, help_text="Top: 0-100 index (<1 is 0.5). Rising: percent growth.")
    is_breakout = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["keyword", "market", "kind", "-is_breakout", "-value"]
        verbose_name_plural = "related queries"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "keyword", "market", "kind", "query"], name="uniq_related_query"
            )
        ]

    def __str__(self):
        return self.query


class RelatedTopic(models.Model):
    """A topic (an entity: a company, a product, a subject) searched with a keyword, from relatedEntities exports
    or a live source; kept apart from related queries, which are search terms.

    Two topics may share a title, so a list is keyed by rank, its place in the list Google gave."""

    class Kind(models.TextChoices):
        TOP = "top", "Top"
        RISING = "rising", "Rising"

    source = models.CharField(max_length=20, choices=TrendSource.choices)
    keyword = models.CharField(max_length=200)
    market = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    rank = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    topic_type = models.CharField(max_length=100, blank=True, help_text="e.g. Topic, Company; exports do not say.")
    value = models.FloatField(null=True, help_text="Top: 0-100 index (<1 is 0.5). Rising: percent growth.")
    is_breakout = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["keyword", "market", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["source", "keyword", "market", "kind", "rank"], name="uniq_related_topic")
        ]

    def __str__(self):
        return self.title


class RegionInterest(models.Model):
    source = models.CharField(max_length=20, choices=TrendSource.choices)
    keyword = models.CharField(max_length=200)
    market = models.CharField(max_length=100, blank=True, help_text="Geo the map was drawn for.")
    region = models.CharField(max_length=200)
    value = models.FloatField(null=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["keyword", "market", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["source", "keyword", "market", "region"], name="uniq_region_interest")
        ]


class Hotspot(models.Model):
    """A scored keyword x market for one cycle; components are kept beside the score."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="hotspots")
    series = models.ForeignKey(TrendSeries, on_delete=models.PROTECT, related_name="hotspots")
    keyword = models.CharField(max_length=200)
    category = models.CharField(max_length=80, blank=True)
    market = models.CharField(max_length=100, blank=True)
    score = models.FloatField()
    level = models.FloatField()
    growth = models.FloatField()
    slope = models.FloatField()
    components = models.JSONField(default=dict)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["cycle", "-score", "keyword"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "keyword", "market"], name="uniq_hotspot_per_cycle")
        ]

    def __str__(self):
        return f"{self.keyword} · {self.market or 'world'}"

    def get_absolute_url(self):
        return reverse("hotspots:detail", args=[self.pk])

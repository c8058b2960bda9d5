import datetime

import factory

from core.tests.factories import CycleFactory
from hotspots.models import AmazonListing, Granularity, TrendPoint, TrendSeries, TrendSource, Watchlist, WatchKeyword


class WatchlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Watchlist

    cycle = factory.SubFactory(CycleFactory)
    name = factory.Sequence(lambda n: f"watchlist {n}")
    markets = factory.LazyFunction(lambda: ["US"])


class WatchKeywordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchKeyword

    watchlist = factory.SubFactory(WatchlistFactory)
    keyword = factory.Sequence(lambda n: f"keyword {n}")
    category = "blanket"


class TrendSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrendSeries

    source = TrendSource.TRENDS_EXPORT
    keyword = factory.Sequence(lambda n: f"keyword {n}")
    market = "US"
    granularity = Granularity.WEEK


class TrendPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrendPoint

    series = factory.SubFactory(TrendSeriesFactory)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 7) + datetime.timedelta(weeks=n))
    value = 50.0


def weekly_series(*, keyword: str, market: str = "US", values: list, start=datetime.date(2024, 1, 7), **kwargs):
    """A stored weekly series with one point per value (None = empty cell)."""
    series = TrendSeriesFactory(keyword=keyword, market=market, **kwargs)
    TrendPoint.objects.bulk_create(
        TrendPoint(series=series, date=start + datetime.timedelta(weeks=i), value=v) for i, v in enumerate(values)
    )
    return series


class AmazonListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmazonListing

    tool = AmazonListing.Tool.XRAY
    market = "US"
    asin = factory.Sequence(lambda n: f"B0{n:08d}")
    snapshot = datetime.date(2024, 10, 4)
    title = factory.Sequence(lambda n: f"Soft throw blanket {n}")
    price = 24.99

import datetime

import factory

from core.models import Cycle
from hotspots.models import Granularity, TrendPoint, TrendSeries, TrendSource, Watchlist, WatchKeyword


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    number = factory.Sequence(lambda n: n + 1)


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

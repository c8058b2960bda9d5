import factory

from hotspots.models import Hotspot
from hotspots.tests.factories import CycleFactory, TrendSeriesFactory


class HotspotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotspot

    cycle = factory.SubFactory(CycleFactory)
    keyword = factory.Sequence(lambda n: f"keyword {n}")
    series = factory.SubFactory(TrendSeriesFactory, keyword=factory.SelfAttribute("..keyword"),
                                market=factory.SelfAttribute("..market"))
    category = "blanket"
    market = "US"
    score = 60.0
    level = 40.0
    growth = 0.2
    slope = 0.1
    components = factory.LazyFunction(lambda: {"parts": {}})

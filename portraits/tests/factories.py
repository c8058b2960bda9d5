import factory
from django.utils import timezone

from customers.tests.factories import CycleFactory
from portraits.models import PortraitRun, Segment


class PortraitRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortraitRun

    cycle = factory.SubFactory(CycleFactory)
    status = PortraitRun.Status.DONE
    finished_at = factory.LazyFunction(timezone.now)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    run = factory.SubFactory(PortraitRunFactory)
    label = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Segment {n}")
    size = 10
    profile = factory.LazyFunction(
        lambda: {
            "size": 10,
            "top_attributes": [
                {"name": "linen", "share": 0.6, "lift": 3.0},
                {"name": "cream", "share": 0.4, "lift": 2.0},
            ],
            "markets": {"US": 0.7, "GB": 0.2, "DE": 0.1},
            "price_band": [20.0, 45.0],
            "currency": "USD",
            "main_category": "throw",
            "rfm": {"recency_days": 30.0, "frequency": 2.0, "monetary": 80.0, "mean_unit_price": 40.0},
        }
    )

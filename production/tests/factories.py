import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from core.tests.factories import CycleFactory
from design.tests import factories as design_factories
from design.models import Concept
from production.models import Factory, ProductionOrder, ProductionOrderLine
from samples.models import Sample, VoteRound



class ConceptFactory(design_factories.ConceptFactory):
    name = factory.Sequence(lambda n: f"Sherpa blanket {n}")
    target_markets = ["US", "GB", "DE"]
    target_price = Decimal("39.00")
    unit_cost = Decimal("11.50")


class VariantFactory(design_factories.VariantFactory):
    concept = factory.SubFactory(ConceptFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")

class SampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sample

    # A confirmed sample belongs to a confirmed concept: only such a concept can go into production.
    concept = factory.SubFactory(ConceptFactory, status=Concept.Status.CONFIRMED)
    version = 1
    spec = "Double-sided sherpa, 380 gsm."
    status = Sample.Status.CONFIRMED


class VoteRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoteRound

    sample = factory.SubFactory(SampleFactory)
    cycle = factory.LazyAttribute(lambda o: o.sample.concept.cycle)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(timezone.now)
    status = VoteRound.Status.CLOSED


class FactoryFactory(factory.django.DjangoModelFactory):
    """A partner factory (the model is called Factory)."""

    class Meta:
        model = Factory

    name = factory.Sequence(lambda n: f"Partner Mill {n}")
    categories = ["blanket"]
    min_batch = 100


class ProductionOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionOrder

    class Params:
        released = factory.Trait(status=ProductionOrder.Status.RELEASED)

    sample = factory.SubFactory(SampleFactory)
    cycle = factory.LazyAttribute(lambda o: o.sample.concept.cycle)
    reference = factory.Sequence(lambda n: f"PO-T-{n:04d}")
    unit_price = Decimal("9.80")
    status = ProductionOrder.Status.DRAFT
    released_at = factory.LazyAttribute(lambda o: None if o.status == ProductionOrder.Status.DRAFT else timezone.now())
    # Last: this field's name shadows the factory_boy module inside the class body.
    factory = factory.SubFactory(FactoryFactory)


class ProductionOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionOrderLine

    order = factory.SubFactory(ProductionOrderFactory)
    variant = factory.SubFactory(VariantFactory, concept=factory.SelfAttribute("..order.sample.concept"))
    market = "US"
    quantity = 60


def order_with_lines(*, lines: int = 2, **kwargs) -> ProductionOrder:
    order = ProductionOrderFactory(**kwargs)
    for market in ["US", "GB", "DE"][:lines]:
        ProductionOrderLineFactory(order=order, market=market)
    return order

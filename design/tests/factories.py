from decimal import Decimal

import factory

from analysis.models import Attribute, Opportunity
from core.tests.factories import CycleFactory
from design.models import Concept, Variant


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concept

    cycle = factory.SubFactory(CycleFactory)
    name = factory.Sequence(lambda n: f"Sherpa mermaid blanket {n}")
    category = "blanket"
    target_markets = ["US", "GB"]
    target_price = Decimal("49.00")
    currency = "USD"
    unit_cost = Decimal("14.50")


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    concept = factory.SubFactory(ConceptFactory)
    sku = factory.Sequence(lambda n: f"HT-BL-S{n:04d}")
    colour = factory.Iterator(["sage green", "cream", "terracotta"])
    size = "130x170"
    material = "sherpa"


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("kind", "name")

    kind = Attribute.Kind.MATERIAL
    name = "sherpa"


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    category = "blanket"
    market = "US"
    key = factory.Sequence(lambda n: f"blanket|US|sherpa{n}")
    score = 72.0
    rank = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def attributes(self, create, extracted, **kwargs):
        if create:
            self.attributes.add(*(extracted or [AttributeFactory()]))

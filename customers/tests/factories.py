from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from core.tests.factories import CycleFactory
from customers.models import Customer, Order, OrderLine, Platform, Product
from design.tests import factories as design_factories
from promotion.models import Campaign, TrackedLink



class ConceptFactory(design_factories.ConceptFactory):
    pass


class VariantFactory(design_factories.VariantFactory):
    sku = factory.Sequence(lambda n: f"HT-BL-C{n:04d}")
    colour = "sage green"

class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    concept = factory.SubFactory(ConceptFactory)
    cycle = factory.SelfAttribute("concept.cycle")
    name = factory.Sequence(lambda n: f"Launch {n}")
    market = "US"
    starts_on = date(2025, 1, 1)


class TrackedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackedLink

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"lnk{n:05d}")
    destination_url = "https://shop.example/products/1"
    utm_source = "instagram"
    utm_campaign = factory.SelfAttribute("campaign.name")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True  # the attribute hook only adds M2M rows

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    title = factory.Sequence(lambda n: f"Product {n}")
    category = "blanket"

    @factory.post_generation
    def attributes(self, create, extracted, **kwargs):
        if create and extracted:
            self.attributes.set(extracted)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    platform = Platform.GENERIC
    external_id = factory.Sequence(lambda n: f"cust-{n:05d}")
    email = factory.Sequence(lambda n: f"shopper{n}@example.org")
    country = "US"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    cycle = factory.SubFactory(CycleFactory)
    customer = factory.SubFactory(CustomerFactory)
    platform = Platform.GENERIC
    external_id = factory.Sequence(lambda n: f"ord-{n:06d}")
    placed_at = factory.LazyFunction(timezone.now)
    market = "US"
    total = Decimal("40.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("40.00")

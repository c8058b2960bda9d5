from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from core.tests.factories import CycleFactory
from customers.models import Customer, Order, OrderLine, Platform, Product
from customers.services import customer_figures_refresh
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
    financial_status = "paid"
    total = Decimal("40.00")
    subtotal = factory.SelfAttribute("total")
    gross = factory.SelfAttribute("total")
    net = factory.SelfAttribute("total")
    fx_rate = Decimal("1")
    gross_base = factory.SelfAttribute("gross")
    net_base = factory.SelfAttribute("net")
    refunded_base = Decimal("0.00")
    item_count = 1


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("40.00")
    amount = factory.LazyAttribute(lambda line: line.unit_price * line.quantity - line.discount)
    discount = Decimal("0.00")
    amount_base = factory.SelfAttribute("amount")


def figures_refresh(*customers) -> None:
    """Bring customers' order figures up to date after orders were made with factories (imports do it themselves)."""
    customer_figures_refresh(customer_ids=[c.pk for c in customers] or Customer.objects.values_list("pk", flat=True))

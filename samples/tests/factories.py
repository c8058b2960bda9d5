from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from core.tests.factories import CycleFactory
from design.tests.factories import ConceptFactory, VariantFactory
from samples.models import Buyer, Invitation, Sample, Vote, VoteRound


class SampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sample

    concept = factory.SubFactory(ConceptFactory)
    version = 1
    spec = "Double-sided sherpa, 320 gsm, tail pocket 60 cm."


class BuyerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buyer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"buyer{n}@example.org")
    company = factory.Faker("company")
    country = "US"
    markets = ["US"]


class VoteRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoteRound

    sample = factory.SubFactory(SampleFactory, status=Sample.Status.IN_REVIEW)
    cycle = factory.LazyAttribute(lambda o: o.sample.concept.cycle)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    round = factory.SubFactory(VoteRoundFactory)
    buyer = factory.SubFactory(BuyerFactory)


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    round = factory.SubFactory(VoteRoundFactory)
    buyer = factory.SubFactory(BuyerFactory)
    score = 4
    would_order_qty = 0


class BuyerPanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "samples.BuyerPanel"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"US retail buyers {n}")

    @factory.post_generation
    def buyers(self, create, extracted, **kwargs):
        if create and extracted:
            self.buyers.add(*extracted)

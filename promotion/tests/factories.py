from datetime import date

import factory
from django.utils import timezone

from design.tests.factories import ConceptFactory
from promotion.models import Campaign, Click, Post, TrackedLink


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    concept = factory.SubFactory(ConceptFactory)
    cycle = factory.SelfAttribute("concept.cycle")
    name = factory.Sequence(lambda n: f"Launch {n}")
    market = "US"
    starts_on = date(2025, 1, 1)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    campaign = factory.SubFactory(CampaignFactory)
    channel = "instagram"
    text = "Meet the blanket"
    scheduled_at = factory.LazyFunction(timezone.now)


class TrackedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackedLink

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"lnk{n:05d}")
    destination_url = "https://shop.example/products/1"
    utm_source = "instagram"
    utm_campaign = factory.SelfAttribute("campaign.name")


class ClickFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Click

    link = factory.SubFactory(TrackedLinkFactory)
    campaign = factory.SelfAttribute("link.campaign")
    channel = factory.SelfAttribute("link.utm_source")
    at = factory.LazyFunction(timezone.now)

"""Designing straight from a portrait brief, from the brief's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from analysis.services import attribute_lexicon_seed
from core.services import cycle_open
from design.models import Concept
from portraits.models import Brief

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db


def _brief(*, for_cycle, category="throw"):
    segment = SegmentFactory()
    return Brief.objects.create(
        run=segment.run, segment=segment, for_cycle=for_cycle, category=category, attributes=["linen", "cream"],
        price_low=Decimal("30"), price_high=Decimal("50"), markets=["US", "GB"], keywords=["linen throw"],
    )


def test_a_brief_becomes_a_concept_in_the_cycle_it_seeds(staff_client):
    attribute_lexicon_seed()
    next_cycle = cycle_open()
    brief = _brief(for_cycle=next_cycle)
    response = staff_client.post(reverse("portraits:brief_concept", args=[brief.pk]))
    concept = Concept.objects.get()
    assert response.status_code == 302 and response["Location"] == concept.get_absolute_url()
    assert concept.cycle == next_cycle and concept.brief == brief and concept.target_segment == brief.segment
    assert concept.opportunity is None
    assert concept.category == "throw" and concept.target_markets == ["US", "GB"]
    assert {a.name for a in concept.attributes.all()} == {"linen", "cream"}
    assert concept.target_price == Decimal("39.99")
    assert {v.material for v in concept.variants.all()} == {"linen"}
    assert "cream" in {v.colour for v in concept.variants.all()}
    page = staff_client.get(reverse("portraits:brief", args=[brief.pk])).content.decode()
    assert concept.get_absolute_url() in page


def test_a_brief_seeding_no_cycle_or_no_category_makes_nothing(staff_client):
    brief = _brief(for_cycle=None)
    response = staff_client.post(reverse("portraits:brief_concept", args=[brief.pk]), follow=True)
    assert "seeds no cycle yet" in response.content.decode()
    brief = _brief(for_cycle=cycle_open(), category="")
    response = staff_client.post(reverse("portraits:brief_concept", args=[brief.pk]), follow=True)
    assert "names no category" in response.content.decode()
    assert not Concept.objects.exists()


def test_only_staff_by_post(client, django_user_model):
    brief = _brief(for_cycle=cycle_open())
    url = reverse("portraits:brief_concept", args=[brief.pk])
    assert client.post(url).status_code == 302  # to login
    client.force_login(django_user_model.objects.create_user("shopper", password="x"))
    assert client.post(url).status_code == 403
    client.force_login(django_user_model.objects.create_user("merch", password="x", is_staff=True))
    assert client.get(url).status_code == 405
    assert not Concept.objects.exists()

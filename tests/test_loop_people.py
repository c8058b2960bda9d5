"""The loop plays people only on a demo cycle; on any other cycle it stops where a person is needed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from c2f.loop import LoopWaiting, step_customers, step_production, step_promotion, step_samples
from customers.models import Order
from production import services
from production.models import ProductionOrder
from production.tests.factories import FactoryFactory, SampleFactory, VariantFactory, VoteRoundFactory
from promotion.models import Click, Post
from samples.models import Buyer, Invitation, Sample, Vote, VoteRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept():
    sample = SampleFactory()
    VariantFactory(concept=sample.concept)
    Sample.objects.filter(pk=sample.pk).delete()
    return sample.concept


def test_a_real_concept_without_a_sample_waits_for_one(concept):
    Buyer.objects.create(name="Real buyer", email="real@buyers.test", markets=["US"])
    with pytest.raises(LoopWaiting) as waiting:
        step_samples(concept.cycle)
    assert reverse("samples:sample_create", args=[concept.pk]) in str(waiting.value)
    assert not Sample.objects.exists() and not VoteRound.objects.exists() and not Invitation.objects.exists()


def test_a_real_sample_waits_for_the_merchandiser_to_open_a_round(concept):
    Buyer.objects.create(name="Real buyer", email="real@buyers.test", markets=["US"])
    sample = Sample.objects.create(concept=concept, version=1)
    with pytest.raises(LoopWaiting, match="choose the buyers") as waiting:
        step_samples(concept.cycle)
    assert reverse("samples:round_open", args=[sample.pk]) in str(waiting.value)
    assert not VoteRound.objects.exists() and not Invitation.objects.exists()


def test_an_open_real_round_is_never_voted_on_by_the_loop(concept):
    sample = Sample.objects.create(concept=concept, version=1, status=Sample.Status.IN_REVIEW)
    now = timezone.now()
    vote_round = VoteRound.objects.create(
        cycle=concept.cycle, sample=sample, opens_at=now, closes_at=now + dt.timedelta(days=5)
    )
    with pytest.raises(LoopWaiting, match=f"Round {vote_round.pk} is open for votes"):
        step_samples(concept.cycle)
    assert not Vote.objects.exists()
    assert VoteRound.objects.get().status == VoteRound.Status.OPEN


def test_a_real_accepted_order_is_not_made_by_the_loop_and_nobody_clicks_or_buys():
    sample = SampleFactory()
    variant = VariantFactory(concept=sample.concept)
    confirmed = VoteRoundFactory(sample=sample, decision=VoteRound.Decision.CONFIRM)
    order = services.production_order_create(
        cycle=confirmed.cycle, factory=FactoryFactory(), sample=sample, sizing_round=confirmed,
        lines=[{"variant_id": variant.pk, "market": "US", "quantity": 100}], unit_price="9.50", sizing={},
        actor="merch",
    )
    services.production_order_release(order_id=order.pk, actor="merch")
    services.production_order_accept(order_id=order.pk, actor="factory")
    assert step_production(confirmed.cycle) == f"order {order.reference} accepted"
    assert ProductionOrder.objects.get().status == ProductionOrder.Status.ACCEPTED  # the factory reports, not the loop
    step_promotion(confirmed.cycle)
    # A real campaign stays a draft for the merchandiser: its posts wait, none is sent or published.
    assert Post.objects.exists() and set(Post.objects.values_list("status", flat=True)) == {Post.Status.DRAFT}
    assert not Click.objects.exists()
    assert step_customers(confirmed.cycle) == "orders arrive from the shops (import_orders or the webhook)"
    assert not Order.objects.exists()

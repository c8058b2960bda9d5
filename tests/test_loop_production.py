"""The loop's production step asks production's services, which hold the rules; it adds none of its own."""

import pytest
from django.urls import reverse

from c2f.loop import LoopWaiting, step_production
from design.models import ComplianceItem
from production import services
from production.models import ProductionOrder
from production.tests.factories import FactoryFactory, SampleFactory, VariantFactory, VoteRoundFactory
from samples.models import VoteRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed():
    sample = SampleFactory()
    VariantFactory(concept=sample.concept)
    return VoteRoundFactory(sample=sample, decision=VoteRound.Decision.CONFIRM)


def test_without_a_confirmed_round_the_step_waits(confirmed):
    VoteRound.objects.filter(pk=confirmed.pk).update(decision="")
    with pytest.raises(LoopWaiting, match="No confirmed sample"):
        step_production(confirmed.cycle)


def test_an_open_checklist_is_what_the_step_waits_for(confirmed):
    concept = confirmed.sample.concept
    ComplianceItem.objects.create(concept=concept, market="US", title="16 CFR 1610 flammability")
    with pytest.raises(LoopWaiting) as waiting:
        step_production(confirmed.cycle)
    assert str(waiting.value) == f"{concept} is not ready for production: US: 16 CFR 1610 flammability"
    assert not ProductionOrder.objects.exists()


def test_a_ready_sample_waits_for_the_merchandiser_to_plan_its_batch(confirmed):
    with pytest.raises(LoopWaiting, match="Plan batch") as waiting:
        step_production(confirmed.cycle)
    assert reverse("production:plan", args=[confirmed.sample_id]) in str(waiting.value)
    assert not ProductionOrder.objects.exists()


def test_a_planned_draft_is_released_by_the_step(confirmed):
    variant = confirmed.sample.concept.variants.get()
    order = services.production_order_create(
        cycle=confirmed.cycle, factory=FactoryFactory(), sample=confirmed.sample, sizing_round=confirmed,
        lines=[{"variant_id": variant.pk, "market": "US", "quantity": 100}], unit_price="9.50", sizing={},
        actor="merch",
    )
    assert step_production(confirmed.cycle) == f"order {order.reference} released"
    assert step_production(confirmed.cycle) == f"order {order.reference} released"  # once
    assert ProductionOrder.objects.get().events.count() == 2

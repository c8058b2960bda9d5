"""Production hands "in production" down to design through design's transitions, never by writing it."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from core.transitions import TransitionNotAllowed
from design.models import Concept, ConceptEvent
from design.services import concept_drop
from production import services
from production.models import ProductionEvent, ProductionOrder
from samples.models import Sample, VoteRound
from samples.services import round_decide

from .factories import FactoryFactory, ProductionOrderFactory, SampleFactory, VariantFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db
Status = ProductionOrder.Status


def _create(sample, **kwargs):
    variant = VariantFactory(concept=sample.concept)
    return services.production_order_create(
        cycle=sample.concept.cycle, factory=FactoryFactory(), sample=sample,
        lines=[{"variant_id": variant.pk, "market": "US", "quantity": 100}], unit_price="9.50", sizing={},
        actor="mia", **kwargs,
    )


def _concept(sample):
    return Concept.objects.get(pk=sample.concept_id)


def test_an_order_puts_its_concept_in_production_once():
    sample = SampleFactory()
    first = _create(sample)
    _create(sample, another_batch=True)
    assert _concept(sample).status == Concept.Status.IN_PRODUCTION
    assert list(ConceptEvent.objects.filter(concept_id=sample.concept_id).values_list("from_status", "to_status", "actor", "note")) == [
        ("confirmed", "in_production", "mia", f"order {first.reference} created")
    ]


@pytest.mark.parametrize("status", [Concept.Status.DRAFT, Concept.Status.SAMPLING, Concept.Status.DROPPED])
def test_no_order_for_a_concept_that_is_not_confirmed(status):
    sample = SampleFactory(concept__status=status)
    with pytest.raises(TransitionNotAllowed, match=f"is {status} and cannot become in_production"):
        _create(sample)
    assert not ProductionOrder.objects.exists() and not ProductionEvent.objects.exists()
    assert _concept(sample).status == status


def test_a_concept_with_a_live_order_cannot_be_dropped():
    sample = SampleFactory()
    _create(sample)
    with pytest.raises(TransitionNotAllowed, match="A concept with a live production order cannot be dropped"):
        concept_drop(concept_id=sample.concept_id, actor="mia")
    assert _concept(sample).status == Concept.Status.IN_PRODUCTION


@pytest.mark.parametrize("move", ["cancel", "decline"])
def test_the_last_live_order_gone_hands_the_concept_back_to_confirmed(move):
    sample = SampleFactory()
    order = _create(sample)
    services.production_order_release(order_id=order.pk, actor="mia")
    if move == "cancel":
        services.production_order_cancel(order_id=order.pk, actor="mia", reason="factory closed")
    else:
        services.production_order_decline(order_id=order.pk, actor="Mill A", reason="no capacity")
    assert _concept(sample).status == Concept.Status.CONFIRMED
    last = ConceptEvent.objects.filter(concept_id=sample.concept_id).latest("id")
    assert (last.from_status, last.to_status) == ("in_production", "confirmed")
    gone = {"cancel": "cancelled", "decline": "declined"}[move]
    assert last.note == f"order {order.reference} {gone}: no live order left"
    concept_drop(concept_id=sample.concept_id, actor="mia", note="no factory")  # now it may go
    assert _concept(sample).status == Concept.Status.DROPPED


def test_a_concept_with_another_live_order_stays_in_production():
    sample = SampleFactory()
    first, second = _create(sample), _create(sample, another_batch=True)
    services.production_order_cancel(order_id=first.pk, actor="mia", reason="duplicate")
    assert _concept(sample).status == Concept.Status.IN_PRODUCTION
    services.production_order_cancel(order_id=second.pk, actor="mia", reason="concept dropped")
    assert _concept(sample).status == Concept.Status.CONFIRMED


def test_the_order_moves_keep_their_behaviour_for_orders_made_outside_the_service():
    order = ProductionOrderFactory()  # concept confirmed, never handed over: cancelling moves only the order
    services.production_order_cancel(order_id=order.pk, actor="mia", reason="x")
    assert ProductionOrder.objects.get(pk=order.pk).status == Status.CANCELLED
    assert _concept(order.sample).status == Concept.Status.CONFIRMED


def test_two_rounds_on_one_sample_cannot_drop_what_went_into_production():
    """Open a second round while the first is open (a database from before one round per sample),
    close both, decide the first confirm and the second drop: the drop is refused."""
    sample = SampleFactory(status=Sample.Status.IN_REVIEW, concept__status=Concept.Status.SAMPLING)
    first = VoteRoundFactory(sample=sample, status=VoteRound.Status.CLOSED)
    second = VoteRoundFactory(sample=sample, status=VoteRound.Status.CLOSED)
    round_decide(round=first, decision="confirm", note="strong panel", actor="mia")
    order = _create(sample, sizing_round=first)
    for to_status in (Status.RELEASED, Status.ACCEPTED, Status.IN_PRODUCTION, Status.QC_PASSED, Status.SHIPPED):
        services.production_order_transition(order_id=order.pk, to_status=to_status, actor="Mill A")

    with pytest.raises(ValidationError) as raised:
        round_decide(round=second, decision="drop", note="weak panel", actor="tom")
    assert raised.value.message_dict["decision"] == [
        f"Sample {sample} was already confirmed by round {first.pk} (confirm): round {second.pk} cannot decide drop "
        "on it any more. A decision applies only to a sample in review; nothing was changed."
    ]
    assert Sample.objects.get(pk=sample.pk).status == Sample.Status.CONFIRMED
    assert _concept(sample).status == Concept.Status.IN_PRODUCTION
    assert ProductionOrder.objects.get(pk=order.pk).status == Status.SHIPPED
    assert VoteRound.objects.get(pk=second.pk).decision == ""


def test_the_migration_puts_concepts_with_live_orders_in_production():
    migration = importlib.import_module("production.migrations.0007_concepts_in_production")
    live = ProductionOrderFactory(status=Status.SHIPPED)
    dropped_by_the_old_bug = ProductionOrderFactory(status=Status.RECEIVED, sample__concept__status=Concept.Status.DROPPED)
    gone = ProductionOrderFactory(status=Status.CANCELLED)
    untouched = SampleFactory()
    migration.concepts_in_production(apps, None)
    assert _concept(live.sample).status == Concept.Status.IN_PRODUCTION
    assert _concept(dropped_by_the_old_bug.sample).status == Concept.Status.IN_PRODUCTION
    assert _concept(gone.sample).status == Concept.Status.CONFIRMED
    assert _concept(untouched).status == Concept.Status.CONFIRMED
    event = ConceptEvent.objects.get(concept_id=dropped_by_the_old_bug.sample.concept_id)
    assert (event.from_status, event.to_status, event.note) == (
        "dropped", "in_production", f"has live production orders: {dropped_by_the_old_bug.reference}"
    )
    migration.concepts_in_production(apps, None)  # twice: nothing more
    assert ConceptEvent.objects.count() == 2

"""Two moves of the same record at the same moment serialize on its row lock (PostgreSQL only)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from core.transitions import TransitionNotAllowed
from design.models import Concept, ConceptEvent
from design.services import concept_drop, concept_production_start
from production import services as production
from production.models import ProductionOrder
from production.tests.factories import FactoryFactory, SampleFactory, VariantFactory
from samples.models import Sample, SampleEvent, VoteRound
from samples.services import round_decide, round_open, sample_confirm
from samples.tests.factories import BuyerFactory, VoteRoundFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only locks rows on PostgreSQL")


def race(calls):
    """Run the callables at the same moment in threads; each result is a value or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the refusal is the result we look at
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _refused(results):
    return [r for r in results if isinstance(r, Exception)]


def _chain_holds(events):
    """Each move starts where the one before it ended."""
    moves = [(e.from_status, e.to_status) for e in events]
    return all(prev[1] == nxt[0] for prev, nxt in zip(moves, moves[1:]))


def test_the_same_move_twice_at_once_happens_once():
    sample = SampleFactory(status=Sample.Status.IN_REVIEW)
    results = race([lambda: sample_confirm(sample_id=sample.pk, actor=f"m{i}") for i in range(4)])
    assert len(_refused(results)) == 3
    assert all(isinstance(r, TransitionNotAllowed) and "is confirmed and cannot become confirmed" in str(r) for r in _refused(results))
    assert SampleEvent.objects.filter(sample=sample).count() == 1


def test_dropping_and_going_into_production_at_once_one_wins_and_the_other_is_refused():
    concept = SampleFactory().concept  # confirmed
    results = race([
        lambda: concept_drop(concept_id=concept.pk, actor="mia", note="changed our mind"),
        lambda: concept_production_start(concept_id=concept.pk, actor="factory", note="order created"),
    ])
    refused = _refused(results)
    assert len(refused) == 1 and isinstance(refused[0], TransitionNotAllowed)
    concept.refresh_from_db()
    assert concept.status in (Concept.Status.DROPPED, Concept.Status.IN_PRODUCTION)
    events = list(ConceptEvent.objects.filter(concept=concept).order_by("id"))
    assert [(e.from_status, e.to_status) for e in events] == [("confirmed", concept.status)]


def test_two_rounds_opened_on_one_sample_at_once_leave_one_open_round():
    from django.utils import timezone

    sample = SampleFactory(status=Sample.Status.DRAFT, concept__status=Concept.Status.DRAFT)
    buyers = BuyerFactory.create_batch(2)
    now = timezone.now()
    results = race([
        lambda b=b: round_open(cycle=sample.concept.cycle, sample=sample, buyers=[b], opens_at=now,
                               closes_at=now + timezone.timedelta(days=3), actor="mia")
        for b in buyers
    ])
    refused = _refused(results)
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)
    assert "one round per sample at a time" in str(refused[0])
    assert VoteRound.objects.filter(sample=sample).count() == 1
    assert Sample.objects.get(pk=sample.pk).status == Sample.Status.IN_REVIEW
    assert _chain_holds(SampleEvent.objects.filter(sample=sample).order_by("id"))
    assert list(ConceptEvent.objects.filter(concept=sample.concept).values_list("to_status", flat=True)) == ["sampling"]


def test_two_rounds_of_one_sample_decided_at_once_decide_it_once():
    sample = SampleFactory(status=Sample.Status.IN_REVIEW, concept__status=Concept.Status.SAMPLING)
    first = VoteRoundFactory(sample=sample, status=VoteRound.Status.CLOSED)
    second = VoteRoundFactory(sample=sample, status=VoteRound.Status.CLOSED)
    results = race([
        lambda: round_decide(round=first, decision="confirm", note="", actor="mia"),
        lambda: round_decide(round=second, decision="drop", note="", actor="tom"),
    ])
    refused = _refused(results)
    assert len(refused) == 1 and "A decision applies only to a sample in review" in str(refused[0])
    assert VoteRound.objects.filter(sample=sample).exclude(decision="").count() == 1
    sample.refresh_from_db()
    assert sample.status in (Sample.Status.CONFIRMED, Sample.Status.DROPPED)
    assert SampleEvent.objects.filter(sample=sample).count() == 1


def test_an_order_created_while_the_last_one_is_cancelled_keeps_the_concept_in_production():
    sample = SampleFactory()
    variant = VariantFactory(concept=sample.concept)
    factory = FactoryFactory()

    def create():
        return production.production_order_create(
            cycle=sample.concept.cycle, factory=factory, sample=sample,
            lines=[{"variant_id": variant.pk, "market": "US", "quantity": 100}], unit_price="9.50", sizing={}, actor="mia",
            another_batch=True,
        )

    first = create()
    results = race([lambda: production.production_order_cancel(order_id=first.pk, actor="mia", reason="redo"), create])
    assert not _refused(results), results
    live = ProductionOrder.objects.filter(sample__concept=sample.concept).exclude(status__in=["cancelled", "declined"])
    assert live.count() == 1
    assert Concept.objects.get(pk=sample.concept_id).status == Concept.Status.IN_PRODUCTION
    assert _chain_holds(ConceptEvent.objects.filter(concept=sample.concept).order_by("id"))

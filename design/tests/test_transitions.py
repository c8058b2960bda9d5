"""A concept moves only through design's transition functions, each writing an event."""

import pytest

from core.transitions import TransitionNotAllowed
from design.models import Concept, ConceptEvent
from design.services import (
    concept_confirm,
    concept_create_from_opportunity,
    concept_drop,
    concept_production_start,
    concept_production_stop,
    concept_sampling_start,
)

from .factories import ConceptFactory, OpportunityFactory

pytestmark = pytest.mark.django_db
Status = Concept.Status


def _events(concept):
    return list(ConceptEvent.objects.filter(concept=concept).order_by("id").values_list("from_status", "to_status", "actor", "note"))


def test_a_new_concept_starts_its_timeline_in_draft():
    opportunity = OpportunityFactory()
    concept = concept_create_from_opportunity(opportunity=opportunity, actor="mia")
    assert concept.status == Status.DRAFT
    assert _events(concept) == [("", "draft", "mia", f"from opportunity #{opportunity.rank}")]


@pytest.mark.parametrize(
    "start, move, end",
    [
        (Status.DRAFT, concept_sampling_start, Status.SAMPLING),
        (Status.SAMPLING, concept_confirm, Status.CONFIRMED),
        (Status.CONFIRMED, concept_production_start, Status.IN_PRODUCTION),
        (Status.IN_PRODUCTION, concept_production_stop, Status.CONFIRMED),
        (Status.DRAFT, concept_drop, Status.DROPPED),
        (Status.SAMPLING, concept_drop, Status.DROPPED),
        (Status.CONFIRMED, concept_drop, Status.DROPPED),
    ],
)
def test_each_move_writes_the_state_and_one_event(start, move, end):
    concept = ConceptFactory(status=start)
    moved = move(concept_id=concept.pk, actor="mia", note="why")
    assert moved.status == end and Concept.objects.get(pk=concept.pk).status == end
    assert _events(concept) == [(start, end, "mia", "why")]


def test_a_concept_in_production_cannot_be_dropped_and_says_why():
    concept = ConceptFactory(status=Status.IN_PRODUCTION, name="Sherpa blanket")
    with pytest.raises(TransitionNotAllowed) as raised:
        concept_drop(concept_id=concept.pk, actor="mia")
    assert str(raised.value) == (
        "Concept “Sherpa blanket” is in_production and cannot become dropped; from in_production it can move to "
        "confirmed. A concept with a live production order cannot be dropped: cancel its orders first."
    )
    assert Concept.objects.get(pk=concept.pk).status == Status.IN_PRODUCTION and _events(concept) == []


@pytest.mark.parametrize(
    "start, move, allowed",
    [
        (Status.DRAFT, concept_confirm, "sampling or dropped"),
        (Status.SAMPLING, concept_production_start, "confirmed or dropped"),
        (Status.DROPPED, concept_sampling_start, "nothing further"),
        (Status.CONFIRMED, concept_sampling_start, "in_production or dropped"),
        (Status.CONFIRMED, concept_production_stop, "in_production or dropped"),
    ],
)
def test_illegal_moves_name_the_state_and_the_states_allowed(start, move, allowed):
    concept = ConceptFactory(status=start)
    with pytest.raises(TransitionNotAllowed, match=f"is {start} and cannot become .*; from {start} it can move to {allowed}"):
        move(concept_id=concept.pk, actor="mia")
    assert Concept.objects.get(pk=concept.pk).status == start and _events(concept) == []


def test_a_second_batch_leaves_a_concept_in_production_as_it_is():
    concept = ConceptFactory(status=Status.CONFIRMED)
    concept_production_start(concept_id=concept.pk, actor="m", note="order PO-1-001 created")
    concept_production_start(concept_id=concept.pk, actor="m", note="order PO-1-002 created")
    assert _events(concept) == [("confirmed", "in_production", "m", "order PO-1-001 created")]


def test_a_concept_in_production_counts_as_confirmed_on_the_cycle_page():
    from design.selectors import design_cycle_progress

    concept = ConceptFactory(status=Status.IN_PRODUCTION)
    progress = design_cycle_progress(cycle=concept.cycle)
    assert progress.confirmed == 1 and dict(progress.counts)["draft / sampling / confirmed"] == "0 / 0 / 1"

"""Samples and rounds move only through samples' services; rules across records are enforced there."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import transitions
from core.transitions import TransitionNotAllowed
from design.models import Concept, ConceptEvent
from samples.models import Sample, SampleEvent, VoteRound, VoteRoundEvent
from samples.services import (
    round_close,
    round_close_due,
    round_decide,
    round_open,
    sample_confirm,
    sample_create,
    sample_drop,
    sample_review_start,
    sample_revise,
    sample_revision_request,
)

from .factories import BuyerFactory, ConceptFactory, SampleFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db
S = Sample.Status


def _sample_events(sample):
    return list(SampleEvent.objects.filter(sample=sample).order_by("id").values_list("from_status", "to_status", "note"))


def _round_events(vote_round):
    return list(VoteRoundEvent.objects.filter(round=vote_round).order_by("id").values_list("from_status", "to_status", "note"))


def _concept_moves(concept):
    return list(ConceptEvent.objects.filter(concept=concept).order_by("id").values_list("from_status", "to_status"))


def _open(sample, actor="mia"):
    now = timezone.now()
    return round_open(cycle=sample.concept.cycle, sample=sample, buyers=[BuyerFactory()], opens_at=now,
                      closes_at=now + timedelta(days=5), actor=actor)


# --- each move writes an event -----------------------------------------------


def test_a_new_sample_starts_its_timeline_in_draft_and_a_new_version_too():
    concept = ConceptFactory()
    first = sample_create(concept=concept, spec="v1", actor="mia")
    second = sample_revise(previous=first, change_notes="thicker", actor="tom")
    assert _sample_events(first) == [("", "draft", "version 1")]
    assert list(second.events.values_list("to_status", "actor")) == [("draft", "tom")]


@pytest.mark.parametrize(
    "start, move, end",
    [
        (S.DRAFT, sample_review_start, S.IN_REVIEW),
        (S.REVISED, sample_review_start, S.IN_REVIEW),
        (S.IN_REVIEW, sample_confirm, S.CONFIRMED),
        (S.IN_REVIEW, sample_revision_request, S.REVISED),
        (S.IN_REVIEW, sample_drop, S.DROPPED),
        (S.DRAFT, sample_drop, S.DROPPED),
    ],
)
def test_each_sample_move_writes_one_event(start, move, end):
    sample = SampleFactory(status=start)
    move(sample_id=sample.pk, actor="mia", note="because")
    assert Sample.objects.get(pk=sample.pk).status == end
    assert _sample_events(sample) == [(start, end, "because")]


def test_a_confirmed_sample_is_final_and_the_refusal_says_so():
    sample = SampleFactory(status=S.CONFIRMED)
    with pytest.raises(TransitionNotAllowed) as raised:
        sample_drop(sample_id=sample.pk, actor="mia")
    assert str(raised.value) == (
        f"Sample {sample} is confirmed and cannot become dropped; from confirmed it can move to nothing further. "
        "A confirmed sample is final: it may already be in production."
    )
    with pytest.raises(TransitionNotAllowed, match="from draft it can move to in_review or dropped"):
        sample_confirm(sample_id=SampleFactory().pk, actor="mia")


def test_opening_a_round_moves_round_sample_and_concept_each_with_its_event():
    sample = SampleFactory()
    vote_round = _open(sample)
    assert _round_events(vote_round) == [("", "open", "opened: 1 buyers invited")]
    assert _sample_events(sample) == [("draft", "in_review", f"round {vote_round.pk} opened")]
    assert _concept_moves(sample.concept) == [("draft", "sampling")]
    assert ConceptEvent.objects.get(concept=sample.concept).note == f"sample v1 put to a vote in round {vote_round.pk}"


def test_closing_writes_an_event_once_and_the_decision_is_noted_on_the_round():
    vote_round = VoteRoundFactory(sample__concept__status=Concept.Status.SAMPLING)
    round_close(round=vote_round, actor="mia")
    round_close(round=vote_round, actor="mia")
    round_decide(round=vote_round, decision="confirm", note="strong panel", actor="mia")
    assert _round_events(vote_round) == [("open", "closed", ""), ("closed", "closed", "decided confirm: strong panel")]
    assert _sample_events(vote_round.sample) == [("in_review", "confirmed", f"round {vote_round.pk} decided confirm")]
    assert _concept_moves(vote_round.sample.concept) == [("sampling", "confirmed")]


def test_a_closed_round_cannot_open_again_and_the_refusal_says_where_it_stands():
    vote_round = VoteRoundFactory(status=VoteRound.Status.CLOSED)
    with pytest.raises(TransitionNotAllowed) as raised:
        transitions.transition(VoteRound, pk=vote_round.pk, to=VoteRound.Status.OPEN, actor="mia")
    assert str(raised.value) == (
        f"Round {vote_round.pk} is closed and cannot become open; from closed it can move to nothing further."
    )
    assert not vote_round.events.exists()


def test_rounds_past_their_closing_time_close_each_with_an_event():
    now = timezone.now()
    due = VoteRoundFactory(opens_at=now - timedelta(days=8), closes_at=now - timedelta(minutes=1))
    running = VoteRoundFactory()
    assert round_close_due() == 1 and round_close_due() == 0
    assert list(due.events.values_list("from_status", "to_status", "actor", "note")) == [
        ("open", "closed", "c2f scheduler", "closing time passed")
    ]
    assert not running.events.exists()


# --- one open round per sample ----------------------------------------------


def test_a_second_round_on_a_sample_is_refused_while_the_first_is_open():
    sample = SampleFactory()
    first = _open(sample)
    with pytest.raises(ValidationError) as raised:
        _open(sample)
    message = raised.value.message_dict["sample"][0]
    assert f"Round {first.pk} on sample {sample} is still open" in message
    assert "one round per sample at a time; close it before opening another" in message
    assert list(VoteRound.objects.filter(sample=sample)) == [first]
    round_close(round=first, actor="mia")
    second = _open(sample)  # once closed, the sample may be put to the buyers again
    assert second.status == VoteRound.Status.OPEN
    assert _sample_events(sample) == [("draft", "in_review", f"round {first.pk} opened")]


def test_a_sample_of_a_dropped_concept_cannot_be_put_to_a_vote():
    sample = SampleFactory(concept__status=Concept.Status.DROPPED)
    with pytest.raises(ValidationError, match="was dropped; its samples cannot be put to a vote"):
        _open(sample)
    assert not VoteRound.objects.exists()


# --- a decision comes too late once the sample has moved on -----------------


def _two_rounds_on_one_sample():
    """Two rounds on one sample, both closed: what a database holds from before one open round per sample."""
    sample = SampleFactory(status=S.IN_REVIEW, concept__status=Concept.Status.SAMPLING)
    first = VoteRoundFactory(sample=sample, status=VoteRound.Status.CLOSED)
    second = VoteRoundFactory(sample=sample, status=VoteRound.Status.CLOSED)
    return sample, first, second


def test_the_second_of_two_rounds_cannot_undo_what_the_first_decided():
    sample, first, second = _two_rounds_on_one_sample()
    round_decide(round=first, decision="confirm", note="strong panel", actor="mia")
    with pytest.raises(ValidationError) as raised:
        round_decide(round=second, decision="drop", note="weak panel", actor="tom")
    assert raised.value.message_dict["decision"] == [
        f"Sample {sample} was already confirmed by round {first.pk} (confirm): round {second.pk} cannot decide drop "
        "on it any more. A decision applies only to a sample in review; nothing was changed."
    ]
    assert Sample.objects.get(pk=sample.pk).status == S.CONFIRMED
    assert Concept.objects.get(pk=sample.concept_id).status == Concept.Status.CONFIRMED
    second.refresh_from_db()
    assert second.decision == "" and not second.events.exists()
    with pytest.raises(ValidationError, match="was already confirmed"):
        round_decide(round=second, decision="confirm", note="", actor="tom")


def test_a_decision_waits_while_another_round_of_the_sample_is_open():
    sample, first, second = _two_rounds_on_one_sample()
    VoteRound.objects.filter(pk=second.pk).update(status=VoteRound.Status.OPEN)  # legacy: two at once
    with pytest.raises(ValidationError, match=f"Round {second.pk} on sample .* is still open: close it before deciding"):
        round_decide(round=first, decision="confirm", note="", actor="mia")
    assert Sample.objects.get(pk=sample.pk).status == S.IN_REVIEW


def test_a_dropped_concept_refuses_a_confirm():
    vote_round = VoteRoundFactory(status=VoteRound.Status.CLOSED, sample__concept__status=Concept.Status.DROPPED)
    with pytest.raises(ValidationError, match="was dropped: round .* cannot confirm a sample of it"):
        round_decide(round=vote_round, decision="confirm", note="", actor="mia")
    assert VoteRound.objects.get(pk=vote_round.pk).decision == ""
    assert Sample.objects.get(pk=vote_round.sample_id).status == S.IN_REVIEW


def test_dropping_a_new_version_leaves_a_concept_in_production_as_it_is():
    concept = ConceptFactory(status=Concept.Status.IN_PRODUCTION)
    SampleFactory(concept=concept, version=1, status=S.CONFIRMED)
    v2 = VoteRoundFactory(status=VoteRound.Status.CLOSED, sample__concept=concept, sample__version=2)
    round_decide(round=v2, decision="drop", note="v2 was worse", actor="mia")
    assert Sample.objects.get(pk=v2.sample_id).status == S.DROPPED
    assert Concept.objects.get(pk=concept.pk).status == Concept.Status.IN_PRODUCTION
    assert _concept_moves(concept) == []


def test_dropping_the_last_version_in_play_drops_the_concept():
    concept = ConceptFactory(status=Concept.Status.SAMPLING)
    SampleFactory(concept=concept, version=1, status=S.REVISED)  # superseded by v2
    v2 = VoteRoundFactory(status=VoteRound.Status.CLOSED, sample__concept=concept, sample__version=2)
    round_decide(round=v2, decision="drop", note="", actor="mia")
    assert Concept.objects.get(pk=concept.pk).status == Concept.Status.DROPPED
    assert ConceptEvent.objects.get(concept=concept).note == f"sample v2 dropped in round {v2.pk}"


def test_dropping_one_version_while_another_is_in_review_keeps_the_concept():
    concept = ConceptFactory(status=Concept.Status.SAMPLING)
    SampleFactory(concept=concept, version=2, status=S.IN_REVIEW)
    v1 = VoteRoundFactory(status=VoteRound.Status.CLOSED, sample__concept=concept, sample__version=1)
    round_decide(round=v1, decision="drop", note="", actor="mia")
    assert Concept.objects.get(pk=concept.pk).status == Concept.Status.SAMPLING


def test_confirming_a_sample_of_a_draft_concept_takes_the_concept_through_sampling():
    vote_round = VoteRoundFactory(status=VoteRound.Status.CLOSED)  # a sample put to a vote before concepts moved
    round_decide(round=vote_round, decision="confirm", note="", actor="mia")
    assert _concept_moves(vote_round.sample.concept) == [("draft", "sampling"), ("sampling", "confirmed")]

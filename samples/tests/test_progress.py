"""Link 4's card on the cycle page: samples_cycle_progress, one query when link 3's progress is handed in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dashboard.progress import ProgressState
from core.tests.factories import CycleFactory
from design.selectors import DesignProgress
from samples.models import VoteRound
from samples.selectors import samples_cycle_progress

from .factories import ConceptFactory, InvitationFactory, SampleFactory, VoteFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db


def _design(concepts: int) -> DesignProgress:
    return DesignProgress(
        state=ProgressState.IN_PROGRESS if concepts else ProgressState.NOT_STARTED, next_action="",
        concepts=concepts, draft=concepts, sampling=0, confirmed=0,
    )


def _round(cycle, **fields) -> VoteRound:
    return VoteRoundFactory(sample=SampleFactory(concept=ConceptFactory(cycle=cycle)), **fields)


def test_without_a_concept_it_waits_and_with_one_it_asks_for_a_round(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        waiting = samples_cycle_progress(cycle=cycle, design=_design(0))
    assert waiting.state == ProgressState.NOT_STARTED
    assert (waiting.next_action, waiting.next_url) == ("Waits for a concept", f"{reverse('design:list')}?cycle={cycle.number}")
    assert dict(waiting.counts)["response rate"] == "—"
    asking = samples_cycle_progress(cycle=cycle, design=_design(1))
    assert asking.next_action == "Open a vote round for a concept"


def test_an_open_round_collects_votes(django_assert_num_queries):
    cycle = CycleFactory()
    closes = timezone.now() + timedelta(days=3)
    vote_round = _round(cycle, closes_at=closes)
    for _ in range(4):
        InvitationFactory(round=vote_round)
    VoteFactory(round=vote_round)
    with django_assert_num_queries(1):
        progress = samples_cycle_progress(cycle=cycle, design=_design(1))
    assert progress.state == ProgressState.IN_PROGRESS
    assert progress.next_action == f"Collect votes on round {vote_round.pk} (closes {closes:%Y-%m-%d})"
    assert progress.next_url == reverse("samples:round", args=[vote_round.pk])
    assert dict(progress.counts) == {"rounds": "1 (1 open)", "votes": "1 of 4 invited", "response rate": "25%"}


def test_a_closed_round_waiting_for_a_decision_comes_before_an_open_one(django_assert_num_queries):
    cycle = CycleFactory()
    _round(cycle, opens_at=timezone.now() - timedelta(days=9))
    undecided = _round(cycle, status=VoteRound.Status.CLOSED)
    _round(cycle, status=VoteRound.Status.CLOSED, decision=VoteRound.Decision.REVISE)
    with django_assert_num_queries(1):
        progress = samples_cycle_progress(cycle=cycle, design=_design(3))
    assert progress.next_action == f"Decide on round {undecided.pk}"
    assert progress.next_url == reverse("samples:round", args=[undecided.pk])


def test_decided_rounds_ask_for_a_revision_until_one_confirms(django_assert_num_queries):
    cycle = CycleFactory()
    _round(cycle, status=VoteRound.Status.CLOSED, decision=VoteRound.Decision.REVISE)
    revising = samples_cycle_progress(cycle=cycle, design=_design(1))
    assert revising.state == ProgressState.IN_PROGRESS
    assert revising.next_action == "Revise a sample and open a new round"
    assert revising.next_url == f"{reverse('samples:list')}?cycle={cycle.number}"

    _round(cycle, status=VoteRound.Status.CLOSED, decision=VoteRound.Decision.CONFIRM)
    with django_assert_num_queries(1):
        done = samples_cycle_progress(cycle=cycle, design=_design(2))
    assert done.state == ProgressState.DONE
    assert done.next_action == "Size a batch from the confirmed round"
    assert done.hands_over and done.next_url == ""
    assert (done.rounds, done.open_rounds, done.confirmed_rounds) == (2, 0, 1)

"""Link 3's card on the cycle page: design_cycle_progress, one query when link 2's progress is handed in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.selectors import AnalysisProgress
from core.dashboard.progress import ProgressState
from core.tests.factories import CycleFactory
from design.models import Concept
from design.selectors import design_cycle_progress

from .factories import ConceptFactory

pytestmark = pytest.mark.django_db


def _analysis(top_id=None, rank=None) -> AnalysisProgress:
    return AnalysisProgress(
        state=ProgressState.DONE if top_id else ProgressState.NOT_STARTED, next_action="",
        opportunities=1 if top_id else 0, top_opportunity_id=top_id, top_opportunity_rank=rank,
    )


def test_without_opportunities_it_waits_for_them(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        progress = design_cycle_progress(cycle=cycle, analysis=_analysis())
    assert progress.state == ProgressState.NOT_STARTED
    assert (progress.next_action, progress.next_url) == ("Waits for opportunities", f"{reverse('analysis:list')}?cycle={cycle.number}")


def test_the_first_opportunity_asks_for_a_concept(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        progress = design_cycle_progress(cycle=cycle, analysis=_analysis(top_id=42, rank=1))
    assert progress.state == ProgressState.NOT_STARTED
    assert progress.next_action == "Design a concept from opportunity #1"
    assert progress.next_url == reverse("analysis:detail", args=[42])


def test_the_oldest_draft_is_sent_to_sampling(django_assert_num_queries):
    cycle = CycleFactory()
    oldest = ConceptFactory(cycle=cycle, name="Linen throw")
    newer = ConceptFactory(cycle=cycle, name="Sherpa throw")
    Concept.objects.filter(pk=newer.pk).update(created_at=timezone.now() + datetime.timedelta(hours=1))
    ConceptFactory(cycle=cycle, status=Concept.Status.SAMPLING)
    with django_assert_num_queries(1):
        progress = design_cycle_progress(cycle=cycle, analysis=_analysis(top_id=42, rank=1))
    assert progress.state == ProgressState.IN_PROGRESS
    assert progress.next_action == "Send “Linen throw” to sampling"
    assert progress.next_url == reverse("design:detail", args=[oldest.pk])
    assert dict(progress.counts) == {"concepts": "3", "draft / sampling / confirmed": "2 / 1 / 0"}


def test_concepts_in_sampling_hand_over_to_the_next_link(django_assert_num_queries):
    cycle = CycleFactory()
    ConceptFactory.create_batch(2, cycle=cycle, status=Concept.Status.SAMPLING)
    with django_assert_num_queries(1):
        progress = design_cycle_progress(cycle=cycle, analysis=_analysis())
    assert progress.state == ProgressState.IN_PROGRESS
    assert progress.next_action == "2 concepts in sampling"
    assert progress.hands_over and progress.next_url == ""


def test_a_confirmed_concept_is_done(django_assert_num_queries):
    cycle = CycleFactory()
    ConceptFactory(cycle=cycle, status=Concept.Status.CONFIRMED)
    ConceptFactory(cycle=cycle, status=Concept.Status.DROPPED)
    ConceptFactory(cycle=CycleFactory(), status=Concept.Status.DRAFT)
    with django_assert_num_queries(1):
        progress = design_cycle_progress(cycle=cycle, analysis=_analysis())
    assert progress.state == ProgressState.DONE
    assert (progress.next_action, progress.next_url) == ("Review concepts", f"{reverse('design:list')}?cycle={cycle.number}")
    assert (progress.concepts, progress.draft, progress.sampling, progress.confirmed) == (2, 0, 0, 1)

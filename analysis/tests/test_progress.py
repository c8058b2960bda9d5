"""Link 2's card on the cycle page: analysis_cycle_progress, one query when link 1's progress is handed in."""

import pytest
from django.urls import reverse

from analysis.models import Opportunity
from analysis.selectors import analysis_cycle_progress
from core.dashboard.progress import ProgressState
from core.tests.factories import CycleFactory
from hotspots.selectors import HotspotsProgress

pytestmark = pytest.mark.django_db


def _hotspots(n: int) -> HotspotsProgress:
    return HotspotsProgress(
        state=ProgressState.DONE if n else ProgressState.NOT_STARTED, next_action="", watchlists=1, watch_keywords=1, hotspots=n
    )


def _opportunity(cycle, rank: int) -> Opportunity:
    return Opportunity.objects.create(cycle=cycle, category="blanket", market="US", key=f"blanket|US|{rank}", score=1 / rank, rank=rank)


def test_without_hotspots_it_waits_for_them(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        progress = analysis_cycle_progress(cycle=cycle, hotspots=_hotspots(0))
    assert progress.state == ProgressState.NOT_STARTED
    assert progress.next_action == "Waits for hotspots"
    assert progress.next_url == f"{reverse('hotspots:list')}?cycle={cycle.number}"


def test_scored_hotspots_wait_to_be_mined(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        progress = analysis_cycle_progress(cycle=cycle, hotspots=_hotspots(3))
    assert progress.state == ProgressState.IN_PROGRESS
    assert progress.next_action == "Mine opportunities from 3 hotspots"
    assert progress.next_url == f"{reverse('analysis:list')}?cycle={cycle.number}"


def test_ranked_opportunities_point_at_the_first(django_assert_num_queries):
    cycle = CycleFactory()
    for rank in (3, 1, 2):
        _opportunity(cycle, rank)
    first = Opportunity.objects.get(cycle=cycle, rank=1)
    with django_assert_num_queries(1):
        progress = analysis_cycle_progress(cycle=cycle, hotspots=_hotspots(3))
    assert progress.state == ProgressState.DONE
    assert (progress.next_action, progress.next_url) == ("Review opportunity #1", reverse("analysis:detail", args=[first.pk]))
    assert dict(progress.counts) == {"opportunities": "3"}
    assert (progress.top_opportunity_id, progress.top_opportunity_rank) == (first.pk, 1)


def test_without_link_1_handed_in_it_asks_link_1(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(2):
        progress = analysis_cycle_progress(cycle=cycle)
    assert progress.next_action == "Waits for hotspots"

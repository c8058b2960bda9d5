"""Link 6's card on the cycle page: promotion_cycle_progress, one query when link 5's progress is handed in
and no click came since the cycle's clicks were counted (two when counting)."""

import pytest
from django.urls import reverse

from core.dashboard.progress import ProgressState
from core.tests.factories import CycleFactory
from design.tests.factories import ConceptFactory
from production.selectors import ProductionProgress
from promotion.selectors import promotion_cycle_progress

from .factories import CampaignFactory, ClickFactory, PostFactory, TrackedLinkFactory

pytestmark = pytest.mark.django_db


def _production(orders: int) -> ProductionProgress:
    return ProductionProgress(
        state=ProgressState.DONE if orders else ProgressState.NOT_STARTED, next_action="",
        orders=orders, units=100 * orders, by_status={"received": orders} if orders else {},
    )


def test_without_a_batch_it_waits_and_with_one_it_asks_for_a_campaign(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(2):
        waiting = promotion_cycle_progress(cycle=cycle, production=_production(0))
    assert waiting.state == ProgressState.NOT_STARTED
    assert waiting.next_action == "Waits for a batch"
    assert waiting.next_url == f"{reverse('production:list')}?cycle={cycle.number}"
    planning = promotion_cycle_progress(cycle=cycle, production=_production(1))
    assert (planning.state, planning.next_action) == (ProgressState.NOT_STARTED, "Plan a campaign for the new batch")


def test_a_campaign_without_clicks_asks_for_posts(django_assert_num_queries):
    campaign = CampaignFactory(concept=ConceptFactory())
    PostFactory(campaign=campaign)
    with django_assert_num_queries(2):
        progress = promotion_cycle_progress(cycle=campaign.cycle, production=_production(1))
    assert progress.state == ProgressState.IN_PROGRESS
    assert progress.next_action == "Publish posts with tracked links"
    assert progress.next_url == f"{reverse('promotion:list')}?cycle={campaign.cycle.number}"


def test_clicks_make_it_done_and_are_counted(django_assert_num_queries):
    campaign = CampaignFactory()
    PostFactory.create_batch(2, campaign=campaign)
    link = TrackedLinkFactory(campaign=campaign)
    TrackedLinkFactory(campaign=campaign)
    ClickFactory.create_batch(3, link=link)
    ClickFactory()  # another cycle's campaign
    with django_assert_num_queries(2):  # the links, posts and campaigns; then the clicks counted
        promotion_cycle_progress(cycle=campaign.cycle, production=_production(1))
    with django_assert_num_queries(1):  # no click since: the counted figure
        progress = promotion_cycle_progress(cycle=campaign.cycle, production=_production(1))
    assert (progress.state, progress.next_action) == (ProgressState.DONE, "Compare campaigns by clicks")
    assert dict(progress.counts) == {"campaigns": "1", "posts": "2", "links": "2", "clicks": "3"}
    assert progress.clicks == 3
    ClickFactory(link=link)
    assert promotion_cycle_progress(cycle=campaign.cycle, production=_production(1)).clicks == 4

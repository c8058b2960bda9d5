"""Link 5's card on the cycle page: production_cycle_progress, one query when link 4's progress is handed in."""

import pytest
from django.urls import reverse

from core.dashboard.progress import ProgressState
from core.tests.factories import CycleFactory
from production.models import ProductionOrder
from production.selectors import production_cycle_progress
from samples.selectors import SamplesProgress

from .factories import ConceptFactory, ProductionOrderFactory, SampleFactory, order_with_lines

pytestmark = pytest.mark.django_db


def _samples(confirmed: int) -> SamplesProgress:
    return SamplesProgress(
        state=ProgressState.DONE if confirmed else ProgressState.IN_PROGRESS, next_action="",
        rounds=1, open_rounds=0, confirmed_rounds=confirmed,
    )


def _order(cycle, lines: int = 0, **fields) -> ProductionOrder:
    sample = SampleFactory(concept=ConceptFactory(cycle=cycle))
    return order_with_lines(lines=lines, sample=sample, **fields) if lines else ProductionOrderFactory(sample=sample, **fields)


def test_without_orders_it_waits_for_a_confirmed_sample_then_asks_for_a_plan(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        waiting = production_cycle_progress(cycle=cycle, samples=_samples(0))
    assert waiting.state == ProgressState.NOT_STARTED
    assert waiting.next_action == "Waits for a confirmed sample"
    assert waiting.next_url == f"{reverse('samples:list')}?cycle={cycle.number}"
    planning = production_cycle_progress(cycle=cycle, samples=_samples(1))
    assert planning.next_action == "Plan a batch for the confirmed sample"
    assert planning.next_url == f"{reverse('production:list')}?cycle={cycle.number}"


def test_drafts_ask_to_be_released(django_assert_num_queries):
    cycle = CycleFactory()
    _order(cycle, lines=2)
    _order(cycle, lines=1)
    _order(cycle, status=ProductionOrder.Status.ACCEPTED)
    with django_assert_num_queries(1):
        progress = production_cycle_progress(cycle=cycle, samples=_samples(1))
    assert progress.state == ProgressState.IN_PROGRESS
    assert progress.next_action == "Release 2 draft orders"
    assert progress.next_url == f"{reverse('production:list')}?cycle={cycle.number}&status=draft"
    assert dict(progress.counts) == {"orders": "3", "units": "180", "accepted": "1", "draft": "2"}


def test_orders_at_the_factories_are_followed(django_assert_num_queries):
    cycle = CycleFactory()
    _order(cycle, status=ProductionOrder.Status.IN_PRODUCTION)
    _order(cycle, status=ProductionOrder.Status.RECEIVED)
    with django_assert_num_queries(1):
        progress = production_cycle_progress(cycle=cycle, samples=_samples(1))
    assert (progress.state, progress.next_action) == (ProgressState.IN_PROGRESS, "Follow orders at the factories")


def test_every_live_order_received_hands_over_to_promotion(django_assert_num_queries):
    cycle = CycleFactory()
    _order(cycle, lines=3, status=ProductionOrder.Status.RECEIVED)
    _order(cycle, status=ProductionOrder.Status.SHIPPED)
    _order(cycle, status=ProductionOrder.Status.CANCELLED)
    _order(CycleFactory(), status=ProductionOrder.Status.DRAFT)
    with django_assert_num_queries(1):
        progress = production_cycle_progress(cycle=cycle, samples=_samples(1))
    assert progress.state == ProgressState.DONE
    assert progress.next_action == "Promote the received stock"
    assert progress.hands_over and progress.next_url == ""
    assert progress.by_status == {"received": 1, "shipped": 1, "cancelled": 1}
    assert (progress.orders, progress.units) == (3, 180)

"""Link 8's card on the cycle page: portraits_cycle_progress, one query when link 7's progress is handed in."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.dashboard.progress import ProgressState
from core.services import cycle_open
from customers.selectors import CustomersProgress
from portraits.models import Brief
from portraits.selectors import portraits_cycle_progress

from .factories import CycleFactory, PortraitRunFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def _customers(orders: int) -> CustomersProgress:
    return CustomersProgress(
        state=ProgressState.DONE if orders else ProgressState.NOT_STARTED, next_action="",
        orders=orders, customers=orders, revenue=(),
    )


def test_without_orders_it_waits_and_with_orders_it_asks_for_portraits(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(1):
        waiting = portraits_cycle_progress(cycle=cycle, customers=_customers(0))
    assert waiting.state == ProgressState.NOT_STARTED
    assert waiting.next_action == "Waits for customer orders"
    assert waiting.next_url == f"{reverse('customers:list')}?cycle={cycle.number}"
    building = portraits_cycle_progress(cycle=cycle, customers=_customers(3))
    assert building.next_action == "Build portraits"
    assert building.next_url == f"{reverse('portraits:list')}?cycle={cycle.number}"


def test_a_run_is_reviewed_then_its_briefs_open_the_next_cycle(django_assert_num_queries):
    cycle = CycleFactory()
    PortraitRunFactory(cycle=cycle)
    run = PortraitRunFactory(cycle=cycle)
    segment = SegmentFactory(run=run)
    with django_assert_num_queries(1):
        reviewing = portraits_cycle_progress(cycle=cycle, customers=_customers(3))
    assert reviewing.state == ProgressState.IN_PROGRESS
    assert reviewing.next_action == f"Review portrait run #{run.pk}"
    assert reviewing.next_url == reverse("portraits:run", args=[run.pk])

    Brief.objects.create(run=run, segment=segment, category="throw", price_low=Decimal("20"), price_high=Decimal("40"))
    opening = portraits_cycle_progress(cycle=cycle, customers=_customers(3))
    assert opening.next_action == f"Open cycle {cycle.number + 1} from run #{run.pk}'s briefs"
    assert dict(opening.counts) == {"runs": "2", "segments": "1", "briefs": "1"}


def test_the_opened_cycle_makes_it_done_and_hands_over(django_assert_num_queries):
    cycle = cycle_open()
    PortraitRunFactory(cycle=cycle)
    following = cycle_open(previous=cycle)
    with django_assert_num_queries(1):
        progress = portraits_cycle_progress(cycle=cycle, customers=_customers(3))
    assert progress.state == ProgressState.DONE
    assert progress.next_action == f"Go to cycle {following.number}"
    assert progress.hands_over and progress.next_url == ""
    assert progress.next_cycle_number == following.number


"""Link 7's card on the cycle page: customers_cycle_progress, one query when link 6's progress is handed in."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.dashboard.progress import ProgressState
from core.tests.factories import CycleFactory
from customers.selectors import customers_cycle_progress
from promotion.selectors import PromotionProgress

from .factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _promotion(clicks: int) -> PromotionProgress:
    return PromotionProgress(
        state=ProgressState.DONE if clicks else ProgressState.IN_PROGRESS, next_action="",
        campaigns=1, posts=1, links=1, clicks=clicks,
    )


def test_without_clicks_it_waits_for_promotion_then_asks_for_shop_orders(django_assert_num_queries):
    cycle = CycleFactory()
    with django_assert_num_queries(2):  # the orders' version, then the sums
        waiting = customers_cycle_progress(cycle=cycle, promotion=_promotion(0))
    assert waiting.state == ProgressState.NOT_STARTED
    assert waiting.next_action == "Waits for promotion"
    assert waiting.next_url == f"{reverse('promotion:list')}?cycle={cycle.number}"
    assert dict(waiting.counts) == {"customers": "0", "orders": "0", "revenue": "0"}
    importing = customers_cycle_progress(cycle=cycle, promotion=_promotion(5))
    assert importing.state == ProgressState.IN_PROGRESS
    assert importing.next_action == "Import shop orders"
    assert importing.next_url == f"{reverse('customers:list')}?cycle={cycle.number}"


def test_orders_are_counted_per_customer_and_summed_per_currency(django_assert_num_queries):
    cycle = CycleFactory()
    eve, ada = CustomerFactory(), CustomerFactory()
    OrderFactory(cycle=cycle, customer=eve, currency="USD", total=Decimal("98.00"))
    OrderFactory(cycle=cycle, customer=eve, currency="GBP", total=Decimal("25.00"))
    OrderFactory(cycle=cycle, customer=ada, currency="GBP", total=Decimal("15.00"))
    OrderFactory(cycle=CycleFactory(), customer=ada, currency="EUR")
    with django_assert_num_queries(2):  # the orders' version, then the sums
        progress = customers_cycle_progress(cycle=cycle, promotion=_promotion(5))
    with django_assert_num_queries(1):  # no order changed: the sums are kept
        assert customers_cycle_progress(cycle=cycle, promotion=_promotion(5)) == progress
    assert progress.state == ProgressState.DONE
    assert progress.next_action == "Review attributed orders"
    assert progress.next_url == f"{reverse('customers:orders')}?cycle={cycle.number}"
    assert dict(progress.counts) == {"customers": "2", "orders": "3", "revenue": "£40.00 · $98.00"}
    assert progress.revenue == (("GBP", Decimal("40.00")), ("USD", Decimal("98.00")))
    newcomer = OrderFactory(cycle=cycle, customer=CustomerFactory(), currency="USD", total=Decimal("2.00"))
    assert dict(customers_cycle_progress(cycle=cycle, promotion=_promotion(5)).counts)["customers"] == "3"
    newcomer.delete()  # an order deleted (in the admin): the kept figures are counted again
    assert dict(customers_cycle_progress(cycle=cycle, promotion=_promotion(5)).counts) == dict(progress.counts)

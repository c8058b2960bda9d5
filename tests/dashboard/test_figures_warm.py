"""The figures pages keep over the biggest tables are counted by the tasks that follow an import, so the first
visit after it does not wait for them."""

import datetime as dt

import pytest

from customers.selectors import customers_cycle_progress, sales_units_by_variant_market
from customers.tasks import refresh_sales_figures
from portraits.selectors_channels import segment_promotion_suggestion
from promotion.models import Campaign
from promotion.selectors import promotion_cycle_progress

pytestmark = pytest.mark.django_db


def test_the_task_after_an_import_counts_what_the_pages_keep(loop, django_assert_max_num_queries):
    Campaign.objects.create(cycle=loop.cycle2, concept=loop.concept2, name="Throw launch", market="US",
                            starts_on=dt.date(2026, 12, 1))
    refresh_sales_figures()
    promotion = promotion_cycle_progress(cycle=loop.cycle)
    with django_assert_max_num_queries(1):  # the orders' version only: the cycle's sums were kept
        progress = customers_cycle_progress(cycle=loop.cycle2, promotion=promotion)
    assert progress.orders == 0
    with django_assert_max_num_queries(1):
        assert sales_units_by_variant_market() == {(loop.variant.pk, "US"): 2}
    with django_assert_max_num_queries(3):  # the segment and two versions: the channel mix was kept
        [row] = segment_promotion_suggestion(segment_id=loop.segment.pk)
    assert row["channels"] == [{"channel": "instagram", "customers": 1, "orders": 1}]


def test_without_the_task_the_first_read_counts(loop, django_assert_max_num_queries):
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(3):
            segment_promotion_suggestion(segment_id=loop.segment.pk)

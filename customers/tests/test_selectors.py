import datetime

import pytest
from django.utils import timezone

from customers.selectors import sales_units_by_variant_market, sales_units_by_variant_market_day

from .factories import OrderFactory, OrderLineFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def at_noon(days_ago: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_sales_per_variant_market_and_day_in_two_queries_then_one(django_assert_num_queries):
    variant = VariantFactory()
    product = ProductFactory(sku="GREY-130", variant=variant)
    for days_ago, market, qty in [(0, "US", 2), (0, "us", 1), (3, "GB", 4), (28, "US", 9), (40, "US", 5)]:
        OrderLineFactory(order=OrderFactory(placed_at=at_noon(days_ago), market=market), product=product, quantity=qty)
    OrderLineFactory(product=ProductFactory(sku="UNMAPPED"), quantity=7)  # no variant: not production's
    today = timezone.localdate()
    with django_assert_num_queries(2):  # the orders' version, then the sums
        rows = sales_units_by_variant_market_day(days=28, today=today)
    with django_assert_num_queries(1):  # no order changed: the sums are kept
        assert sales_units_by_variant_market_day(days=28, today=today) == rows
    assert sorted((r["market"], r["date"], r["quantity"]) for r in rows) == [
        ("GB", today - datetime.timedelta(days=3), 4), ("US", today, 1), ("US", today, 2),
    ]  # "us" and "US" are one market; the rows of a day add up
    assert {r["variant_id"] for r in rows} == {variant.pk} and {r["sku"] for r in rows} == {"GREY-130"}
    assert sum(r["quantity"] for r in rows) == 7  # day 28 and day 40 fall outside the window


def test_all_time_sales_per_variant_and_market():
    variant = VariantFactory()
    product = ProductFactory(variant=variant)
    for market, qty in [("US", 2), ("us", 3), ("DE", 1)]:
        OrderLineFactory(order=OrderFactory(placed_at=at_noon(400), market=market), product=product, quantity=qty)
    assert sales_units_by_variant_market() == {(variant.pk, "US"): 5, (variant.pk, "DE"): 1}
    OrderLineFactory(order=OrderFactory(placed_at=at_noon(1), market="DE"), product=product, quantity=2)
    assert sales_units_by_variant_market() == {(variant.pk, "US"): 5, (variant.pk, "DE"): 3}


def test_no_sales_is_empty():
    assert sales_units_by_variant_market_day(days=28) == [] and sales_units_by_variant_market() == {}

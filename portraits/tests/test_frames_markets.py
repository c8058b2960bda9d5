"""Markets as shops write them ("us", "US") are one market in the customer base, and on PostgreSQL the
list of markets is read off the market index, not by scanning every order."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from customers.tests.factories import CustomerFactory, OrderFactory
from portraits.selectors_frames import MARKETS_WALK, customer_base_frames

pytestmark = pytest.mark.django_db


def test_markets_written_in_any_case_are_one_market():
    customer = CustomerFactory()
    for market in ("us", "US", "de", "Gb"):
        OrderFactory(customer=customer, market=market)
    base = customer_base_frames(as_of=timezone.now())
    assert sorted(base.orders["market"].astype(str)) == ["DE", "GB", "US", "US"]


def test_on_postgresql_the_markets_come_off_the_index():
    if connection.vendor != "postgresql":
        pytest.skip("the walk is PostgreSQL's")
    customer = CustomerFactory()
    for market in ("us", "US", "fr"):
        OrderFactory(customer=customer, market=market)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be scanned anyway
        cursor.execute("EXPLAIN " + MARKETS_WALK)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(MARKETS_WALK)
        assert [row[0] for row in cursor.fetchall()] == ["FR", "US"]
    assert "Seq Scan" not in plan and "order_market_upper_placed" in plan, plan

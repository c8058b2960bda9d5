"""The reorders page: the shop's sales against the stock production made, per variant and market."""

import datetime
import re

import pytest
from django.utils import timezone

from customers.tests.factories import OrderFactory, OrderLineFactory, ProductFactory
from production.models import ProductionOrder
from production.tests.factories import FactoryFactory, ProductionOrderFactory, ProductionOrderLineFactory, VariantFactory

pytestmark = pytest.mark.django_db
URL = "/reorders/"
Status = ProductionOrder.Status


def at_noon(days_ago: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def selling_variant(factory, *, sku, received=100, in_production=50, per_day=3, market="US"):
    """A variant made by ``factory``: ``received`` units arrived, ``in_production`` on the way, sold ``per_day`` for 28 days."""
    done = ProductionOrderFactory(factory=factory, status=Status.RECEIVED, released_at=at_noon(60))
    variant = VariantFactory(concept=done.sample.concept, sku=sku)
    ProductionOrderLineFactory(order=done, variant=variant, market=market, quantity=received)
    if in_production:
        running = ProductionOrderFactory(
            factory=factory, sample=done.sample, status=Status.IN_PRODUCTION, released_at=at_noon(5)
        )
        ProductionOrderLineFactory(order=running, variant=variant, market=market, quantity=in_production)
    product = ProductFactory(sku=sku, variant=variant)
    for days_ago in range(28):
        OrderLineFactory(order=OrderFactory(placed_at=at_noon(days_ago), market=market), product=product, quantity=per_day)
    return variant


def test_a_variant_selling_faster_than_its_stock_lasts_is_suggested(staff_client):
    mill = FactoryFactory(name="Shaoxing Mill", lead_time_days=21)
    selling_variant(mill, sku="SHERPA-GREY")
    response = staff_client.get(URL)
    assert response.status_code == 200
    [row] = response.context["suggestions"]
    # 84 sold of 100 received → 16 on hand, 50 in production; 3/day over 21 + 7 days is 84 ≥ 66.
    assert (row["sku"], row["market"], row["factory"], row["on_hand"], row["in_transit"]) == (
        "SHERPA-GREY", "US", mill, 16, 50
    )
    assert row["velocity_per_day"] == 3.0 and row["days_of_cover"] == 22.0
    assert row["quantity"] == 3 * (21 + 7 + 28) - 66
    body = response.content.decode()
    assert "SHERPA-GREY" in body and "Shaoxing Mill" in body and "Days of cover" in body
    # Nothing on the page loads from another host (a random CSRF token may spell "cdn").
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", body)


def test_well_stocked_and_unmade_variants_are_not_suggested(staff_client):
    mill = FactoryFactory(lead_time_days=21)
    selling_variant(mill, sku="PLENTY", received=1000, in_production=0, per_day=1)
    ProductFactory(sku="NEVER-MADE")
    OrderLineFactory(product=ProductFactory(sku="SOLD-UNMADE", variant=VariantFactory()), quantity=2)
    response = staff_client.get(URL)
    assert response.context["suggestions"] == []
    assert response.context["unsourced"] == ["SOLD-UNMADE"]
    assert "Nothing to reorder" in response.content.decode()


def test_a_reorder_goes_to_the_factory_that_last_made_the_variant(staff_client):
    old, new = FactoryFactory(name="Old Mill", lead_time_days=30), FactoryFactory(name="New Mill", lead_time_days=14)
    variant = selling_variant(old, sku="MOVED", in_production=0)
    first = variant.production_lines.get().order
    later = ProductionOrderFactory(factory=new, sample=first.sample, status=Status.RECEIVED, released_at=at_noon(30))
    ProductionOrderLineFactory(order=later, variant=variant, market="US", quantity=10)
    [row] = staff_client.get(URL).context["suggestions"]
    assert row["factory"] == new and row["on_hand"] == 110 - 84


@pytest.mark.parametrize("days", ["abc", "-1", "0", "99999", "28; DROP TABLE", "1e3"])
def test_a_bad_window_falls_back_to_four_weeks(staff_client, days):
    selling_variant(FactoryFactory(), sku="W")
    response = staff_client.get(URL, {"days": days})
    assert response.status_code == 200 and response.context["days"] == 28


def test_a_shorter_window_reads_only_its_days(staff_client):
    selling_variant(FactoryFactory(lead_time_days=21), sku="RECENT")
    [row] = staff_client.get(URL, {"days": "14"}).context["suggestions"]
    assert row["velocity_per_day"] == 3.0


def test_only_merchandisers_see_reorders(client, plain_user):
    assert client.get(URL).status_code == 302
    client.force_login(plain_user)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code in (403, 405)


def test_the_board_links_to_reorders(staff_client):
    assert URL in staff_client.get("/production/board/").content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_reorders_page_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries, rows):
    mills = [FactoryFactory(lead_time_days=21) for _ in range(min(rows, 5))]
    for i in range(rows):
        selling_variant(mills[i % len(mills)], sku=f"V-{i:03d}")
    with django_assert_max_num_queries(13):  # the suggestions, then the decisions and the rules
        response = staff_client.get(URL)
    assert len(response.context["suggestions"]) == rows
    with django_assert_max_num_queries(11):  # no order changed since: the sales sums are kept
        again = staff_client.get(URL)
    assert [s["sku"] for s in again.context["suggestions"]] == [s["sku"] for s in response.context["suggestions"]]

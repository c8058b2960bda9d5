"""Segment-aware promotion: the channels and posting times that brought each portrait segment's customers."""

import datetime as dt

import pytest
from django.utils import timezone

from customers.models import Order, OrderLine, Platform
from portraits.models import SegmentMembership
from portraits.selectors_channels import segment_channel_mix, segment_promotion_suggestion
from promotion.models import Campaign, Post, TrackedLink

pytestmark = pytest.mark.django_db


def posted_link(loop, *, channel: str, code: str, when: dt.datetime) -> TrackedLink:
    post = Post.objects.create(campaign=loop.campaign, channel=channel, text="x", scheduled_at=when, sent_at=when, status="sent")
    return TrackedLink.objects.create(campaign=loop.campaign, post=post, code=code, destination_url="https://shop.example/p",
                                      utm_source=channel, utm_campaign="c")


def order_through(loop, link: TrackedLink, external_id: str, customer=None) -> Order:
    order = Order.objects.create(
        customer=customer or loop.customer, platform=Platform.DEMO, external_id=external_id, placed_at=timezone.now(),
        market="US", total=49, tracked_link=link,
    )
    OrderLine.objects.create(order=order, product=loop.product, quantity=1, unit_price=49)
    return order


def test_each_segment_gets_its_channels_and_posting_times(loop, django_assert_max_num_queries):
    tuesday_eight = timezone.make_aware(dt.datetime(2026, 11, 24, 20, 0))
    pinterest = posted_link(loop, channel="pinterest", code="pin-1", when=tuesday_eight)
    order_through(loop, pinterest, "P-1")
    order_through(loop, pinterest, "P-2")
    with django_assert_max_num_queries(6):
        [row] = segment_channel_mix(run=loop.run)
    with django_assert_max_num_queries(3):  # nothing changed: the sums are kept
        assert segment_channel_mix(run=loop.run) == [row]
    assert (row["segment"], row["orders"], row["customers"]) == ("Cosy gift buyers", 3, 1)
    assert row["channels"] == [
        {"channel": "pinterest", "customers": 1, "orders": 2}, {"channel": "instagram", "customers": 1, "orders": 1},
    ]
    assert row["best_times"][0] == {"weekday": "Tue", "hour": 20, "orders": 2}
    assert segment_promotion_suggestion(segment_id=loop.segment.pk) == [row]

    order_through(loop, pinterest, "P-3")  # a new order is counted on the next read
    assert segment_channel_mix(run=loop.run)[0]["channels"][0] == {"channel": "pinterest", "customers": 1, "orders": 3}


def test_a_segment_whose_customers_came_through_no_link_has_nothing_to_suggest(loop):
    SegmentMembership.objects.all().delete()
    assert segment_channel_mix(run=loop.run)[0]["channels"] == []
    assert segment_promotion_suggestion(segment_id=None)[0]["best_times"] == []


def test_the_campaign_page_suggests_the_target_segments_channels(loop, staff_client):
    campaign = Campaign.objects.create(cycle=loop.cycle2, concept=loop.concept2, name="Throw launch", market="US",
                                       starts_on=dt.date(2026, 12, 1))
    body = staff_client.get(f"/promotion/{campaign.pk}/").content.decode()
    assert "Where its portrait&#x27;s customers came from" in body or "Where its portrait's customers came from" in body
    assert "Cosy gift buyers" in body and "instagram (1)" in body

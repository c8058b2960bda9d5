"""A tracked click, then an order in the shop, rolled up to the design, its campaign, channel and segment."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import Order, WebhookDelivery
from customers.services import orders_attribute_hand_over
from customers.tests.factories import OrderFactory, OrderLineFactory, ProductFactory
from customers.tests.test_webhook import SECRET, deliver, order_payload
from design.tests.factories import ConceptFactory
from portraits.tests.factories import SegmentFactory
from promotion.models import Click, OrderAttribution
from promotion.selectors_results import attribution_rollup
from promotion.services import clicks_flush, link_cache_clear, tracked_link_create
from promotion.tests.factories import CampaignFactory, PostFactory

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def test_a_tracked_click_credits_the_order_to_the_design_campaign_channel_and_segment(settings, staff_client):
    settings.C2F_CLICK_KEY_PREFIX = f"c2f:test:{uuid.uuid4().hex}"  # Redis outlives a test
    link_cache_clear()
    segment = SegmentFactory(name="Cosy nesters")
    concept = ConceptFactory(name="Mermaid blanket", target_segment=segment)
    campaign = CampaignFactory(concept=concept, cycle=concept.cycle, market="US", name="Mermaid US")
    link = tracked_link_create(campaign=campaign, post=PostFactory(campaign=campaign, channel="tiktok"), source="tiktok")
    other = tracked_link_create(campaign=campaign, post=PostFactory(campaign=campaign, channel="x"), source="x")

    assert Client(REMOTE_ADDR="203.0.113.5").get(f"/r/{link.code}", HTTP_USER_AGENT=PHONE).status_code == 302
    clicks_flush()
    placed = timezone.now() + timedelta(hours=2)
    product = ProductFactory(concept=concept)
    order = OrderFactory(platform="shopify", external_id="#1042", market="US", placed_at=placed, total=Decimal("64.00"))
    OrderLineFactory(order=order, product=product)
    unrelated = OrderFactory(platform="shopify", external_id="#1043", market="US", placed_at=placed)
    OrderLineFactory(order=unrelated, product=ProductFactory())  # another design: no credit
    given = OrderFactory(platform="shopify", external_id="#1044", market="US", placed_at=placed, tracked_link=other)

    assert orders_attribute_hand_over(order_ids=[order.pk, unrelated.pk, given.pk]) == 1
    order.refresh_from_db(), unrelated.refresh_from_db()
    assert order.tracked_link_id == link.pk and unrelated.tracked_link_id is None
    credits = dict(OrderAttribution.objects.values_list("order_ref", "method"))
    assert credits == {"#1042": "last_click", "#1044": "given"}
    assert orders_attribute_hand_over(order_ids=[order.pk, unrelated.pk, given.pk]) == 0  # again: nothing changes
    assert OrderAttribution.objects.count() == 2
    credited = OrderAttribution.objects.get(order_ref="#1042")  # the order's money in the base currency came along
    assert credited.revenue_base == order.net_base and credited.revenue_base is not None

    assert [(r.label, r.figures.orders) for r in attribution_rollup(by="design")] == [("Mermaid blanket", 2)]
    assert [(r.label, r.figures.orders) for r in attribution_rollup(by="segment")] == [("Cosy nesters", 2)]
    assert {r.label: r.figures.orders for r in attribution_rollup(by="channel")} == {"TikTok": 1, "X": 1}
    page = staff_client.get(reverse("promotion:compare"), {"ids": [campaign.pk]}).content.decode()
    assert "Cosy nesters" in page and "Mermaid blanket" in page
    detail = staff_client.get(reverse("promotion:detail", args=[campaign.pk])).content.decode()
    assert "Attributed orders" in detail and "$104.00" in detail  # in the base currency


def test_an_order_from_the_shop_webhook_is_credited_by_its_landing_page_utm_over_a_later_click(
    settings, django_capture_on_commit_callbacks,
):
    settings.C2F_SHOP_WEBHOOK_SECRET = SECRET
    cache.clear()
    concept = ConceptFactory(name="Mermaid blanket")
    campaign = CampaignFactory(concept=concept, cycle=concept.cycle, market="US", name="Mermaid US")
    instagram = tracked_link_create(campaign=campaign, post=PostFactory(campaign=campaign, channel="instagram"),
                                    source="instagram")
    tiktok = tracked_link_create(campaign=campaign, post=PostFactory(campaign=campaign, channel="tiktok"), source="tiktok")
    ProductFactory(sku="HT-BL-002", concept=concept)
    placed = timezone.now().replace(microsecond=0)
    Click.objects.create(link=instagram, campaign=campaign, at=placed - timedelta(days=2), channel="instagram")
    Click.objects.create(link=tiktok, campaign=campaign, at=placed - timedelta(hours=1), channel="tiktok")
    landing = (
        f"/products/x?utm_source=instagram&utm_medium=social&utm_campaign={instagram.utm_campaign}"
        f"&utm_content={instagram.utm_content}&utm_term={instagram.utm_term}&email=a@b.c"
    )
    payload = order_payload(created_at=placed.isoformat(), updated_at=placed.isoformat(), landing_site=landing,
                            referring_site="https://l.instagram.com/?u=https%3A%2F%2Fshop%2F%3Femail%3Da%40b.c")

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(Client(), payload, webhook_id="delivery-1")
    assert response.json()["status"] == "processed", response.content
    order = Order.objects.get(platform="shopify", external_id="#1001")
    assert order.tracked_link_id == instagram.pk
    assert OrderAttribution.objects.get(order_ref="#1001").method == "utm"
    assert order.landing_url == landing.removesuffix("&email=a@b.c") and order.referring_site == "https://l.instagram.com"
    assert not Order.objects.filter(landing_url__contains="a@b.c").exists()
    assert not Order.objects.filter(referring_site__contains="b.c").exists()

    before = list(Order.objects.values_list("pk", "updated_at", "tracked_link_id", "landing_url"))
    credits = list(OrderAttribution.objects.values_list("order_ref", "link_id", "method"))
    with django_capture_on_commit_callbacks(execute=True):
        again = deliver(Client(), payload, webhook_id="delivery-1")
    assert again.json() == {"status": "duplicate", "order": None}
    assert list(Order.objects.values_list("pk", "updated_at", "tracked_link_id", "landing_url")) == before
    assert list(OrderAttribution.objects.values_list("order_ref", "link_id", "method")) == credits
    assert WebhookDelivery.objects.count() == 1
    assert orders_attribute_hand_over(order_ids=[order.pk]) == 0  # handed over again: still the Instagram post

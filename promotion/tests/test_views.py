"""Dashboard flows of link 6: staff only, CSRF-checked writes through services, bounded queries."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from promotion.models import BulkExport, Campaign, Post
from promotion.services import campaign_plan, clicks_flush, link_cache_clear, post_create
from production.tests.factories import ProductionOrderFactory, SampleFactory

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + timedelta(days=3)


def _campaign(**kwargs):
    values = {"production_order": ProductionOrderFactory(), "name": "Sherpa US", "market": "US", "starts_on": SOON,
              "channels": ["instagram", "x"], "actor": "mia", "suggest_posts": True}
    return campaign_plan(**{**values, **kwargs})


def test_a_merchandiser_plans_a_campaign_from_a_batch_with_suggested_posts(staff_client):
    order = ProductionOrderFactory()
    page = staff_client.get(reverse("promotion:create"), {"order": order.pk})
    assert page.status_code == 200 and f'value="order:{order.pk}" selected' in page.content.decode()
    response = staff_client.post(reverse("promotion:create"), {
        "source": f"order:{order.pk}", "name": "Sherpa launch", "market": "gb", "starts_on": SOON.isoformat(),
        "channels": ["pinterest", "x"], "budget": "99.90", "currency": "", "publisher": "publer", "suggest_posts": "on",
    })
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert (campaign.market, campaign.time_zone, campaign.currency, campaign.publisher) == ("GB", "Europe/London", "GBP", "publer")
    assert sorted(campaign.posts.values_list("channel", flat=True)) == ["pinterest", "x"]
    detail = staff_client.get(campaign.get_absolute_url()).content.decode()
    assert "Pinterest media: a post needs an image or a video." in detail and "Bulk files for Publer" in detail


def test_a_bad_plan_comes_back_with_the_field_named(staff_client):
    sample = SampleFactory()
    response = staff_client.post(reverse("promotion:create"), {
        "source": f"sample:{sample.pk}", "name": "x", "market": "Narnia", "starts_on": SOON.isoformat(),
        "ends_on": (SOON - timedelta(days=2)).isoformat(), "channels": ["x"], "publisher": "webhook",
    })
    html = response.content.decode()
    assert response.status_code == 200 and "is not a market" in html and "before it starts" in html
    assert not Campaign.objects.exists()
    forged = staff_client.post(reverse("promotion:create"), {"source": "order:99999", "name": "x", "market": "US",
                                                             "starts_on": SOON.isoformat(), "channels": ["x"], "publisher": "webhook"})
    assert "Select a valid choice" in forged.content.decode() and not Campaign.objects.exists()


def test_a_post_is_written_from_its_suggestion_given_media_and_scheduled(staff_client):
    campaign = _campaign(channels=["instagram"], suggest_posts=False)
    form = staff_client.get(reverse("promotion:post-create", args=[campaign.pk]), {"channel": "instagram"}).content.decode()
    assert campaign.concept.name in form and "America/New_York" in form
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), "teal").save(buffer, "PNG")
    buffer.name = "square.png"
    buffer.seek(0)
    response = staff_client.post(reverse("promotion:post-create", args=[campaign.pk]), {
        "channel": "instagram", "text": "Cosy up", "hashtags": "cosy, #sherpa", "media": buffer,
        "scheduled_local": f"{SOON.isoformat()}T09:30",
    })
    post = Post.objects.get()
    assert response.status_code == 302 and post.hashtags == ["#cosy", "#sherpa"]
    assert "Instagram image format: takes JPEG, this image is PNG." in staff_client.get(post.get_absolute_url()).content.decode()
    refused = staff_client.post(reverse("promotion:schedule", args=[campaign.pk]), follow=True).content.decode()
    assert "Instagram image format" in refused and Campaign.objects.get(pk=campaign.pk).status == "draft"
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), "teal").save(buffer, "JPEG")
    buffer.name = "square.jpg"
    buffer.seek(0)
    staff_client.post(reverse("promotion:post-edit", args=[post.pk]), {
        "text": "Cosy up", "hashtags": "#cosy", "media": buffer, "scheduled_local": f"{SOON.isoformat()}T09:30"})
    staff_client.post(reverse("promotion:schedule", args=[campaign.pk]))
    assert Post.objects.get(pk=post.pk).status == "scheduled"
    assert Campaign.objects.get(pk=campaign.pk).status == "scheduled"


def test_bulk_file_written_downloaded_and_confirmed(staff_client):
    campaign = _campaign(channels=["x"], suggest_posts=False, publisher="hootsuite")
    post_create(campaign=campaign, channel="x", text="Small batch, big warmth",
                scheduled_local=timezone.datetime.combine(SOON, timezone.datetime.min.time()).replace(hour=18), actor="mia")
    staff_client.post(reverse("promotion:schedule", args=[campaign.pk]))
    staff_client.post(reverse("promotion:export-create", args=[campaign.pk]), {"channel": "x"})
    export = BulkExport.objects.get()
    download = staff_client.get(reverse("promotion:export-download", args=[export.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8" and export.filename in download["Content-Disposition"]
    assert b"Small batch, big warmth" in download.content
    staff_client.post(reverse("promotion:export-accept", args=[export.pk]))
    assert BulkExport.objects.get().accepted_at is not None


def test_a_link_edit_through_the_page(staff_client):
    campaign = _campaign()
    link = campaign.links.order_by("pk").first()
    bad = staff_client.post(reverse("promotion:link-edit", args=[link.pk]), {
        "destination_url": "https://shop.example/p", "utm_source": "ig&x=1", "utm_medium": "social", "utm_campaign": "c"})
    assert "Letters, digits, dashes and dots only" in bad.content.decode()
    staff_client.post(reverse("promotion:link-edit", args=[link.pk]), {
        "destination_url": "https://shop.example/p2", "utm_source": "instagram", "utm_medium": "social",
        "utm_campaign": "spring", "utm_content": "post-x", "utm_term": "mermaid"})
    link.refresh_from_db()
    assert (link.destination_url, link.utm_campaign, link.utm_term) == ("https://shop.example/p2", "spring", "mermaid")


def test_pages_are_for_staff_and_writes_need_post_and_csrf(shopper_client, staff_client):
    campaign = _campaign()
    post = campaign.posts.first()
    pages = [reverse("promotion:create"), reverse("promotion:compare"), reverse("promotion:edit", args=[campaign.pk]),
             reverse("promotion:post", args=[post.pk]), reverse("promotion:post-edit", args=[post.pk])]
    for url in pages:
        assert Client().get(url).status_code == 302  # to the login page
        assert shopper_client.get(url).status_code == 403
    assert staff_client.get(reverse("promotion:schedule", args=[campaign.pk])).status_code == 405
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(staff_client.session.get("_auth_user_id") and __import__(
        "django.contrib.auth", fromlist=["get_user_model"]).get_user_model().objects.get(username="merch"))
    assert csrf.post(reverse("promotion:cancel", args=[campaign.pk]), {"reason": "x"}).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_cancel_needs_a_reason_and_says_so(staff_client):
    campaign = _campaign()
    page = staff_client.post(reverse("promotion:cancel", args=[campaign.pk]), {"reason": ""}, follow=True).content.decode()
    assert "A cancelled campaign needs a reason." in page and Campaign.objects.get(pk=campaign.pk).status == "draft"
    staff_client.post(reverse("promotion:cancel", args=[campaign.pk]), {"reason": "stock recalled"})
    assert Campaign.objects.get(pk=campaign.pk).status == "cancelled"


@pytest.mark.parametrize("n", [1, 6])
def test_campaign_and_compare_pages_do_not_grow_with_posts_and_clicks(staff_client, django_assert_max_num_queries, n):
    campaigns = [_campaign(channels=["instagram", "x", "tiktok", "facebook", "pinterest"]) for _ in range(n)]
    for campaign in campaigns:
        for link in campaign.links.all():
            for i in range(3):
                Client(REMOTE_ADDR=f"198.51.100.{i}").get(f"/r/{link.code}", HTTP_USER_AGENT=f"Mozilla/5.0 (iPhone) {i}")
    clicks_flush()
    link_cache_clear()
    with django_assert_max_num_queries(16):
        assert staff_client.get(campaigns[0].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):  # four figures, four roll-ups, the campaigns to pick from
        response = staff_client.get(reverse("promotion:compare"), {"ids": [c.pk for c in campaigns]})
    assert response.status_code == 200 and response.content.decode().count("Sherpa US") >= n
    with django_assert_max_num_queries(8):
        assert staff_client.get(reverse("promotion:list")).status_code == 200
    post = campaigns[0].posts.first()
    with django_assert_max_num_queries(10):
        assert staff_client.get(post.get_absolute_url()).status_code == 200

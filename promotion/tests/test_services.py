"""Planning campaigns and writing posts: each bad input names its field and stores nothing."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from promotion.models import Campaign, CampaignEvent, Post
from promotion.services import (
    PostBreaksRules,
    campaign_plan,
    campaign_schedule,
    campaign_update,
    media_inspect,
    post_copy_suggest,
    post_create,
    post_schedule,
    post_update,
    tracked_link_update,
)
from production.tests.factories import ProductionOrderFactory, SampleFactory

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + timedelta(days=3)


def _plan(**kwargs):
    values = {"production_order": ProductionOrderFactory(), "name": "Sherpa launch", "market": "us", "starts_on": SOON,
              "channels": ["instagram", "x"], "budget": "120.5", "actor": "mia"}
    return campaign_plan(**{**values, **kwargs})


def _image(width, height, fmt="JPEG", name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_campaign_is_planned_on_its_markets_clock_and_currency():
    campaign = _plan()
    assert (campaign.market, campaign.time_zone, campaign.currency, campaign.budget) == ("US", "America/New_York", "USD",
                                                                                         pytest.approx(120.5))
    assert campaign.status == Campaign.Status.DRAFT and campaign.channels == ["instagram", "x"]
    assert CampaignEvent.objects.filter(campaign=campaign).values_list("note", flat=True).get() == "planned in the dashboard"


def test_a_confirmed_sample_can_be_sold_ahead_of_its_batch_with_suggested_posts():
    sample = SampleFactory()
    campaign = _plan(production_order=None, sample=sample, market="DE", suggest_posts=True)
    posts = list(campaign.posts.order_by("channel"))
    assert [p.channel for p in posts] == ["instagram", "x"] and all(p.text for p in posts)
    assert all(sample.concept.name in p.text for p in posts)
    local = posts[0].scheduled_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert (local.date(), local.hour) == (SOON, 18)


@pytest.mark.parametrize(("change", "field"), [
    ({"market": "Germany"}, "market"), ({"market": ""}, "market"), ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"ends_on": SOON - timedelta(days=1)}, "ends_on"), ({"channels": ["myspace"]}, "channels"), ({"channels": []}, "channels"),
    ({"budget": "-1"}, "budget"), ({"budget": "NaN"}, "budget"), ({"budget": "1e20"}, "budget"), ({"budget": "ten"}, "budget"),
    ({"budget": "10", "currency": "€"}, "currency"), ({"name": "  "}, "name"), ({"name": "n" * 161}, "name"),
    ({"publisher": "telegram"}, "publisher"), ({"starts_on": "tomorrow"}, "starts_on"),
])
def test_a_bad_plan_names_the_field_and_stores_nothing(change, field):
    with pytest.raises(ValidationError) as raised:
        _plan(**change)
    assert field in raised.value.message_dict
    assert not Campaign.objects.exists()


def test_a_cancelled_batch_or_an_unconfirmed_sample_starts_no_campaign():
    with pytest.raises(ValidationError, match="cancelled"):
        _plan(production_order=ProductionOrderFactory(status="cancelled"))
    with pytest.raises(ValidationError, match="confirmed sample"):
        _plan(production_order=None, sample=SampleFactory(status="draft"))
    with pytest.raises(ValidationError, match="one of the two"):
        _plan(sample=SampleFactory())


def test_a_posts_rules_are_checked_before_it_is_scheduled_and_named():
    campaign = _plan()
    post = post_create(campaign=campaign, channel="instagram", text="Hello", hashtags="#a",
                       scheduled_local=datetime.combine(SOON, datetime.min.time()).replace(hour=9), actor="mia")
    with pytest.raises(PostBreaksRules) as raised:
        campaign_schedule(campaign_id=campaign.pk, actor="mia")
    assert "Instagram media: a post needs an image or a video." in str(raised.value)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT
    post_update(post_id=post.pk, text="Hello", hashtags="#a", media=_image(1080, 1350),
                scheduled_local=datetime.combine(SOON, datetime.min.time()).replace(hour=9), actor="mia")
    post.refresh_from_db()
    assert (post.media_kind, post.media_format, post.media_width, post.media_height) == ("image", "JPEG", 1080, 1350)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    assert Post.objects.get(pk=post.pk).status == Post.Status.SCHEDULED
    x_post = post_create(campaign=campaign, channel="x", text="猫" * 130, hashtags="",
                         scheduled_local=datetime.combine(SOON, datetime.min.time()).replace(hour=10), actor="mia")
    with pytest.raises(PostBreaksRules, match="X text length: at most 280 weighted characters"):
        post_schedule(post_id=x_post.pk, actor="mia")  # with its link (23) it is 283
    assert Post.objects.get(pk=x_post.pk).status == Post.Status.DRAFT


def test_a_post_time_that_the_clocks_skip_is_refused_with_the_reason():
    campaign = _plan(market="US", starts_on=date(2027, 3, 1))
    with pytest.raises(ValidationError) as raised:
        post_create(campaign=campaign, channel="x", text="Hi", scheduled_local=datetime(2027, 3, 14, 2, 30), actor="mia")
    assert "does not exist in America/New_York" in raised.value.message_dict["scheduled_at"][0]
    assert not Post.objects.exists()


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("x.jpg", b"<?php system($_GET['c']); ?>"), "neither an image"),
    (SimpleUploadedFile("v.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40), "length cannot be read"),
    (SimpleUploadedFile("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"), "neither"),
])
def test_media_is_judged_by_its_bytes_not_its_name(upload, message):
    with pytest.raises(ValidationError, match=message):
        media_inspect(upload)


def test_suggested_copy_speaks_of_the_concept_and_fits_each_channel():
    campaign = _plan()
    for channel in ("instagram", "x", "tiktok", "facebook", "pinterest"):
        suggestion = post_copy_suggest(campaign=campaign, channel=channel)
        assert campaign.concept.name in suggestion.text and len(suggestion.hashtags) <= 5


def test_a_plan_changes_only_while_nothing_went_out():
    campaign = _plan()
    values = {"name": "Renamed", "market": "US", "starts_on": SOON, "ends_on": None, "channels": ["x"], "budget": "10",
              "currency": "USD", "time_zone": "", "publisher": "publer"}
    assert campaign_update(campaign_id=campaign.pk, actor="mia", **values).name == "Renamed"
    Campaign.objects.filter(pk=campaign.pk).update(status="active")
    with pytest.raises(ValidationError, match="went out"):
        campaign_update(campaign_id=campaign.pk, actor="mia", **{**values, "publisher": "webhook"})


@pytest.mark.parametrize(("field", "value"), [
    ("utm_source", "a&b=c"), ("utm_campaign", ""), ("utm_content", "x" * 81), ("destination_url", "javascript:alert(1)"),
    ("destination_url", "ftp://shop.example/x"),
])
def test_a_link_edit_with_bad_values_names_the_field_and_changes_nothing(field, value):
    campaign = _plan(suggest_posts=True)
    link = campaign.links.order_by("pk").first()
    values = {"destination_url": "https://shop.example/p", "utm_source": "instagram", "utm_medium": "social",
              "utm_campaign": "c", "utm_content": "post-1", field: value}
    with pytest.raises(ValidationError) as raised:
        tracked_link_update(link_id=link.pk, actor="mia", **values)
    assert field in raised.value.message_dict
    fresh = type(link).objects.get(pk=link.pk)
    assert (fresh.destination_url, fresh.utm_campaign) == (link.destination_url, link.utm_campaign)


def test_two_links_cannot_carry_the_same_utm_campaign_and_content():
    campaign = _plan(suggest_posts=True)
    first, second = campaign.links.order_by("pk")
    with pytest.raises(ValidationError, match="could not tell them apart"):
        tracked_link_update(link_id=second.pk, actor="mia", destination_url="https://shop.example/p",
                            utm_source="x", utm_medium="social", utm_campaign=first.utm_campaign, utm_content=first.utm_content)

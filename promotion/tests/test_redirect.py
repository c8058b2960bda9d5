"""``/r/<code>``: the shopper goes on with UTM parameters; the click log keeps no IP, counts people once."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from promotion import click_log
from promotion.models import Click
from promotion.services import clicks_flush, tracked_link_create, tracked_link_update

from .factories import CampaignFactory, PostFactory

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def link():
    campaign = CampaignFactory(name="Mermaid launch US", market="US")
    post = PostFactory(campaign=campaign, channel="instagram")
    return tracked_link_create(campaign=campaign, post=post, source="instagram")


def _get(link, *, ip="203.0.113.7", ua=PHONE, **headers):
    return Client(REMOTE_ADDR=ip).get(f"/r/{link.code}", HTTP_USER_AGENT=ua, **headers)


def _clicks():
    clicks_flush()  # with Redis the clicks wait there; without, this stores nothing more
    return list(Click.objects.order_by("id"))


def test_the_redirect_carries_utm_for_channel_post_campaign_and_design(link):
    response = _get(link)
    assert response.status_code == 302 and response["Cache-Control"] == "no-store"
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["utm_source"] == ["instagram"] and query["utm_medium"] == ["social"]
    assert query["utm_content"] == [f"post-{link.post_id}"]
    assert query["utm_campaign"] == [f"mermaid-launch-us-{link.campaign_id}"]
    assert query["utm_term"] == [f"concept-{link.campaign.concept_id}-{link.campaign.concept.name.lower().replace(' ', '-')}"[:80]]
    [click] = _clicks()
    assert (click.link_id, click.campaign_id, click.channel, click.device) == (link.pk, link.campaign_id, "instagram", "mobile")


def test_the_click_log_keeps_no_address_agent_or_full_referrer(link):
    _get(link, HTTP_REFERER="https://l.instagram.com/?u=https%3A%2F%2Fx&e=jane%40mail.test")
    [click] = _clicks()
    assert click.referrer == "https://l.instagram.com"
    stored = " ".join(str(getattr(click, f.attname)) for f in Click._meta.concrete_fields)
    assert "203.0.113.7" not in stored and "iPhone" not in stored and "jane" not in stored
    assert {f.name for f in Click._meta.fields} == {"id", "link", "campaign", "at", "channel", "device", "country",
                                                    "referrer", "is_demo"}


@pytest.mark.parametrize("ua", [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0", "WhatsApp/2.23.20.0", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "TelegramBot (like TwitterBot)", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0", "", "Pinterestbot/1.0",
])
def test_bots_and_link_preview_fetchers_are_sent_on_but_not_counted(link, ua):
    assert _get(link, ua=ua).status_code == 302
    assert _clicks() == []


def test_head_requests_and_prefetches_are_not_clicks(link):
    assert Client().head(f"/r/{link.code}", HTTP_USER_AGENT=PHONE).status_code == 302
    assert _get(link, HTTP_SEC_PURPOSE="prefetch").status_code == 302
    assert Client().post(f"/r/{link.code}", HTTP_USER_AGENT=PHONE).status_code == 405
    assert _clicks() == []


def test_one_visitors_repeats_count_once_and_another_visitor_counts(link):
    for _ in range(3):
        assert _get(link).status_code == 302
    _get(link, ua=DESKTOP)  # same address, another browser: another visitor
    _get(link, ip="198.51.100.4")
    assert [c.device for c in _clicks()] == ["mobile", "desktop", "mobile"]


def test_the_visitor_key_rotates_daily_and_never_holds_the_address():
    day1, day2 = click_log.daily_salt("s", date(2026, 1, 1)), click_log.daily_salt("s", date(2026, 1, 2))
    one = click_log.visitor_key(salt=day1, address="203.0.113.7", user_agent=PHONE)
    assert one != click_log.visitor_key(salt=day2, address="203.0.113.7", user_agent=PHONE)
    assert one == click_log.visitor_key(salt=day1, address="203.0.113.7", user_agent=PHONE)
    assert "203" not in one and len(one) == 32


def test_a_flood_from_one_source_is_refused_without_slowing_others(link, settings):
    settings.C2F_CLICK_FLOOD_RATE = "5/min"
    answers = [_get(link, ua=f"{PHONE} n{i}").status_code for i in range(8)]
    assert answers == [302] * 5 + [429] * 3
    assert _get(link, ip="198.51.100.9").status_code == 302  # another source goes through
    assert len(_clicks()) == 6


def test_country_only_from_the_header_the_deployment_trusts(link, settings):
    _get(link, HTTP_CF_IPCOUNTRY="DE", HTTP_X_COUNTRY="FR")
    assert _clicks()[0].country == ""  # no header named: any client could send one
    settings.C2F_CLICK_COUNTRY_HEADER = "CF-IPCountry"
    _get(link, ip="198.51.100.1", HTTP_CF_IPCOUNTRY="de", HTTP_X_COUNTRY="FR")
    _get(link, ip="198.51.100.2", HTTP_CF_IPCOUNTRY="T1")  # Tor: no country
    _get(link, ip="198.51.100.3", HTTP_CF_IPCOUNTRY="<script>")
    assert [c.country for c in _clicks()] == ["", "DE", "", ""]


@pytest.mark.parametrize("referrer,origin", [
    ("https://t.co/abc?x=1#frag", "https://t.co"), ("http://example.com:8080/p?email=a@b.c", "http://example.com:8080"),
    ("javascript:alert(1)", ""), ("android-app://com.instagram.android/", ""), ("not a url", ""),
    ("https://user:pw@evil.test/x", "https://evil.test"), ("https://[::1]:99999/", ""),
])
def test_referrer_is_reduced_to_its_origin(referrer, origin):
    assert click_log.referrer_origin(referrer) == origin


def test_unknown_or_hostile_codes_are_404_and_store_nothing(link):
    for code in ("nope", "a" * 200, "%00", "..%2f..%2fetc"):
        assert Client().get(f"/r/{code}", HTTP_USER_AGENT=PHONE).status_code == 404
    assert _clicks() == []


def test_an_edited_link_sends_to_its_new_page_at_once(link):
    tracked_link_update(link_id=link.pk, destination_url="https://shop.example/p/new?ref=x", actor="mia",
                        utm_source="instagram", utm_medium="social", utm_campaign="spring", utm_content="post-a")
    location = _get(link)["Location"]
    assert location.startswith("https://shop.example/p/new?ref=x&utm_source=instagram")
    assert "utm_campaign=spring" in location


def test_the_redirect_reads_links_from_memory_after_loading_the_live_ones(link, django_assert_max_num_queries):
    live = CampaignFactory(status="active")
    live_links = [tracked_link_create(campaign=live, post=PostFactory(campaign=live, channel=c), source=c)
                  for c in ("x", "tiktok", "facebook")]
    with django_assert_max_num_queries(3):  # the live campaigns' links, this draft's link, the click without Redis
        _get(link)
    for i, live_link in enumerate(live_links):
        with django_assert_max_num_queries(1):  # at most the click, without Redis
            assert _get(live_link, ip=f"198.51.100.{i + 10}").status_code == 302
    with django_assert_max_num_queries(1):
        _get(link, ip="198.51.100.77")

"""Posts handed to publishers: the signed webhook against a real HTTP server, retries recorded, bulk files."""

import csv
import io
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from design.tests.factories import ConceptFactory
from promotion import tasks
from promotion.models import Campaign, Post, PublishAttempt
from promotion.publishers import webhook
from promotion.services import (
    bulk_export_accept,
    bulk_export_create,
    bulk_export_refuse,
    campaign_plan,
    campaign_schedule,
    post_cancel,
    post_create,
    posts_release_due,
)
from production.tests.factories import ProductionOrderFactory

pytestmark = pytest.mark.django_db
SECRET = "s3cret-for-tests"


class Receiver:
    """A publishing service on a real socket: answers with the queued codes, keeps what it was sent."""

    def __init__(self, codes):
        self.codes, self.received = list(codes), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"busy" if code >= 500 else b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/posts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    made = []

    def start(*codes):
        r = Receiver(codes)
        made.append(r)
        settings.C2F_PUBLISH_WEBHOOK_URL, settings.C2F_PUBLISH_WEBHOOK_SECRET = r.url, SECRET
        return r

    yield start
    for r in made:
        r.close()


def _campaign(publisher="webhook", market="DE", channels=("x", "facebook")):
    order = ProductionOrderFactory()
    return campaign_plan(production_order=order, name="Sherpa launch DE", market=market,
                         starts_on=timezone.localdate() + timedelta(days=2), channels=list(channels),
                         budget="250", publisher=publisher, actor="mia")


def _due_post(campaign, channel="x", text="Neu: die Sherpa-Decke", minutes_ahead=30):
    local = (timezone.now() + timedelta(minutes=minutes_ahead)).astimezone(ZoneInfo(campaign.time_zone))
    local = local.replace(second=0, microsecond=0, minute=(local.minute // 5) * 5, tzinfo=None)
    return post_create(campaign=campaign, channel=channel, text=text, hashtags="#sherpa #cosy",
                       scheduled_local=local, actor="mia")


def _release(at):
    released = posts_release_due(now=at)
    for post_id in released.queued:
        tasks.publish_post.delay(post_id)
    return released


def test_a_due_post_is_posted_signed_and_becomes_sent(receiver):
    r = receiver(200)
    campaign = _campaign()
    post = _due_post(campaign)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    assert _release(timezone.now()).queued == []  # not due yet
    released = _release(post.scheduled_at + timedelta(seconds=1))
    assert released.queued == [post.pk]
    post.refresh_from_db()
    assert post.status == Post.Status.SENT and Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.ACTIVE
    [hit] = r.received
    headers = hit["headers"]
    assert webhook.verify(secret=SECRET, timestamp=headers["X-C2F-Timestamp"], body=hit["body"],
                          signature=headers["X-C2F-Signature"])
    assert not webhook.verify(secret="wrong", timestamp=headers["X-C2F-Timestamp"], body=hit["body"],
                              signature=headers["X-C2F-Signature"])
    assert not webhook.verify(secret=SECRET, timestamp=headers["X-C2F-Timestamp"], body=hit["body"] + b" ",
                              signature=headers["X-C2F-Signature"])
    data = json.loads(hit["body"])["post"]
    assert data["post_id"] == post.pk and data["channel"] == "x" and headers["X-C2F-Delivery"] == str(post.delivery_id)
    assert data["text"].endswith(f"/r/{post.link.code}") and "#sherpa #cosy" in data["text"]
    [attempt] = PublishAttempt.objects.filter(post=post)
    assert attempt.ok and attempt.status_code == 200 and attempt.number == 1
    assert _release(post.scheduled_at + timedelta(minutes=5)).queued == []  # released once


def test_transient_failures_are_retried_and_every_attempt_is_recorded(receiver):
    r = receiver(503, 429, 200)
    campaign = _campaign()
    post = _due_post(campaign)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    _release(post.scheduled_at)
    post.refresh_from_db()
    assert post.status == Post.Status.SENT
    attempts = list(PublishAttempt.objects.filter(post=post).order_by("number").values_list("number", "ok", "status_code"))
    assert attempts == [(1, False, 503), (2, False, 429), (3, True, 200)]
    deliveries = {hit["headers"]["X-C2F-Delivery"] for hit in r.received}
    assert deliveries == {str(post.delivery_id)}  # the receiver can drop repeats


def test_a_final_answer_fails_the_post_at_once_with_the_reason(receiver):
    receiver(401)
    campaign = _campaign()
    post = _due_post(campaign)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    _release(post.scheduled_at)
    post.refresh_from_db()
    assert post.status == Post.Status.FAILED and post.failure_reason.startswith("HTTP 401 from the publishing service")
    assert PublishAttempt.objects.filter(post=post).count() == 1


def test_an_unreachable_service_fails_the_post_after_the_last_attempt(settings):
    settings.C2F_PUBLISH_WEBHOOK_URL, settings.C2F_PUBLISH_WEBHOOK_SECRET = "http://127.0.0.1:9/closed", SECRET
    settings.C2F_PUBLISH_MAX_ATTEMPTS = 3
    campaign = _campaign()
    post = _due_post(campaign)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    _release(post.scheduled_at)
    post.refresh_from_db()
    assert post.status == Post.Status.FAILED and "after 3 attempts" in post.failure_reason
    assert list(PublishAttempt.objects.filter(post=post).values_list("ok", flat=True)) == [False] * 3


def test_a_post_cancelled_before_its_delivery_is_not_sent(receiver):
    r = receiver(200)
    campaign = _campaign()
    post = _due_post(campaign)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    released = posts_release_due(now=post.scheduled_at)
    post_cancel(post_id=post.pk, actor="mia")
    for post_id in released.queued:
        assert tasks.publish_post.delay(post_id).get() == "skipped"
    assert r.received == [] and Post.objects.get(pk=post.pk).status == Post.Status.CANCELLED


def test_no_webhook_configured_fails_the_post_naming_the_settings(settings):
    settings.C2F_PUBLISH_WEBHOOK_URL = ""
    campaign = _campaign()
    post = _due_post(campaign)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    _release(post.scheduled_at)
    assert "C2F_PUBLISH_WEBHOOK_URL" in Post.objects.get(pk=post.pk).failure_reason


def _rows(content):
    return list(csv.reader(io.StringIO(content)))


def test_hootsuite_file_has_date_text_link_on_the_markets_clock_and_no_header():
    campaign = _campaign(publisher="hootsuite", channels=("x",))
    first = _due_post(campaign, text='Neu, "mit" Komma\nund Zeile', minutes_ahead=60 * 24)
    second = _due_post(campaign, text="Zweiter Post", minutes_ahead=60 * 26)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    export = bulk_export_create(campaign_id=campaign.pk, channel="x", actor="mia")
    rows = _rows(export.content)
    local = first.scheduled_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert rows[0][0] == local.strftime("%d/%m/%Y %H:%M") and len(rows) == 2 and all(len(r) == 3 for r in rows)
    assert rows[0][1] == 'Neu, "mit" Komma\nund Zeile\n\n#sherpa #cosy' and rows[0][2].endswith(f"/r/{first.link.code}")
    assert export.filename.endswith("-x-Europe_Berlin.csv") and export.post_count == 2
    assert set(Post.objects.filter(pk__in=[first.pk, second.pk]).values_list("bulk_export", flat=True)) == {export.pk}
    with pytest.raises(ValidationError, match="No scheduled X post"):  # nothing left to hand over
        bulk_export_create(campaign_id=campaign.pk, channel="x", actor="mia")


def test_hootsuite_refuses_times_off_the_five_minutes_and_the_same_text_twice():
    campaign = _campaign(publisher="hootsuite", channels=("x",))
    post = _due_post(campaign, minutes_ahead=60 * 24)
    _due_post(campaign, minutes_ahead=60 * 25)  # same text
    Post.objects.filter(pk=post.pk).update(scheduled_at=post.scheduled_at + timedelta(minutes=2))
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    with pytest.raises(ValidationError) as raised:
        bulk_export_create(campaign_id=campaign.pk, channel="x", actor="mia")
    problems = " ".join(raised.value.message_dict["posts"])
    assert "minutes ending in 0 or 5" in problems and "same text twice" in problems
    assert not campaign.exports.exists() and not Post.objects.filter(bulk_export__isnull=False).exists()


def test_publer_file_has_the_twelve_column_template():
    campaign = _campaign(publisher="publer", channels=("facebook",))
    post = _due_post(campaign, channel="facebook", minutes_ahead=60 * 24)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    rows = _rows(bulk_export_create(campaign_id=campaign.pk, channel="facebook", actor="mia").content)
    assert rows[0] == ["Date", "Text", "Link(s)", "Media URL(s)", "Title", "Label(s)", "Alt text(s)", "Comment(s)",
                       "Board/Album", "Post subtype", "CTA", "Reminder"]
    assert rows[1][0] == post.scheduled_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")
    assert rows[1][2].endswith(f"/r/{post.link.code}") and len(rows[1]) == 12


def test_a_file_taken_by_the_scheduler_makes_its_posts_sent_at_their_time_by_beat():
    campaign = _campaign(publisher="publer", channels=("facebook",))
    post = _due_post(campaign, channel="facebook", minutes_ahead=60 * 24)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    export = bulk_export_create(campaign_id=campaign.pk, channel="facebook", actor="mia")
    bulk_export_accept(export_id=export.pk, actor="mia")
    with pytest.raises(ValidationError, match="already accepted"):
        bulk_export_accept(export_id=export.pk, actor="mia")
    assert Post.objects.get(pk=post.pk).status == Post.Status.SCHEDULED
    released = posts_release_due(now=post.scheduled_at + timedelta(seconds=1))
    assert (released.queued, released.sent) == ([], 1)
    post.refresh_from_db()
    assert post.status == Post.Status.SENT and post.sent_at == post.scheduled_at
    assert PublishAttempt.objects.get(post=post).ok


def test_a_refused_file_fails_its_posts_and_a_file_never_confirmed_fails_at_their_time():
    campaign = _campaign(publisher="hootsuite", channels=("x", "facebook"))
    x_post = _due_post(campaign, channel="x", minutes_ahead=60 * 24)
    fb_post = _due_post(campaign, channel="facebook", text="Facebook text", minutes_ahead=60 * 24)
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    export = bulk_export_create(campaign_id=campaign.pk, channel="x", actor="mia")
    with pytest.raises(ValidationError):
        bulk_export_refuse(export_id=export.pk, actor="mia", reason="  ")
    bulk_export_refuse(export_id=export.pk, actor="mia", reason="Invalid date format on row 1")
    x_post.refresh_from_db()
    assert x_post.status == Post.Status.FAILED and "Invalid date format on row 1" in x_post.failure_reason
    posts_release_due(now=fb_post.scheduled_at)
    fb_post.refresh_from_db()
    assert fb_post.status == Post.Status.FAILED and "never downloaded" in fb_post.failure_reason


def test_a_webhook_campaign_writes_no_bulk_file():
    campaign = _campaign()
    with pytest.raises(ValidationError, match="not a bulk file"):
        bulk_export_create(campaign_id=campaign.pk, channel="x", actor="mia")


def test_demo_posts_are_never_released(receiver):
    r = receiver(200)
    concept = ConceptFactory(is_demo=True)
    from promotion.services import campaign_create

    campaign = campaign_create(concept=concept, market="US", is_demo=True, starts_on=timezone.localdate())
    assert posts_release_due(now=timezone.now() + timedelta(days=30)).queued == [] and r.received == []
    assert set(campaign.posts.values_list("status", flat=True)) == {Post.Status.SCHEDULED}


def test_release_claims_each_post_once_in_bounded_queries(receiver, django_assert_max_num_queries):
    receiver(200)
    campaign = _campaign()
    posts = [_due_post(campaign, text=f"Post {i}") for i in range(5)]
    campaign_schedule(campaign_id=campaign.pk, actor="mia")
    at = max(p.scheduled_at for p in posts)
    with django_assert_max_num_queries(1 + 2 * 5):  # the due list, then a claim and a read per post
        released = posts_release_due(now=at)
    assert sorted(released.queued) == sorted(p.pk for p in posts)
    assert posts_release_due(now=at).queued == []
    assert len({p.delivery_id for p in Post.objects.filter(pk__in=released.queued)}) == 5

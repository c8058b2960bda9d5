"""A buyer's whole path with real parts: SMTP server, eager Celery, live server, headless Chromium."""

import email
import os
import re
import socket
from datetime import timedelta
from email import policy

import pytest
from django.utils import timezone

from samples.models import Invitation, Vote
from samples.selectors import round_results
from samples.services import round_open

from .factories import BuyerFactory, SampleFactory, VariantFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls made here are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class _Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield inbox
    controller.stop()


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        yield page
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_buyer_votes_from_the_emailed_link(live_server, settings, smtp_inbox, browser_page):
    settings.C2F_PUBLIC_URL = live_server.url
    sample = SampleFactory(concept__name="Mermaid tail sherpa blanket")
    sage = VariantFactory(concept=sample.concept, sku="MT-SAGE", colour="sage green")
    VariantFactory(concept=sample.concept, sku="MT-CREAM", colour="cream")
    buyer = BuyerFactory(email="lena@example.org", markets=["GB"])
    now = timezone.now()

    vote_round = round_open(cycle=sample.concept.cycle, sample=sample, buyers=[buyer],
                            opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=5))

    assert len(smtp_inbox.envelopes) == 1
    envelope = smtp_inbox.envelopes[0]
    assert envelope.rcpt_tos == ["lena@example.org"]
    assert Invitation.objects.get(round=vote_round).sent_at is not None
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert "Mermaid tail sherpa blanket" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert message.get_body(preferencelist=("html",)) is not None
    link = re.search(rf"{re.escape(live_server.url)}/vote/[^\s]+/", text).group(0)

    page = browser_page
    response = page.goto(link)
    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    assert page.get_by_role("heading", name="Mermaid tail sherpa blanket").is_visible()

    page.get_by_label("4 · Strong").check()
    page.get_by_label("Preferred variant").select_option(str(sage.pk))
    page.get_by_label("Market you would sell it in").select_option("GB")
    page.get_by_label("Units you would order").fill("150")
    page.get_by_label(re.compile("Wholesale price")).fill("21.00")
    page.get_by_label("Comment").fill("Tail pocket is a hit with our customers")
    page.get_by_role("button", name="Send my vote").click()
    page.wait_for_selector("[data-vote-saved]")
    assert "may change it until" in page.inner_text("[data-vote-saved]")

    vote = Vote.objects.get()
    assert (vote.round_id, vote.buyer_id, vote.score, vote.would_order_qty, vote.preferred_variant_id, vote.market) == (
        vote_round.pk, buyer.pk, 4, 150, sage.pk, "GB")
    assert str(vote.acceptable_price) == "21.00"

    results = round_results(round=vote_round)
    assert (results["invited"], results["voted"], results["would_order_total"], results["mean_score"]) == (1, 1, 150, 4)
    assert results["comments"][0]["comment"] == "Tail pocket is a hit with our customers"

    # Changing the vote from the same link updates the same row.
    page.goto(link)
    page.get_by_label("5 · Would order now").check()
    page.get_by_role("button", name="Update my vote").click()
    page.wait_for_selector("[data-vote-saved]")
    assert Vote.objects.count() == 1 and Vote.objects.get().score == 5

    # The merchandiser logs in to the dashboard and sees the buyer's vote in the round's results.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("merch", password="merch-pass-123", is_staff=True)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next=/samples/rounds/{vote_round.pk}/")
    page.get_by_label("Username").fill("merch")
    page.get_by_label("Password").fill("merch-pass-123")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**/samples/rounds/{vote_round.pk}/")
    body = page.inner_text("body")
    assert "Tail pocket is a hit with our customers" in body
    assert buyer.name in body

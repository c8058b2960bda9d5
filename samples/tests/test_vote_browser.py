"""A buyer's whole path with real parts: SMTP server, eager Celery, live server, headless Chromium."""

import email
import re
from datetime import timedelta
from decimal import Decimal
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone

from samples.models import Invitation, Vote
from samples.selectors import round_results
from samples.services import round_open
from samples.tokens import vote_token_for

from .factories import BuyerFactory, InvitationFactory, SampleFactory, VariantFactory

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


# What the phone page says in each language, as the buyer reads it.
PHONE_LANGUAGES = {
    "de": {"summary": "Bei Ihrer Bewertung gibt es ein Problem", "saved": "Ihre Bewertung ist gespeichert",
           "price": "24,50\u00a0$", "moq": "1.200"},
    "ja": {"summary": "入力内容に問題があります", "saved": "投票を保存しました", "price": "$24.50", "moq": "1,200"},
}
TAP_TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, select, textarea, input:not([type=hidden]):not([type=radio]), label.vote-option'))
  .filter(e => e.offsetParent !== null)
  .map(e => ({target: e.outerHTML.slice(0, 90), height: e.getBoundingClientRect().height}))"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", sorted(PHONE_LANGUAGES))
def test_phone_vote_in_the_buyers_language(live_server, browser_page, language):
    expected = PHONE_LANGUAGES[language]
    invitation = InvitationFactory(
        buyer__language=language, buyer__markets=["DE"],
        round__min_order_qty=1200, round__lead_time_days=30,
        round__sample__concept__target_price=Decimal("49.00"), round__sample__concept__unit_cost=Decimal("13.57"),
        # A long specification: it comes after the form and must not push the form down.
        round__sample__spec="\n".join(f"Detail {i}: double-sided sherpa, 320 gsm, tail pocket 60 cm." for i in range(30)),
    )
    VariantFactory(concept=invitation.round.sample.concept, sku="MT-SAGE", colour="sage green")
    page = browser_page
    page.goto(live_server.url + reverse("samples_vote:vote", args=[vote_token_for(invitation)]))

    assert page.locator("html").get_attribute("lang") == language
    # The score and the quantity are above the fold of a 390 × 844 screen; the specification comes after them.
    for selector in ("#id_score_0", "#id_score_4", "#id_would_order_qty"):
        box = page.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= 844, f"{selector} is below the fold: {box}"
    assert page.locator("#specification").bounding_box()["y"] > page.locator("#id_would_order_qty").bounding_box()["y"]
    # Every tap target is at least 44 px high; a radio is tapped through its whole label.
    assert page.locator("label.vote-option input[type=radio]").count() == page.locator("input[type=radio]").count() == 5
    small = [t for t in page.evaluate(TAP_TARGETS) if t["height"] < 44]
    assert not small, small
    terms = page.inner_text("[data-vote-terms]")
    assert expected["price"] in terms and expected["moq"] in terms and "13.57" not in page.content()

    # A refused submit: the error summary comes first, takes the focus and links to each field.
    page.locator("#id_would_order_qty").fill("-5")
    page.locator("form[data-vote-form] button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.locator("html").get_attribute("lang") == language
    assert expected["summary"] in summary.inner_text()
    # vote.js at the end of the page moves the focus: the summary can be visible a moment before it runs.
    page.wait_for_function("document.activeElement && document.activeElement.hasAttribute('data-error-summary')",
                           timeout=5000)
    assert summary.bounding_box()["y"] < 844
    links = summary.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ["#id_score_0", "#id_would_order_qty"]
    for i, field_id, caption in ((1, "id_would_order_qty", "label[for=id_would_order_qty]"),
                                 (0, "id_score_0", "fieldset legend")):
        links.nth(i).click()
        assert page.evaluate("document.activeElement.id") == field_id
        box = page.locator(caption).first.bounding_box()  # the question stays in sight above its field
        assert 0 <= box["y"] and box["y"] + box["height"] <= 844
    assert Vote.objects.count() == 0

    # A valid vote, tapped on the labels, is stored.
    page.locator("label[for=id_score_3]").click()
    page.locator("#id_would_order_qty").fill("120")
    page.locator("#id_acceptable_price").fill("21.50")
    page.locator("form[data-vote-form] button[type=submit]").click()
    page.locator("[data-vote-saved]").wait_for()
    assert expected["saved"] in page.inner_text("[data-vote-saved]")
    vote = Vote.objects.get()
    assert (vote.round_id, vote.buyer_id, vote.score, vote.would_order_qty, vote.acceptable_price) == (
        invitation.round_id, invitation.buyer_id, 4, 120, Decimal("21.50"))

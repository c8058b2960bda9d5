"""The invitation as the buyer's mail server receives it: in their language, plain text unescaped, no unit cost."""

import email
import re
from datetime import timedelta
from decimal import Decimal
from email import policy

import pytest
from django.db import transaction
from django.utils import timezone

from samples.models import Invitation
from samples.services import reminder_send, round_open, round_terms_set

from .factories import BuyerFactory, SampleFactory, VariantFactory

pytestmark = pytest.mark.django_db

NAME = "Bed & Bath <Deluxe> throw"
ESCAPES = ("&amp;", "&lt;", "&gt;", "&#x27;", "&#39;", "&quot;")
GERMAN_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember"]

# What each language's invitation must say, as a buyer reads it.
EXPECTED = {
    "de": {
        "subject": f"Ihre Bewertung, bitte: {NAME} (Muster v1), bis ",
        "date": lambda d: f"{d.day}. {GERMAN_MONTHS[d.month - 1]} {d.year}",
        "reminder": f"Erinnerung — Ihre Bewertung, bitte: {NAME}",
        "text": ["Guten Tag Ann O'Neil,", "Großhandelspreis: 24,50\u00a0$ pro Stück", "Mindestbestellmenge: 1.200 Stück",
                 "Lieferzeit: 30 Tage von der Bestellung bis zum Versand", "Die Abstimmung endet am "],
    },
    "ja": {
        "subject": f"ご投票のお願い：{NAME}（サンプル v1）、締切 ",
        "date": lambda d: f"{d.year}年{d.month}月{d.day}日",
        "reminder": f"【リマインダー】ご投票のお願い：{NAME}",
        "text": ["Ann O'Neil様", "卸売価格：1個あたり$24.50", "最小発注数量：1,200個", "リードタイム：ご注文から出荷まで30日",
                 "投票の締め切りは"],
    },
    "en": {
        "subject": f"Your vote, please: {NAME} (sample v1), closes ",
        "date": lambda d: d.strftime("%B ") + f"{d.day}, {d.year}",
        "reminder": f"Reminder — your vote, please: {NAME}",
        "text": ["Hello Ann O'Neil,", "Wholesale price: $24.50 per unit", "Minimum order: 1,200 units",
                 "Lead time: 30 days from order to shipment", "Voting closes on "],
    },
}


def _parts(envelope):
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    # An encoded-word subject folded onto the next line reads back with the fold's space in front.
    return (message, str(message["Subject"]).strip(), message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def _open_round(language: str):
    sample = SampleFactory(
        concept__name=NAME, concept__target_price=Decimal("49.00"), concept__unit_cost=Decimal("13.57"),
        spec="Sherpa & fleece, 320 gsm <double-sided>",
    )
    VariantFactory(concept=sample.concept, sku="BB-SAGE", colour="sage green", material="sherpa")
    buyer = BuyerFactory(name="Ann O'Neil", email=f"ann.oneil.{language}@example.org", language=language)
    now = timezone.now()
    # The terms are set in the transaction that opens the round: the email goes out on commit, with them.
    with transaction.atomic():
        vote_round = round_open(cycle=sample.concept.cycle, sample=sample, buyers=[buyer],
                                opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=30))
        round_terms_set(round=vote_round, min_order_qty=1200, lead_time_days=30)
    return vote_round, buyer


@pytest.mark.parametrize("language", ["de", "ja", "en"])
def test_invitation_in_the_buyers_language_through_smtp(smtp_inbox, django_capture_on_commit_callbacks, language):
    expected = EXPECTED[language]
    with django_capture_on_commit_callbacks(execute=True):
        vote_round, buyer = _open_round(language)
    assert Invitation.objects.get(round=vote_round).sent_at is not None
    [envelope] = smtp_inbox.envelopes
    assert envelope.rcpt_tos == [buyer.email]
    message, subject, text, html = _parts(envelope)

    assert message["Content-Language"] == language
    closes = timezone.localtime(vote_round.closes_at)
    assert subject == expected["subject"] + expected["date"](closes), subject
    # Subject and text part are plain text: nothing HTML-escaped.
    for plain in (subject, text):
        assert not any(e in plain for e in ESCAPES), plain
    assert NAME in text and "Sherpa & fleece, 320 gsm <double-sided>" in text
    for line in expected["text"]:
        assert line in text, (line, text)
    assert re.search(r"/vote/[^\s]+/", text)
    # The HTML part escapes what it shows and says which language it is in.
    assert f'<html lang="{language}">' in html
    assert "Ann O&#x27;Neil" in html and "Bed &amp; Bath &lt;Deluxe&gt; throw" in html
    assert "<Deluxe>" not in html and "Ann O'Neil" not in html
    # What a buyer needs, and never the seller's unit cost.
    for part in (subject, text, html):
        assert "13.57" not in part and "13,57" not in part
    assert "sherpa" in text and "sherpa" in html


@pytest.mark.parametrize("language", ["de", "ja"])
def test_reminder_in_the_buyers_language(smtp_inbox, django_capture_on_commit_callbacks, language):
    with django_capture_on_commit_callbacks(execute=True):
        vote_round, buyer = _open_round(language)
    invitation = Invitation.objects.get(round=vote_round)
    assert reminder_send(invitation_id=invitation.pk, number=1) is True
    assert len(smtp_inbox.envelopes) == 2
    _, subject, text, _ = _parts(smtp_inbox.envelopes[1])
    assert subject.startswith(EXPECTED[language]["reminder"])
    assert not any(e in subject + text for e in ESCAPES)

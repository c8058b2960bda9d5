"""Vote links are made from C2F_PUBLIC_URL; without one, no invitation goes out with a dead link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from samples.models import Invitation, VoteRound
from samples.services import invitation_send, reminder_send, round_open, vote_link_for

from .factories import BuyerFactory, InvitationFactory, SampleFactory

pytestmark = pytest.mark.django_db


def _window():
    now = timezone.now()
    return now - timedelta(hours=1), now + timedelta(days=7)


def test_vote_links_start_with_the_public_url(settings):
    settings.C2F_PUBLIC_URL = "https://c2f.example.test/"
    invitation = InvitationFactory()
    assert vote_link_for(invitation).startswith("https://c2f.example.test/vote/")


def test_without_a_public_url_a_round_is_not_opened(settings, django_capture_on_commit_callbacks):
    settings.C2F_PUBLIC_URL = ""
    sample = SampleFactory()
    opens_at, closes_at = _window()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        round_open(cycle=sample.concept.cycle, sample=sample, buyers=[BuyerFactory()], opens_at=opens_at, closes_at=closes_at)
    assert "C2F_PUBLIC_URL is not set" in refused.value.messages[0]
    assert VoteRound.objects.count() == 0 and Invitation.objects.count() == 0
    assert mail.outbox == []


def test_without_a_public_url_an_invitation_is_refused_and_says_why(settings):
    invitation = InvitationFactory()
    settings.C2F_PUBLIC_URL = ""
    with pytest.raises(ImproperlyConfigured, match="C2F_PUBLIC_URL is not set"):
        invitation_send(invitation_id=invitation.pk)
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.sent_at is None and stored.send_claimed_at is None
    assert "C2F_PUBLIC_URL is not set" in stored.last_error
    assert mail.outbox == []

    # Once the address is set, the same invitation goes out with a link that leads there.
    settings.C2F_PUBLIC_URL = "https://c2f.example.test"
    assert invitation_send(invitation_id=invitation.pk) is True
    assert "https://c2f.example.test/vote/" in mail.outbox[0].body


def test_without_a_public_url_no_reminder_is_sent(settings):
    invitation = InvitationFactory()
    assert invitation_send(invitation_id=invitation.pk) is True
    settings.C2F_PUBLIC_URL = ""
    with pytest.raises(ImproperlyConfigured):
        reminder_send(invitation_id=invitation.pk, number=1)
    assert len(mail.outbox) == 1
    assert Invitation.objects.get(pk=invitation.pk).reminders_sent == 0


@pytest.mark.parametrize("url", ["c2f.example.test", "ftp://c2f.example.test", "https://", "https://c2f.example.test/?a=1"])
def test_a_public_url_that_is_no_absolute_address_is_a_check_error(settings, url):
    settings.C2F_PUBLIC_URL = url
    assert [e.id for e in run_checks()] == ["samples.E001"]


@pytest.mark.parametrize(
    ("production", "url", "ids"),
    [
        (True, "", ["samples.E002"]),
        (True, "http://c2f.example.test", ["samples.W001"]),
        (True, "https://c2f.example.test", []),
        (False, "", []),
    ],
)
def test_deploy_checks_want_a_public_https_url_in_production(settings, production, url, ids):
    settings.PRODUCTION, settings.C2F_PUBLIC_URL = production, url
    found = [e.id for e in run_checks(include_deployment_checks=True) if e.id.startswith("samples.")]
    assert found == ids

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from samples.models import VoteRound
from samples.tokens import (
    SALT,
    RoundClosed,
    TokenExpired,
    TokenForeignRound,
    TokenInvalid,
    vote_token_for,
    vote_token_read,
)

from .factories import InvitationFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db


def test_round_trip_returns_the_invitation():
    invitation = InvitationFactory()
    assert vote_token_read(vote_token_for(invitation)) == invitation


def test_payload_carries_the_random_key_and_round_never_the_email_or_row_id():
    invitation = InvitationFactory()
    payload = signing.loads(vote_token_for(invitation), salt=SALT)
    assert payload == {"k": invitation.key, "r": invitation.round_id}
    assert invitation.buyer.email not in vote_token_for(invitation)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "garbage", lambda t: t.replace(":", "", 1)])
def test_tampered_token_is_invalid(mangle):
    token = vote_token_for(InvitationFactory())
    with pytest.raises(TokenInvalid):
        vote_token_read(mangle(token))


def test_token_signed_with_another_salt_is_invalid():
    invitation = InvitationFactory()
    token = signing.dumps({"k": invitation.key, "r": invitation.round_id}, salt="other")
    with pytest.raises(TokenInvalid):
        vote_token_read(token)


def test_unknown_key_is_invalid():
    invitation = InvitationFactory()
    token = signing.dumps({"k": "not-a-key", "r": invitation.round_id}, salt=SALT)
    with pytest.raises(TokenInvalid):
        vote_token_read(token)


def test_token_naming_another_round_is_foreign():
    invitation = InvitationFactory()
    other = VoteRoundFactory()
    token = signing.dumps({"k": invitation.key, "r": other.pk}, salt=SALT)
    with pytest.raises(TokenForeignRound):
        vote_token_read(token)


def test_token_expires_with_the_round():
    invitation = InvitationFactory(
        round__opens_at=timezone.now() - timedelta(days=8), round__closes_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(TokenExpired) as exc:
        vote_token_read(vote_token_for(invitation))
    assert exc.value.status == 410


def test_token_of_closed_round_is_refused():
    invitation = InvitationFactory(round__status=VoteRound.Status.CLOSED)
    with pytest.raises(RoundClosed) as exc:
        vote_token_read(vote_token_for(invitation))
    assert exc.value.status == 410


def test_extending_the_round_extends_links_already_sent():
    invitation = InvitationFactory(
        round__opens_at=timezone.now() - timedelta(days=8), round__closes_at=timezone.now() - timedelta(minutes=1)
    )
    token = vote_token_for(invitation)
    VoteRound.objects.filter(pk=invitation.round_id).update(closes_at=timezone.now() + timedelta(days=1))
    assert vote_token_read(token) == invitation

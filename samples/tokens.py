"""Signed vote links: the only credential an invited buyer ever holds.

The payload is the invitation's random ``key`` plus the round id, signed with a
salt used for nothing else. A link stops working when its round closes, either
by ``closes_at`` passing or by a merchandiser closing the round early. The
round's current ``closes_at`` is authoritative, so extending a round extends
the links already sent.
"""

from django.core import signing
from django.utils import timezone

from .models import Invitation, VoteRound

SALT = "c2f.samples.vote-link"


class VoteLinkError(Exception):
    """A vote link that cannot be used; ``status`` is the HTTP status to answer with."""

    status = 400
    title = "This vote link is not valid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TokenInvalid(VoteLinkError):
    pass


class TokenForeignRound(VoteLinkError):
    title = "This vote link belongs to another round"


class TokenExpired(VoteLinkError):
    status = 410
    title = "Voting has ended"


class RoundClosed(VoteLinkError):
    status = 410
    title = "This round is closed"


def vote_token_for(invitation: Invitation) -> str:
    return signing.dumps({"k": invitation.key, "r": invitation.round_id}, salt=SALT)


def vote_token_read(token: str) -> Invitation:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise TokenInvalid("The link is incomplete or has been altered. Open it again from the invitation email.")
    if not isinstance(payload, dict) or not isinstance(payload.get("k"), str) or not isinstance(payload.get("r"), int):
        raise TokenInvalid("The link does not name an invitation.")

    invitation = (
        Invitation.objects.select_related("round__sample__concept", "buyer").filter(key=payload["k"]).first()
    )
    if invitation is None:
        raise TokenInvalid("The invitation this link names no longer exists.")
    if invitation.round_id != payload["r"]:
        raise TokenForeignRound("The link does not match the round its invitation belongs to.")

    vote_round = invitation.round
    if vote_round.status == VoteRound.Status.CLOSED:
        raise RoundClosed(f"Round {vote_round.pk} was closed; votes are no longer accepted.")
    if timezone.now() >= vote_round.closes_at:
        closed = timezone.localtime(vote_round.closes_at).strftime("%Y-%m-%d %H:%M %Z")
        raise TokenExpired(f"Voting closed on {closed}.")
    return invitation

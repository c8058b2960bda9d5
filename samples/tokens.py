"""Signed vote links: the only credential an invited buyer ever holds.

The payload is the invitation's random ``key`` plus the round id, signed with a
salt used for nothing else. A link stops working when its round closes, either
by ``closes_at`` passing or by a merchandiser closing the round early. The
round's current ``closes_at`` is authoritative, so extending a round extends
the links already sent.
"""

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from .languages import buyer_datetime
from .models import Invitation, VoteRound

SALT = "c2f.samples.vote-link"


class VoteLinkError(Exception):
    """A vote link that cannot be used; ``status`` is the HTTP status to answer with.

    ``title`` and ``message`` are read when the page is rendered, so they speak the
    language active then: the buyer's when ``invitation`` is known (a sound link to a
    round that is over), the browser's otherwise.
    """

    status = 400
    title = _("This vote link is not valid")

    def __init__(self, message, *, invitation: Invitation | None = None):
        super().__init__(message)
        self._message = message
        self.invitation = invitation

    @property
    def message(self) -> str:
        return str(self._message)


class TokenInvalid(VoteLinkError):
    pass


class TokenForeignRound(VoteLinkError):
    title = _("This vote link belongs to another round")


class TokenExpired(VoteLinkError):
    status = 410
    title = _("Voting has ended")

    def __init__(self, closed_at, *, invitation: Invitation | None = None):
        self.closed_at = closed_at
        super().__init__(f"Voting closed at {closed_at:%Y-%m-%d %H:%M %Z}.", invitation=invitation)

    @property
    def message(self) -> str:
        return gettext("Voting closed on %(date)s.") % {"date": buyer_datetime(self.closed_at)}


class RoundClosed(VoteLinkError):
    status = 410
    title = _("This round is closed")


def vote_token_for(invitation: Invitation) -> str:
    return signing.dumps({"k": invitation.key, "r": invitation.round_id}, salt=SALT)


def vote_token_read(token: str) -> Invitation:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise TokenInvalid(_("The link is incomplete or has been altered. Open it again from the invitation email."))
    if not isinstance(payload, dict) or not isinstance(payload.get("k"), str) or not isinstance(payload.get("r"), int):
        raise TokenInvalid(_("The link does not name an invitation."))

    invitation = (
        Invitation.objects.select_related("round__sample__concept", "buyer").filter(key=payload["k"]).first()
    )
    if invitation is None:
        raise TokenInvalid(_("The invitation this link names no longer exists."))
    if invitation.round_id != payload["r"]:
        raise TokenForeignRound(_("The link does not match the round its invitation belongs to."))

    vote_round = invitation.round
    if timezone.now() >= vote_round.closes_at:
        raise TokenExpired(vote_round.closes_at, invitation=invitation)
    if vote_round.status == VoteRound.Status.CLOSED:
        raise RoundClosed(_("The round was closed early; votes are no longer accepted."), invitation=invitation)
    return invitation

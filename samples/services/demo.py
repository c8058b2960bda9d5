"""A DEMO round dated on the demo's calendar.

The demo opens, votes on and closes a round in one second, so each of its steps would carry the
same minute; once decided, its opening, its buyers' invitations and votes are dated on the demo
calendar (``c2f.demo``). Only rounds flagged ``is_demo`` are dated.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Invitation, Vote, VoteRound, VoteRoundEvent


def round_demo_date(*, round: VoteRound, opens_at: datetime.datetime, closes_at: datetime.datetime) -> VoteRound:
    """Date a closed DEMO round: open from ``opens_at`` to ``closes_at``, invitations sent as it
    opened, votes spread over its time, and its timeline: opened, closed, then decided an hour later."""
    if not closes_at > opens_at:
        raise ValidationError({"closes_at": "A round closes after it opens."})
    with transaction.atomic():
        vote_round = VoteRound.objects.select_for_update().get(pk=round.pk)
        if not vote_round.is_demo:
            raise ValidationError({"round": f"{vote_round} is not demo data; its dates are the buyers'."})
        if vote_round.status != VoteRound.Status.CLOSED:
            raise ValidationError({"round": f"{vote_round} is still open: only a closed demo round is dated."})
        VoteRound.objects.filter(pk=vote_round.pk).update(opens_at=opens_at, closes_at=closes_at)
        Invitation.objects.filter(round=vote_round, sent_at__isnull=False).update(sent_at=opens_at)
        span = closes_at - opens_at
        votes = list(Vote.objects.filter(round=vote_round).order_by("buyer_id").values_list("pk", flat=True))
        for index, pk in enumerate(votes):
            at = opens_at + span * (0.1 + 0.8 * index / max(1, len(votes)))
            Vote.objects.filter(pk=pk).update(created_at=at, updated_at=at)
        events = VoteRoundEvent.objects.filter(round=vote_round)
        events.filter(from_status="").update(created_at=opens_at)
        events.filter(to_status=VoteRound.Status.CLOSED).exclude(from_status=VoteRound.Status.CLOSED).update(created_at=closes_at)
        events.filter(from_status=VoteRound.Status.CLOSED, to_status=VoteRound.Status.CLOSED).update(
            created_at=closes_at + datetime.timedelta(hours=1)
        )
    vote_round.refresh_from_db()
    return vote_round

"""Writes of link 4, by kind: samples and buyers, sample states, rounds, invitations, votes, and the demo
round's dates."""

from .samples_and_buyers import (
    buyer_upsert,
    sample_create,
    sample_photo_add,
    sample_revise,
)
from .demo import round_demo_date
from .states import (
    sample_confirm,
    sample_drop,
    sample_review_start,
    sample_revision_request,
)
from .rounds import (
    QUESTIONS_MAX,
    SCHEDULER_ACTOR,
    panel_create,
    panel_import_csv,
    questions_clean,
    reminder_hours_clean,
    round_close,
    round_close_due,
    round_decide,
    round_open,
    round_suggest_decision,
)
from .invitations import (
    PUBLIC_URL_MISSING,
    invitation_message,
    invitation_retry,
    invitation_send,
    invitations_resend_stale,
    public_url,
    reminder_send,
    reminders_due,
    vote_link_for,
)
from .terms import round_terms_set
from .votes import (
    COMMENT_MAX,
    QTY_MAX,
    vote_record,
    VoteRefused,
)

__all__ = [
    "COMMENT_MAX",
    "QTY_MAX",
    "PUBLIC_URL_MISSING",
    "QUESTIONS_MAX",
    "SCHEDULER_ACTOR",
    "VoteRefused",
    "buyer_upsert",
    "invitation_message",
    "invitation_retry",
    "invitation_send",
    "invitations_resend_stale",
    "panel_create",
    "panel_import_csv",
    "public_url",
    "questions_clean",
    "reminder_hours_clean",
    "reminder_send",
    "reminders_due",
    "round_close",
    "round_close_due",
    "round_decide",
    "round_demo_date",
    "round_open",
    "round_suggest_decision",
    "round_terms_set",
    "sample_confirm",
    "sample_create",
    "sample_drop",
    "sample_photo_add",
    "sample_review_start",
    "sample_revise",
    "sample_revision_request",
    "vote_link_for",
    "vote_record",
]

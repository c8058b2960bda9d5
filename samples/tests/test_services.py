import socket
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from design.models import Concept
from samples.models import Buyer, Invitation, Sample, Vote, VoteRound
from samples.services import (
    VoteRefused,
    buyer_upsert,
    invitation_send,
    invitations_resend_stale,
    round_close,
    round_close_due,
    round_decide,
    round_open,
    round_suggest_decision,
    sample_create,
    vote_record,
)
from samples.selectors import send_lease
from samples.tasks import send_invitation

from .factories import (
    BuyerFactory,
    ConceptFactory,
    CycleFactory,
    InvitationFactory,
    SampleFactory,
    VariantFactory,
    VoteRoundFactory,
)

pytestmark = pytest.mark.django_db


def _window(hours_open=-1, days_close=7):
    now = timezone.now()
    return now + timedelta(hours=hours_open), now + timedelta(days=days_close)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- samples and buyers ---------------------------------------------------


def test_sample_create_numbers_versions_per_concept():
    concept = ConceptFactory()
    first = sample_create(concept=concept, spec="v1")
    second = sample_create(concept=concept, change_notes="thicker pile")
    other = sample_create(concept=ConceptFactory())
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert Sample.objects.get(pk=second.pk).change_notes == "thicker pile"


def test_buyer_upsert_updates_the_same_buyer_by_email():
    buyer = buyer_upsert(email="Anna@Example.org", name="Anna", markets=["us", "gb"])
    again = buyer_upsert(email="anna@example.org", name="Anna Berg", company="Nordic Home", country="se")
    assert buyer.pk == again.pk
    assert Buyer.objects.count() == 1
    stored = Buyer.objects.get()
    assert (stored.name, stored.company, stored.country, stored.markets) == ("Anna Berg", "Nordic Home", "SE", [])


@pytest.mark.parametrize(
    "kwargs, field",
    [({"email": "not-an-email", "name": "X"}, "email"), ({"email": "a@example.org", "name": " "}, "name"),
     ({"email": "a@example.org", "name": "A", "country": "USA"}, "country")],
)
def test_buyer_upsert_rejects_bad_input_naming_the_field(kwargs, field):
    with pytest.raises(ValidationError) as exc:
        buyer_upsert(**kwargs)
    assert field in exc.value.message_dict
    assert Buyer.objects.count() == 0


# --- opening a round and sending invitations --------------------------------


def test_round_open_invites_and_emails_each_buyer_once_after_commit(django_capture_on_commit_callbacks):
    sample = SampleFactory()
    buyers = BuyerFactory.create_batch(3)
    opens_at, closes_at = _window()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        vote_round = round_open(
            cycle=sample.concept.cycle, sample=sample, buyers=buyers + [buyers[0]], opens_at=opens_at, closes_at=closes_at
        )
    assert len(callbacks) == 3
    assert Invitation.objects.filter(round=vote_round).count() == 3
    assert not Invitation.objects.filter(round=vote_round, sent_at__isnull=True).exists()
    assert Sample.objects.get(pk=sample.pk).status == Sample.Status.IN_REVIEW
    assert Concept.objects.get(pk=sample.concept_id).status == Concept.Status.SAMPLING
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.email for b in buyers)
    message = mail.outbox[0]
    assert sample.concept.name in message.subject
    assert "/vote/" in message.body
    html = message.alternatives[0].content if hasattr(message.alternatives[0], "content") else message.alternatives[0][0]
    assert "/vote/" in html and sample.concept.name in html


def test_round_open_rolled_back_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    sample = SampleFactory()
    opens_at, closes_at = _window()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                round_open(cycle=sample.concept.cycle, sample=sample, buyers=[BuyerFactory()],
                           opens_at=opens_at, closes_at=closes_at)
                raise RuntimeError("abort")
    assert callbacks == []
    assert VoteRound.objects.count() == 0 and Invitation.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "change, field",
    [({"buyers": []}, "buyers"), ({"closes_at_delta": -2}, "closes_at"), ({"sample_status": "confirmed"}, "sample")],
)
def test_round_open_refuses_bad_input_and_stores_nothing(change, field):
    sample = SampleFactory(status=change.get("sample_status", Sample.Status.DRAFT))
    opens_at, closes_at = _window()
    if "closes_at_delta" in change:
        closes_at = opens_at + timedelta(hours=change["closes_at_delta"])
    with pytest.raises(ValidationError) as exc:
        round_open(cycle=sample.concept.cycle, sample=sample, buyers=change.get("buyers", [BuyerFactory()]),
                   opens_at=opens_at, closes_at=closes_at)
    assert field in exc.value.message_dict
    assert VoteRound.objects.count() == 0


def test_invitation_send_twice_sends_one_email():
    invitation = InvitationFactory()
    assert invitation_send(invitation_id=invitation.pk) is True
    assert invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.sent_at is not None and stored.send_attempts == 1 and stored.last_error == ""


def test_invitation_send_skips_closed_round():
    invitation = InvitationFactory(round__status=VoteRound.Status.CLOSED)
    assert invitation_send(invitation_id=invitation.pk) is False
    assert mail.outbox == [] and Invitation.objects.get(pk=invitation.pk).sent_at is None


def test_invitation_send_failure_records_error_and_releases_claim(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    invitation = InvitationFactory()
    with pytest.raises(OSError):
        invitation_send(invitation_id=invitation.pk)
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.sent_at is None
    assert stored.send_attempts == 1
    assert "ConnectionRefusedError" in stored.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert invitation_send(invitation_id=invitation.pk) is True
    stored.refresh_from_db()
    assert stored.sent_at is not None and stored.last_error == "" and stored.send_attempts == 2
    assert len(mail.outbox) == 1


def test_a_fresh_claim_by_another_worker_is_left_alone():
    invitation = InvitationFactory()
    Invitation.objects.filter(pk=invitation.pk).update(send_claimed_at=timezone.now())
    assert invitation_send(invitation_id=invitation.pk) is False
    assert mail.outbox == [] and Invitation.objects.get(pk=invitation.pk).sent_at is None


def test_a_claim_left_by_a_dead_worker_is_taken_over_and_sent_once():
    invitation = InvitationFactory()
    Invitation.objects.filter(pk=invitation.pk).update(
        send_claimed_at=timezone.now() - send_lease() - timedelta(seconds=1)
    )
    assert invitation_send(invitation_id=invitation.pk) is True
    assert invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


def test_resend_stale_requeues_only_lost_sends(django_capture_on_commit_callbacks):
    now = timezone.now()
    dead_worker = InvitationFactory()
    Invitation.objects.filter(pk=dead_worker.pk).update(send_claimed_at=now - send_lease() - timedelta(minutes=1))
    never_sent = InvitationFactory(round__opens_at=now - timedelta(hours=1))
    sending_now = InvitationFactory()
    Invitation.objects.filter(pk=sending_now.pk).update(send_claimed_at=now)
    just_opened = InvitationFactory(round__opens_at=now - timedelta(minutes=1))
    already_sent = InvitationFactory()
    Invitation.objects.filter(pk=already_sent.pk).update(sent_at=now - timedelta(hours=2))
    closed = InvitationFactory(round__status=VoteRound.Status.CLOSED, round__opens_at=now - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_resend_stale(now=now) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dead_worker.buyer.email, never_sent.buyer.email])
    sent = set(Invitation.objects.filter(sent_at__isnull=False).values_list("pk", flat=True))
    assert sent == {dead_worker.pk, never_sent.pk, already_sent.pk}
    assert not {sending_now.pk, just_opened.pk, closed.pk} & sent


def test_send_task_retries_transient_smtp_errors_then_gives_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    invitation = InvitationFactory()
    conf = send_invitation.app.conf
    propagates = conf.task_eager_propagates
    # Eager retries run in place; let each attempt record its failure instead of propagating the first.
    conf.task_eager_propagates = False
    try:
        result = send_invitation.apply(args=[invitation.pk])
    finally:
        conf.task_eager_propagates = propagates
    assert result.failed()
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.send_attempts == 1 + send_invitation.max_retries
    assert stored.sent_at is None and "ConnectionRefusedError" in stored.last_error


def test_send_task_config():
    assert send_invitation.name == "samples.send_invitation"
    assert send_invitation.acks_late and send_invitation.retry_backoff and send_invitation.retry_jitter
    assert send_invitation.max_retries == 5
    assert send_invitation.soft_time_limit < send_invitation.time_limit


def test_send_task_for_missing_invitation_returns_quietly():
    assert send_invitation.apply(args=[987654]).get() is False


# --- votes ----------------------------------------------------------------


def test_vote_record_upserts_one_row_per_buyer_and_round():
    invitation = InvitationFactory()
    variant = VariantFactory(concept=invitation.round.sample.concept)
    first = vote_record(invitation=invitation, score=3, would_order_qty=100, preferred_variant=variant,
                        acceptable_price="21.5", market="us", comment="  nice  ")
    second = vote_record(invitation=invitation, score=5, would_order_qty=250)
    assert first.pk == second.pk
    vote = Vote.objects.get()
    assert (vote.score, vote.would_order_qty, vote.preferred_variant, vote.acceptable_price, vote.market, vote.comment) == (
        5, 250, None, None, "", ""
    )


@pytest.mark.parametrize(
    "kwargs, field",
    [({"score": 0}, "score"), ({"score": 6}, "score"), ({"score": "x"}, "score"),
     ({"score": 3, "would_order_qty": -1}, "would_order_qty"), ({"score": 3, "acceptable_price": "-2"}, "acceptable_price"),
     ({"score": 3, "acceptable_price": "abc"}, "acceptable_price"), ({"score": 3, "comment": "x" * 2001}, "comment")],
)
def test_vote_record_validates_input(kwargs, field):
    invitation = InvitationFactory()
    with pytest.raises(VoteRefused) as exc:
        vote_record(invitation=invitation, **kwargs)
    assert exc.value.field == field
    assert Vote.objects.count() == 0


def test_vote_record_refuses_variant_of_another_concept():
    invitation = InvitationFactory()
    with pytest.raises(VoteRefused) as exc:
        vote_record(invitation=invitation, score=4, preferred_variant=VariantFactory())
    assert exc.value.field == "preferred_variant"
    assert Vote.objects.count() == 0


@pytest.mark.parametrize(
    "round_kwargs",
    [{"status": VoteRound.Status.CLOSED},
     {"opens_at": timezone.now() - timedelta(days=9), "closes_at": timezone.now() - timedelta(seconds=1)},
     {"opens_at": timezone.now() + timedelta(days=1), "closes_at": timezone.now() + timedelta(days=9)}],
    ids=["closed", "past-close", "not-open-yet"],
)
def test_vote_record_refuses_outside_the_voting_window(round_kwargs):
    invitation = InvitationFactory(round=VoteRoundFactory(**round_kwargs))
    with pytest.raises(VoteRefused):
        vote_record(invitation=invitation, score=4)
    assert Vote.objects.count() == 0


# --- closing and deciding ---------------------------------------------------


def test_round_close_is_idempotent_and_close_due_closes_only_past_rounds():
    vote_round = VoteRoundFactory()
    round_close(round=vote_round)
    round_close(round=vote_round)
    assert VoteRound.objects.get(pk=vote_round.pk).status == VoteRound.Status.CLOSED

    due = VoteRoundFactory(opens_at=timezone.now() - timedelta(days=8), closes_at=timezone.now() - timedelta(minutes=1))
    running = VoteRoundFactory()
    assert round_close_due() == 1
    assert VoteRound.objects.get(pk=due.pk).status == VoteRound.Status.CLOSED
    assert VoteRound.objects.get(pk=running.pk).status == VoteRound.Status.OPEN


@pytest.mark.parametrize(
    "decision, sample_status, concept_status",
    [("confirm", Sample.Status.CONFIRMED, Concept.Status.CONFIRMED),
     ("revise", Sample.Status.REVISED, Concept.Status.SAMPLING),
     ("drop", Sample.Status.DROPPED, Concept.Status.DROPPED)],
)
def test_round_decide_moves_sample_and_concept(decision, sample_status, concept_status):
    vote_round = VoteRoundFactory(status=VoteRound.Status.CLOSED, sample__concept__status=Concept.Status.SAMPLING)
    round_decide(round=vote_round, decision=decision, note="panel agreed", actor="mia")
    stored = VoteRound.objects.select_related("sample__concept").get(pk=vote_round.pk)
    assert (stored.decision, stored.decision_note, stored.decided_by) == (decision, "panel agreed", "mia")
    assert stored.sample.status == sample_status
    assert stored.sample.concept.status == concept_status


def test_round_decide_refuses_open_round_unknown_decision_and_second_decision():
    open_round = VoteRoundFactory()
    with pytest.raises(ValidationError, match="still open"):
        round_decide(round=open_round, decision="confirm", note="", actor="mia")
    closed = VoteRoundFactory(status=VoteRound.Status.CLOSED)
    with pytest.raises(ValidationError, match="not one of"):
        round_decide(round=closed, decision="maybe", note="", actor="mia")
    round_decide(round=closed, decision="revise", note="", actor="mia")
    with pytest.raises(ValidationError, match="already decided"):
        round_decide(round=closed, decision="confirm", note="", actor="tom")
    assert VoteRound.objects.get(pk=closed.pk).decision == "revise"
    assert VoteRound.objects.get(pk=open_round.pk).decision == ""


@pytest.mark.parametrize(
    "shrunk, response, expected",
    [(3.6, 0.5, "confirm"), (3.5, 0.3, "confirm"), (4.2, 0.2, "revise"), (3.0, 0.9, "revise"),
     (2.5, 0.9, "revise"), (2.49, 0.9, "drop"), (None, 0.0, "revise")],
)
def test_round_suggest_decision_thresholds(shrunk, response, expected):
    assert round_suggest_decision(results={"shrunk_score": shrunk, "response_rate": response}) == expected


def test_round_suggest_decision_reads_thresholds_from_settings(settings):
    settings.C2F_CONFIRM_MIN_SCORE = 4.0
    settings.C2F_CONFIRM_MIN_RESPONSE = 0.5
    assert round_suggest_decision(results={"shrunk_score": 3.8, "response_rate": 0.9}) == "revise"
    assert round_suggest_decision(results={"shrunk_score": 4.1, "response_rate": 0.5}) == "confirm"


# --- the terms a round offers its buyers ------------------------------------------------


def test_round_terms_set_stores_the_terms_until_an_invitation_goes_out():
    from samples.services import round_terms_set

    invitation = InvitationFactory()
    vote_round = invitation.round
    round_terms_set(round=vote_round, wholesale_price="19.90", min_order_qty=48, lead_time_days=0)
    stored = VoteRound.objects.get(pk=vote_round.pk)
    assert (stored.wholesale_price, stored.min_order_qty, stored.lead_time_days) == (Decimal("19.90"), 48, 0)
    round_terms_set(round=vote_round)  # every term may be left unstated
    stored.refresh_from_db()
    assert (stored.wholesale_price, stored.min_order_qty, stored.lead_time_days) == (None, None, None)

    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    with pytest.raises(ValidationError, match="emailed 1 buyer"):
        round_terms_set(round=vote_round, wholesale_price="25.00")
    assert VoteRound.objects.get(pk=vote_round.pk).wholesale_price is None


@pytest.mark.parametrize(
    "terms, field",
    [({"wholesale_price": "0"}, "wholesale_price"), ({"wholesale_price": "NaN"}, "wholesale_price"),
     ({"wholesale_price": "1e9"}, "wholesale_price"), ({"wholesale_price": "12.345"}, "wholesale_price"),
     ({"wholesale_price": "twelve"}, "wholesale_price"), ({"min_order_qty": 0}, "min_order_qty"),
     ({"min_order_qty": 2.5}, "min_order_qty"), ({"min_order_qty": True}, "min_order_qty"),
     ({"lead_time_days": -1}, "lead_time_days"), ({"lead_time_days": "soon"}, "lead_time_days"),
     ({"lead_time_days": 731}, "lead_time_days")],
)
def test_round_terms_set_refuses_bad_terms_naming_the_field(terms, field):
    from samples.services import round_terms_set

    vote_round = VoteRoundFactory()
    with pytest.raises(ValidationError) as exc:
        round_terms_set(round=vote_round, **terms)
    assert field in exc.value.message_dict
    stored = VoteRound.objects.get(pk=vote_round.pk)
    assert (stored.wholesale_price, stored.min_order_qty, stored.lead_time_days) == (None, None, None)


def test_round_terms_set_refuses_a_closed_round():
    from samples.services import round_terms_set

    vote_round = VoteRoundFactory(status=VoteRound.Status.CLOSED)
    with pytest.raises(ValidationError) as exc:
        round_terms_set(round=vote_round, min_order_qty=10)
    assert "round" in exc.value.message_dict
    assert VoteRound.objects.get(pk=vote_round.pk).min_order_qty is None


def test_invitation_text_is_not_html_escaped():
    from samples.services import invitation_message

    invitation = InvitationFactory(buyer__name="Ann O'Neil", round__sample__concept__name="Bed & Bath <Deluxe>")
    message = invitation_message(invitation)
    assert "Hello Ann O'Neil," in message.body and "Bed & Bath <Deluxe>" in message.body
    assert "Bed & Bath <Deluxe>" in message.subject
    html = message.alternatives[0][0]
    assert "Ann O&#x27;Neil" in html and "Bed &amp; Bath &lt;Deluxe&gt;" in html

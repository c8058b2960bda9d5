"""The merchandiser's writes in the dashboard: open a round, close it, decide; failed sends and reminders."""

import socket
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import formats
from samples import tasks
from samples.models import Invitation, Sample, Vote, VoteRound
from samples.selectors import concept_versions_compared, round_demand_evidence
from samples.services import reminders_due, round_close, round_decide, round_open, vote_record
from samples.tokens import vote_token_for

from .factories import BuyerFactory, BuyerPanelFactory, InvitationFactory, SampleFactory, VariantFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_open_round_from_the_dashboard_with_panel_questions_and_reminders(staff_client, django_capture_on_commit_callbacks):
    sample = SampleFactory()
    panel = BuyerPanelFactory(buyers=BuyerFactory.create_batch(3))
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("samples:round_open", args=[sample.pk]), {
            "panel": panel.pk, "opens_at": _local(now), "closes_at": _local(now + timedelta(days=5)),
            "questions": "Which fill weight? | 1.5 kg; 2.5 kg\nAnything missing?", "reminder_hours": "24, 72",
        })
    vote_round = VoteRound.objects.get()
    assert response.status_code == 302 and response["Location"] == vote_round.get_absolute_url()
    assert vote_round.panel == panel and vote_round.invitations.count() == 3
    assert vote_round.questions == [
        {"key": "q1", "label": "Which fill weight?", "choices": ["1.5 kg", "2.5 kg"]},
        {"key": "q2", "label": "Anything missing?", "choices": []},
    ]
    assert vote_round.reminder_hours == [72, 24]
    assert len(mail.outbox) == 3 and all(i.sent_at for i in vote_round.invitations.all())


@pytest.mark.parametrize("override,field", [
    ({"closes_at": "2001-01-01T00:00"}, "closes_at"),
    ({"panel": "99999"}, "panel"),
    ({"questions": "| a; b"}, "questions"),
    ({"questions": "Pick one | only"}, "questions"),
    ({"reminder_hours": "soon"}, "reminder_hours"),
    ({"reminder_hours": "0"}, "reminder_hours"),
])
def test_open_round_errors_are_shown_and_nothing_is_written(staff_client, override, field):
    sample = SampleFactory()
    panel = BuyerPanelFactory(buyers=[BuyerFactory()])
    now = timezone.now()
    data = {"panel": panel.pk, "opens_at": _local(now), "closes_at": _local(now + timedelta(days=5)),
            "questions": "", "reminder_hours": "24"}
    response = staff_client.post(reverse("samples:round_open", args=[sample.pk]), {**data, **override})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field) or form.non_field_errors()
    assert not VoteRound.objects.exists() and not Invitation.objects.exists()


def test_empty_panel_is_refused(staff_client):
    sample = SampleFactory()
    panel = BuyerPanelFactory()
    now = timezone.now()
    response = staff_client.post(reverse("samples:round_open", args=[sample.pk]), {
        "panel": panel.pk, "opens_at": _local(now), "closes_at": _local(now + timedelta(days=2)),
    })
    assert "at least one invited buyer" in response.content.decode()
    assert not VoteRound.objects.exists()


def test_custom_questions_are_answered_on_the_vote_page():
    invitation = InvitationFactory(round__questions=[
        {"key": "q1", "label": "Which fill weight?", "choices": ["1.5 kg", "2.5 kg"]},
        {"key": "q2", "label": "Anything missing?", "choices": []},
    ])
    client = Client()
    url = reverse("samples_vote:vote", args=[vote_token_for(invitation)])
    page = client.get(url).content.decode()
    assert "Which fill weight?" in page and "2.5 kg" in page
    bad = client.post(url, {"score": "4", "would_order_qty": "10", "q1": "9 kg"})
    assert bad.status_code == 200 and not Vote.objects.exists()
    ok = client.post(url, {"score": "4", "would_order_qty": "10", "q1": "2.5 kg", "q2": "a zip"})
    assert ok.status_code == 303
    assert Vote.objects.get().answers == {"q1": "2.5 kg", "q2": "a zip"}


def test_unknown_answer_keys_are_refused_by_the_service():
    from samples.services import VoteRefused

    invitation = InvitationFactory()
    with pytest.raises(VoteRefused):
        vote_record(invitation=invitation, score=3, answers={"q9": "x"})
    assert not Vote.objects.exists()


def _voted_round(n=6, score=5, price="30.00"):
    vote_round = VoteRoundFactory(sample__concept__target_markets=["US", "DE"])
    variants = [VariantFactory(concept=vote_round.sample.concept) for _ in range(2)]
    for i in range(n):
        invitation = InvitationFactory(round=vote_round)
        vote_record(invitation=invitation, score=score, would_order_qty=10 * (i + 1), preferred_variant=variants[i % 2],
                    acceptable_price=Decimal(price) + i, market=["US", "DE"][i % 2])
    return vote_round, variants


def test_close_and_confirm_carry_the_demand_evidence(staff_client):
    vote_round, variants = _voted_round()
    url = reverse("samples:round_close", args=[vote_round.pk])
    assert f'href="{url}"' in staff_client.get(vote_round.get_absolute_url()).content.decode()
    # GET is the confirmation step: it says what closing means and changes nothing.
    confirm = staff_client.get(url).content.decode()
    assert "cannot be undone" in confirm and f'<form method="post" action="{url}"' in confirm
    assert "onclick" not in confirm
    vote_round.refresh_from_db()
    assert vote_round.status == VoteRound.Status.OPEN
    staff_client.post(url)
    vote_round.refresh_from_db()
    assert vote_round.status == VoteRound.Status.CLOSED
    page = staff_client.get(vote_round.get_absolute_url())
    assert page.context["suggestion"] == "confirm" and 'value="confirm"' in page.content.decode()
    missing_note = staff_client.post(reverse("samples:round_decide", args=[vote_round.pk]), {"decision": "confirm", "note": ""})
    assert missing_note.status_code == 400
    vote_round.refresh_from_db()
    assert vote_round.decision == ""
    staff_client.post(reverse("samples:round_decide", args=[vote_round.pk]), {"decision": "confirm", "note": "Strong panel"})
    vote_round.refresh_from_db()
    assert vote_round.decision == "confirm" and vote_round.decided_by == "merch"
    assert vote_round.sample.status == Sample.Status.CONFIRMED
    evidence = vote_round.demand_evidence
    assert evidence["would_order_total"] == 210 and evidence["voted"] == 6
    assert evidence["market_mix"] == {"DE": pytest.approx(120 / 210, abs=1e-4), "US": pytest.approx(90 / 210, abs=1e-4)}
    assert set(evidence["variant_mix"]) == {v.sku for v in variants}
    assert evidence["median_acceptable_price"] == "32.5"
    assert "Demand evidence handed to production" in staff_client.get(vote_round.get_absolute_url()).content.decode()
    again = staff_client.post(reverse("samples:round_decide", args=[vote_round.pk]), {"decision": "drop", "note": "x"})
    assert again.status_code == 400 and "already decided" in again.content.decode()


def test_deciding_an_open_round_is_refused(staff_client):
    vote_round, _ = _voted_round(n=2)
    response = staff_client.post(reverse("samples:round_decide", args=[vote_round.pk]), {"decision": "confirm", "note": "n"})
    assert response.status_code == 400
    vote_round.refresh_from_db()
    assert vote_round.decision == ""


def test_round_actions_are_staff_only(shopper_client):
    vote_round, _ = _voted_round(n=1)
    assert shopper_client.post(reverse("samples:round_close", args=[vote_round.pk])).status_code == 403
    vote_round.refresh_from_db()
    assert vote_round.status == VoteRound.Status.OPEN


def test_result_charts_and_versions_compared(staff_client):
    vote_round, _ = _voted_round()
    html = staff_client.get(vote_round.get_absolute_url()).content.decode()
    assert "Preferred variant per market" in html and "Price acceptance" in html
    round_close(round=vote_round)
    round_decide(round=vote_round, decision="revise", note="thicker", actor="m")
    v2 = Sample.objects.create(concept=vote_round.sample.concept, version=2, spec="v2", change_notes="thicker")
    round2 = VoteRoundFactory(sample=v2, cycle=vote_round.cycle)
    vote_record(invitation=InvitationFactory(round=round2), score=2)
    rows = concept_versions_compared(concept_id=v2.concept_id)
    assert [r["sample"].version for r in rows] == [1, 2]
    assert rows[0]["results"]["mean_score"] == 5 and rows[1]["results"]["mean_score"] == 2
    page = staff_client.get(reverse("samples:detail", args=[v2.pk])).content.decode()
    assert "Versions compared" in page and f"round {round2.pk}" in page and f"round {vote_round.pk}" in page


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_failed_sends_are_shown_and_retried(staff_client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    sample = SampleFactory()
    buyer = BuyerFactory()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        vote_round = round_open(cycle=sample.concept.cycle, sample=sample, buyers=[buyer], opens_at=now,
                                closes_at=now + timedelta(days=3))
    invitation = vote_round.invitations.get()
    assert invitation.sent_at is None and invitation.send_attempts >= 1 and "Connection" in invitation.last_error
    page = staff_client.get(vote_round.get_absolute_url()).content.decode()
    assert "failed to send or not sent yet" in page and reverse("samples:invitation_retry", args=[invitation.pk]) in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("samples:invitation_retry", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_at and invitation.last_error == "" and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("samples:invitation_retry", args=[invitation.pk]))
    assert len(mail.outbox) == 1  # already sent: never twice


def test_reminders_go_once_to_buyers_who_have_not_voted():
    now = timezone.now()
    vote_round = VoteRoundFactory(closes_at=now + timedelta(hours=48), reminder_hours=[72, 24])
    silent = InvitationFactory(round=vote_round, sent_at=now - timedelta(days=2))
    voted = InvitationFactory(round=vote_round, sent_at=now - timedelta(days=2))
    InvitationFactory(round=vote_round, sent_at=None)  # never sent: nothing to remind
    vote_record(invitation=voted, score=4)
    assert reminders_due() == [(silent.pk, 1)]
    assert tasks.remind_due.delay().get() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Reminder")
    assert mail.outbox[0].to == [silent.buyer.email]
    assert vote_token_for(silent) in mail.outbox[0].body
    assert tasks.remind_due.delay().get() == 0 and len(mail.outbox) == 1
    later = vote_round.closes_at - timedelta(hours=12)
    assert reminders_due(now=later) == [(silent.pk, 2)]
    tasks.send_reminder.delay(silent.pk, 2)
    tasks.send_reminder.delay(silent.pk, 2)
    silent.refresh_from_db()
    assert silent.reminders_sent == 2 and len(mail.outbox) == 2


def test_no_reminders_for_closed_rounds():
    now = timezone.now()
    vote_round = VoteRoundFactory(closes_at=now + timedelta(hours=10), reminder_hours=[24])
    invitation = InvitationFactory(round=vote_round, sent_at=now)
    round_close(round=vote_round)
    assert reminders_due() == []
    assert tasks.send_reminder.delay(invitation.pk, 1).get() is False
    assert len(mail.outbox) == 0


@pytest.mark.parametrize("n", [1, 20])
def test_round_detail_query_count(staff_client, django_assert_max_num_queries, n):
    vote_round, _ = _voted_round(n=n)
    with django_assert_max_num_queries(20):
        assert staff_client.get(vote_round.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_sample_detail_query_count(staff_client, django_assert_max_num_queries, n):
    sample = SampleFactory()
    for _ in range(n):
        VoteRoundFactory(sample=sample, cycle=sample.concept.cycle)
    with django_assert_max_num_queries(20):
        assert staff_client.get(reverse("samples:detail", args=[sample.pk])).status_code == 200


def test_demand_evidence_of_an_empty_round():
    vote_round = VoteRoundFactory()
    evidence = round_demand_evidence(round=vote_round)
    assert evidence["would_order_total"] == 0 and evidence["market_mix"] == {} and evidence["median_acceptable_price"] is None


def test_invitation_left_unsent_long_after_opening_gets_a_retry_button(staff_client):
    vote_round = VoteRoundFactory(opens_at=timezone.now() - timedelta(hours=2))
    lost = InvitationFactory(round=vote_round, sent_at=None)
    page = staff_client.get(vote_round.get_absolute_url()).content.decode()
    assert reverse("samples:invitation_retry", args=[lost.pk]) in page


# --- the terms a round offers, and the price its answers are compared with ----------------


def test_open_round_with_terms_emails_them_and_compares_answers_with_the_price_asked(
    staff_client, django_capture_on_commit_callbacks
):
    sample = SampleFactory(concept__target_price=Decimal("49.00"), concept__unit_cost=Decimal("13.57"))
    panel = BuyerPanelFactory(buyers=[BuyerFactory(language="de")])
    now = timezone.now()
    form_page = staff_client.get(reverse("samples:round_open", args=[sample.pk])).content.decode()
    assert "24.50 from the retail target" in form_page  # the planned price an empty field stands for
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("samples:round_open", args=[sample.pk]), {
            "panel": panel.pk, "opens_at": _local(now), "closes_at": _local(now + timedelta(days=5)),
            "wholesale_price": "22.00", "min_order_qty": "150", "lead_time_days": "28",
        })
    vote_round = VoteRound.objects.get()
    assert response.status_code == 302
    assert (vote_round.wholesale_price, vote_round.min_order_qty, vote_round.lead_time_days) == (Decimal("22.00"), 150, 28)
    [message] = mail.outbox
    assert "22,00\u00a0$ pro Stück" in message.body and "150 Stück" in message.body and "28 Tage" in message.body

    invitation = vote_round.invitations.get()
    vote_record(invitation=invitation, score=4, acceptable_price=Decimal("23.00"))
    page = staff_client.get(vote_round.get_absolute_url()).content.decode()
    assert "accept the wholesale price asked, $22.00" in page and "100% of 1" in page
    assert "the wholesale price this round asked them ($22.00)" in page


def test_round_page_says_the_planned_wholesale_price_is_compared(staff_client, settings):
    settings.C2F_RETAILER_MARGIN = 0.5
    vote_round, _ = _voted_round(n=2, price="20.00")  # answers 20.00 and 21.00
    page = staff_client.get(vote_round.get_absolute_url()).content.decode()
    concept = vote_round.sample.concept
    planned = (concept.target_price / 2).quantize(Decimal("0.01"))
    assert f"accept the planned wholesale price, {formats.money(planned, 'USD')}" in page
    assert (
        f"target retail price {formats.money(concept.target_price, 'USD')} × (1 − 50% retailer margin) = "
        f"{formats.money(planned, 'USD')}"
    ) in page


@pytest.mark.parametrize("terms, field", [
    ({"wholesale_price": "0"}, "wholesale_price"),
    ({"wholesale_price": "-3"}, "wholesale_price"),
    ({"wholesale_price": "abc"}, "wholesale_price"),
    ({"min_order_qty": "0"}, "min_order_qty"),
    ({"lead_time_days": "-1"}, "lead_time_days"),
    ({"lead_time_days": "9999"}, "lead_time_days"),
])
def test_open_round_refuses_bad_terms_and_writes_nothing(staff_client, terms, field):
    sample = SampleFactory()
    panel = BuyerPanelFactory(buyers=[BuyerFactory()])
    now = timezone.now()
    response = staff_client.post(reverse("samples:round_open", args=[sample.pk]), {
        "panel": panel.pk, "opens_at": _local(now), "closes_at": _local(now + timedelta(days=5)), **terms,
    })
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    assert not VoteRound.objects.exists() and not mail.outbox


# --- one rule for an invitation whose email did not go out --------------------------------


def test_lost_sends_and_the_round_page_follow_the_same_grace(staff_client, settings):
    from samples.selectors import invitations_lost_sends

    settings.C2F_UNSENT_GRACE_SECONDS = 3600
    now = timezone.now()
    vote_round = VoteRoundFactory(opens_at=now - timedelta(minutes=30))
    unclaimed = InvitationFactory(round=vote_round, sent_at=None)
    being_sent = InvitationFactory(round=vote_round, sent_at=None)
    Invitation.objects.filter(pk=being_sent.pk).update(send_claimed_at=now)
    failed = InvitationFactory(round=vote_round, sent_at=None, last_error="SMTPServerDisconnected: gone")
    retry = lambda i: reverse("samples:invitation_retry", args=[i.pk])  # noqa: E731

    # Within the grace: only the failed send is shown; nothing counts as lost.
    page = staff_client.get(vote_round.get_absolute_url()).content.decode()
    assert retry(failed) in page and retry(unclaimed) not in page and retry(being_sent) not in page
    assert invitations_lost_sends(now=now) == []

    # Past the grace: the unclaimed one is lost, for the beat task and for the page alike.
    settings.C2F_UNSENT_GRACE_SECONDS = 600
    page = staff_client.get(vote_round.get_absolute_url()).content.decode()
    assert retry(unclaimed) in page and retry(failed) in page and retry(being_sent) not in page
    assert unclaimed.pk in invitations_lost_sends(now=now) and being_sent.pk not in invitations_lost_sends(now=now)


def test_email_tasks_share_one_retry_policy():
    from core.tasks import TRANSIENT_SMTP_ERRORS

    for task in (tasks.send_invitation, tasks.send_reminder):
        assert task.autoretry_for == TRANSIENT_SMTP_ERRORS
        assert (task.retry_backoff, task.retry_backoff_max, task.retry_jitter, task.max_retries) == (True, 600, True, 5)
        assert task.acks_late and task.soft_time_limit == 60 and task.time_limit == 90
    assert (tasks.send_invitation.name, tasks.send_reminder.name) == ("samples.send_invitation", "samples.send_reminder")

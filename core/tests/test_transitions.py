"""The shared transition: lock, refuse with the reason, write state and event, follow-ups only on commit.

Shown on the cycle, the record core itself moves.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction

from core import transitions
from core.models import Cycle, CycleEvent
from core.services import cycle_close, cycle_mark_running, cycle_open

pytestmark = pytest.mark.django_db


def _moves(cycle):
    return list(CycleEvent.objects.filter(cycle=cycle).order_by("id").values_list("from_status", "to_status", "actor", "note"))


def test_a_cycle_opens_runs_and_closes_with_one_event_per_move():
    cycle = cycle_open(actor="mia")
    assert cycle_mark_running(cycle=cycle, actor="c2f loop", note="loop step hotspots") is True
    closed = cycle_close(cycle_id=cycle.pk, actor="c2f portraits", note="portrait run #3 built")
    assert closed.status == Cycle.Status.CLOSED and closed.closed_at is not None
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED and cycle.closed_at == closed.closed_at
    assert _moves(cycle) == [
        ("", "open", "mia", "opened"),
        ("open", "running", "c2f loop", "loop step hotspots"),
        ("running", "closed", "c2f portraits", "portrait run #3 built"),
    ]


def test_starting_or_closing_again_moves_nothing_and_writes_no_event():
    cycle = cycle_open()
    assert cycle_mark_running(cycle=cycle, actor="loop") is True
    assert cycle_mark_running(cycle=cycle, actor="loop") is False
    first = cycle_close(cycle_id=cycle.pk, actor="p")
    again = cycle_close(cycle_id=cycle.pk, actor="p")
    assert again.closed_at == first.closed_at
    assert [to for _, to, _, _ in _moves(cycle)] == ["open", "running", "closed"]


def test_an_illegal_move_is_refused_naming_the_state_and_where_it_can_go():
    cycle = cycle_open()
    cycle_close(cycle_id=cycle.pk, actor="p")
    assert cycle_mark_running(cycle=cycle, actor="loop") is False  # a late step leaves it closed
    with pytest.raises(transitions.TransitionNotAllowed) as raised:
        transitions.transition(Cycle, pk=cycle.pk, to=Cycle.Status.RUNNING, actor="loop")
    error = raised.value
    assert str(error) == (
        f"{cycle} is closed and cannot become running; from closed it can move to nothing further. "
        "Its portraits opened the next cycle: run that one instead."
    )
    assert error.to_status == "running" and error.allowed == () and error.record.pk == cycle.pk
    # A ValidationError on the status, so a dashboard form shows it like any refusal.
    assert isinstance(error, ValidationError) and error.message_dict == {"status": [str(error)]}
    assert [to for _, to, _, _ in _moves(cycle)] == ["open", "closed"]


def test_the_refusal_lists_every_state_the_record_can_move_to():
    cycle = cycle_open()
    with pytest.raises(transitions.TransitionNotAllowed, match="from open it can move to running or closed"):
        transitions.transition(Cycle, pk=cycle.pk, to=Cycle.Status.OPEN, actor="x")
    with pytest.raises(transitions.TransitionNotAllowed, match=r"'lost' is not a state of .*its states are open, running, closed"):
        transitions.transition(Cycle, pk=cycle.pk, to="lost", actor="x")
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.OPEN and len(_moves(cycle)) == 1


@pytest.mark.parametrize("actor, note, field", [("", "", "actor"), ("  ", "", "actor"), (None, "", "actor"),
                                                ("mia", 5, "note"), ("mia", "x" * 2001, "note")])
def test_bad_actor_or_note_names_the_field_and_moves_nothing(actor, note, field):
    cycle = cycle_open()
    with pytest.raises(ValidationError) as raised:
        transitions.transition(Cycle, pk=cycle.pk, to=Cycle.Status.RUNNING, actor=actor, note=note)
    assert field in raised.value.message_dict
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.OPEN and len(_moves(cycle)) == 1


def test_a_guard_refuses_under_the_lock_and_nothing_is_written():
    cycle = cycle_open()

    def guard(locked):
        raise ValidationError({"cycle": f"{locked} has no watchlist."})

    with pytest.raises(ValidationError, match="has no watchlist"):
        transitions.transition(Cycle, pk=cycle.pk, to=Cycle.Status.RUNNING, actor="x", guard=guard)
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.OPEN and len(_moves(cycle)) == 1


def _mail_follow_up(number):
    return lambda: send_mail(f"Cycle {number} is running", "", "c2f@c2f.localhost", ["team@c2f.localhost"])


def test_follow_ups_run_once_the_transaction_commits(django_capture_on_commit_callbacks):
    cycle = cycle_open()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transitions.transition(
            Cycle, pk=cycle.pk, to=Cycle.Status.RUNNING, actor="x", on_commit=[_mail_follow_up(cycle.number)]
        )
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == [f"Cycle {cycle.number} is running"]


def test_a_rollback_sends_nothing_and_leaves_no_event(django_capture_on_commit_callbacks):
    cycle = cycle_open()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                transitions.transition(
                    Cycle, pk=cycle.pk, to=Cycle.Status.RUNNING, actor="x", on_commit=[_mail_follow_up(cycle.number)]
                )
                raise RuntimeError("the step after the move failed")
    assert callbacks == [] and mail.outbox == []
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.OPEN and len(_moves(cycle)) == 1


def test_a_refused_move_sends_nothing(django_capture_on_commit_callbacks):
    cycle = cycle_open()
    cycle_close(cycle_id=cycle.pk, actor="p")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(transitions.TransitionNotAllowed):
            transitions.transition(
                Cycle, pk=cycle.pk, to=Cycle.Status.RUNNING, actor="x", on_commit=[_mail_follow_up(cycle.number)]
            )
    assert callbacks == [] and mail.outbox == []


def test_a_missing_record_is_not_found():
    with pytest.raises(Cycle.DoesNotExist):
        cycle_close(cycle_id=987654, actor="x")


def test_every_map_lists_only_its_models_states():
    from django.apps import apps

    moving = [m for m in apps.get_models() if hasattr(m, "ALLOWED_TRANSITIONS")]
    assert {m.__name__ for m in moving} >= {
        "Cycle", "Concept", "Sample", "VoteRound", "ProductionOrder", "Campaign", "Post", "PreOrder"
    }
    for model in moving:
        states = set(model.Status.values)
        assert set(model.ALLOWED_TRANSITIONS) == states, model
        assert all(set(onward) <= states for onward in model.ALLOWED_TRANSITIONS.values()), model
        for (current, to), reason in getattr(model, "TRANSITION_REFUSALS", {}).items():
            assert to not in model.ALLOWED_TRANSITIONS[current] and reason, (model, current, to)
        assert model._meta.get_field("events").related_model.__mro__[1].__name__ == "StatusEvent", model

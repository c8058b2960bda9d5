"""How a record moves from one state to the next: the one shape every record that moves shares.

A model that moves keeps, beside its ``Status`` choices:

- ``ALLOWED_TRANSITIONS``: each state → the states it may move to (a state mapped to nothing is final);
- optionally ``TRANSITION_REFUSALS``: ``(from, to)`` → why that move is refused, added to the refusal;
- an event table of its own: a subclass of ``core.models.StatusEvent`` whose foreign key to the
  record has ``related_name="events"`` — the record's timeline.

Each move is a named function in the owning app's services (``concept_confirm``, ``round_close``,
``production_order_release`` ...) that calls ``transition``: it locks the row, refuses a move the map
does not allow (saying which states the record can move to from here), writes the new state and an
event row (who, when, from, to, note) in one transaction, and runs follow-ups (emails, tasks) only
once that transaction commits. Other apps call the owner's function; no app writes another's status.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

MAX_NOTE_LENGTH = 2000
ACTOR_MAX_LENGTH = 150

M = TypeVar("M", bound=models.Model)


class TransitionNotAllowed(ValidationError):
    """A move the record's map does not allow from its current state; ``str()`` is the reason.

    A ``ValidationError`` on the ``status`` field, so a dashboard form shows it like any refusal.
    """

    def __init__(self, message: str, *, record=None, to_status: str = "", allowed: Iterable[str] = ()):
        super().__init__({"status": [message]})
        self.reason = message
        self.record = record
        self.to_status = to_status
        self.allowed = tuple(allowed)

    def __str__(self):
        return self.reason


def actor_clean(actor) -> str:
    """Who makes a change: non-empty text, cut to what an event row holds."""
    if not isinstance(actor, str) or not actor.strip():
        raise ValidationError({"actor": ["Say who makes the change."]})
    return actor.strip()[:ACTOR_MAX_LENGTH]


def note_clean(note) -> str:
    if not isinstance(note, str):
        raise ValidationError({"note": [f"Must be text, got {type(note).__name__}."]})
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError({"note": [f"At most {MAX_NOTE_LENGTH} characters, got {len(note)}."]})
    return note


def allowed_next(model: type[models.Model], status: str) -> tuple[str, ...]:
    """The states a record of ``model`` may move to from ``status``."""
    return tuple(model.ALLOWED_TRANSITIONS.get(status, ()))


def label_of(record: models.Model) -> str:
    """How refusals name the record: its ``transition_label`` when it has one."""
    label = getattr(record, "transition_label", None)
    return str(label) if label else f"{record._meta.verbose_name.capitalize()} {record}"


def refusal_message(record: models.Model, to_status: str) -> str:
    """``<label> is <state> and cannot become <to>; from <state> it can move to <a or b>.`` plus the map's reason."""
    model, current = type(record), record.status
    if to_status not in model.Status.values:
        return f"{to_status!r} is not a state of {label_of(record)}; its states are {', '.join(model.Status.values)}."
    allowed = allowed_next(model, current)
    onward = " or ".join(allowed) if allowed else "nothing further"
    message = f"{label_of(record)} is {current} and cannot become {to_status}; from {current} it can move to {onward}."
    reason = getattr(model, "TRANSITION_REFUSALS", {}).get((current, to_status))
    return f"{message} {reason}" if reason else message


def _events_relation(model: type[models.Model]):
    relation = model._meta.get_field("events")
    return relation.related_model, relation.field.name


def _event_write(record: models.Model, *, from_status: str, to_status: str, actor: str, note: str) -> models.Model:
    event_model, fk = _events_relation(type(record))
    return event_model.objects.create(**{fk: record}, from_status=from_status, to_status=to_status, actor=actor, note=note)


def record_created(record: models.Model, *, actor: str, note: str = "created") -> models.Model:
    """The first event of a record just created in its initial state ("" → its state)."""
    return _event_write(record, from_status="", to_status=record.status, actor=actor_clean(actor), note=note_clean(note))


def record_noted(record: models.Model, *, actor: str, note: str) -> models.Model:
    """An event that moves nothing (from and to are the record's state): a decision, a remark.

    The caller holds the row lock when the note belongs with a check of the record's state.
    """
    return _event_write(
        record, from_status=record.status, to_status=record.status, actor=actor_clean(actor), note=note_clean(note)
    )


def transition(
    model: type[M],
    *,
    pk: int,
    to: str,
    actor: str,
    note: str = "",
    guard: Callable[[M], None] | None = None,
    change: Callable[[M], Iterable[str]] | None = None,
    on_commit: Iterable[Callable[[], None]] = (),
    already: str = "refuse",
    error: type[TransitionNotAllowed] = TransitionNotAllowed,
    queryset: models.QuerySet | None = None,
) -> M:
    """Move the record ``pk`` of ``model`` to ``to`` under a row lock; return it, moved.

    - ``guard(record)`` runs under the lock before the move and raises to refuse it (rules that
      look at other records);
    - ``change(record)`` sets other fields that move with the state and returns their names;
    - ``on_commit`` callables run only after the outermost transaction commits: a rollback sends nothing;
    - ``already="skip"`` makes a record already in ``to`` a no-op (no event, no follow-ups)
      instead of a refusal, for moves a caller may repeat (closing a round twice).

    Raises ``error`` (a ``TransitionNotAllowed``) naming the current state and the states the
    record can move to from it; ``model.DoesNotExist`` when there is no such record.
    """
    actor, note = actor_clean(actor), note_clean(note)
    if already not in ("refuse", "skip"):
        raise ValueError(f"already must be 'refuse' or 'skip', got {already!r}")
    with transaction.atomic():
        record = (queryset if queryset is not None else model.objects).select_for_update().get(pk=pk)
        current = record.status
        if current == to and already == "skip":
            return record
        if to not in allowed_next(model, current):
            raise error(refusal_message(record, to), record=record, to_status=to, allowed=allowed_next(model, current))
        if guard is not None:
            guard(record)
        record.status = to
        fields = {"status", *(change(record) if change is not None else ())}
        fields |= {f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
        record.save(update_fields=sorted(fields))
        _event_write(record, from_status=current, to_status=to, actor=actor, note=note)
        for follow_up in on_commit:
            transaction.on_commit(follow_up)
    return record


def event_timeline(record: models.Model) -> models.QuerySet:
    """The record's events, oldest first (one query)."""
    event_model, fk = _events_relation(type(record))
    return event_model.objects.filter(**{fk: record}).order_by("created_at", "id")

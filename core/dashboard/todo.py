"""What needs a person: the items each link's ``<link>_todo`` selector returns for the home page.

Each link says what waits for someone in its own records (a round to decide, an order late at
its factory, an import that failed) as small typed items with the button that acts on it; the
home page (composed in ``c2f``) shows them grouped by section, each section in its own order.
Items of different sections are never ranked against each other: a response rate and a number
of days late are not on one scale.
"""

import datetime
from dataclasses import dataclass

# How far back failures (imports, sends, task runs) stay on the list once nobody retried them.
RECENT_DAYS = 14
# At most this many items per section; the section says how many more there are.
SECTION_LIMIT = 10


@dataclass(frozen=True, kw_only=True)
class TodoItem:
    section: str  # a key of TODO_SECTIONS (c2f orders and titles them)
    title: str  # the record, as the user names it: "Round 4 · Mermaid throw v2"
    detail: str = ""  # the facts that make it need someone: "12 of 24 buyers voted (50%) · closes Dec 7, 2026"
    action: str  # the button's words: "Decide", "Plan the batch"
    url: str  # where the button leads: the page on which the action is taken
    cycle_number: int | None = None
    urgent: bool = False  # overdue or failed: shown first in its section, marked
    when: datetime.datetime | datetime.date | None = None  # due or happened; orders the section


def todo_sorted(items: list[TodoItem]) -> list[TodoItem]:
    """Urgent items first, then by date (soonest due or oldest failure first), then by title."""
    far = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)

    def moment(item: TodoItem) -> datetime.datetime:
        when = item.when
        if when is None:
            return far
        if not isinstance(when, datetime.datetime):
            return datetime.datetime.combine(when, datetime.time.min, tzinfo=datetime.timezone.utc)
        return when

    return sorted(items, key=lambda item: (not item.urgent, moment(item), item.title))

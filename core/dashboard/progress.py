"""Where one link stands on a cycle: the value each link's ``<link>_cycle_progress`` selector returns.

The home and cycle pages (composed in ``c2f``) show one card per link with these facts. Each
link computes its own in its selectors, with its own models and status choices; where its
state depends on the link before it (nothing to mine until hotspots are scored), it is handed
that link's progress.
"""

from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from core.models import Cycle


class ProgressState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


@dataclass(frozen=True, kw_only=True)
class LinkProgress:
    state: ProgressState
    next_action: str
    # Empty when ``hands_over``: the next step is taken on the following link's pages (for the
    # last link, the cycle it opened), which the composing page knows and this link does not.
    next_url: str = ""
    hands_over: bool = False
    counts: tuple[tuple[str, str], ...] = ()  # (label, text) pairs shown on the link's card

    @property
    def state_label(self) -> str:
        return ProgressState(self.state).label


def cycle_list_url(url_name: str, *, cycle: Cycle) -> str:
    """A link's list page filtered to ``cycle``."""
    return f"{reverse(url_name)}?cycle={cycle.number}"

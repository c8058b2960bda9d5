"""Moving a sample (core.transitions; the map is Sample.ALLOWED_TRANSITIONS).

Rounds call these: opening one starts the review, its decision confirms, sends back or drops.
"""

from core import transitions

from ..models import Sample


def sample_review_start(*, sample_id: int, actor: str, note: str = "") -> Sample:
    """draft or revised → in_review: a round puts the sample to the buyers."""
    return transitions.transition(Sample, pk=sample_id, to=Sample.Status.IN_REVIEW, actor=actor, note=note)


def sample_confirm(*, sample_id: int, actor: str, note: str = "") -> Sample:
    """in_review → confirmed: the buyers' verdict is to make it."""
    return transitions.transition(Sample, pk=sample_id, to=Sample.Status.CONFIRMED, actor=actor, note=note)


def sample_revision_request(*, sample_id: int, actor: str, note: str = "") -> Sample:
    """in_review → revised: the buyers asked for changes (``sample_revise`` then makes the next version)."""
    return transitions.transition(Sample, pk=sample_id, to=Sample.Status.REVISED, actor=actor, note=note)


def sample_drop(*, sample_id: int, actor: str, note: str = "") -> Sample:
    """Give the sample up, from any state but confirmed."""
    return transitions.transition(Sample, pk=sample_id, to=Sample.Status.DROPPED, actor=actor, note=note)

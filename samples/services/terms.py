"""The terms a round offers its buyers: wholesale price asked, minimum order, lead time."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Invitation, VoteRound
from .votes import QTY_MAX

LEAD_TIME_MAX_DAYS = 730
PRICE_LIMIT = Decimal("100000000")


def _price(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"wholesale_price": f"Wholesale price {value!r} is not a number."})
    if not price.is_finite() or price <= 0 or price >= PRICE_LIMIT:
        raise ValidationError({"wholesale_price": f"Wholesale price {value!r} must be a positive amount."})
    if price != price.quantize(Decimal("0.01")):
        raise ValidationError({"wholesale_price": f"Wholesale price {value!r} has more than two decimals."})
    return price


def _count(value, *, field: str, label: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError({field: f"{label} must be a whole number, got {value!r}."})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{label} must be a whole number, got {value!r}."})
    if not low <= number <= high:
        raise ValidationError({field: f"{label} must be between {low} and {high}, got {number}."})
    return number


def round_terms_set(
    *,
    round: VoteRound,
    wholesale_price: Decimal | str | None = None,
    min_order_qty: int | None = None,
    lead_time_days: int | None = None,
) -> VoteRound:
    """Set what a round's buyers are offered; empty values leave a term unstated.

    Without a wholesale price the buyers see, and their answers are compared with,
    the planned price from the concept's retail target (``selectors.round_wholesale_price``).
    Refused once an invitation has gone out or the round is closed: the buyers
    were emailed the terms, and their answers were given against them.
    """
    price = _price(wholesale_price)
    moq = _count(min_order_qty, field="min_order_qty", label="Minimum order", low=1, high=QTY_MAX)
    lead = _count(lead_time_days, field="lead_time_days", label="Lead time (days)", low=0, high=LEAD_TIME_MAX_DAYS)
    with transaction.atomic():
        vote_round = VoteRound.objects.select_for_update().get(pk=round.pk)
        if vote_round.status != VoteRound.Status.OPEN:
            raise ValidationError({"round": f"Round {vote_round.pk} is closed; its terms are final."})
        sent = Invitation.objects.filter(round_id=vote_round.pk, sent_at__isnull=False).count()
        if sent:
            raise ValidationError(
                {"round": f"Round {vote_round.pk} has emailed {sent} buyer(s) its terms; they can no longer change."}
            )
        vote_round.wholesale_price, vote_round.min_order_qty, vote_round.lead_time_days = price, moq, lead
        vote_round.save(update_fields=["wholesale_price", "min_order_qty", "lead_time_days"])
    round.wholesale_price, round.min_order_qty, round.lead_time_days = price, moq, lead
    return vote_round

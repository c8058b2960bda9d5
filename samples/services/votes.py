"""Votes: one per buyer and round, changeable until the round closes."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from design.models import Variant

from ..models import Invitation, Vote, VoteRound


COMMENT_MAX = 2000
QTY_MAX = 1_000_000


class VoteRefused(Exception):
    """A vote that cannot be stored; ``field`` names the offending input when there is one.

    ``code`` says why in a word a page can translate for the buyer: "invalid" (an
    answer), "closed" (the round is over) or "not_open" (it has not started).
    """

    def __init__(self, reason: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.code = code


def _clean_int(value, *, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise VoteRefused(f"{field} must be a whole number, got {value!r}.", field=field)
    if isinstance(value, float) and value != number:
        raise VoteRefused(f"{field} must be a whole number, got {value!r}.", field=field)
    if not low <= number <= high:
        raise VoteRefused(f"{field} must be between {low} and {high}, got {number}.", field=field)
    return number


def _clean_price(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise VoteRefused(f"acceptable_price must be a number, got {value!r}.", field="acceptable_price")
    if not price.is_finite() or price <= 0 or price >= Decimal("100000000"):
        raise VoteRefused(f"acceptable_price must be a positive amount, got {value!r}.", field="acceptable_price")
    return price.quantize(Decimal("0.01"))


def _clean_answers(answers: dict, *, questions: list[dict]) -> dict:
    if not isinstance(answers, dict):
        raise VoteRefused("answers must be a mapping of question keys to answers.", field="answers")
    known = {q["key"]: q for q in questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise VoteRefused(f"Unknown question {unknown[0]!r}.", field=unknown[0])
    cleaned = {}
    for key, question in known.items():
        value = str(answers.get(key) or "").strip()
        if not value:
            continue
        if question.get("choices") and value not in question["choices"]:
            raise VoteRefused(f"{value!r} is not one of the choices for “{question['label']}”.", field=key)
        if len(value) > 500:
            raise VoteRefused(f"The answer to “{question['label']}” is longer than 500 characters.", field=key)
        cleaned[key] = value
    return cleaned


def vote_record(
    *,
    invitation: Invitation,
    score: int,
    would_order_qty: int = 0,
    preferred_variant: Variant | None = None,
    acceptable_price: Decimal | None = None,
    market: str = "",
    comment: str = "",
    is_demo: bool = False,
    answers: dict | None = None,
) -> Vote:
    """Store the buyer's vote for the invitation's round, or update it while the round is open."""
    score = _clean_int(score, field="score", low=1, high=5)
    would_order_qty = _clean_int(would_order_qty or 0, field="would_order_qty", low=0, high=QTY_MAX)
    price = _clean_price(acceptable_price)
    market = (market or "").strip().upper()
    if len(market) > 12:
        raise VoteRefused(f"market {market!r} is longer than 12 characters.", field="market")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise VoteRefused(f"comment is {len(comment)} characters; the limit is {COMMENT_MAX}.", field="comment")

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("round__sample").get(pk=invitation.pk)
        )
        vote_round = invitation.round
        now = timezone.now()
        if vote_round.status != VoteRound.Status.OPEN:
            raise VoteRefused(f"Round {vote_round.pk} is closed.", code="closed")
        if now >= vote_round.closes_at:
            raise VoteRefused(f"Round {vote_round.pk} closed at {vote_round.closes_at:%Y-%m-%d %H:%M %Z}.", code="closed")
        if now < vote_round.opens_at:
            raise VoteRefused(f"Round {vote_round.pk} opens at {vote_round.opens_at:%Y-%m-%d %H:%M %Z}.", code="not_open")
        answers = _clean_answers(answers or {}, questions=vote_round.questions or [])
        if preferred_variant is not None and preferred_variant.concept_id != vote_round.sample.concept_id:
            raise VoteRefused(
                f"Variant {preferred_variant.sku} is not a variant of this sample's concept.",
                field="preferred_variant",
            )
        vote, _ = Vote.objects.update_or_create(
            round=vote_round,
            buyer_id=invitation.buyer_id,
            defaults={
                "score": score,
                "would_order_qty": would_order_qty,
                "preferred_variant": preferred_variant,
                "acceptable_price": price,
                "market": market,
                "comment": comment,
                "answers": answers,
                "is_demo": is_demo,
            },
        )
    return vote

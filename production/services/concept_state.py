"""Production hands its facts down to design: a concept is "in production" while it has a live order.

Design never reads production; these calls are the only way its concepts learn of orders.
"""

from design.models import Concept
from design.services import concept_production_start, concept_production_stop

from ..models import ProductionOrder
from ..selectors import ORDER_GONE_STATUSES


def concept_production_hand_over(*, order: ProductionOrder, concept_id: int, actor: str) -> None:
    """A live order was just created: its concept goes into production (already there: nothing moves).

    Refused, with design's reason, when the concept is not confirmed (draft, sampling, dropped).
    """
    concept_production_start(concept_id=concept_id, actor=actor, note=f"order {order.reference} created")


def concept_production_hand_back(*, order: ProductionOrder, actor: str) -> None:
    """``order`` was just cancelled or declined: when its concept has no live order left, it goes
    back to confirmed. Run inside the transaction that moved the order."""
    concept_id = order.sample.concept_id
    # Locked first, so an order created for the concept at the same time is counted or waits for us.
    concept = Concept.objects.select_for_update().only("status").get(pk=concept_id)
    if concept.status != Concept.Status.IN_PRODUCTION:
        return
    live = ProductionOrder.objects.filter(sample__concept_id=concept_id).exclude(status__in=ORDER_GONE_STATUSES)
    if live.exists():
        return
    concept_production_stop(
        concept_id=concept_id, actor=actor, note=f"order {order.reference} {order.status}: no live order left"
    )

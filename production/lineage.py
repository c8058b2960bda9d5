"""What link 5 made from link 4's and link 3's records, shown on their pages (see core.dashboard.lineage).

Each panel also offers the next step where the user stands: a confirmed sample or round without a
live order gets the *Plan the batch* button.
"""

from core.dashboard.lineage import downstream_panel_register
from design.models import Concept
from samples.models import Sample, VoteRound

from . import selectors


def _with_next_step(orders: list, *, sample_id: int | None, confirmed: bool) -> dict:
    return {
        "orders": orders,
        "plan_sample_id": sample_id if confirmed and not selectors.production_orders_live(orders) else None,
    }


def register() -> None:
    downstream_panel_register(
        Concept, key="production_orders", title="Production orders",
        template="production/lineage/concept_production_orders.html",
        rows=lambda concept: selectors.production_order_list_for_concept(concept=concept),
    )
    downstream_panel_register(
        Sample, key="production_orders", title="Production orders",
        template="production/lineage/sample_production_orders.html",
        rows=lambda sample: _with_next_step(
            selectors.production_order_list_for_sample(sample=sample),
            sample_id=sample.pk, confirmed=sample.status == Sample.Status.CONFIRMED,
        ),
    )
    downstream_panel_register(
        VoteRound, key="production_orders", title="Production orders sized by this round",
        template="production/lineage/round_production_orders.html",
        rows=lambda vote_round: _with_next_step(
            selectors.production_order_list_for_round(round=vote_round),
            sample_id=vote_round.sample_id, confirmed=vote_round.decision == VoteRound.Decision.CONFIRM,
        ),
    )

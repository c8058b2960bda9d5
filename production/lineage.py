"""What link 5 made from link 4's records, shown on link 4's pages (see core.dashboard.lineage)."""

from core.dashboard.lineage import downstream_panel_register
from samples.models import Sample, VoteRound

from . import selectors


def register() -> None:
    downstream_panel_register(
        Sample, key="production_orders", title="Production orders",
        template="production/lineage/sample_production_orders.html",
        rows=lambda sample: selectors.production_order_list_for_sample(sample=sample),
    )
    downstream_panel_register(
        VoteRound, key="production_orders", title="Production orders sized by this round",
        template="production/lineage/round_production_orders.html",
        rows=lambda vote_round: selectors.production_order_list_for_round(round=vote_round),
    )

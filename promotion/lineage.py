"""What link 6 made from earlier links' records, shown on their pages (see core.dashboard.lineage)."""

from core.dashboard.lineage import downstream_panel_register
from design.models import Concept
from production.models import ProductionOrder

from . import selectors


def register() -> None:
    downstream_panel_register(
        Concept, key="campaigns", title="Campaigns", template="promotion/lineage/concept_campaigns.html",
        rows=lambda concept: selectors.campaign_list_for_concept(concept=concept),
    )
    downstream_panel_register(
        ProductionOrder, key="campaigns", title="Promoted by", template="promotion/lineage/order_campaigns.html",
        rows=lambda order: selectors.campaign_list_for_production_order(order=order),
    )

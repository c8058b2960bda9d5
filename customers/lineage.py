"""What link 7 made from earlier links' records, shown on their pages (see core.dashboard.lineage)."""

from core.dashboard.lineage import downstream_count_register, downstream_panel_register
from core.dashboard.queries import correlated_count
from design.models import Concept
from production.models import ProductionOrder
from promotion.models import Campaign, TrackedLink

from . import selectors
from .models import Order


def register() -> None:
    downstream_panel_register(
        Concept, key="products", title="Sold as", template="customers/lineage/concept_products.html",
        rows=lambda concept: selectors.product_list_for_concept(concept=concept),
    )
    downstream_panel_register(
        ProductionOrder, key="attributed_orders", title="Shop orders",
        template="customers/lineage/order_attributed.html",
        rows=lambda order: selectors.order_count_for_production_order(order=order),
    )
    downstream_count_register(
        Campaign, key="orders", label="Orders", expression=lambda: correlated_count(Order, link="tracked_link__campaign")
    )
    downstream_panel_register(
        Campaign, key="orders", title="Orders attributed to this campaign",
        template="customers/lineage/campaign_orders.html",
        rows=lambda campaign: selectors.order_list_for_campaign(campaign=campaign),
    )
    downstream_count_register(
        TrackedLink, key="orders", label="Orders", expression=lambda: correlated_count(Order, link="tracked_link")
    )

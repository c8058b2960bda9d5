"""What link 8 made from link 7's records, shown on link 7's pages (see core.dashboard.lineage)."""

from core.dashboard.lineage import downstream_panel_register
from customers.models import Customer

from . import selectors


def register() -> None:
    downstream_panel_register(
        Customer, key="segments", title="Portrait segments", template="portraits/lineage/customer_segments.html",
        rows=lambda customer: selectors.segment_membership_list_for_customer(customer=customer),
    )

"""What link 8 made from link 7's records, shown on link 7's pages (see core.dashboard.lineage)."""

from core.dashboard.lineage import downstream_count_register, downstream_filter_register, downstream_panel_register
from core.dashboard.queries import correlated_first
from customers.models import Customer

from . import selectors
from .models import SegmentMembership


def register() -> None:
    downstream_panel_register(
        Customer, key="segments", title="Portrait segments", template="portraits/lineage/customer_segments.html",
        rows=lambda customer: selectors.segment_membership_list_for_customer(customer=customer),
    )
    downstream_count_register(
        Customer, key="segment", label="Segment",
        expression=lambda: correlated_first(SegmentMembership, link="customer", field="segment__name", order_by=("-run_id",)),
    )
    downstream_filter_register(
        Customer, key="segment", label="Segment",
        choices=lambda: [(str(s.pk), f"{s.name} · run #{s.run_id}") for s in selectors.segment_choices()],
        apply=lambda customers, value: customers.filter(segment_memberships__segment_id=value) if value.isdigit() else customers.none(),
    )

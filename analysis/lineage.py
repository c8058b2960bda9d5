"""What link 2 made from link 1's records, shown on link 1's pages (see core.dashboard.lineage)."""

from django.db.models import OuterRef, Q

from core.dashboard.lineage import downstream_count_register, downstream_panel_register
from core.dashboard.queries import correlated_count
from hotspots.models import Hotspot

from . import selectors
from .models import Opportunity


def register() -> None:
    downstream_panel_register(
        Hotspot, key="opportunities", title="Led to", template="analysis/lineage/hotspot_opportunities.html",
        rows=lambda hotspot: selectors.opportunity_list_for_hotspot(hotspot=hotspot),
    )
    downstream_count_register(
        Hotspot, key="opportunities", label="Opportunities",
        # Opportunities of the hotspot's own cycle.
        expression=lambda: correlated_count(
            Opportunity.hotspots.through, link="hotspot", filters=Q(opportunity__cycle=OuterRef("cycle"))
        ),
    )

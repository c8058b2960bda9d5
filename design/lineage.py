"""What link 3 made from link 2's records, shown on link 2's pages (see core.dashboard.lineage)."""

from analysis.models import Opportunity
from core.dashboard.lineage import downstream_count_register, downstream_panel_register
from core.dashboard.queries import correlated_count

from . import selectors
from .models import Concept


def register() -> None:
    downstream_count_register(
        Opportunity, key="concepts", label="Concepts", expression=lambda: correlated_count(Concept, link="opportunity")
    )
    downstream_panel_register(
        Opportunity, key="concepts", title="Concepts designed from it", template="design/lineage/opportunity_concepts.html",
        rows=lambda opportunity: selectors.concept_list_for_opportunity(opportunity=opportunity),
    )

"""What link 4 made from link 3's records, shown on link 3's pages (see core.dashboard.lineage)."""

from core.dashboard.lineage import downstream_count_register, downstream_panel_register
from core.dashboard.queries import correlated_count
from design.models import Concept

from . import selectors
from .models import Sample


def register() -> None:
    downstream_count_register(
        Concept, key="samples", label="Samples", expression=lambda: correlated_count(Sample, link="concept")
    )
    downstream_panel_register(
        Concept, key="samples", title="Samples", template="samples/lineage/concept_samples.html",
        rows=lambda concept: selectors.sample_list_for_concept(concept=concept),
    )
    downstream_panel_register(
        Concept, key="rounds", title="Vote rounds", template="samples/lineage/concept_rounds.html",
        rows=lambda concept: selectors.round_list_for_concept(concept=concept),
    )

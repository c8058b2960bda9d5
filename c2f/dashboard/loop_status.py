"""Where one cycle stands on each of the eight links: the cards of the home and cycle pages.

Each link says where it stands through its own ``<link>_cycle_progress`` selector (one query
each, handed the link before it); this page puts them in loop order with the link's name and
list page, and points a link that hands over to the next one at that link's list.
"""

from dataclasses import dataclass

from django.urls import reverse

from analysis.selectors import analysis_cycle_progress
from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.models import Cycle
from customers.selectors import customers_cycle_progress
from design.selectors import design_cycle_progress
from hotspots.selectors import hotspots_cycle_progress
from portraits.selectors import portraits_cycle_progress
from production.selectors import production_cycle_progress
from promotion.selectors import promotion_cycle_progress
from samples.selectors import samples_cycle_progress

NOT_STARTED, IN_PROGRESS, DONE = ProgressState.NOT_STARTED, ProgressState.IN_PROGRESS, ProgressState.DONE

LINKS = [  # (key, name); the key names the app, its URL namespace and the card
    ("hotspots", "Hotspots"),
    ("analysis", "Analysis"),
    ("design", "Design"),
    ("samples", "Samples"),
    ("production", "Production"),
    ("promotion", "Promotion"),
    ("customers", "Customers"),
    ("portraits", "Portraits"),
]


@dataclass(frozen=True)
class LinkStatus:
    number: int
    key: str
    name: str
    url: str
    progress: LinkProgress
    next_url: str

    @property
    def state(self) -> str:
        return self.progress.state

    @property
    def state_label(self) -> str:
        return self.progress.state_label

    @property
    def next_action(self) -> str:
        return self.progress.next_action

    @property
    def counts(self) -> tuple[tuple[str, str], ...]:
        return self.progress.counts


def cycle_links_progress(*, cycle: Cycle) -> list[LinkProgress]:
    """The eight links' progress in loop order, each handed the one before it: eight queries."""
    hotspots = hotspots_cycle_progress(cycle=cycle)
    analysis = analysis_cycle_progress(cycle=cycle, hotspots=hotspots)
    design = design_cycle_progress(cycle=cycle, analysis=analysis)
    samples = samples_cycle_progress(cycle=cycle, design=design)
    production = production_cycle_progress(cycle=cycle, samples=samples)
    promotion = promotion_cycle_progress(cycle=cycle, production=production)
    customers = customers_cycle_progress(cycle=cycle, promotion=promotion)
    portraits = portraits_cycle_progress(cycle=cycle, customers=customers)
    return [hotspots, analysis, design, samples, production, promotion, customers, portraits]


def cycle_loop_status(*, cycle: Cycle) -> list[LinkStatus]:
    progresses = cycle_links_progress(cycle=cycle)
    list_urls = [cycle_list_url(f"{key}:list", cycle=cycle) for key, _name in LINKS]
    portraits = progresses[-1]
    # The last link hands over to the cycle its briefs opened.
    following = list_urls[1:] + [
        reverse("dashboard:cycle", args=[portraits.next_cycle_number]) if portraits.next_cycle_number else ""
    ]
    return [
        LinkStatus(
            number=index,
            key=key,
            name=name,
            url=list_urls[index - 1],
            progress=progress,
            next_url=following[index - 1] if progress.hands_over else progress.next_url,
        )
        for index, ((key, name), progress) in enumerate(zip(LINKS, progresses, strict=True), start=1)
    ]

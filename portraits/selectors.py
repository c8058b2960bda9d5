"""Reads of link 8: runs, segments, members, briefs (the frames runs are built from: ``selectors_frames``)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.dashboard.queries import correlated_count, correlated_first
from core.models import Cycle
from customers.models import Customer
from customers.selectors import CustomersProgress, customers_cycle_progress

from .models import Brief, PortraitRun, Segment, SegmentMembership

def portrait_run_latest(*, cycle: Cycle) -> PortraitRun | None:
    """The run shown for a cycle: the finished run with the highest version; an older run
    finishing later never replaces it."""
    return PortraitRun.objects.filter(cycle=cycle, status=PortraitRun.Status.DONE).order_by("-version").first()


def portrait_run_current() -> PortraitRun | None:
    """The current run over the whole customer base (the newest version that finished); one query."""
    return PortraitRun.objects.filter(is_current=True).select_related("cycle").first()


def segment_members(*, segment: Segment, search: str = "") -> QuerySet[SegmentMembership]:
    """The segment's members with their customer, in customer order.

    ``search`` matches a customer's number, their id at the shop or email (whole, any case), a main
    market or an RFM group: lookups an index or the segment's own rows answer, so a search stays
    fast in a segment of a hundred thousand customers.
    """
    members = SegmentMembership.objects.filter(segment=segment).select_related("customer").order_by("customer_id")
    search = search.strip()
    if search:
        if search.isdigit():
            return members.filter(customer_id=int(search))
        customers = Customer.objects.filter(Q(external_id=search) | Q(email__iexact=search)).values("pk")
        members = members.filter(
            Q(customer_id__in=customers) | Q(market=search.upper()) | Q(rfm_group__iexact=search)
        )
    return members


def segment_list(*, run: PortraitRun) -> QuerySet[Segment]:
    return Segment.objects.filter(run=run).select_related("brief").order_by("-size", "label")


def brief_list(*, run: PortraitRun | None = None, for_cycle: Cycle | None = None) -> QuerySet[Brief]:
    briefs = Brief.objects.select_related("segment", "run", "for_cycle")
    if run is not None:
        briefs = briefs.filter(run=run)
    if for_cycle is not None:
        briefs = briefs.filter(for_cycle=for_cycle)
    return briefs


def brief_best_for(*, cycle: Cycle, attribute_names: set[str]) -> Brief | None:
    """Of the briefs seeding ``cycle``, the one sharing most attributes with ``attribute_names``;
    ties go to the larger segment, then to the older brief."""
    briefs = list(Brief.objects.filter(for_cycle=cycle).select_related("segment").order_by("id"))
    if not briefs:
        return None
    return max(briefs, key=lambda b: (len(attribute_names & set(b.attributes)), b.segment.size))


def segment_choices(*, limit: int = 60) -> list[Segment]:
    """Segments of the newest finished runs, largest first within a run, for filtering customers; one query."""
    return list(
        Segment.objects.filter(run__status=PortraitRun.Status.DONE).order_by("-run_id", "-size", "label")[:limit]
    )


def segment_membership_list_for_customer(*, customer: Customer) -> list[SegmentMembership]:
    """The segments a customer fell into, newest run first; one query."""
    return list(
        SegmentMembership.objects.filter(customer=customer).select_related("segment", "run__cycle").order_by("-run__version")
    )


def cycle_seeding_briefs(*, cycle: Cycle) -> list[Brief]:
    """Briefs of an earlier portrait run that opened ``cycle`` (directly or through watchlists)."""
    return list(
        Brief.objects.filter(Q(for_cycle=cycle) | Q(watchlists__cycle=cycle))
        .select_related("run__cycle", "segment")
        .distinct()
        .order_by("run_id", "id")
    )


@dataclass(frozen=True, kw_only=True)
class PortraitsProgress(LinkProgress):
    runs: int
    segments: int
    briefs: int
    latest_run_id: int | None
    next_cycle_number: int | None  # the cycle this cycle's briefs opened


def portraits_cycle_progress(*, cycle: Cycle, customers: CustomersProgress | None = None) -> PortraitsProgress:
    """Link 8 on ``cycle``: portrait runs, their segments and briefs, and the cycle they opened.
    One query, and the earlier links' when link 7's progress is not handed in."""
    if customers is None:
        customers = customers_cycle_progress(cycle=cycle)
    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_runs=correlated_count(PortraitRun, link="cycle"),
            n_segments=correlated_count(Segment, link="run__cycle"),
            n_briefs=correlated_count(Brief, link="run__cycle"),
            latest_run=correlated_first(PortraitRun, link="cycle", field="pk", order_by=("-version",)),
            next_number=correlated_first(Cycle, link="previous", field="number", order_by=("number",)),
        )
        .values("n_runs", "n_segments", "n_briefs", "latest_run", "next_number")
        .get()
    )
    latest_run, hands_over = row["latest_run"], False
    if row["next_number"] is not None:
        state, action, url, hands_over = ProgressState.DONE, f"Go to cycle {row['next_number']}", "", True
    elif latest_run is not None and row["n_briefs"]:
        state = ProgressState.IN_PROGRESS
        action = f"Open cycle {cycle.number + 1} from run #{latest_run}'s briefs"
        url = reverse("portraits:run", args=[latest_run])
    elif latest_run is not None:
        state, action, url = ProgressState.IN_PROGRESS, f"Review portrait run #{latest_run}", reverse("portraits:run", args=[latest_run])
    elif customers.orders:
        state, action, url = ProgressState.NOT_STARTED, "Build portraits", cycle_list_url("portraits:list", cycle=cycle)
    else:
        state, action, url = ProgressState.NOT_STARTED, "Waits for customer orders", cycle_list_url("customers:list", cycle=cycle)
    return PortraitsProgress(
        state=state,
        next_action=action,
        next_url=url,
        hands_over=hands_over,
        counts=(("runs", str(row["n_runs"])), ("segments", str(row["n_segments"])), ("briefs", str(row["n_briefs"]))),
        runs=row["n_runs"],
        segments=row["n_segments"],
        briefs=row["n_briefs"],
        latest_run_id=latest_run,
        next_cycle_number=row["next_number"],
    )

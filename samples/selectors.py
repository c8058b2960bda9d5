"""Reads of link 4: a round's results, the terms its buyers see, the votes that size a production batch."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Avg, Case, Count, Q, Sum, Value, When
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from analysis.models import Attribute
from core import formats
from core.dashboard.progress import LinkProgress, ProgressState, cycle_list_url
from core.dashboard.queries import correlated_aggregate, correlated_count, correlated_first


from core.dashboard.queries import correlated_count, correlated_first
from core.dashboard.todo import SECTION_LIMIT, TodoItem
from core.models import Cycle
from design.costing import wholesale_from_retail
from design.models import Concept, Variant
from design.selectors import DesignProgress, design_cycle_progress

from .models import Buyer, Invitation, Sample, Vote, VoteRound

# Bayesian shrinkage of the mean score: every round starts as if PRIOR_WEIGHT
# buyers had voted PRIOR_MEAN (the neutral middle of the 1-5 scale), so a
# handful of votes cannot carry a sample to either end on their own; with many
# votes the shrunk score approaches the plain mean.
PRIOR_MEAN = 3.0
PRIOR_WEIGHT = 5


def _mean_interval(scores: list[int], confidence: float = 0.95) -> tuple[float | None, float | None, float | None]:
    n = len(scores)
    if n == 0:
        return None, None, None
    mean = sum(scores) / n
    if n < 2:
        return mean, None, None
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


# --- the wholesale price buyers answer against -----------------------------------

WHOLESALE_ASKED = "asked"
WHOLESALE_PLANNED = "planned"


def concept_planned_wholesale(*, concept: Concept):
    """The concept's retail target through the retailer's margin: retail × (1 − ``C2F_RETAILER_MARGIN``)."""
    return wholesale_from_retail(retail=concept.target_price, retailer_margin=settings.C2F_RETAILER_MARGIN)


def round_wholesale_price(*, round: VoteRound, concept: Concept) -> dict:
    """The wholesale price per unit a round's buyers are asked, and where it comes from; no query.

    Buyers answer a wholesale price (what they would pay the seller), so that is what
    their answers are compared with: the price the round asks when the merchandiser
    set one (``basis`` "asked"), otherwise the planned wholesale price, the concept's
    retail target through the retailer's margin (``basis`` "planned"):
    target retail × (1 − ``C2F_RETAILER_MARGIN``). Never the seller's unit cost.
    """
    if round.wholesale_price is not None:
        price, basis = round.wholesale_price, WHOLESALE_ASKED
    else:
        price, basis = concept_planned_wholesale(concept=concept), WHOLESALE_PLANNED
    return {
        "price": price,
        "basis": basis,
        "currency": concept.currency,
        "retail_price": concept.target_price,
        "retailer_margin": settings.C2F_RETAILER_MARGIN,
    }


def round_buyer_terms(*, round: VoteRound, variants: list[Variant]) -> dict:
    """What a buyer needs to judge the offer: wholesale price asked, minimum order, lead time, materials.

    ``round`` comes with ``sample__concept``; one query (the concept's material
    attributes). Holds nothing a buyer must not see: no unit cost, no margin.
    """
    concept = round.sample.concept
    materials = [v.material for v in variants if v.material]
    materials += Attribute.objects.filter(concepts=concept, kind=Attribute.Kind.MATERIAL).order_by("name").values_list(
        "name", flat=True
    )
    return {
        "wholesale_price": round_wholesale_price(round=round, concept=concept)["price"],
        "currency": concept.currency,
        "min_order_qty": round.min_order_qty,
        "lead_time_days": round.lead_time_days,
        "materials": list(dict.fromkeys(m.strip() for m in materials if m.strip())),
    }


def round_results(*, round: VoteRound) -> dict:
    """Figures of one round for the dashboard and the decision; three queries."""
    vote_round = VoteRound.objects.select_related("sample__concept").get(pk=round.pk)
    concept = vote_round.sample.concept
    wholesale = round_wholesale_price(round=vote_round, concept=concept)
    invitations = Invitation.objects.filter(round=vote_round).values_list("sent_at", flat=True)
    invited = len(invitations)
    sent = sum(1 for s in invitations if s is not None)
    votes = list(
        Vote.objects.filter(round=vote_round)
        .select_related("buyer", "preferred_variant")
        .order_by("buyer__name", "buyer_id")
    )

    scores = [v.score for v in votes]
    voted = len(votes)
    mean, ci_low, ci_high = _mean_interval(scores)
    shrunk = (PRIOR_MEAN * PRIOR_WEIGHT + sum(scores)) / (PRIOR_WEIGHT + voted)

    by_cell: dict[tuple, dict] = defaultdict(lambda: {"would_order_qty": 0, "votes": 0})
    for v in votes:
        cell = by_cell[(v.preferred_variant_id, v.market)]
        cell["variant_id"] = v.preferred_variant_id
        cell["variant"] = str(v.preferred_variant) if v.preferred_variant else "no preference"
        cell["sku"] = v.preferred_variant.sku if v.preferred_variant else ""
        cell["market"] = v.market
        cell["would_order_qty"] += v.would_order_qty
        cell["votes"] += 1
    by_variant_market = sorted(by_cell.values(), key=lambda c: (-c["would_order_qty"], c["sku"], c["market"]))

    # Acceptable prices are wholesale prices: they are compared with the wholesale price asked.
    prices = sorted(v.acceptable_price for v in votes if v.acceptable_price is not None)
    points = sorted(set(prices) | ({wholesale["price"]} if prices else set()))
    price_curve = []
    for point in points:
        accepting = sum(1 for q in prices if q >= point)
        price_curve.append({"price": point, "buyers": accepting, "share": accepting / len(prices)})
    share_at_wholesale = (sum(1 for q in prices if q >= wholesale["price"]) / len(prices)) if prices else None

    distribution = Counter(scores)
    return {
        "round_id": vote_round.pk,
        "status": vote_round.status,
        "invited": invited,
        "sent": sent,
        "voted": voted,
        "response_rate": voted / invited if invited else 0.0,
        "mean_score": mean,
        "ci95_low": ci_low,
        "ci95_high": ci_high,
        "shrunk_score": shrunk,
        "prior_mean": PRIOR_MEAN,
        "prior_weight": PRIOR_WEIGHT,
        "score_distribution": {s: distribution.get(s, 0) for s in range(1, 6)},
        "would_order_total": sum(v.would_order_qty for v in votes),
        "by_variant_market": by_variant_market,
        "target_price": concept.target_price,
        "currency": concept.currency,
        "wholesale_price": wholesale["price"],
        "wholesale_basis": wholesale["basis"],
        "retailer_margin": wholesale["retailer_margin"],
        "price_curve": price_curve,
        "price_answers": len(prices),
        "share_at_wholesale_price": share_at_wholesale,
        "comments": [
            {
                "buyer": str(v.buyer),
                "score": v.score,
                "market": v.market,
                "comment": v.comment,
                "updated_at": v.updated_at,
            }
            for v in votes
            if v.comment
        ],
    }


def round_votes_for_sizing(*, round: VoteRound) -> list[dict]:
    """One row per vote: the preferred variant, the market and the quantity the buyer would order."""
    return [
        {"variant_id": variant_id, "market": market, "would_order_qty": qty}
        for variant_id, market, qty in Vote.objects.filter(round_id=round.pk)
        .order_by("buyer_id")
        .values_list("preferred_variant_id", "market", "would_order_qty")
    ]


def vote_for_invitation(*, invitation: Invitation) -> Vote | None:
    return Vote.objects.filter(round_id=invitation.round_id, buyer_id=invitation.buyer_id).first()


# --- invitations whose email did not go out -------------------------------------


def send_lease() -> timedelta:
    """Longer than the send task's hard time limit: a claim this old was left by a worker that died."""
    return timedelta(seconds=settings.C2F_SEND_LEASE_SECONDS)


def unsent_grace() -> timedelta:
    """How long after its round opens an invitation may wait for a worker to claim it."""
    return timedelta(seconds=settings.C2F_UNSENT_GRACE_SECONDS)


def _send_overdue(now: datetime) -> Q:
    """The one rule for a send that should have happened by ``now`` and has not: claimed by a worker
    that outlived the lease, or never claimed long (``unsent_grace``) after the round opened."""
    return Q(sent_at__isnull=True) & (
        Q(send_claimed_at__lt=now - send_lease())
        | Q(send_claimed_at__isnull=True, round__opens_at__lt=now - unsent_grace())
    )


def invitations_lost_sends(*, now: datetime | None = None) -> list[int]:
    """Ids of the invitations of open rounds whose send was lost; one query. Sending them
    again is safe: the claim keeps a buyer from a second email."""
    now = now or timezone.now()
    return list(
        Invitation.objects.filter(_send_overdue(now), round__status=VoteRound.Status.OPEN, round__closes_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def round_unsent_invitations(*, round: VoteRound, now: datetime | None = None) -> list[Invitation]:
    """A round's invitations the merchandiser should look at: the send failed, or it is overdue
    by the same rule that queues lost sends again; one query."""
    now = now or timezone.now()
    return list(
        Invitation.objects.filter(Q(sent_at__isnull=True) & (~Q(last_error="") | _send_overdue(now)), round_id=round.pk)
        .select_related("buyer")
        .order_by("buyer__name", "pk")
    )



def round_demand_evidence(*, round: VoteRound) -> dict:
    """What a confirmed round hands to production: quantities, variant × market mix, price acceptance."""
    results = round_results(round=round)
    total = results["would_order_total"]
    by_market: dict[str, int] = defaultdict(int)
    by_variant: dict[str, int] = defaultdict(int)
    for cell in results["by_variant_market"]:
        by_market[cell["market"] or "unspecified"] += cell["would_order_qty"]
        by_variant[cell["sku"] or "no preference"] += cell["would_order_qty"]

    def share(n):
        return round_(n / total) if total else 0.0

    prices = [
        float(p) for p in Vote.objects.filter(round_id=results["round_id"], acceptable_price__isnull=False)
        .order_by("acceptable_price").values_list("acceptable_price", flat=True)
    ]
    return {
        "round_id": results["round_id"],
        "invited": results["invited"],
        "voted": results["voted"],
        "response_rate": round_(results["response_rate"]),
        "mean_score": round_(results["mean_score"]) if results["mean_score"] is not None else None,
        "shrunk_score": round_(results["shrunk_score"]),
        "would_order_total": total,
        "by_variant_market": [
            {"sku": c["sku"], "variant_id": c["variant_id"], "market": c["market"], "votes": c["votes"],
             "would_order_qty": c["would_order_qty"]}
            for c in results["by_variant_market"]
        ],
        "market_mix": {m: share(n) for m, n in sorted(by_market.items())},
        "variant_mix": {v: share(n) for v, n in sorted(by_variant.items())},
        "currency": results["currency"],
        "target_price": str(results["target_price"]),
        "wholesale_price": str(results["wholesale_price"]),
        "wholesale_basis": results["wholesale_basis"],
        "share_at_wholesale_price": (
            round_(results["share_at_wholesale_price"]) if results["share_at_wholesale_price"] is not None else None
        ),
        "median_acceptable_price": str(_median(prices)) if prices else None,
        "price_curve": [{"price": str(p["price"]), "share": round_(p["share"])} for p in results["price_curve"]],
    }


def round_(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else round((ordered[mid - 1] + ordered[mid]) / 2, 2)


def round_variant_preference(*, results: dict) -> dict[str, dict[str, int]]:
    """{market: {variant label: votes}} from ``round_results``, for the preference chart."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cell in results["by_variant_market"]:
        label = f"{cell['variant']} ({cell['sku']})" if cell["sku"] else cell["variant"]
        table[cell["market"] or "unspecified"][label] += cell["votes"]
    return {m: dict(v) for m, v in sorted(table.items())}


def concept_versions_compared(*, concept_id: int) -> list[dict]:
    """Each sample version of a concept with the results of its latest round, oldest version first."""
    from .models import Sample

    samples = list(Sample.objects.filter(concept_id=concept_id).order_by("version"))
    latest = {}
    for vote_round in VoteRound.objects.filter(sample__concept_id=concept_id).order_by("sample_id", "-opens_at", "-id"):
        latest.setdefault(vote_round.sample_id, vote_round)
    rows = []
    for sample in samples:
        vote_round = latest.get(sample.pk)
        rows.append({"sample": sample, "round": vote_round, "results": round_results(round=vote_round) if vote_round else None})
    return rows


def sample_latest(*, concept: Concept) -> Sample | None:
    """The newest version of a concept's sample."""
    return Sample.objects.filter(concept=concept).order_by("-version").first()


def buyer_list(*, is_demo: bool) -> list[Buyer]:
    """Every buyer, demo or real; one query."""
    return list(Buyer.objects.filter(is_demo=is_demo))


def round_latest(*, cycle: Cycle, concept: Concept) -> VoteRound | None:
    """The newest round of the cycle on any version of ``concept``."""
    return VoteRound.objects.filter(cycle=cycle, sample__concept=concept).order_by("-id").first()


def round_confirmed_latest(*, cycle: Cycle) -> VoteRound | None:
    """The cycle's newest round decided *confirm*, with its sample."""
    return (
        VoteRound.objects.filter(cycle=cycle, decision=VoteRound.Decision.CONFIRM)
        .select_related("sample").order_by("-id").first()
    )


def sample_list_for_concept(*, concept: Concept) -> list[Sample]:
    """A concept's sample versions in order, each with its number of rounds; one query."""
    return list(Sample.objects.filter(concept=concept).annotate(n_rounds=Count("rounds")).order_by("version"))


def round_list_for_concept(*, concept: Concept) -> list[VoteRound]:
    """Every vote round on any version of a concept, newest first; one query."""
    return list(VoteRound.objects.filter(sample__concept=concept).select_related("sample").order_by("-opens_at"))


@dataclass(frozen=True, kw_only=True)
class SamplesProgress(LinkProgress):
    rounds: int
    open_rounds: int
    confirmed_rounds: int


def samples_cycle_progress(*, cycle: Cycle, design: DesignProgress | None = None) -> SamplesProgress:
    """Link 4 on ``cycle``: vote rounds, votes against invitations, and the round to act on (a
    closed one waiting for a decision before an open one collecting votes). One query, and the
    earlier links' when link 3's progress is not handed in."""
    if design is None:
        design = design_cycle_progress(cycle=cycle)
    to_act_on = Q(decision=VoteRound.Decision.NONE) | Q(status=VoteRound.Status.OPEN)
    decisions_first = (
        Case(When(status=VoteRound.Status.CLOSED, then=Value(0)), default=Value(1)), "opens_at", "pk"
    )

    def round_field(field: str):
        return correlated_first(VoteRound, link="cycle", field=field, order_by=decisions_first, filters=to_act_on)

    row = (
        Cycle.objects.filter(pk=cycle.pk)
        .annotate(
            n_rounds=correlated_count(VoteRound, link="cycle"),
            n_open=correlated_count(VoteRound, link="cycle", filters=Q(status=VoteRound.Status.OPEN)),
            n_confirmed=correlated_count(VoteRound, link="cycle", filters=Q(decision=VoteRound.Decision.CONFIRM)),
            n_invited=correlated_count(Invitation, link="round__cycle"),
            n_votes=correlated_count(Vote, link="round__cycle"),
            round_pk=round_field("pk"),
            round_status=round_field("status"),
            round_closes_at=round_field("closes_at"),
        )
        .values("n_rounds", "n_open", "n_confirmed", "n_invited", "n_votes", "round_pk", "round_status", "round_closes_at")
        .get()
    )
    n_rounds, n_confirmed, n_invited, n_votes = row["n_rounds"], row["n_confirmed"], row["n_invited"], row["n_votes"]
    state = ProgressState.DONE if n_confirmed else ProgressState.IN_PROGRESS if n_rounds else ProgressState.NOT_STARTED
    hands_over = False
    listed_design = cycle_list_url("design:list", cycle=cycle)
    if row["round_pk"] is not None and row["round_status"] == VoteRound.Status.CLOSED:
        action, url = f"Decide on round {row['round_pk']}", reverse("samples:round", args=[row["round_pk"]])
    elif row["round_pk"] is not None:
        action = f"Collect votes on round {row['round_pk']} (closes {row['round_closes_at']:%Y-%m-%d})"
        url = reverse("samples:round", args=[row["round_pk"]])
    elif n_confirmed:
        action, url, hands_over = "Size a batch from the confirmed round", "", True
    elif n_rounds:
        action, url = "Revise a sample and open a new round", cycle_list_url("samples:list", cycle=cycle)
    elif design.concepts:
        action, url = "Open a vote round for a concept", listed_design
    else:
        action, url = "Waits for a concept", listed_design
    return SamplesProgress(
        state=state,
        next_action=action,
        next_url=url,
        hands_over=hands_over,
        counts=(
            ("rounds", f"{n_rounds} ({row['n_open']} open)"),
            ("votes", f"{n_votes} of {n_invited} invited"),
            ("response rate", f"{100 * n_votes / n_invited:.0f}%" if n_invited else "—"),
        ),
        rounds=n_rounds,
        open_rounds=row["n_open"],
        confirmed_rounds=n_confirmed,
    )


def round_results_for_concepts(*, concept_ids) -> list[dict]:
    """The vote rounds on the samples of ``concept_ids``, oldest first per concept, with their votes, invitations,
    mean score and would-order total; one query.

    Rows ``{"pk", "sample__concept__name", "sample__version", "status", "decision", "decision_note", "n_votes",
    "n_invited", "mean_score" (None without votes), "would_order", "closes_at"}``.
    """
    return list(
        VoteRound.objects.filter(sample__concept_id__in=list(concept_ids))
        .annotate(
            n_votes=correlated_count(Vote, link="round"),
            n_invited=correlated_count(Invitation, link="round"),
            mean_score=correlated_aggregate(Vote, link="round", aggregate=Avg("score")),
            would_order=correlated_aggregate(Vote, link="round", aggregate=Sum("would_order_qty"), default=0),
        )
        .values("pk", "sample__concept__name", "sample__version", "status", "decision", "decision_note",
                "n_votes", "n_invited", "mean_score", "would_order", "closes_at")
        .order_by("sample__concept_id", "closes_at", "pk")
    )


def samples_todo(*, cycle: Cycle | None = None, limit: int = SECTION_LIMIT) -> list[TodoItem]:
    """What link 4 waits on people for (of ``cycle``, or of every cycle): closed rounds to decide,
    open rounds collecting votes with their response rate, and open rounds whose invitations
    failed to send. One query."""
    unsent = Q(sent_at__isnull=True) & ~Q(last_error="")
    waiting = Q(status=VoteRound.Status.CLOSED, decision=VoteRound.Decision.NONE) | Q(status=VoteRound.Status.OPEN)
    rounds = (
        VoteRound.objects.filter(waiting)
        .select_related("sample__concept", "cycle")
        .annotate(
            n_invited=correlated_count(Invitation, link="round"),
            n_votes=correlated_count(Vote, link="round"),
            n_failed=correlated_count(Invitation, link="round", filters=unsent),
        )
        .order_by("closes_at", "pk")
    )
    if cycle is not None:
        rounds = rounds.filter(cycle=cycle)
    now = timezone.now()
    items: list[TodoItem] = []
    counted: dict[str, int] = {}

    def add(item: TodoItem) -> None:
        if counted.get(item.section, 0) < limit:
            counted[item.section] = counted.get(item.section, 0) + 1
            items.append(item)

    for r in rounds[: limit * 3]:
        title, url = f"Round {r.pk} · {r.sample}", reverse("samples:round", args=[r.pk])
        rate = f" ({formats.percent(r.n_votes / r.n_invited)})" if r.n_invited else ""
        response = f"{r.n_votes} of {r.n_invited} buyers voted{rate}"
        if r.status == VoteRound.Status.CLOSED:
            add(TodoItem(
                section="round_decide", title=title, cycle_number=r.cycle.number, action="Decide", url=url,
                detail=f"{response} · closed {formats.date(r.closes_at)}", when=r.closes_at,
            ))
            continue
        overdue = r.closes_at <= now
        add(TodoItem(
            section="round_open", title=title, cycle_number=r.cycle.number, url=url, when=r.closes_at,
            detail=f"{response} · {'closing time passed' if overdue else 'closes'} {formats.datetime_(r.closes_at)}",
            action="Close the round" if overdue else "Follow up", urgent=overdue,
        ))
        if r.n_failed:
            add(TodoItem(
                section="send_failed", title=title, cycle_number=r.cycle.number, urgent=True, when=r.opens_at,
                detail=f"{r.n_failed} of {r.n_invited} invitations could not be sent", action="Retry the sends",
                url=f"{url}#invitations",
            ))
    return items

"""One turn of the loop: the eight links run in order for a cycle.

Each step takes a cycle, calls the services of its link (and of the links
before it), and is idempotent: running a step twice leaves the same data. The
orchestration sits here, above the eight apps, so that no app has to import a
link that comes after it.

On a demo cycle the people are played with demo data, always flagged as demo: the buyers vote
(``c2f.demo``), the factory accepts, makes, ships and delivers the batch (production's demo
factory), posts go out and shoppers click and order (promotion's and customers' demo
generators), each dated on the cycle's demo calendar. On any other cycle nothing stands in for
a person: a step that needs one (a watchlist, a round and its buyers, a decision, a batch plan,
votes, the factory's answer) stops the loop with ``LoopWaiting``, saying what it waits for.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from analysis.selectors import opportunity_top
from analysis.services import attribute_lexicon_seed, opportunities_mine
from core.demo_catalog import DEMO_MARKETS, DEMO_SEED_WATCHLIST
from core.models import Cycle
from core.selectors import cycle_get
from core.services import cycle_mark_running
from customers.services import (
    demo_catalogue_ensure, demo_orders_generate, orders_attribute_hand_over, products_for_concept, review_mentions_refresh,
)
from design.selectors import concept_first
from design.services import compliance_demo_complete, concept_create_from_opportunity
from hotspots.demo import demo_trend_files
from hotspots.selectors import watch_keyword_list, watchlist_exists, watchlist_markets
from hotspots.services import hotspots_score, trends_import_files, watchlist_create
from portraits.selectors import brief_best_for, brief_list, portrait_run_latest, segment_list
from portraits.services import briefs_write, next_cycle_open, portrait_run_build
from production.selectors import pre_orders_for_sizing, production_order_first, production_order_latest
from production.services import (
    production_order_accept,
    production_order_create_from_plan,
    production_order_demo_play,
    production_order_gate,
    production_order_plan,
    production_order_release,
    sizing_money_for_concept,
)
from promotion.demo import campaign_demo_date
from promotion.selectors import tracked_link_list
from promotion.services import campaign_create, demo_campaign_launch, demo_clicks_generate
from samples.selectors import (
    round_confirmed_latest,
    round_latest,
    round_results,
    round_votes_for_sizing,
    sample_latest,
)
from samples.services import round_close, round_decide, round_demo_date, round_open, round_suggest_decision, sample_create

from . import demo

logger = logging.getLogger(__name__)

LOOP_ACTOR = "c2f loop"


class LoopWaiting(Exception):
    """The cycle cannot go further until people act (buyers vote, a merchandiser decides)."""


def step_hotspots(cycle: Cycle) -> str:
    if not watchlist_exists(cycle=cycle):
        if not cycle.is_demo or cycle.previous_id is not None:
            raise LoopWaiting(
                "This cycle has no watchlist: add one under Hotspots, or build the previous cycle's portraits."
            )
        watchlist_create(
            cycle=cycle,
            name="Home textiles seed list",
            keywords=DEMO_SEED_WATCHLIST,
            markets=DEMO_MARKETS,
            is_demo=cycle.is_demo,
        )
    if cycle.is_demo:
        files = demo_trend_files(keywords=watch_keyword_list(cycle=cycle), markets=watchlist_markets(cycle=cycle))
        reports = trends_import_files(paths=files, is_demo=True)
        failed = [r for r in reports if not r.ok]
        if failed:
            raise RuntimeError(f"Bundled trend file failed to import: {failed[0].filename}: {failed[0].error}")
    scored = hotspots_score(cycle=cycle)
    return f"{len(scored)} hotspots scored"


def step_analysis(cycle: Cycle) -> str:
    attribute_lexicon_seed()
    briefs = brief_list(for_cycle=cycle)
    opportunities = opportunities_mine(cycle=cycle, fit_attribute_sets=[set(b.attributes) for b in briefs])
    return f"{len(opportunities)} opportunities ranked"


def step_design(cycle: Cycle) -> str:
    concept = concept_first(cycle=cycle)
    if concept is None:
        opportunity = opportunity_top(cycle=cycle)
        if opportunity is None:
            raise LoopWaiting("No opportunity to design from: import trend data for the watchlist.")
        brief = brief_best_for(cycle=cycle, attribute_names={a.name for a in opportunity.attributes.all()})
        concept = concept_create_from_opportunity(opportunity=opportunity, brief=brief, is_demo=cycle.is_demo)
    return f"concept {concept.name}"


def step_samples(cycle: Cycle) -> str:
    concept = concept_first(cycle=cycle)
    if concept is None:
        raise LoopWaiting("No concept yet.")
    vote_round = round_latest(cycle=cycle, concept=concept)
    if vote_round is None:
        sample = sample_latest(concept=concept)
        if not cycle.is_demo:
            # Who is asked, and until when, is the merchandiser's choice: the loop opens no round for them.
            if sample is None:
                raise LoopWaiting(
                    f"Concept {concept.name} needs a sample to put to buyers: add one on its page "
                    f"({reverse('samples:sample_create', args=[concept.pk])})."
                )
            raise LoopWaiting(
                f"Open a vote round for {sample}: choose the buyers and the closing date "
                f"({reverse('samples:round_open', args=[sample.pk])})."
            )
        sample = sample or sample_create(
            concept=concept,
            spec=f"{concept.category.capitalize()}; sizes and colours as listed.",
            is_demo=cycle.is_demo,
        )
        buyers = demo.demo_buyers_ensure(markets=concept.target_markets)
        now = timezone.now()
        vote_round = round_open(
            cycle=cycle, sample=sample, buyers=buyers, opens_at=now, closes_at=now + timedelta(days=10), is_demo=cycle.is_demo
        )
    if vote_round.status == vote_round.Status.OPEN:
        if not cycle.is_demo:
            raise LoopWaiting(f"Round {vote_round.pk} is open for votes until {vote_round.closes_at:%Y-%m-%d %H:%M}.")
        top_score = concept.opportunity.score if concept.opportunity else 50.0
        demo.demo_votes_record(vote_round=vote_round, appeal=min(1.0, top_score / 100 + 0.35), seed=cycle.number)
        round_close(round=vote_round, actor=LOOP_ACTOR)
        vote_round.refresh_from_db()
    if not vote_round.decision:
        results = round_results(round=vote_round)
        suggestion = round_suggest_decision(results=results)
        if not cycle.is_demo:
            raise LoopWaiting(f"Round {vote_round.pk} is closed: the suggested decision is {suggestion}.")
        round_decide(
            round=vote_round,
            decision=suggestion,
            note=f"Suggested from results: mean {results['mean_score']:.2f}, response rate {results['response_rate']:.0%}.",
            actor=LOOP_ACTOR,
        )
        calendar = demo.demo_calendar(cycle=cycle)
        vote_round = round_demo_date(
            round=vote_round, opens_at=calendar.day(demo.ROUND_OPENS), closes_at=calendar.day(demo.ROUND_CLOSES)
        )
    if vote_round.decision != vote_round.Decision.CONFIRM:
        raise LoopWaiting(f"Round {vote_round.pk} was decided '{vote_round.decision}': the sample is not confirmed.")
    return f"round {vote_round.pk} confirmed"


def step_production(cycle: Cycle) -> str:
    vote_round = round_confirmed_latest(cycle=cycle)
    if vote_round is None:
        raise LoopWaiting("No confirmed sample.")
    sample = vote_round.sample
    order = production_order_latest(sample=sample, cycle=cycle)
    if order is None:
        concept = sample.concept
        if not cycle.is_demo:
            try:
                production_order_gate(sample=sample)
            except ValidationError as refusal:
                raise LoopWaiting(" ".join(refusal.messages)) from refusal
            raise LoopWaiting(
                "Choose the factory for the confirmed sample and create the production order: "
                f"Plan batch on the production orders page ({reverse('production:plan', args=[sample.pk])})."
            )
        compliance_demo_complete(concept=concept)
        factory = demo.demo_factory_ensure()
        calendar = demo.demo_calendar(cycle=cycle)
        demo.demo_pre_orders_create(
            concept=concept, seed=cycle.number,
            between=(calendar.day(demo.PRE_ORDERS_FROM), calendar.day(demo.PRE_ORDERS_UNTIL)),
        )
        plan = production_order_plan(
            sample=sample,
            sizing_round=vote_round,
            factory=factory,
            votes=round_votes_for_sizing(round=vote_round),
            pre_orders=pre_orders_for_sizing(concept=concept),
            invited=vote_round.invitations.count(),
            **sizing_money_for_concept(concept=concept),
        )
        order = production_order_create_from_plan(
            plan=plan,
            cycle=cycle,
            factory=factory,
            sample=sample,
            sizing_round=vote_round,
            unit_price=concept.unit_cost,
            is_demo=cycle.is_demo,
            actor=LOOP_ACTOR,
        )
    if order.status == order.Status.DRAFT:
        order = production_order_release(order_id=order.pk, actor=LOOP_ACTOR)
    if cycle.is_demo and order.status == order.Status.RELEASED:
        order = production_order_accept(order_id=order.pk, actor=f"{order.factory.name} (demo)")
    if cycle.is_demo and order.status == order.Status.ACCEPTED:
        calendar = demo.demo_calendar(cycle=cycle)
        order = production_order_demo_play(
            order_id=order.pk, actor=f"{order.factory.name} (demo)", accepted_at=calendar.day(demo.BATCH_ACCEPTED),
            shipped_at=calendar.day(demo.BATCH_SHIPPED), received_at=calendar.day(demo.BATCH_RECEIVED),
        )
    return f"order {order.reference} {order.status}"


def step_promotion(cycle: Cycle) -> str:
    order = production_order_first(cycle=cycle)
    if order is None:
        raise LoopWaiting("No production order to promote.")
    concept = order.sample.concept
    calendar = demo.demo_calendar(cycle=cycle) if cycle.is_demo else None
    campaigns = [
        campaign_create(
            concept=concept, market=market, production_order=order, is_demo=cycle.is_demo,
            starts_on=calendar.day(demo.CAMPAIGN_STARTS).date() if calendar else None,
        )
        for market in concept.target_markets
    ]
    if calendar is not None:
        for campaign in campaigns:
            demo_campaign_launch(campaign=campaign, until=calendar.end)
            campaign_demo_date(campaign=campaign)
            demo_clicks_generate(campaign=campaign, seed=cycle.number * 100 + campaign.pk, until=calendar.end)
    return f"{len(campaigns)} campaigns"


def step_customers(cycle: Cycle) -> str:
    concept = concept_first(cycle=cycle)
    if not cycle.is_demo:
        return "orders arrive from the shops (import_orders or the webhook)"
    demo_catalogue_ensure()
    if concept is not None:
        products_for_concept(concept=concept)
    calendar = demo.demo_calendar(cycle=cycle)
    batch = production_order_first(cycle=cycle)
    # The batch sells once it is received and its campaigns have started, and no more of it than was made.
    received = batch is not None and batch.status == batch.Status.RECEIVED
    stock = {(line.variant_id, line.market.upper()): line.quantity for line in batch.lines.all()} if received else {}
    counts = demo_orders_generate(
        cycle=cycle, concept=concept, tracked_links=tracked_link_list(cycle=cycle), seed=cycle.number,
        window=(calendar.start, calendar.end), selling_from=calendar.day(demo.CAMPAIGN_STARTS), stock=stock,
    )
    # Promotion credits each order to its link and keeps the figures its results pages show.
    counts["attributed_orders_changed"] = orders_attribute_hand_over(cycle=cycle)
    # The demo reviews are read like imported ones, and what they say goes to analysis for the next cycle.
    counts["review_mentions"] = review_mentions_refresh()
    return f"demo orders: {counts}"


def step_portraits(cycle: Cycle) -> str:
    run = portrait_run_latest(cycle=cycle)
    if run is None:
        run = portrait_run_build(cycle=cycle, is_demo=cycle.is_demo)
        if run.status != run.Status.DONE:
            raise RuntimeError(f"Portrait run {run.pk} failed: {run.error}")
    if not brief_list(run=run).exists():
        briefs_write(run=run)
    next_cycle = next_cycle_open(run=run)
    return f"{segment_list(run=run).count()} segments; opened {next_cycle}"


STEPS = [
    ("hotspots", step_hotspots),
    ("analysis", step_analysis),
    ("design", step_design),
    ("samples", step_samples),
    ("production", step_production),
    ("promotion", step_promotion),
    ("customers", step_customers),
    ("portraits", step_portraits),
]
STEP_NAMES = [name for name, _ in STEPS]


def step_run(*, cycle_id: int, step: str) -> str:
    cycle = cycle_get(cycle_id=cycle_id)
    cycle_mark_running(cycle=cycle, actor=LOOP_ACTOR, note=f"loop step {step}")
    return dict(STEPS)[step](cycle)


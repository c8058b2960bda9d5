"""The whole loop, end to end, on the bundled demo data: two cycles, the second seeded by the first."""

import pytest
from django.core.management import call_command

from analysis.models import Opportunity
from core.models import Cycle, TaskRun
from customers.models import Customer, Order
from design.models import Concept
from hotspots.models import Hotspot, TrendPoint, WatchKeyword
from portraits.models import Brief, PortraitRun
from production.models import PreOrder, ProductionOrder
from promotion.models import Campaign, Click, TrackedLink
from samples.models import Vote, VoteRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cycles(settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    call_command("run_cycle", stdout=open(tmp_path / "run_cycle.log", "w"))
    return Cycle.objects.get(number=1), Cycle.objects.get(number=2)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Hotspot, TrendPoint, Opportunity, Concept, VoteRound, Vote, PreOrder, ProductionOrder, Campaign,
                      TrackedLink, Click, Customer, Order, PortraitRun, Brief, Cycle)
    }


def test_each_cycle_goes_through_all_eight_links(two_cycles):
    for cycle in two_cycles:
        cycle.refresh_from_db()
        assert cycle.is_demo
        assert cycle.status == Cycle.Status.CLOSED
        assert Hotspot.objects.filter(cycle=cycle).count() >= 5
        assert Opportunity.objects.filter(cycle=cycle).exists()
        concept = Concept.objects.get(cycle=cycle)
        assert concept.variants.count() >= 2
        vote_round = VoteRound.objects.get(cycle=cycle)
        assert vote_round.decision == VoteRound.Decision.CONFIRM
        assert vote_round.votes.count() >= 10
        order = ProductionOrder.objects.get(cycle=cycle)
        assert order.sample == vote_round.sample and order.sizing_round == vote_round
        # The demo factory accepted, made, shipped and delivered it.
        assert order.status == ProductionOrder.Status.RECEIVED
        assert order.quantity >= order.factory.min_batch
        # Sized by the newsvendor rule from the votes and the concept's sea-freight margin.
        assert "newsvendor" in order.sizing["rule"] and order.sizing["unit_margin"] > 0
        low, high = order.sizing["forecast_interval_80"]
        assert low <= order.sizing["forecast_mean"] <= high
        # The demo pre-orders taken before production are counted, as a floor under the forecast.
        pre_ordered = PreOrder.objects.filter(variant__concept=concept, status=PreOrder.Status.OPEN, is_demo=True)
        assert pre_ordered.exists()
        assert order.sizing["pre_orders"] == sum(p.quantity for p in pre_ordered) <= low
        assert order.quantity == order.sizing["total"] < order.sizing["total_would_order"]
        # Ordered through the same service as the planning page, which records how the batch was sized.
        assert order.sizing["edited_by_merchandiser"] is False and order.sizing["planned_by"] == "c2f loop"
        assert order.sizing["ordered_total"] == order.quantity
        assert sorted(order.lines.values_list("variant_id", "market", "quantity")) == sorted(
            (line["variant_id"], line["market"], line["quantity"]) for line in order.sizing["recommended_lines"]
        )
        assert list(order.events.values_list("to_status", flat=True))[1:3] == ["released", "accepted"]
        campaigns = Campaign.objects.filter(cycle=cycle)
        assert {c.market for c in campaigns} == set(concept.target_markets)
        assert Click.objects.filter(link__campaign__cycle=cycle).exists()
        assert Order.objects.filter(cycle=cycle, tracked_link__campaign__cycle=cycle).exists()
        run = PortraitRun.objects.get(cycle=cycle)
        assert run.status == PortraitRun.Status.DONE and run.segments.count() >= 2
        assert TaskRun.objects.filter(cycle=cycle, kind="cycle.run", status=TaskRun.Status.DONE, done=8).exists()
    # The second cycle's portraits already opened a third, waiting for its own turn.
    third = Cycle.objects.get(number=3)
    assert third.previous == two_cycles[1] and third.status == Cycle.Status.OPEN
    assert third.watchlists.exists()


def test_second_cycle_is_seeded_by_first_cycles_portraits(two_cycles):
    first, second = two_cycles
    assert second.previous == first
    first_run = PortraitRun.objects.get(cycle=first)
    briefs = list(Brief.objects.filter(run=first_run).select_related("segment"))
    assert briefs and all(b.for_cycle == second for b in briefs)

    # Each brief's attributes are read off its segment's profile: traced in data, not hard-coded.
    for brief in briefs:
        profile_attributes = {a["name"] if isinstance(a, dict) else a for a in brief.segment.profile["top_attributes"]}
        assert brief.attributes and set(brief.attributes) <= profile_attributes
        assert all(any(attr in kw for attr in brief.attributes) for kw in brief.keywords)

    # Cycle 2's watchlist is written by those briefs, keyword for keyword.
    watchlists = list(second.watchlists.all())
    assert watchlists and all(w.seeded_by_brief in briefs for w in watchlists)
    keywords = set(WatchKeyword.objects.filter(watchlist__cycle=second).values_list("keyword", flat=True))
    assert keywords == {kw for b in briefs for kw in b.keywords}
    assert set(WatchKeyword.objects.filter(watchlist__cycle=second).values_list("origin", flat=True)) == {"brief"}

    # Cycle 2's concept grows from an opportunity fitting a brief, and names that brief and its segment.
    concept = Concept.objects.get(cycle=second)
    assert concept.brief in briefs
    assert concept.target_segment == concept.brief.segment
    assert concept.opportunity.components["fit"] > 0
    assert {a.name for a in concept.opportunity.attributes.all()} <= {a for b in briefs for a in b.attributes}
    # And the hotspots behind it were searched for because of the brief.
    evidence = set(concept.opportunity.hotspots.values_list("keyword", flat=True))
    assert evidence and evidence <= keywords


def test_every_demo_record_is_flagged(two_cycles):
    for model in (Hotspot, Opportunity, Concept, VoteRound, Vote, PreOrder, ProductionOrder, Campaign, Order, PortraitRun):
        assert not model.objects.filter(is_demo=False).exists(), model.__name__
    assert not Customer.objects.filter(is_demo=False).exists()


def test_running_a_cycle_again_changes_nothing(two_cycles, tmp_path):
    before = _counts()
    call_command("run_cycle", "--cycle", "1", stdout=open(tmp_path / "again.log", "w"))
    after = _counts()
    assert after == before


def test_the_buyers_never_see_the_unit_cost(two_cycles):
    """The loop writes the sample's specification the panel is emailed: neither holds the seller's cost."""
    from samples.models import Invitation
    from samples.services import invitation_message

    for cycle in two_cycles:
        concept = Concept.objects.get(cycle=cycle)
        cost = f"{concept.unit_cost:.2f}"
        invitations = Invitation.objects.filter(round__cycle=cycle).select_related("round__sample__concept", "buyer")
        assert invitations
        for invitation in invitations[:3]:
            spec = invitation.round.sample.spec
            assert cost not in spec and "unit cost" not in spec.lower()
            message = invitation_message(invitation)
            for text in (message.subject, message.body, message.alternatives[0][0]):
                assert cost not in text and cost.replace(".", ",") not in text

from decimal import Decimal

import pytest

from samples.models import VoteRound
from samples.selectors import PRIOR_MEAN, PRIOR_WEIGHT, round_buyer_terms, round_results, round_votes_for_sizing

from .factories import InvitationFactory, VariantFactory, VoteFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted_round():
    """Eight invited, five voted: scores 5 4 4 3 2, prices 10 12 12 15 and one blank; retail target 28.00."""
    vote_round = VoteRoundFactory(sample__concept__target_price=Decimal("28.00"))
    concept = vote_round.sample.concept
    sage, cream = VariantFactory(concept=concept, sku="SAGE"), VariantFactory(concept=concept, sku="CREAM")
    invitations = InvitationFactory.create_batch(8, round=vote_round)
    rows = [
        (5, 300, sage, "US", "10.00", "Love the colour"),
        (4, 200, sage, "US", "12.00", ""),
        (4, 100, cream, "GB", "12.00", "Pile could be thicker"),
        (3, 50, sage, "GB", "15.00", ""),
        (2, 0, None, "", None, ""),
    ]
    for invitation, (score, qty, variant, market, price, comment) in zip(invitations, rows):
        VoteFactory(round=vote_round, buyer=invitation.buyer, score=score, would_order_qty=qty,
                    preferred_variant=variant, market=market,
                    acceptable_price=Decimal(price) if price else None, comment=comment)
    return vote_round, sage, cream


def test_round_results_figures(voted_round, django_assert_max_num_queries):
    vote_round, sage, cream = voted_round
    with django_assert_max_num_queries(3):
        r = round_results(round=vote_round)

    assert (r["invited"], r["voted"]) == (8, 5)
    assert r["response_rate"] == pytest.approx(5 / 8)
    assert r["mean_score"] == pytest.approx(3.6)
    # sd = sqrt(1.3), t(0.975, 4) = 2.7764451; half-width = t * sd / sqrt(5) = 1.41566
    assert r["ci95_low"] == pytest.approx(3.6 - 1.41566, abs=1e-4)
    assert r["ci95_high"] == pytest.approx(3.6 + 1.41566, abs=1e-4)
    assert r["shrunk_score"] == pytest.approx((PRIOR_MEAN * PRIOR_WEIGHT + 18) / (PRIOR_WEIGHT + 5)) == 3.3
    assert r["score_distribution"] == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}
    assert r["would_order_total"] == 650

    cells = {(c["sku"], c["market"]): (c["would_order_qty"], c["votes"]) for c in r["by_variant_market"]}
    assert cells == {("SAGE", "US"): (500, 2), ("CREAM", "GB"): (100, 1), ("SAGE", "GB"): (50, 1), ("", ""): (0, 1)}
    assert r["by_variant_market"][0]["variant_id"] == sage.pk

    curve = [(c["price"], c["share"]) for c in r["price_curve"]]
    assert curve == [(Decimal("10.00"), 1.0), (Decimal("12.00"), 0.75), (Decimal("14.00"), 0.25), (Decimal("15.00"), 0.25)]
    assert r["price_answers"] == 4
    # Wholesale answers against the planned wholesale price: 28.00 retail x (1 - 0.5 keystone margin).
    assert (r["wholesale_price"], r["wholesale_basis"], r["target_price"]) == (Decimal("14.00"), "planned", Decimal("28.00"))
    assert r["share_at_wholesale_price"] == 0.25
    assert [c["comment"] for c in r["comments"]] and {c["comment"] for c in r["comments"]} == {
        "Love the colour", "Pile could be thicker"}


def test_round_results_without_votes():
    vote_round = VoteRoundFactory()
    InvitationFactory.create_batch(2, round=vote_round)
    r = round_results(round=vote_round)
    assert (r["invited"], r["voted"], r["response_rate"]) == (2, 0, 0.0)
    assert r["mean_score"] is None and r["ci95_low"] is None
    assert r["shrunk_score"] == PRIOR_MEAN
    assert r["price_curve"] == [] and r["share_at_wholesale_price"] is None


def test_single_vote_has_a_mean_but_no_interval():
    vote = VoteFactory(score=5)
    r = round_results(round=vote.round)
    assert r["mean_score"] == 5 and r["ci95_low"] is None and r["ci95_high"] is None
    assert r["shrunk_score"] == pytest.approx((15 + 5) / 6)


def test_round_votes_for_sizing(voted_round, django_assert_max_num_queries):
    vote_round, sage, cream = voted_round
    with django_assert_max_num_queries(1):
        rows = round_votes_for_sizing(round=vote_round)
    assert sorted(rows, key=lambda r: -r["would_order_qty"]) == [
        {"variant_id": sage.pk, "market": "US", "would_order_qty": 300},
        {"variant_id": sage.pk, "market": "US", "would_order_qty": 200},
        {"variant_id": cream.pk, "market": "GB", "would_order_qty": 100},
        {"variant_id": sage.pk, "market": "GB", "would_order_qty": 50},
        {"variant_id": None, "market": "", "would_order_qty": 0},
    ]


def test_answers_are_compared_with_the_wholesale_price_the_round_asked(voted_round):
    vote_round, _, _ = voted_round
    VoteRound.objects.filter(pk=vote_round.pk).update(wholesale_price=Decimal("12.00"))
    r = round_results(round=vote_round)
    assert (r["wholesale_price"], r["wholesale_basis"]) == (Decimal("12.00"), "asked")
    assert r["share_at_wholesale_price"] == 0.75
    # The retail target is not a point of the wholesale curve.
    assert Decimal("28.00") not in [c["price"] for c in r["price_curve"]]


@pytest.mark.parametrize("margin, planned", [(0.5, "24.50"), (0.4, "29.40"), (0.0, "49.00")])
def test_planned_wholesale_price_follows_the_retailer_margin(settings, margin, planned):
    settings.C2F_RETAILER_MARGIN = margin
    vote_round = VoteRoundFactory(sample__concept__target_price=Decimal("49.00"))
    VoteFactory(round=vote_round, acceptable_price=Decimal("24.50"))
    r = round_results(round=vote_round)
    assert (r["wholesale_price"], r["wholesale_basis"]) == (Decimal(planned), "planned")
    assert r["share_at_wholesale_price"] == (1.0 if Decimal(planned) <= Decimal("24.50") else 0.0)


def test_buyer_terms_hold_the_offer_and_never_the_unit_cost(django_assert_max_num_queries):
    from analysis.models import Attribute

    vote_round = VoteRoundFactory(
        sample__concept__target_price=Decimal("49.00"), sample__concept__unit_cost=Decimal("13.57"),
        min_order_qty=60, lead_time_days=35,
    )
    concept = vote_round.sample.concept
    concept.attributes.add(Attribute.objects.create(kind=Attribute.Kind.MATERIAL, name="sherpa"),
                           Attribute.objects.create(kind=Attribute.Kind.PATTERN, name="mermaid"))
    variants = [VariantFactory(concept=concept, sku="A", material="recycled polyester"),
                VariantFactory(concept=concept, sku="B", material="recycled polyester")]
    vote_round = VoteRound.objects.select_related("sample__concept").get(pk=vote_round.pk)
    with django_assert_max_num_queries(1):
        terms = round_buyer_terms(round=vote_round, variants=variants)
    assert terms == {"wholesale_price": Decimal("24.50"), "currency": concept.currency, "min_order_qty": 60,
                     "lead_time_days": 35, "materials": ["recycled polyester", "sherpa"]}
    assert Decimal("13.57") not in terms.values()

"""Batch sizing maths: no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from production.planning import PlanningError, largest_remainder, plan_batch


def test_split_follows_would_order_shares_and_sums_exactly():
    votes = [
        {"variant_id": 1, "market": "US", "would_order_qty": 300},
        {"variant_id": 2, "market": "US", "would_order_qty": 200},
        {"variant_id": 1, "market": "GB", "would_order_qty": 100},
        {"variant_id": 1, "market": "US", "would_order_qty": 100},
    ]
    plan = plan_batch(votes, min_batch=100)
    assert plan.total == 700
    assert plan.lines == [
        {"variant_id": 1, "market": "GB", "quantity": 100},
        {"variant_id": 1, "market": "US", "quantity": 400},
        {"variant_id": 2, "market": "US", "quantity": 200},
    ]
    assert plan.sizing() == {
        "total": 700,
        "total_would_order": 700,
        "responses": 4,
        "min_batch": 100,
        "rule": plan.rule,
    }


def test_min_batch_lifts_a_small_demand_and_rounding_still_adds_up():
    votes = [
        {"variant_id": 1, "market": "US", "would_order_qty": 1},
        {"variant_id": 2, "market": "US", "would_order_qty": 1},
        {"variant_id": 3, "market": "DE", "would_order_qty": 1},
    ]
    plan = plan_batch(votes, min_batch=100)
    assert plan.total == 100
    assert [line["quantity"] for line in plan.lines] == [34, 33, 33]


def test_votes_without_variant_count_towards_size_but_follow_named_split():
    votes = [
        {"variant_id": 1, "market": "US", "would_order_qty": 150},
        {"variant_id": 2, "market": "GB", "would_order_qty": 50},
        {"variant_id": None, "market": "", "would_order_qty": 200},
        {"variant_id": 2, "market": "GB", "would_order_qty": 0},
    ]
    plan = plan_batch(votes, min_batch=100)
    assert plan.total == 400
    assert plan.responses == 4
    assert plan.lines == [
        {"variant_id": 1, "market": "US", "quantity": 300},
        {"variant_id": 2, "market": "GB", "quantity": 100},
    ]


def test_no_placed_demand_falls_back_to_an_even_split():
    plan = plan_batch(
        [{"variant_id": None, "market": "US", "would_order_qty": 0}],
        min_batch=100,
        fallback_keys=[(1, "US"), (1, "GB"), (2, "US")],
    )
    assert plan.total == 100
    assert [line["quantity"] for line in plan.lines] == [34, 33, 33]
    assert "evenly" in plan.rule


def test_no_placed_demand_and_no_fallback_is_refused():
    with pytest.raises(PlanningError, match="no variant and market"):
        plan_batch([], min_batch=100)


@pytest.mark.parametrize(
    "vote, where",
    [
        ({"variant_id": 1, "market": "US", "would_order_qty": "12"}, "votes[0].would_order_qty"),
        ({"variant_id": 1, "market": "US", "would_order_qty": -3}, "votes[0].would_order_qty"),
        ({"variant_id": 1, "market": "US", "would_order_qty": True}, "votes[0].would_order_qty"),
        ({"variant_id": "1", "market": "US", "would_order_qty": 3}, "votes[0].variant_id"),
        ({"variant_id": 1, "market": 7, "would_order_qty": 3}, "votes[0].market"),
    ],
)
def test_bad_vote_names_the_vote_and_field(vote, where):
    with pytest.raises(PlanningError) as raised:
        plan_batch([vote], min_batch=10)
    assert str(raised.value).startswith(f"{where}: ")


def test_largest_remainder_breaks_ties_by_position():
    assert largest_remainder([1, 1, 1], 2) == [1, 1, 0]
    assert largest_remainder([5], 0) == [0]


keys = st.tuples(st.integers(min_value=1, max_value=6), st.sampled_from(["US", "GB", "DE", "FR"]))
votes_strategy = st.lists(
    st.builds(
        lambda key, qty: {"variant_id": key[0], "market": key[1], "would_order_qty": qty},
        keys,
        st.integers(min_value=0, max_value=5000),
    ),
    max_size=40,
)


@given(votes=votes_strategy, min_batch=st.integers(min_value=0, max_value=3000))
def test_plan_properties(votes, min_batch):
    plan = plan_batch(votes, min_batch=min_batch, fallback_keys=[(1, "US"), (2, "GB")])
    demand = sum(v["would_order_qty"] for v in votes)
    assert plan.total == max(min_batch, demand)
    assert sum(line["quantity"] for line in plan.lines) == plan.total
    assert all(line["quantity"] > 0 for line in plan.lines)
    assert len({(line["variant_id"], line["market"]) for line in plan.lines}) == len(plan.lines)
    if demand:
        weights = {}
        for v in votes:
            key = (v["variant_id"], v["market"])
            weights[key] = weights.get(key, 0) + v["would_order_qty"]
        for line in plan.lines:
            exact = plan.total * weights[(line["variant_id"], line["market"])] / demand
            assert abs(line["quantity"] - exact) < 1


@given(
    weights=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30).filter(any),
    total=st.integers(min_value=0, max_value=1_000_000),
)
def test_largest_remainder_sums_exactly(weights, total):
    shares = largest_remainder(weights, total)
    assert sum(shares) == total
    assert all(share >= 0 for share in shares)

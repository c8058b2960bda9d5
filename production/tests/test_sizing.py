"""Forecast and newsvendor sizing of a first batch, and its split by variant and market."""

import pytest
from django.core.exceptions import ValidationError

from production import planning
from production.services import production_order_plan

from .factories import FactoryFactory, SampleFactory, VariantFactory, VoteRoundFactory


def votes(*rows):
    return [{"variant_id": v, "market": m, "would_order_qty": q} for v, m, q in rows]


def test_forecast_converts_intent_and_counts_non_respondents_at_half_weight():
    forecast = planning.forecast_demand([100, 100], pre_orders=40, invited=4, conversion_rate=0.5)
    # 2 respondents of 4 invited: effective buyers 2 + 2 × 0.5 = 3; intent 300, converted 150.
    assert forecast.converted_intent == pytest.approx(150)
    assert forecast.mean == pytest.approx(190)
    assert forecast.response_rate == 0.5
    assert forecast.low < forecast.mean < forecast.high
    assert forecast.low >= 40


def test_more_spread_in_answers_widens_the_interval():
    narrow = planning.forecast_demand([50, 50, 50, 50], conversion_rate=0.3)
    wide = planning.forecast_demand([0, 0, 100, 100], conversion_rate=0.3)
    assert narrow.mean == pytest.approx(wide.mean)
    assert wide.high - wide.low > narrow.high - narrow.low


@pytest.mark.parametrize(
    ("margin", "unsold", "direction"),
    [(20, 5, 1), (5, 20, -1), (10, 10, 0)],
)
def test_newsvendor_orders_more_when_a_lost_sale_costs_more_than_a_leftover(margin, unsold, direction):
    forecast = planning.forecast_demand([60, 80, 100, 40, 120], conversion_rate=0.4)
    quantity, ratio = planning.newsvendor_quantity(forecast, unit_margin=margin, unsold_cost=unsold)
    assert ratio == pytest.approx(margin / (margin + unsold))
    if direction > 0:
        assert quantity > forecast.mean
    elif direction < 0:
        assert quantity < forecast.mean
    else:
        assert quantity == pytest.approx(forecast.mean, abs=1)


def test_split_follows_the_mix_not_equal_colours():
    # Grey (1) sells in the US, blue (2) barely: the batch is not made in equal colours.
    plan, info = planning.plan_newsvendor_batch(
        votes((1, "US", 300), (1, "US", 200), (2, "US", 50), (2, "DE", 50)),
        pre_orders=[{"variant_id": 2, "market": "DE", "quantity": 30}],
        min_batch=100, unit_margin=15, unsold_cost=6, conversion_rate=0.5,
    )
    by_key = {(line["variant_id"], line["market"]): line["quantity"] for line in plan.lines}
    assert sum(by_key.values()) == plan.total
    assert by_key[(1, "US")] > 3 * by_key[(2, "US")]
    assert by_key[(2, "DE")] >= 30  # pre-orders are always made
    assert info["critical_ratio"] == pytest.approx(15 / 21, abs=1e-3)
    assert info["pre_orders"] == 30


def test_factory_minimum_and_pre_orders_floor_the_batch():
    plan, info = planning.plan_newsvendor_batch(
        votes((1, "US", 10)), pre_orders=[{"variant_id": 1, "market": "GB", "quantity": 120}],
        min_batch=500, unit_margin=1, unsold_cost=50,
    )
    assert plan.total == 500 and info["newsvendor_quantity"] < 500
    assert {(l["variant_id"], l["market"]): l["quantity"] for l in plan.lines}[(1, "GB")] >= 120


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conversion_rate": 0}, "conversion_rate"),
        ({"conversion_rate": 1.5}, "conversion_rate"),
        ({"invited": 1}, "invited"),
        ({"pre_orders": -5}, "pre_orders"),
    ],
)
def test_bad_forecast_input_is_refused(kwargs, message):
    with pytest.raises(planning.PlanningError, match=message):
        planning.forecast_demand([10, 20], **kwargs)


@pytest.mark.django_db
def test_plan_service_sizes_by_newsvendor_and_keeps_its_old_signature():
    sample = SampleFactory()
    grey = VariantFactory(concept=sample.concept, colour="grey")
    blue = VariantFactory(concept=sample.concept, colour="blue")
    factory = FactoryFactory(min_batch=50)
    vote_round = VoteRoundFactory(sample=sample)
    rows = votes((grey.pk, "US", 200), (grey.pk, "US", 150), (blue.pk, "DE", 40))
    old = production_order_plan(sample=sample, sizing_round=vote_round, factory=factory, votes=rows)
    assert old["sizing"]["total"] == 390
    new = production_order_plan(
        sample=sample, sizing_round=vote_round, factory=factory, votes=rows,
        pre_orders=[{"variant_id": blue.pk, "market": "DE", "quantity": 25}],
        unit_margin="18.50", unsold_cost="7.00", invited=10, conversion_rate=0.4,
    )
    assert new["sizing"]["rule"] == planning.NEWSVENDOR_RULE
    assert new["sizing"]["response_rate"] == 0.3
    assert sum(line["quantity"] for line in new["lines"]) == new["sizing"]["total"]
    assert new["sizing"]["forecast_interval_80"][0] <= new["sizing"]["forecast_mean"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"unit_margin": "abc", "unsold_cost": 1}, "unit_margin"),
        ({"unit_margin": 5, "unsold_cost": -1}, "unsold_cost"),
        ({"pre_orders": [{"variant_id": 1, "market": "US", "quantity": -3}]}, "votes"),
        ({"unit_margin": 5, "unsold_cost": 1, "pre_orders": [{"variant_id": 999999, "market": "US", "quantity": 3}]}, "votes"),
        ({"unit_margin": 5, "unsold_cost": 1, "pre_orders": [{"variant_id": 1, "market": "", "quantity": 3}]}, "votes"),
    ],
)
def test_plan_service_refuses_bad_sizing_input(kwargs, field):
    sample = SampleFactory()
    VariantFactory(concept=sample.concept)
    with pytest.raises(ValidationError) as info:
        production_order_plan(sample=sample, sizing_round=None, factory=FactoryFactory(), votes=[], **kwargs)
    assert field in info.value.message_dict


def test_without_money_figures_pre_orders_are_made_first_and_add_to_the_would_orders():
    plan = planning.plan_batch(
        votes((1, "US", 60), (2, "US", 20)), min_batch=50,
        pre_orders=[{"variant_id": 2, "market": "DE", "quantity": 30}, {"variant_id": 2, "market": "DE", "quantity": 5}],
    )
    lines = {(l["variant_id"], l["market"]): l["quantity"] for l in plan.lines}
    assert plan.total == 115 and sum(lines.values()) == 115
    assert lines == {(1, "US"): 60, (2, "US"): 20, (2, "DE"): 35}
    assert plan.rule == planning.RULE


def test_without_money_figures_or_votes_the_pre_order_mix_fills_the_minimum():
    plan = planning.plan_batch(
        [], min_batch=100, fallback_keys=[(1, "US"), (2, "US")],
        pre_orders=[{"variant_id": 2, "market": "GB", "quantity": 10}],
    )
    assert plan.lines == [{"variant_id": 2, "market": "GB", "quantity": 100}]


@pytest.mark.django_db
def test_the_plan_service_counts_pre_orders_without_money_figures():
    sample = SampleFactory()
    grey = VariantFactory(concept=sample.concept)
    plan = production_order_plan(
        sample=sample, sizing_round=None, factory=FactoryFactory(min_batch=10), votes=[],
        pre_orders=[{"variant_id": grey.pk, "market": "US", "quantity": 40}],
    )
    assert plan["sizing"]["pre_orders"] == 40
    assert plan["lines"] == [{"variant_id": grey.pk, "market": "US", "quantity": 40}]

"""A whole portrait computation, from the three frames (or a per-line frame) to named, valued segments."""

import json
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from portraits.errors import PortraitError
from portraits.line_frames import frames_from_order_lines
from portraits.pipeline import build_portraits

from .population import planted_population

AS_OF = datetime(2025, 6, 1, tzinfo=timezone.utc)
COSY = {"Cosy-winter": {"sherpa", "chunky knit", "cream", "sage green"}, "Natural-summer": {"linen", "bamboo", "blue grey"}}


def _planted_lines(n_per_group: int = 20) -> tuple[pd.DataFrame, dict[int, int]]:
    """One row per order line. Two groups alike in when and how often they buy: cosy buyers of sherpa and
    cream blankets at about $40 in the US, linen buyers of duvet covers at about $120 in Germany."""
    rows, truth = [], {}
    order_id = 0
    for group, (attrs, kinds, price, market, category) in enumerate([
        (["cream", "sherpa"], ["colour", "material"], 40.0, "US", "blanket"),
        (["blue grey", "linen"], ["colour", "material"], 120.0, "DE", "duvet cover"),
    ]):
        for i in range(n_per_group):
            customer = group * 1000 + i
            truth[customer] = group
            for j in range(1 + i % 3):
                order_id += 1
                rows.append({
                    "customer_id": customer,
                    "placed_at": AS_OF - timedelta(days=5 + (i * 7 + j * 11) % 60),
                    "order_id": order_id,
                    "quantity": 1 + (i + j) % 2,
                    "unit_price": price + (i % 5),
                    "market": market,
                    "attributes": attrs,
                    "attribute_kinds": kinds,
                    "category": category,
                    "currency": "USD",
                })
    return pd.DataFrame(rows), truth


def test_two_planted_groups_are_recovered_and_profiled():
    lines, truth = _planted_lines()
    orders, order_lines, product_attributes = frames_from_order_lines(lines)

    result = build_portraits(orders, order_lines, product_attributes, as_of=AS_OF, currency="USD", themes=COSY)

    expected = [truth[c] for c in result.labels.index]
    assert adjusted_rand_score(expected, result.labels.tolist()) == 1.0
    assert result.k == 2
    by_group = {truth[c]: int(label) for c, label in result.labels.items()}
    cosy, linen = result.profiles[by_group[0]], result.profiles[by_group[1]]
    assert {a["name"] for a in cosy["top_attributes"]} == {"sherpa", "cream"}
    assert {a["name"] for a in linen["top_attributes"]} == {"linen", "blue grey"}
    assert cosy["markets"] == {"US": 1.0} and linen["main_category"] == "duvet cover"
    assert cosy["price_band"][0] >= 40 and cosy["price_band"][1] <= 44
    spend = lines["quantity"] * lines["unit_price"]
    cosy_spend = spend[lines["attributes"].apply(lambda a: "sherpa" in a)].sum()
    assert cosy["top_attributes"][0]["share"] == 1.0
    assert cosy["top_attributes"][0]["lift"] == pytest.approx(spend.sum() / cosy_spend, abs=1e-3)
    # Alike in recency and frequency, so the names speak of taste, market and price only.
    assert cosy["name"] == f"Cosy-winter buyers · US · ${cosy['price_band'][0]:.0f}–{cosy['price_band'][1]:.0f}"
    assert linen["name"].startswith("Natural-summer buyers · DE · $1")
    assert cosy["size"] + linen["size"] == len(truth)


def test_portraits_are_deterministic():
    lines, _ = _planted_lines()
    first = build_portraits(*frames_from_order_lines(lines), as_of=AS_OF)
    second = build_portraits(*frames_from_order_lines(lines.sample(frac=1.0, random_state=3)), as_of=AS_OF)
    assert first.labels.tolist() == second.labels.tolist()
    assert first.profiles == second.profiles
    assert first.metrics() == second.metrics()


def test_no_orders_is_a_clear_error():
    empty = pd.DataFrame(columns=["customer_id", "placed_at", "order_id", "quantity", "unit_price", "market", "attributes"])
    with pytest.raises(PortraitError, match="no order lines"):
        frames_from_order_lines(empty)


def test_single_customer_is_a_clear_error():
    lines, _ = _planted_lines(n_per_group=1)
    one = lines[lines["customer_id"] == 0]
    with pytest.raises(PortraitError, match="at least 3 customers .* found 1"):
        build_portraits(*frames_from_order_lines(one), as_of=AS_OF)


def test_identical_customers_are_a_clear_error():
    row = {"placed_at": AS_OF - timedelta(days=2), "quantity": 1, "unit_price": 10.0, "market": "US", "attributes": ["linen"]}
    lines = pd.DataFrame([{**row, "customer_id": c, "order_id": c} for c in range(4)])
    with pytest.raises(PortraitError, match="identical features"):
        build_portraits(*frames_from_order_lines(lines), as_of=AS_OF)


def test_missing_column_is_named():
    lines, _ = _planted_lines()
    with pytest.raises(PortraitError, match="unit_price"):
        frames_from_order_lines(lines.drop(columns=["unit_price"]))


def test_a_run_on_a_planted_population_records_what_a_database_stores():
    population = planted_population(4_000, seed=9, guest_orders=25)
    previous = build_portraits(population.orders, population.lines, population.product_attributes, as_of=population.as_of)
    result = build_portraits(
        population.orders, population.lines, population.product_attributes, as_of=population.as_of,
        previous_labels=previous.labels,
    )
    members = result.memberships()
    # Guest orders are in the frame but belong to no customer.
    assert len(members) == population.truth.size == 4_000
    assert {"segment", "recency_days", "frequency", "monetary", "market", "channel", "price_band", "r_score",
            "rfm_group", "expected_purchases", "expected_value", "p_alive"} <= set(members.columns)
    assert members["segment"].equals(result.labels)
    metrics = result.metrics()
    json.dumps(metrics)
    assert metrics["clustering"]["k"] == result.k and metrics["customers"] == 4_000
    assert set(metrics["value_model"]) == {"horizon_days", "unit_days", "bgnbd", "gamma_gamma"}
    assert metrics["stability"] == {"adjusted_rand_index": 1.0, "customers_in_both": 4_000}


def test_without_repeat_customers_the_run_goes_on_without_values():
    orders = pd.DataFrame({
        "customer_id": range(12),
        "placed_at": [AS_OF - timedelta(days=3 * i) for i in range(12)],
        "amount": [10.0 * (1 + i % 4) for i in range(12)],
        "market": ["US", "DE"] * 6,
    })
    result = build_portraits(orders, as_of=AS_OF)
    assert result.value is None and "too few customers with repeat purchases" in result.value_error
    assert result.metrics()["value_model"] == {"error": result.value_error}
    assert all("expected_value" not in profile for profile in result.profiles.values())
    assert "expected_value" not in result.memberships().columns


def test_the_per_line_frame_splits_into_orders_lines_and_attributes():
    lines, _ = _planted_lines(n_per_group=2)
    orders, order_lines, attributes = frames_from_order_lines(lines)
    assert len(orders) == lines["order_id"].nunique()
    first = lines[lines["order_id"] == 1]
    assert orders.set_index("order_id").loc[1, "amount"] == pytest.approx((first["quantity"] * first["unit_price"]).sum())
    assert len(order_lines) == len(lines)
    assert set(map(tuple, attributes[["kind", "value"]].to_numpy())) == {
        ("colour", "cream"), ("material", "sherpa"), ("colour", "blue grey"), ("material", "linen"),
        ("category", "blanket"), ("category", "duvet cover"),
    }
    # Without product ids, a product is its category and attributes taken together.
    assert attributes["product_id"].nunique() == 2

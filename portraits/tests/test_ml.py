from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from portraits import ml

AS_OF = datetime(2025, 6, 1, tzinfo=timezone.utc)


def _planted_lines(n_per_group: int = 20) -> tuple[pd.DataFrame, dict[int, str]]:
    """Two groups: cosy buyers of cheap-ish sherpa/cream blankets in US, linen buyers of
    dear duvet covers in DE. Slight variation inside each group."""
    rows, truth = [], {}
    order_id = 0
    for group, (attrs, price, market, category) in enumerate([
        (["sherpa", "cream"], 40.0, "US", "blanket"),
        (["linen", "blue grey"], 120.0, "DE", "duvet cover"),
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
                    "category": category,
                    "currency": "USD",
                })
    return pd.DataFrame(rows), truth


def test_two_planted_groups_are_recovered_and_profiled():
    lines, truth = _planted_lines()

    result = ml.build_portraits(lines, as_of=AS_OF)

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
    assert cosy["name"].startswith("Cosy-winter buyers · US · $")
    assert linen["name"].startswith("Natural-summer buyers · DE · $")
    assert cosy["size"] + linen["size"] == len(truth)


def test_segmentation_is_deterministic():
    lines, _ = _planted_lines()
    first = ml.build_portraits(lines, as_of=AS_OF)
    second = ml.build_portraits(lines.sample(frac=1.0, random_state=3), as_of=AS_OF)
    assert first.labels.tolist() == second.labels.tolist()
    assert first.profiles == second.profiles


def test_features_measure_rfm_and_attribute_shares():
    lines = pd.DataFrame([
        {"customer_id": 1, "placed_at": AS_OF - timedelta(days=10), "order_id": 1, "quantity": 2,
         "unit_price": 30.0, "market": "GB", "attributes": ["boho", "tassel"]},
        {"customer_id": 1, "placed_at": AS_OF - timedelta(days=3), "order_id": 2, "quantity": 1,
         "unit_price": 40.0, "market": "GB", "attributes": ["velvet"]},
    ])
    features = ml.customer_features(lines, as_of=AS_OF)
    row = features.loc[1]
    assert row["recency_days"] == pytest.approx(3.0)
    assert row["frequency"] == 2 and row["monetary"] == pytest.approx(100.0)
    assert row["mean_unit_price"] == pytest.approx(100.0 / 3)
    assert row["attr:boho"] == pytest.approx(0.6) and row["attr:velvet"] == pytest.approx(0.4)
    assert row["market"] == "GB"


def test_no_orders_is_a_clear_error():
    empty = pd.DataFrame(columns=list(ml.LINE_COLUMNS))
    with pytest.raises(ml.PortraitError, match="no order lines"):
        ml.build_portraits(empty, as_of=AS_OF)


def test_single_customer_is_a_clear_error():
    lines, _ = _planted_lines(n_per_group=1)
    one = lines[lines["customer_id"] == 0]
    with pytest.raises(ml.PortraitError, match="at least 3 customers .* found 1"):
        ml.build_portraits(one, as_of=AS_OF)


def test_identical_customers_are_a_clear_error():
    row = {"placed_at": AS_OF - timedelta(days=2), "quantity": 1, "unit_price": 10.0,
           "market": "US", "attributes": ["linen"]}
    lines = pd.DataFrame([{**row, "customer_id": c, "order_id": c} for c in range(4)])
    with pytest.raises(ml.PortraitError, match="identical features"):
        ml.build_portraits(lines, as_of=AS_OF)


def test_missing_column_is_named():
    lines, _ = _planted_lines()
    with pytest.raises(ml.PortraitError, match="unit_price"):
        ml.customer_features(lines.drop(columns=["unit_price"]), as_of=AS_OF)

"""Features per customer: checked against a plain-Python reference over the raw rows, and on hand examples."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portraits.errors import PortraitError
from portraits.features import FEATURE_COLUMNS, customer_features

AS_OF = datetime(2025, 6, 1, 10, 30, tzinfo=timezone.utc)
PRODUCT_ATTRIBUTES = pd.DataFrame(
    [
        (1, "material", "linen"), (1, "colour", "cream"), (1, "category", "throw"),
        (2, "material", "sherpa"), (2, "colour", "cream"), (2, "colour", "white"), (2, "category", "blanket"),
        (2, "colour", "white"),  # listed twice: still counts once
        (3, "category", "blanket"),
        (9, "material", "velvet"),  # never bought
    ],
    columns=["product_id", "kind", "value"],
)

order_rows = st.lists(
    st.fixed_dictionaries({
        "customer_id": st.one_of(st.none(), st.integers(1, 6)),
        "days_before": st.integers(0, 400),
        "seconds_before": st.integers(0, 86_399),
        "amount": st.integers(0, 50_000).map(lambda c: c / 100),
        "refund_share": st.sampled_from([0.0, 0.0, 0.25, 1.0]),
        "returns": st.integers(0, 2),
        "reviews": st.integers(0, 2),
        "market": st.sampled_from(["DE", "GB", "US"]),
        "channel": st.sampled_from([None, "email", "instagram"]),
    }),
    min_size=1, max_size=40,
)
line_rows = st.lists(
    st.fixed_dictionaries({
        "pick": st.integers(0, 10_000),
        "product_id": st.integers(1, 4),
        "quantity": st.integers(1, 3),
        "amount": st.integers(1, 30_000).map(lambda c: c / 100),
    }),
    max_size=40,
)


def _frames(raw_orders, raw_lines, zone):
    orders = pd.DataFrame([
        {
            "customer_id": row["customer_id"],
            "placed_at": AS_OF - timedelta(days=row["days_before"], seconds=row["seconds_before"]),
            "amount": row["amount"],
            "refunded": round(row["amount"] * row["refund_share"], 2),
            "returns": row["returns"],
            "reviews": row["reviews"],
            "market": row["market"],
            "channel": row["channel"],
        }
        for row in raw_orders
    ])
    orders["placed_at"] = pd.to_datetime(orders["placed_at"], utc=True).dt.tz_convert(zone)
    known = sorted({row["customer_id"] for row in raw_orders if row["customer_id"] is not None})
    lines = pd.DataFrame([
        {"customer_id": known[row["pick"] % len(known)], "product_id": row["product_id"],
         "quantity": row["quantity"], "amount": row["amount"]}
        for row in raw_lines
    ] if known else [], columns=["customer_id", "product_id", "quantity", "amount"])
    return orders, lines


def _reference(orders: pd.DataFrame, lines: pd.DataFrame) -> dict:
    """Features computed row by row in plain Python, straight from the definitions."""
    as_of_date = AS_OF.date()
    by_customer = defaultdict(list)
    for row in orders.to_dict("records"):
        if row["customer_id"] is None or pd.isna(row["customer_id"]):
            continue
        by_customer[int(row["customer_id"])].append(row)
    result = {}
    for customer, rows in by_customer.items():
        dates = [row["placed_at"].tz_convert("UTC").date() for row in rows]
        markets = Counter(row["market"] for row in rows)
        top = max(markets.values())
        first_moment = min(row["placed_at"] for row in rows)
        first_channels = sorted(
            row["channel"] for row in rows if row["placed_at"] == first_moment and row["channel"] is not None
        )
        monetary = sum(row["amount"] - row["refunded"] for row in rows)
        result[customer] = {
            "recency_days": (as_of_date - max(dates)).days,
            "tenure_days": (as_of_date - min(dates)).days,
            "frequency": len(rows),
            "monetary": monetary,
            "refunded": sum(row["refunded"] for row in rows),
            "avg_order_value": monetary / len(rows),
            "mean_days_between": (max(dates) - min(dates)).days / (len(rows) - 1) if len(rows) > 1 else None,
            "returns": sum(row["returns"] for row in rows),
            "reviews": sum(row["reviews"] for row in rows),
            "market": min(m for m, c in markets.items() if c == top),
            "channel": first_channels[0] if first_channels else None,
            "items": 0, "lines_amount": 0.0, "shares": defaultdict(float),
        }
    attributes = defaultdict(set)
    for row in PRODUCT_ATTRIBUTES.to_dict("records"):
        attributes[row["product_id"]].add((row["kind"], row["value"]))
    for row in lines.to_dict("records"):
        features = result[int(row["customer_id"])]
        features["items"] += row["quantity"]
        features["lines_amount"] += row["amount"]
        for key in attributes[row["product_id"]]:
            features["shares"][key] += row["amount"]
    for features in result.values():
        spent = features["lines_amount"]
        features["unit_price"] = spent / features["items"] if features["items"] else None
        features["shares"] = {key: value / spent for key, value in features["shares"].items()} if spent else {}
    return result


@settings(max_examples=80, deadline=None)
@given(raw_orders=order_rows, raw_lines=line_rows, zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]))
def test_features_equal_a_row_by_row_reference(raw_orders, raw_lines, zone):
    orders, lines = _frames(raw_orders, raw_lines, zone)
    reference = _reference(orders, lines)
    if not reference:
        with pytest.raises(PortraitError, match="no orders of identified customers"):
            customer_features(orders, lines, PRODUCT_ATTRIBUTES, as_of=AS_OF)
        return

    features = customer_features(orders, lines, PRODUCT_ATTRIBUTES, as_of=AS_OF)

    table = features.table
    assert list(table.columns) == list(FEATURE_COLUMNS)
    assert table.index.tolist() == sorted(reference)
    for customer, expected in reference.items():
        row = table.loc[customer]
        for column in ("recency_days", "tenure_days", "frequency", "returns", "reviews", "items"):
            assert row[column] == expected[column], (customer, column)
        for column in ("monetary", "refunded", "avg_order_value", "lines_amount"):
            assert row[column] == pytest.approx(expected[column], abs=1e-6), (customer, column)
        for column in ("mean_days_between", "unit_price"):
            if expected[column] is None:
                assert np.isnan(row[column]), (customer, column)
            else:
                assert row[column] == pytest.approx(expected[column]), (customer, column)
        assert row["market"] == expected["market"]
        assert (None if pd.isna(row["channel"]) else row["channel"]) == expected["channel"]
        shares = features.shares.loc[customer]
        for key in shares.index:
            assert shares[key] == pytest.approx(expected["shares"].get(key, 0.0), abs=1e-9), (customer, key)
        assert set(expected["shares"]) <= set(shares.index)


def test_recency_counts_calendar_days_in_utc():
    as_of = datetime(2025, 6, 1, 0, 1, tzinfo=timezone.utc)
    orders = pd.DataFrame({
        "customer_id": [1, 2, 3],
        "placed_at": [datetime(2025, 5, 31, 23, 59, tzinfo=timezone.utc), datetime(2025, 6, 1, 0, 0, tzinfo=timezone.utc),
                      datetime(2025, 5, 29, 12, 0, tzinfo=timezone.utc)],
        "amount": [10.0, 10.0, 10.0],
        "market": ["DE", "DE", "DE"],
    })
    table = customer_features(orders, as_of=as_of).table
    # Two minutes apart but on different UTC dates: one day; on the as-of date itself: zero.
    assert table["recency_days"].tolist() == [1, 0, 3]


def test_features_measure_rfm_and_attribute_shares():
    # The example of the former single-module kernel, in the new contract.
    orders = pd.DataFrame({
        "customer_id": [1, 1],
        "placed_at": [AS_OF - timedelta(days=10), AS_OF - timedelta(days=3)],
        "amount": [60.0, 40.0],
        "market": ["GB", "GB"],
    })
    lines = pd.DataFrame({"customer_id": [1, 1], "product_id": ["a", "b"], "quantity": [2, 1], "amount": [60.0, 40.0]})
    attributes = pd.DataFrame({
        "product_id": ["a", "a", "b"], "kind": ["style", "style", "material"], "value": ["boho", "tassel", "velvet"],
    })
    features = customer_features(orders, lines, attributes, as_of=AS_OF)
    row = features.table.loc[1]
    assert row["recency_days"] == 3 and row["tenure_days"] == 10 and row["mean_days_between"] == 7
    assert row["frequency"] == 2 and row["monetary"] == pytest.approx(100.0)
    assert row["unit_price"] == pytest.approx(100.0 / 3)
    shares = features.shares.loc[1]
    assert shares[("style", "boho")] == pytest.approx(0.6) and shares[("material", "velvet")] == pytest.approx(0.4)
    assert row["market"] == "GB"


def test_guest_orders_are_left_out_and_refunds_netted():
    orders = pd.DataFrame({
        "customer_id": [7, None, 7],
        "placed_at": [AS_OF - timedelta(days=5), AS_OF - timedelta(days=1), AS_OF - timedelta(days=2)],
        "amount": [100.0, 999.0, 50.0],
        "refunded": [30.0, 0.0, 0.0],
        "market": ["US", "US", "US"],
    })
    table = customer_features(orders, as_of=AS_OF).table
    assert table.index.tolist() == [7]
    assert table.loc[7, "monetary"] == pytest.approx(120.0) and table.loc[7, "refunded"] == pytest.approx(30.0)
    assert table.loc[7, "recency_days"] == 2


def test_price_bands_split_customers_in_terciles():
    n = 9
    orders = pd.DataFrame({"customer_id": range(n), "placed_at": [AS_OF] * n, "amount": [1.0] * n, "market": ["DE"] * n})
    lines = pd.DataFrame({"customer_id": range(n), "product_id": [1] * n, "quantity": [1] * n,
                          "amount": [float(p) for p in (5, 10, 15, 20, 25, 30, 35, 40, 45)]})
    features = customer_features(orders, lines, as_of=AS_OF)
    assert features.table["price_band"].tolist() == ["low"] * 3 + ["mid"] * 3 + ["high"] * 3
    assert features.price_edges == pytest.approx((18.333333, 31.666667))


def test_same_rows_in_another_order_give_the_same_features():
    orders = pd.DataFrame({
        "customer_id": [3, 1, 3, 2, 1], "placed_at": [AS_OF - timedelta(days=d) for d in (1, 2, 3, 4, 5)],
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0], "market": ["US", "GB", "GB", "DE", "GB"],
        "channel": ["email", None, "instagram", "email", "email"],
    })
    first = customer_features(orders, as_of=AS_OF).table
    second = customer_features(orders.sample(frac=1.0, random_state=2), as_of=AS_OF).table
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    ("orders", "lines", "message"),
    [
        (pd.DataFrame({"customer_id": [1], "placed_at": [AS_OF], "market": ["US"]}), None, "lack column.*amount"),
        (pd.DataFrame({"customer_id": [1], "placed_at": [AS_OF], "amount": ["ten"], "market": ["US"]}), None,
         "'amount' holds a value that is not a number"),
        (pd.DataFrame({"customer_id": [1], "placed_at": ["yesterday"], "amount": [1.0], "market": ["US"]}), None,
         "'placed_at' holds a value that is not a date"),
        (pd.DataFrame({"customer_id": [1], "placed_at": [AS_OF + timedelta(hours=1)], "amount": [1.0], "market": ["US"]}),
         None, "after the 'as of' date"),
        (pd.DataFrame({"customer_id": [None], "placed_at": [AS_OF], "amount": [1.0], "market": ["US"]}), None,
         "no orders of identified customers"),
        (pd.DataFrame({"customer_id": [1], "placed_at": [AS_OF], "amount": [1.0], "refunded": [-1.0], "market": ["US"]}),
         None, "'refunded' is negative"),
        (pd.DataFrame({"customer_id": [1], "placed_at": [AS_OF], "amount": [1.0], "market": ["US"]}),
         pd.DataFrame({"customer_id": [2], "product_id": [1], "quantity": [1], "amount": [1.0]}),
         "order lines: 1 row.*customers with no order.*customer_id 2"),
        (pd.DataFrame({"customer_id": [1], "placed_at": [AS_OF], "amount": [1.0], "market": ["US"]}),
         pd.DataFrame({"customer_id": [1], "product_id": [1], "quantity": [0], "amount": [1.0]}),
         "'quantity' is not positive"),
        (pd.DataFrame({"customer_id": [1], "placed_at": [AS_OF], "amount": [1.0], "market": ["US"]}),
         pd.DataFrame({"customer_id": [1], "product_id": [1], "amount": [1.0]}), "order lines lack column.*quantity"),
    ],
)
def test_bad_input_is_a_clear_error(orders, lines, message):
    with pytest.raises(PortraitError, match=message):
        customer_features(orders, lines, as_of=AS_OF)

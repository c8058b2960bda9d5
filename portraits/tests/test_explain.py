"""A run's parameters and a segment's profile read as labelled figures, never as raw keys."""

from portraits.explain import run_parameters, segment_profile_facts


def test_run_parameters_in_words():
    rows = dict(run_parameters({
        "k_range": [2, 8], "k": 6, "silhouette": {"6": 0.2447}, "customers": 240, "as_of": "2026-11-30T23:30:40+00:00",
        "clustering": {"algorithm": "KMeans", "sample_size": 240}, "price_edges": [29.85, 55.13],
        "value_model": {"horizon_days": 365, "gamma_gamma": {"customers": 93}}, "min_support": 0.1,
    }))
    assert rows["Segments"].startswith("6, the number that separates customers best among 2 to 8 (silhouette 0.24")
    assert rows["As of"].startswith("2026-11-30")
    assert rows["Price bands"] == "low under 29.85, high above 55.13 (mean unit price paid)"


def test_segment_profile_in_words():
    rows = dict(segment_profile_facts({
        "size": 65, "customer_share": 0.271, "revenue": 13538.2, "revenue_share": 0.443, "currency": "USD",
        "rfm": {"recency_days": 71, "frequency": 1.77, "monetary": 208, "avg_order_value": 124, "repeat_share": 0.46},
        "rfm_groups": {"Hibernating": 0.31, "Loyal": 0.23, "New": 0.1, "At risk": 0.1},
        "markets": {"US": 0.5, "GB": 0.34, "DE": 0.15},
        "top_attributes": [{"name": "chunky knit", "kind": "material", "share": 0.93, "lift": 2.12}],
        "price_band": [59.9, 70], "price_level": "high", "expected_value": {"horizon_days": 365, "value": 203, "purchases": 2.38},
    }))
    assert rows["Customers"] == "65 (27% of all)"
    assert rows["Last order"] == "71 days ago on average"
    assert rows["Bought for"] == "chunky knit (93% of them, ×2.1 the average)"
    assert rows["Markets"] == "US 50%, GB 34%, DE 15%"
    assert rows["Expected value"] == "203 USD per customer over 365 days (2.4 purchases)"

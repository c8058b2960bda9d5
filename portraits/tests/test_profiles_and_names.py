"""Segment profiles (plain, labelled, JSON-able) and the names a merchandiser reads."""

import copy
import json
import re

import numpy as np
import pandas as pd
import pytest

from portraits.naming import FALLBACK_NAME, segment_names
from portraits.pipeline import build_portraits

from .population import PLANTED, planted_population

# What each planted segment's name must say: its recency and frequency where they set it apart, one of
# its taste attributes, and its market.
PLANTED_WORDS = {
    "recent repeat linen DE": [r"^Recent (repeat|frequent) ", r"linen|blue grey|waffle|scandi", r" · DE\b"],
    "lapsed one-time sherpa US": [r"^Lapsed one-time ", r"sherpa|cream|plaid|classic", r" · US\b"],
    "boho GB": [r"velvet|terracotta|floral|boho", r" · GB\b"],
    "recent bamboo FR": [r"^Recent ", r"bamboo|sage green|stripe|minimal", r" · FR\b"],
    "lapsed frequent kids NL": [r"^Lapsed (repeat|frequent) ", r"cotton|white|plain|kids", r" · NL\b"],
}


@pytest.fixture(scope="module")
def planted():
    population = planted_population(6_000, seed=21)
    result = build_portraits(
        population.orders, population.lines, population.product_attributes, as_of=population.as_of, currency="EUR"
    )
    return population, result


def test_names_are_unique_and_say_what_sets_each_planted_segment_apart(planted):
    population, result = planted
    names = [profile["name"] for profile in result.profiles.values()]
    assert len(set(names)) == len(names) == len(PLANTED)
    assert not any(re.search(r"\(\d+\)", name) for name in names)
    majority = pd.crosstab(result.labels, population.truth.reindex(result.labels.index)).idxmax(axis=1)
    for label, planted_index in majority.items():
        name = result.profiles[label]["name"]
        for pattern in PLANTED_WORDS[PLANTED[planted_index].key]:
            assert re.search(pattern, name), (PLANTED[planted_index].key, name, pattern)
        assert result.profiles[label]["traits"][0]["text"] in name.lower()


def test_profiles_are_plain_labelled_and_add_up(planted):
    _, result = planted
    profiles, overall = result.profiles, result.overall
    json.dumps({"profiles": profiles, "overall": overall})
    assert sum(p["size"] for p in profiles.values()) == overall["size"] == len(result.labels)
    assert sum(p["revenue_share"] for p in profiles.values()) == pytest.approx(1.0, abs=1e-3)
    assert overall["revenue"] == pytest.approx(result.features.table["monetary"].sum(), rel=1e-6)
    for profile in profiles.values():
        for field in ("markets", "acquisition_channels", "rfm_groups"):
            assert sum(profile[field].values()) == pytest.approx(1.0, abs=2e-3), field
            assert list(profile[field].values()) == sorted(profile[field].values(), reverse=True)
        assert set(profile["rfm"]) == {"recency_days", "frequency", "monetary", "avg_order_value", "mean_unit_price",
                                       "repeat_share", "r_score", "f_score", "m_score"}
        for attribute in profile["top_attributes"]:
            assert set(attribute) == {"name", "kind", "share", "overall_share", "lift"}
            assert attribute["kind"] in ("material", "colour", "pattern", "style")
            assert attribute["lift"] == pytest.approx(attribute["share"] / attribute["overall_share"], rel=1e-3)
            assert attribute["share"] >= 0.10 and attribute["lift"] > 1
        low, high = profile["price_band"]
        assert low <= profile["price_median"] <= high
        assert profile["price_level"] in ("low", "mid", "high")
        basket = profile["typical_basket"]
        assert basket["main_category"] == profile["main_category"] == next(iter(basket["categories"]))
        assert basket["items_per_order"] >= 1 and basket["order_value"] > 0
        assert set(profile["expected_value"]) == {"horizon_days", "purchases", "value", "total_value", "p_alive"}
        assert profile["currency"] == "EUR"
    # The segment's customers are who the profile says: its size and its main market share.
    label = 0
    members = result.features.table[result.labels == label]
    assert profiles[label]["size"] == len(members)
    top_market, share = next(iter(profiles[label]["markets"].items()))
    assert share == pytest.approx((members["market"] == top_market).mean(), abs=1e-4)


def _profile(**changes):
    base = {
        "size": 100, "currency": "USD", "price_band": [40.0, 60.0], "price_median": 50.0, "main_category": "throw",
        "rfm": {"recency_days": 60.0, "frequency": 1.5, "monetary": 90.0, "repeat_share": 0.3},
        "markets": {"DE": 0.9, "US": 0.1},
        "top_attributes": [{"name": "linen", "kind": "material", "share": 0.8, "overall_share": 0.4, "lift": 2.0}],
        "typical_basket": {"categories": {"throw": 1.0}},
        "acquisition_channels": {"email": 1.0},
    }
    profile = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(profile.get(key), dict):
            profile[key].update(value)
        else:
            profile[key] = value
    return profile


OVERALL = _profile(size=300, markets={"DE": 0.4, "US": 0.4, "GB": 0.2}, top_attributes=[],
                   acquisition_channels={"email": 0.5, "instagram": 0.5})


def test_colliding_names_grow_by_their_next_distinguishing_trait():
    profiles = {
        0: _profile(top_attributes=[
            {"name": "linen", "kind": "material", "share": 0.8, "overall_share": 0.4, "lift": 2.0},
            {"name": "cream", "kind": "colour", "share": 0.26, "overall_share": 0.2, "lift": 1.3},
        ]),
        1: _profile(price_median=54.0, price_band=[45.0, 65.0], top_attributes=[
            {"name": "linen", "kind": "material", "share": 0.8, "overall_share": 0.4, "lift": 2.0},
            {"name": "sage green", "kind": "colour", "share": 0.25, "overall_share": 0.2, "lift": 1.25},
        ]),
    }
    names = segment_names(profiles, OVERALL)
    # Both are "Buyers of linen · DE" at first. Both came by email more than all customers do, which tells
    # them no further apart; each adds its own second colour instead.
    assert names[0]["name"] == "Buyers of linen & cream · DE"
    assert names[1]["name"] == "Buyers of linen & sage green · DE"
    assert [t["trait"] for t in names[0]["traits"]] == ["taste", "market", "attribute"]


def test_names_of_identical_looking_segments_end_with_their_figures_not_a_number():
    profiles = {0: _profile(size=120), 1: _profile(size=80)}
    names = segment_names(profiles, OVERALL)
    assert names[0]["name"] != names[1]["name"]
    assert names[0]["name"].endswith("120 customers") and names[1]["name"].endswith("80 customers")
    assert not any(re.search(r"\(\d+\)", n["name"]) for n in names.values())


def test_words_every_segment_shares_are_left_out_and_a_plain_segment_is_mainstream():
    one_time = {"repeat_share": 0.05}
    profiles = {
        0: _profile(rfm={**_profile()["rfm"], **one_time, "recency_days": 10.0}),
        1: _profile(rfm={**_profile()["rfm"], **one_time, "recency_days": 300.0}, markets={"US": 0.9, "DE": 0.1},
                    top_attributes=[]),
    }
    overall = _profile(rfm={**_profile()["rfm"], "repeat_share": 0.3}, markets={"DE": 0.5, "US": 0.5}, top_attributes=[])
    names = segment_names(profiles, overall)
    # Both are one-time buyers: the word says nothing between them and is left out.
    assert names[0]["name"] == "Recent buyers of linen · DE"
    assert names[1]["name"] == "Lapsed buyers · US"
    plain = segment_names({0: _profile(markets=dict(OVERALL["markets"]), top_attributes=[])}, OVERALL)
    assert plain[0]["name"] == FALLBACK_NAME


def test_themes_name_the_taste_when_they_cover_it():
    profiles = {0: _profile(top_attributes=[
        {"name": "sherpa", "kind": "material", "share": 0.9, "overall_share": 0.3, "lift": 3.0},
        {"name": "cream", "kind": "colour", "share": 0.8, "overall_share": 0.3, "lift": 2.7},
    ]), 1: _profile(markets={"US": 0.9, "DE": 0.1}, top_attributes=[])}
    names = segment_names(profiles, OVERALL, themes={"Cosy-winter": {"sherpa", "cream", "plaid"}})
    assert names[0]["name"] == "Cosy-winter buyers · DE"


def test_prices_are_shown_in_the_base_currency():
    profiles = {0: _profile(price_median=120.0, price_band=[110.0, 130.0]), 1: _profile(markets={"US": 0.9})}
    assert segment_names(profiles, OVERALL)[0]["name"] == "Buyers of linen · DE · $110–130"
    sek = {0: _profile(currency="SEK", price_median=120.0, price_band=[110.0, 130.0]), 1: _profile(markets={"US": 0.9})}
    assert segment_names(sek, OVERALL)[0]["name"].endswith("110–130 SEK")
    cheap = {0: _profile(price_median=2.0, price_band=[1.25, 3.5]), 1: _profile(markets={"US": 0.9})}
    assert segment_names(cheap, OVERALL)[0]["name"].endswith("$1.25–3.50")


def test_expected_value_per_segment_adds_up_to_the_customers(planted):
    _, result = planted
    total = sum(p["expected_value"]["total_value"] for p in result.profiles.values())
    assert total == pytest.approx(result.value.table["expected_value"].sum(), rel=1e-4)
    assert np.isfinite(total) and total > 0

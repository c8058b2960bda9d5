"""RFM quintile scores and named groups (R against the mean of F and M), checked on examples worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from portraits.errors import PortraitError
from portraits.rfm import GROUP_TABLE, GROUPS, group_of, quintile_scores, rfm_scores


def _features(rows):
    return pd.DataFrame(rows, columns=["customer_id", "recency_days", "frequency", "monetary"]).set_index("customer_id")


def test_ten_customers_worked_by_hand():
    features = _features([
        (1, 2, 8, 900.0),
        (2, 5, 5, 400.0),
        (3, 5, 3, 250.0),
        (4, 12, 2, 120.0),
        (5, 30, 2, 300.0),
        (6, 45, 1, 60.0),
        (7, 60, 1, 80.0),
        (8, 90, 4, 700.0),
        (9, 200, 1, 40.0),
        (10, 365, 1, 20.0),
    ])
    scores = rfm_scores(features)
    # n = 10, so a score is 1 + floor(5 w / 10) = 1 + floor(w / 2), w = customers strictly worse.
    # R (worse = longer recency): 2 days -> w 9 -> 5; 5 days (twice) -> w 7 -> 4 both; 12 -> w 6 -> 4;
    #   30 -> w 5 -> 3; 45 -> w 4 -> 3; 60 -> w 3 -> 2; 90 -> w 2 -> 2; 200 -> w 1 -> 1; 365 -> w 0 -> 1.
    assert scores["r_score"].tolist() == [5, 4, 4, 4, 3, 3, 2, 2, 1, 1]
    # F (worse = fewer orders; sorted 1 1 1 1 2 2 3 4 5 8): 8 -> w 9 -> 5; 5 -> w 8 -> 5; 3 -> w 6 -> 4;
    #   2 -> w 4 -> 3 (both); 1 -> w 0 -> 1 (all four); 4 -> w 7 -> 4.
    assert scores["f_score"].tolist() == [5, 5, 4, 3, 3, 1, 1, 4, 1, 1]
    # M (sorted 20 40 60 80 120 250 300 400 700 900): 900 -> w 9 -> 5; 400 -> 7 -> 4; 250 -> 5 -> 3;
    #   120 -> 4 -> 3; 300 -> 6 -> 4; 60 -> 2 -> 2; 80 -> 3 -> 2; 700 -> 8 -> 5; 40 -> 1 -> 1; 20 -> 0 -> 1.
    assert scores["m_score"].tolist() == [5, 4, 3, 3, 4, 2, 2, 5, 1, 1]
    assert scores["rfm_cell"].tolist() == ["555", "454", "443", "433", "334", "312", "212", "245", "111", "111"]
    # Groups by R and FM = (F + M) / 2: 555 FM 5 and 454 FM 4.5 with R >= 4: Champions; 443 (FM 3.5), 433 (3)
    # and 334 (3.5): Loyal; 312 (1.5) with R 3: About to sleep; 212 (1.5) with R 2: Hibernating;
    # 245 (4.5) with R 2: At risk; 111 twice: Lost.
    assert scores["rfm_group"].tolist() == [
        "Champions", "Champions", "Loyal", "Loyal", "Loyal", "About to sleep",
        "Hibernating", "At risk", "Lost", "Lost",
    ]


def test_five_customers_worked_by_hand_reach_the_other_groups():
    features = _features([
        ("A", 1, 1, 10.0),
        ("B", 3, 1, 20.0),
        ("C", 100, 6, 500.0),
        ("D", 80, 2, 50.0),
        ("E", 50, 3, 90.0),
    ])
    scores = rfm_scores(features)
    # n = 5: a score is 1 + w. R: A (1 day) w 4 -> 5; B w 3 -> 4; E (50) w 2 -> 3; D (80) w 1 -> 2; C (100) w 0 -> 1.
    assert scores["r_score"].tolist() == [5, 4, 1, 2, 3]
    # F: A and B (1 order) w 0 -> 1; C (6) w 4 -> 5; D (2) w 2 -> 3; E (3) w 3 -> 4.
    assert scores["f_score"].tolist() == [1, 1, 5, 3, 4]
    assert scores["m_score"].tolist() == [1, 2, 5, 3, 4]
    # 511 (FM 1) New, 412 (FM 1.5) Promising, 155 (FM 5, R 1) Can't lose, 233 (FM 3, R 2) At risk,
    # 344 (FM 4, R 3) Loyal.
    assert scores["rfm_group"].tolist() == ["New", "Promising", "Can't lose", "At risk", "Loyal"]
    assert scores["rfm_cell"].tolist() == ["511", "412", "155", "233", "344"]


def test_equal_values_score_alike_whatever_the_order():
    values = np.array([3, 1, 1, 1, 1, 1, 2, 2, 5, 1, 1, 7])
    scores = quintile_scores(values)
    for value in np.unique(values):
        assert len(set(scores[values == value].tolist())) == 1
    shuffled = np.random.default_rng(4).permutation(len(values))
    assert quintile_scores(values[shuffled]).tolist() == scores[shuffled].tolist()
    # Seven of twelve customers have one order: all score 1, and the next value jumps to 1 + floor(5*7/12) = 3.
    assert scores[values == 1].tolist() == [1] * 7 and scores[values == 2][0] == 3


def test_distinct_values_fill_each_quintile_equally():
    scores = quintile_scores(np.arange(100.0))
    assert np.bincount(scores)[1:].tolist() == [20, 20, 20, 20, 20]
    assert quintile_scores(np.arange(100.0), higher_is_better=False)[0] == 5


def test_the_remaining_groups_worked_by_hand():
    features = _features([
        ("P", 2, 2, 60.0),
        ("Q", 20, 2, 50.0),
        ("R", 300, 3, 40.0),
        ("S", 400, 1, 10.0),
        ("T", 30, 1, 100.0),
    ])
    scores = rfm_scores(features)
    # n = 5. R: P (2 days) 5, Q (20) 4, T (30) 3, R (300) 2, S (400) 1.
    # F: S and T (1 order) 1; P and Q (2) w 2 -> 3; R (3) w 4 -> 5.  M: S 1, R 2, Q 3, P 4, T 5.
    assert scores["rfm_cell"].tolist() == ["534", "433", "252", "111", "315"]
    # 534 FM 3.5 R 5: Loyal; 433 FM 3 R 4: Loyal; 252 FM 3.5 R 2: At risk; 111: Lost; 315 FM 3 R 3: Loyal.
    assert scores["rfm_group"].tolist() == ["Loyal", "Loyal", "At risk", "Lost", "Loyal"]
    # The groups no population above reached, from their scores: FM 2 and 2.5 and the low corner.
    assert group_of(5, 2, 2) == group_of(4, 3, 2) == "Potential loyalists"
    assert group_of(3, 2, 3) == "Need attention"
    assert group_of(1, 2, 2) == group_of(2, 1, 3) == "Hibernating"
    assert group_of(1, 1, 2) == "Lost"


def test_the_table_is_the_documented_grid_and_uses_every_group():
    fm = ["1-1.5", "2-2.5", "3-3.5", "4-5"]
    grid = {
        5: ["New", "Potential loyalists", "Loyal", "Champions"],
        4: ["Promising", "Potential loyalists", "Loyal", "Champions"],
        3: ["About to sleep", "Need attention", "Loyal", "Loyal"],
        2: ["Hibernating", "Hibernating", "At risk", "At risk"],
        1: ["Lost", "Hibernating", "At risk", "Can't lose"],
    }
    band_of_sum = {2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 2, 8: 3, 9: 3, 10: 3}
    for r in range(1, 6):
        for fm_sum in range(2, 11):
            assert GROUP_TABLE[r - 1][fm_sum - 2] == grid[r][band_of_sum[fm_sum]], (r, fm[band_of_sum[fm_sum]])
    assert {group for row in GROUP_TABLE for group in row} == set(GROUPS) and len(GROUPS) == 11


def test_missing_values_and_columns_are_clear_errors():
    with pytest.raises(PortraitError, match="monetary"):
        rfm_scores(pd.DataFrame({"recency_days": [1], "frequency": [1]}))
    with pytest.raises(PortraitError, match="empty"):
        quintile_scores([1.0, np.nan])

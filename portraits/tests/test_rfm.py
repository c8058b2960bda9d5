"""RFM quintile scores and R×F groups, checked on examples worked out by hand."""

import re

import numpy as np
import pandas as pd
import pytest

from portraits.errors import PortraitError
from portraits.rfm import GROUPS, RF_GRID, quintile_scores, rfm_scores


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
    # Groups from the R×F grid: (5,5) Champions; (4,5) and (4,4) Loyal; (4,3) Potential loyalists;
    # (3,3) Need attention; (3,1) About to sleep; (2,1) Hibernating; (2,4) At risk; (1,1) Hibernating.
    assert scores["rfm_group"].tolist() == [
        "Champions", "Loyal", "Loyal", "Potential loyalists", "Need attention", "About to sleep",
        "Hibernating", "At risk", "Hibernating", "Hibernating",
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
    # (5,1) New, (4,1) Promising, (1,5) Can't lose, (2,3) At risk, (3,4) Loyal.
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


def test_the_grid_is_the_published_ten_segment_map():
    # The regular-expression form of the map, read as (recency score, frequency score).
    published = {
        r"[1-2][1-2]": "Hibernating", r"[1-2][3-4]": "At risk", r"[1-2]5": "Can't lose",
        r"3[1-2]": "About to sleep", r"33": "Need attention", r"[3-4][4-5]": "Loyal", r"41": "Promising",
        r"51": "New", r"[4-5][2-3]": "Potential loyalists", r"5[4-5]": "Champions",
    }
    for r in range(1, 6):
        for f in range(1, 6):
            matches = [group for pattern, group in published.items() if re.fullmatch(pattern, f"{r}{f}")]
            assert matches == [RF_GRID[r - 1][f - 1]], (r, f)
    assert {group for row in RF_GRID for group in row} == set(GROUPS)


def test_missing_values_and_columns_are_clear_errors():
    with pytest.raises(PortraitError, match="monetary"):
        rfm_scores(pd.DataFrame({"recency_days": [1], "frequency": [1]}))
    with pytest.raises(PortraitError, match="empty"):
        quintile_scores([1.0, np.nan])

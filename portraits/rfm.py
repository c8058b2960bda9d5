"""RFM scores by quintile and the usual named groups.

Pure numpy / pandas. Input: the ``recency_days``, ``frequency`` and
``monetary`` columns of :func:`portraits.features.customer_features` (any
frame with those columns, indexed by customer). Output: one row per customer
with ``r_score``, ``f_score``, ``m_score`` (1..5), ``rfm_cell`` ("545") and
``rfm_group``.

Quintile scores, ties kept together
-----------------------------------
A customer's score is ``1 + floor(5 * w / n)``, where ``n`` is the number of
customers and ``w`` the number of customers *strictly worse* on that measure
(longer recency; fewer orders; less money). Customers with equal values get
the same score whatever their id or row order, so the result is
deterministic; each score holds about a fifth of the customers when values
are distinct, and when many customers tie (most shops have a majority of
one-order customers) the tied block takes the score of its lowest position
and some scores stay empty (e.g. frequency scores 1, 4, 5 only).

Named groups: the R×F grid
--------------------------
The group comes from the recency and frequency scores alone, by the 5×5 R×F
grid that RFM practice has used for years (the ten-segment map reproduced in
most RFM tutorials and notebooks as the regular-expression table
``[1-2][1-2]`` hibernating, ``[1-2][3-4]`` at risk, ``[1-2]5`` can't lose,
``3[1-2]`` about to sleep, ``33`` need attention, ``[3-4][4-5]`` loyal,
``41`` promising, ``51`` new, ``[4-5][2-3]`` potential loyalists,
``5[4-5]`` champions)::

            F=1              F=2                  F=3                  F=4         F=5
    R=5     New              Potential loyalists  Potential loyalists  Champions   Champions
    R=4     Promising        Potential loyalists  Potential loyalists  Loyal       Loyal
    R=3     About to sleep   About to sleep       Need attention       Loyal       Loyal
    R=2     Hibernating      Hibernating          At risk              At risk     Can't lose
    R=1     Hibernating      Hibernating          At risk              At risk     Can't lose

The published grid has no separate "Lost" cell: the customers longest gone
with one or two orders are its "Hibernating" corner.
"""

import numpy as np
import pandas as pd

from .errors import PortraitError

RFM_COLUMNS = ("recency_days", "frequency", "monetary")
SCORE_COLUMNS = ("r_score", "f_score", "m_score")

GROUPS = (
    "Champions", "Loyal", "Potential loyalists", "New", "Promising", "Need attention",
    "About to sleep", "At risk", "Can't lose", "Hibernating",
)

# RF_GRID[r - 1][f - 1]: the group of recency score r and frequency score f.
RF_GRID = (
    ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose"),
    ("Hibernating", "Hibernating", "At risk", "At risk", "Can't lose"),
    ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    ("Promising", "Potential loyalists", "Potential loyalists", "Loyal", "Loyal"),
    ("New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"),
)


_CELLS = np.array([f"{r}{f}{m}" for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)], dtype=object)


def quintile_scores(values, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1..5: ``1 + floor(5 * (customers strictly worse) / n)``; equal values score alike."""
    values = np.asarray(values, dtype=float)
    if np.isnan(values).any():
        raise PortraitError("RFM scores need a value for every customer; some are empty")
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    # Looking the sorted values up in themselves is a cache-friendly pass; the counts go back by `order`.
    if higher_is_better:
        below = np.searchsorted(ordered, ordered, side="left")
    else:
        below = n - np.searchsorted(ordered, ordered, side="right")
    worse = np.empty(n, dtype=np.int64)
    worse[order] = below
    return (1 + (5 * worse) // n).astype(np.int8)


_GRID_CODES = np.array([[GROUPS.index(group) for group in row] for row in RF_GRID])


def rf_group(r_score, f_score) -> pd.Categorical:
    """The R×F grid group of each (recency score, frequency score) pair."""
    codes = _GRID_CODES[np.asarray(r_score, dtype=int) - 1, np.asarray(f_score, dtype=int) - 1]
    return pd.Categorical.from_codes(codes, categories=list(GROUPS))


def rfm_scores(features: pd.DataFrame) -> pd.DataFrame:
    """Quintile scores, their cell ("545") and the R×F group of every customer in ``features``."""
    missing = [c for c in RFM_COLUMNS if c not in features.columns]
    if missing:
        raise PortraitError(f"RFM scores need column(s): {', '.join(missing)}")
    r = quintile_scores(features["recency_days"].to_numpy(), higher_is_better=False)
    f = quintile_scores(features["frequency"].to_numpy())
    m = quintile_scores(features["monetary"].to_numpy())
    cell = _CELLS[(r.astype(np.int64) - 1) * 25 + (f - 1) * 5 + (m - 1)]
    return pd.DataFrame(
        {
            "r_score": r,
            "f_score": f,
            "m_score": m,
            "rfm_cell": cell,
            "rfm_group": rf_group(r, f),
        },
        index=features.index,
    )

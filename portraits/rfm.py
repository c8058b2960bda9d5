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

Named groups: recency against frequency-and-money
-------------------------------------------------
The group comes from the recency score R and the mean of the frequency and
monetary scores, FM = (F + M) / 2 (1, 1.5, ... 5), by the eleven-segment table
Putler publishes for RFM analysis (R and FM ranges: Champions 4–5 / 4–5, Loyal
2–5 / 3–5, Potential loyalists 3–5 / 1–3, New 4–5 / 0–1, Promising 3–4 / 0–1,
Need attention 2–3 / 2–3, About to sleep 2–3 / 0–2, At risk 0–2 / 2–5, Can't
lose 0–1 / 4–5, Hibernating 1–2 / 1–2, Lost 0–2 / 0–2). Its ranges share their
borders, so they are resolved here, in this order of precedence (the first
rule that holds wins)::

    1 Champions            R >= 4 and FM >= 4
    2 Can't lose           R  = 1 and FM >= 4
    3 At risk              R <= 2 and FM >= 3
    4 Loyal                R >= 3 and FM >= 3
    5 Potential loyalists  R >= 4 and FM >= 2
    6 Need attention       R  = 3 and FM >= 2
    7 New                  R  = 5              (FM < 2: one order, little money)
    8 Promising            R  = 4
    9 About to sleep       R  = 3
   10 Hibernating          R  = 2, or R = 1 and FM >= 2
   11 Lost                 R  = 1              (FM < 2)

which gives this grid (rows R, columns FM)::

            FM 1–1.5         FM 2–2.5             FM 3–3.5     FM 4–5
    R=5     New              Potential loyalists  Loyal        Champions
    R=4     Promising        Potential loyalists  Loyal        Champions
    R=3     About to sleep   Need attention       Loyal        Loyal
    R=2     Hibernating      Hibernating          At risk      At risk
    R=1     Lost             Hibernating          At risk      Can't lose

Where the published ranges overlap, the border goes to the group that asks
for action sooner: R=2 with FM >= 3 is "At risk" rather than "Loyal"; the
long-gone customers with little history are "Lost", those with a bit more
"Hibernating".
"""

import numpy as np
import pandas as pd

from .errors import PortraitError

RFM_COLUMNS = ("recency_days", "frequency", "monetary")
SCORE_COLUMNS = ("r_score", "f_score", "m_score")

GROUPS = (
    "Champions", "Loyal", "Potential loyalists", "New", "Promising", "Need attention",
    "About to sleep", "At risk", "Can't lose", "Hibernating", "Lost",
)

# The rules of the module docstring, in their order: (group, lowest R, highest R, lowest F + M).
RULES = (
    ("Champions", 4, 5, 8),
    ("Can't lose", 1, 1, 8),
    ("At risk", 1, 2, 6),
    ("Loyal", 3, 5, 6),
    ("Potential loyalists", 4, 5, 4),
    ("Need attention", 3, 3, 4),
    ("New", 5, 5, 2),
    ("Promising", 4, 4, 2),
    ("About to sleep", 3, 3, 2),
    ("Hibernating", 2, 2, 2),
    ("Hibernating", 1, 1, 4),
    ("Lost", 1, 1, 2),
)


def group_of(r: int, f: int, m: int) -> str:
    """The named group of one customer's scores, by the rules in their order."""
    for group, r_low, r_high, fm_sum in RULES:
        if r_low <= r <= r_high and f + m >= fm_sum:
            return group
    raise PortraitError(f"scores out of range: R={r} F={f} M={m}")


# GROUP_TABLE[r - 1][f + m - 2]: the group of every score combination, worked out once.
GROUP_TABLE = tuple(tuple(group_of(r, fm, 0) for fm in range(2, 11)) for r in range(1, 6))


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


_TABLE_CODES = np.array([[GROUPS.index(group) for group in row] for row in GROUP_TABLE])


def rfm_group(r_score, f_score, m_score) -> pd.Categorical:
    """The named group of each customer's (R, F, M) scores (see the module docstring)."""
    fm_sum = np.asarray(f_score, dtype=int) + np.asarray(m_score, dtype=int)
    codes = _TABLE_CODES[np.asarray(r_score, dtype=int) - 1, fm_sum - 2]
    return pd.Categorical.from_codes(codes, categories=list(GROUPS))


def rfm_scores(features: pd.DataFrame) -> pd.DataFrame:
    """Quintile scores, their cell ("545") and the named group of every customer in ``features``."""
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
            "rfm_group": rfm_group(r, f, m),
        },
        index=features.index,
    )

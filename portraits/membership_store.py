"""Storing a run's memberships set-wise: one frame built by column operations, then a binary COPY
(PostgreSQL, :mod:`core.pgcopy`) or ``executemany`` in large batches (SQLite). No Python loop over customers."""

import numpy as np
import pandas as pd
from django.db import connection

from core.pgcopy import column_types, copy_frame

from .features import TASTE_KINDS
from .models import SegmentMembership
from .pipeline import Portraits

COLUMNS = (
    "run_id", "segment_id", "customer_id", "recency_days", "tenure_days", "frequency", "monetary", "avg_order_value",
    "days_between", "returns", "reviews", "market", "channel", "unit_price", "price_band", "r_score", "f_score",
    "m_score", "rfm_group", "expected_purchases", "expected_value", "p_alive", "top_attributes",
)
TOP_ATTRIBUTES = 3
SQLITE_BATCH = 20_000


def _text(values, width: int) -> pd.Series:
    """Text cut to ``width``, empty for a missing value; a categorical column is cut once per category."""
    series = pd.Series(values, copy=False)
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories.astype(str).str.slice(0, width)
        return pd.Series(np.append(categories.to_numpy(dtype=object), "")[series.cat.codes.to_numpy()], dtype=object)
    series = series.astype(object).where(series.notna(), "").astype(str)
    return series.str.slice(0, width)


def top_attributes(result: Portraits, n: int = TOP_ATTRIBUTES) -> pd.Series:
    """Each customer's ``n`` largest taste shares as "linen, cream" (largest first).

    Column operations: the top columns of each row are combined into one number, and only the
    distinct combinations (a few hundred at most) are written out as text.
    """
    taste = result.features.taste(TASTE_KINDS)
    rows = len(result.features.table)
    if taste.shape[1] == 0:
        return pd.Series([""] * rows, index=result.features.table.index)
    shares = taste.to_numpy(dtype=float)
    names = [str(value) for _, value in taste.columns]
    width = len(names) + 1
    take = min(n, shares.shape[1])
    order = np.argsort(-shares, axis=1, kind="stable")[:, :take]
    picked = np.where(np.take_along_axis(shares, order, axis=1) > 0, order, -1)
    keys = np.zeros(rows, dtype=np.int64)
    for i in range(take):
        keys = keys * width + (picked[:, i] + 1)
    codes, combinations = pd.factorize(keys)
    texts = []
    for key in combinations.tolist():
        parts = []
        for _ in range(take):
            key, code = divmod(key, width)
            parts.append(code)
        texts.append(", ".join(names[c - 1] for c in reversed(parts) if c > 0)[:200])
    return pd.Series(np.array(texts, dtype=object)[codes], index=taste.index)


def membership_frame(*, run_id: int, result: Portraits, segment_ids: dict[int, int]) -> pd.DataFrame:
    """One row per customer in the column order of :data:`COLUMNS`."""
    frame = result.memberships()
    labels = frame["segment"].to_numpy(dtype=np.int64)
    lookup = np.zeros(max(segment_ids) + 1, dtype=np.int64)
    lookup[list(segment_ids)] = list(segment_ids.values())
    n = len(frame)

    def optional(column):
        return frame[column].to_numpy(dtype=float) if column in frame.columns else np.full(n, np.nan)

    out = pd.DataFrame({
        "run_id": np.full(n, run_id, dtype=np.int64),
        "segment_id": lookup[labels],
        "customer_id": frame.index.to_numpy(dtype=np.int64),
        "recency_days": frame["recency_days"].to_numpy(dtype=np.int64),
        "tenure_days": frame["tenure_days"].to_numpy(dtype=np.int64),
        "frequency": frame["frequency"].to_numpy(dtype=np.int64),
        "monetary": frame["monetary"].to_numpy(dtype=float).round(2),
        "avg_order_value": frame["avg_order_value"].to_numpy(dtype=float).round(2),
        "days_between": frame["mean_days_between"].to_numpy(dtype=float).round(1),
        "returns": frame["returns"].to_numpy(dtype=np.int64),
        "reviews": frame["reviews"].to_numpy(dtype=np.int64),
        "market": _text(frame["market"], 12).to_numpy(),
        "channel": _text(frame["channel"], 40).to_numpy(),
        "unit_price": frame["unit_price"].to_numpy(dtype=float).round(2),
        "price_band": _text(frame["price_band"], 4).to_numpy(),
        "r_score": frame["r_score"].to_numpy(dtype=np.int64),
        "f_score": frame["f_score"].to_numpy(dtype=np.int64),
        "m_score": frame["m_score"].to_numpy(dtype=np.int64),
        "rfm_group": _text(frame["rfm_group"], 20).to_numpy(),
        "expected_purchases": optional("expected_purchases").round(4),
        "expected_value": optional("expected_value").round(2),
        "p_alive": optional("p_alive").round(4),
        "top_attributes": top_attributes(result).reindex(frame.index).fillna("").to_numpy(),
    })
    return out[list(COLUMNS)]


def memberships_store(frame: pd.DataFrame) -> int:
    """Insert the rows of :func:`membership_frame`; returns how many. One binary COPY on PostgreSQL."""
    table = SegmentMembership._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_frame(cursor, table, frame, column_types(SegmentMembership, COLUMNS))
        else:
            rows = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
            for start in range(0, len(rows), SQLITE_BATCH):
                cursor.executemany(sql, rows[start:start + SQLITE_BATCH])
    return len(frame)


def memberships_analyze() -> None:
    """Fresh statistics once a run's memberships are committed, so the pages' queries on the new rows take
    the (segment, customer) index at once. After the commit, not inside the run's transaction: ANALYZE holds
    its table lock until the transaction ends, and would hold up every other run's store until then."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SegmentMembership._meta.db_table} (run_id, segment_id, customer_id)")

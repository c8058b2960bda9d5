"""Segment profiles: what a segment's customers are like, as plain JSON-able dicts.

Pure numpy / pandas; the per-customer work is vectorised (one-hot products and
group sums over k segments), only the k profiles are assembled in Python.

Input: the :class:`~portraits.features.CustomerFeatures`, the RFM scores of
:func:`portraits.rfm.rfm_scores`, the segment labels (customer_id → 0..k-1) and,
optionally, the per-customer table of
:func:`portraits.value_model.customer_value`.

Every profile (and the ``overall`` profile of all customers, which names are
measured against) has these fields; every key is a word a page can show as is,
every share is 0..1, money is in the base currency:

- ``size`` customers, ``customer_share``, ``revenue`` (net spend),
  ``revenue_share``, ``currency`` (the base currency's code, when given);
- ``rfm``: ``recency_days`` (median days since the last order), ``frequency``
  (mean orders), ``monetary`` (mean net spend), ``avg_order_value`` (mean),
  ``mean_unit_price`` (mean of the customers' unit prices), ``repeat_share``
  (share with two orders or more), ``r_score``, ``f_score``, ``m_score``
  (mean quintile scores);
- ``rfm_groups``: share of the customers in each named RFM group, largest first;
- ``markets``: share of customers by main market, largest first;
- ``top_attributes``: taste attributes the segment buys more of than all
  customers do (``lift`` > 1 and ``share`` >= ``min_support``), by lift:
  ``name``, ``kind``, ``share`` (of the segment's line value), ``overall_share``,
  ``lift`` (share ÷ overall share);
- ``price_band``: [low, high], the interquartile range of the customers' unit
  prices; ``price_median``; ``price_level``: the customers' most common band
  ("low", "mid", "high");
- ``typical_basket``: ``order_value`` and ``items_per_order`` (medians),
  ``main_category`` and ``categories`` (share of line value by category);
  ``main_category`` is repeated at the top level;
- ``acquisition_channels``: share of customers by the channel of their first
  order ("unknown" when not recorded);
- ``expected_value`` (when values are given): mean ``purchases`` and ``value``
  per customer over the horizon, ``total_value``, mean ``p_alive``,
  ``horizon_days``.
"""

import numpy as np
import pandas as pd

from .errors import PortraitError
from .features import CATEGORY_KIND, PRICE_BANDS, TASTE_KINDS, CustomerFeatures
from .rfm import GROUPS

MIN_SUPPORT = 0.10
UNKNOWN_CHANNEL = "unknown"


def _r(value, digits=4):
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def _shares(counts: pd.Series) -> dict:
    total = counts.sum()
    if total <= 0:
        return {}
    counts = counts[counts > 0]
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return {str(key): round(float(value / total), 4) for key, value in ordered}


def _group_table(segments: np.ndarray, k: int, values) -> pd.DataFrame:
    """Customers per (segment, value): a k × values table of counts; ``values`` one per customer."""
    values = pd.Categorical(values)
    codes, categories = np.asarray(values.codes, dtype=np.int64), [str(c) for c in values.categories]
    width = max(len(categories), 1)
    valid = codes >= 0
    counts = np.bincount(segments[valid] * width + codes[valid], minlength=(k - 1) * width).reshape(k - 1, width)
    counts = np.vstack([counts, counts.sum(axis=0)])  # the last row: all customers
    return pd.DataFrame(counts, columns=categories if categories else ["-"])


def segment_profiles(
    features: CustomerFeatures,
    rfm: pd.DataFrame,
    labels: pd.Series,
    *,
    value: pd.DataFrame | None = None,
    horizon_days: int | None = None,
    currency: str | None = None,
    min_support: float = MIN_SUPPORT,
    taste_kinds=TASTE_KINDS,
) -> tuple[dict[int, dict], dict]:
    """The profile of each segment and the ``overall`` profile of all customers (see the module docstring)."""
    table = features.table
    seg = labels.reindex(table.index).to_numpy()
    if np.isnan(seg.astype(float)).any():
        raise PortraitError("every customer of the features needs a segment label")
    seg = seg.astype(np.int64)
    k = int(seg.max()) + 1
    # Segment k is "all customers": the same code computes the overall profile.
    groups = [seg, np.full(len(seg), k)]
    all_labels = np.concatenate(groups)

    def stack(values):
        values = np.asarray(values)
        return np.concatenate([values, values])

    frame = pd.DataFrame(
        {
            "segment": all_labels,
            "recency_days": stack(table["recency_days"]),
            "frequency": stack(table["frequency"]),
            "monetary": stack(table["monetary"]),
            "avg_order_value": stack(table["avg_order_value"]),
            "unit_price": stack(table["unit_price"]),
            "repeat": stack(table["frequency"] >= 2),
            "items_per_order": stack(table["items"] / table["frequency"]),
            "r_score": stack(rfm["r_score"]),
            "f_score": stack(rfm["f_score"]),
            "m_score": stack(rfm["m_score"]),
        }
    )
    grouped = frame.groupby("segment", sort=True)
    means = grouped.mean()
    medians = grouped[["recency_days", "avg_order_value", "items_per_order", "unit_price"]].median()
    quartiles = grouped["unit_price"].quantile([0.25, 0.75]).unstack()
    sizes = grouped.size()
    revenue = grouped["monetary"].sum()

    channel = pd.Categorical(table["channel"])
    if channel.isna().any():
        channel = channel.add_categories([UNKNOWN_CHANNEL]).fillna(UNKNOWN_CHANNEL)
    markets = _group_table(seg, k + 1, table["market"])
    channels = _group_table(seg, k + 1, channel)
    rfm_groups = _group_table(seg, k + 1, rfm["rfm_group"])
    bands = _group_table(seg, k + 1, table["price_band"])

    one_hot = np.zeros((k + 1, len(seg)))
    one_hot[seg, np.arange(len(seg))] = 1.0
    one_hot[k, :] = 1.0
    line_value = table["lines_amount"].to_numpy(dtype=float)
    line_total = one_hot @ line_value
    taste = features.taste(taste_kinds)
    taste_spend = one_hot @ (taste.to_numpy(dtype=float) * line_value[:, None]) if taste.shape[1] else np.zeros((k + 1, 0))
    categories = features.taste((CATEGORY_KIND,))
    category_spend = (
        one_hot @ (categories.to_numpy(dtype=float) * line_value[:, None]) if categories.shape[1] else np.zeros((k + 1, 0))
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        taste_share = np.where(line_total[:, None] > 0, taste_spend / np.where(line_total > 0, line_total, 1)[:, None], 0.0)
    overall_share = taste_share[k]

    if value is not None:
        worth = value.reindex(table.index)
        value_frame = pd.DataFrame(
            {
                "segment": all_labels,
                "purchases": stack(worth["expected_purchases"]),
                "value": stack(worth["expected_value"]),
                "p_alive": stack(worth["p_alive"]),
            }
        ).groupby("segment", sort=True)
        value_means, value_sums = value_frame.mean(), value_frame.sum()

    total_customers = float(sizes.loc[k])
    total_revenue = float(revenue.loc[k])
    profiles: dict[int, dict] = {}
    for label in range(k + 1):
        attributes = []
        for column, (kind, name) in enumerate(taste.columns):
            share, base = taste_share[label, column], overall_share[column]
            if share >= min_support and base > 0 and share / base > 1.0:
                attributes.append({
                    "name": str(name), "kind": str(kind), "share": _r(share), "overall_share": _r(base),
                    "lift": _r(share / base),
                })
        attributes.sort(key=lambda a: (-a["lift"], -a["share"], a["name"]))
        category_counts = pd.Series(category_spend[label], index=[str(v) for _, v in categories.columns], dtype=float)
        category_shares = _shares(category_counts) if categories.shape[1] else {}
        main_category = next(iter(category_shares), None)
        band_counts = bands.loc[label].reindex(list(PRICE_BANDS), fill_value=0)
        profile = {
            "size": int(sizes.loc[label]),
            "customer_share": _r(sizes.loc[label] / total_customers),
            "revenue": _r(revenue.loc[label], 2),
            "revenue_share": _r(revenue.loc[label] / total_revenue) if total_revenue else 0.0,
            "currency": currency,
            "rfm": {
                "recency_days": _r(medians.loc[label, "recency_days"], 1),
                "frequency": _r(means.loc[label, "frequency"], 2),
                "monetary": _r(means.loc[label, "monetary"], 2),
                "avg_order_value": _r(means.loc[label, "avg_order_value"], 2),
                "mean_unit_price": _r(means.loc[label, "unit_price"], 2),
                "repeat_share": _r(means.loc[label, "repeat"]),
                "r_score": _r(means.loc[label, "r_score"], 2),
                "f_score": _r(means.loc[label, "f_score"], 2),
                "m_score": _r(means.loc[label, "m_score"], 2),
            },
            "rfm_groups": {g: s for g, s in _shares(rfm_groups.loc[label]).items() if g in GROUPS},
            "markets": _shares(markets.loc[label]),
            "top_attributes": attributes,
            "price_band": [_r(quartiles.loc[label, 0.25], 2), _r(quartiles.loc[label, 0.75], 2)],
            "price_median": _r(medians.loc[label, "unit_price"], 2),
            "price_level": str(band_counts.idxmax()) if band_counts.sum() else None,
            "typical_basket": {
                "order_value": _r(medians.loc[label, "avg_order_value"], 2),
                "items_per_order": _r(medians.loc[label, "items_per_order"], 2),
                "main_category": main_category,
                "categories": category_shares,
            },
            "main_category": main_category,
            "acquisition_channels": _shares(channels.loc[label]),
        }
        if value is not None:
            profile["expected_value"] = {
                "horizon_days": horizon_days,
                "purchases": _r(value_means.loc[label, "purchases"], 3),
                "value": _r(value_means.loc[label, "value"], 2),
                "total_value": _r(value_sums.loc[label, "value"], 2),
                "p_alive": _r(value_means.loc[label, "p_alive"]),
            }
        profiles[label] = profile
    overall = profiles.pop(k)
    return profiles, overall


def main_markets(profile: dict, *, min_share: float = 0.2) -> list[str]:
    """The markets holding at least ``min_share`` of the segment's customers (at least the largest one)."""
    markets = profile.get("markets", {})
    ranked = [m for m, _ in sorted(markets.items(), key=lambda kv: (-kv[1], kv[0]))]
    chosen = [m for m in ranked if markets[m] >= min_share]
    return chosen or ranked[:1]

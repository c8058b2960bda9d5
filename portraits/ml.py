"""Customer portraits from order lines: RFM and taste features, KMeans segments, profiles.

Pure pandas / scikit-learn. Input is one row per order line with the columns in
``LINE_COLUMNS`` (``category`` and ``currency`` are optional); output is
deterministic for the same input.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

LINE_COLUMNS = ("customer_id", "placed_at", "order_id", "quantity", "unit_price", "market", "attributes")
RFM_COLUMNS = ("recency_days", "frequency", "monetary", "mean_unit_price")
ATTR_PREFIX = "attr:"
K_RANGE = range(2, 7)
MIN_SUPPORT = 0.10

# Words a merchandiser uses for groups of attributes; a segment is named after the
# theme its top attributes share, or after its top attributes themselves.
DEFAULT_THEMES = {
    "Cosy-winter": {"sherpa", "chunky knit", "weighted", "plaid", "cream", "sage green"},
    "Natural-summer": {"linen", "bamboo", "waffle", "cooling", "blue grey"},
    "Family": {"kids", "muslin", "floral"},
    "Boho": {"boho", "tassel", "terracotta", "velvet", "mermaid"},
}
CURRENCY_SIGNS = {"USD": "$", "GBP": "£", "EUR": "€"}


class PortraitError(ValueError):
    """The order data cannot be segmented (too few customers, missing columns...)."""


@dataclass
class Segmentation:
    k: int
    labels: pd.Series  # customer_id -> segment label 0..k-1, largest segment first
    features: pd.DataFrame
    silhouette: dict[int, float]
    profiles: dict[int, dict] = field(default_factory=dict)


def _check_lines(lines: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in LINE_COLUMNS if c not in lines.columns]
    if missing:
        raise PortraitError(f"order lines lack column(s): {', '.join(missing)}")
    if lines.empty:
        raise PortraitError("no order lines: there are no orders to build portraits from")
    lines = lines.copy()
    lines["quantity"] = pd.to_numeric(lines["quantity"]).astype(float)
    lines["unit_price"] = pd.to_numeric(lines["unit_price"]).astype(float)
    lines["placed_at"] = pd.to_datetime(lines["placed_at"], utc=True)
    lines["spend"] = lines["quantity"] * lines["unit_price"]
    lines["attributes"] = lines["attributes"].apply(lambda a: sorted(set(a)) if isinstance(a, (list, tuple, set)) else [])
    return lines


def customer_features(lines: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """One row per customer: recency, frequency, monetary, mean unit price, share of
    spend per attribute (``attr:<name>`` columns) and main market."""
    lines = _check_lines(lines)
    as_of = pd.Timestamp(as_of)
    as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of.tz_convert("UTC")

    grouped = lines.groupby("customer_id", sort=True)
    features = pd.DataFrame({
        "recency_days": (as_of - grouped["placed_at"].max()).dt.total_seconds() / 86400.0,
        "frequency": grouped["order_id"].nunique().astype(float),
        "monetary": grouped["spend"].sum(),
        "mean_unit_price": grouped["spend"].sum() / grouped["quantity"].sum(),
    })
    if (features["recency_days"] < 0).any():
        raise PortraitError("orders are placed after the 'as of' date of the portrait")

    exploded = lines[["customer_id", "attributes", "spend"]].explode("attributes").dropna(subset=["attributes"])
    if not exploded.empty:
        attr_spend = exploded.pivot_table(
            index="customer_id", columns="attributes", values="spend", aggfunc="sum", fill_value=0.0
        )
        attr_share = attr_spend.div(features["monetary"].reindex(attr_spend.index).replace(0, np.nan), axis=0)
        attr_share = attr_share.fillna(0.0).reindex(features.index, fill_value=0.0)
        attr_share = attr_share[sorted(attr_share.columns)]
        attr_share.columns = [f"{ATTR_PREFIX}{c}" for c in attr_share.columns]
        features = features.join(attr_share)

    market_spend = lines.groupby(["customer_id", "market"])["spend"].sum().reset_index()
    market_spend = market_spend.sort_values(["customer_id", "spend", "market"], ascending=[True, False, True])
    features["market"] = market_spend.drop_duplicates("customer_id").set_index("customer_id")["market"]
    return features


def feature_matrix(features: pd.DataFrame) -> np.ndarray:
    """Scaled numbers KMeans works on: log RFM, log mean price and attribute shares."""
    rfm = np.log1p(features[list(RFM_COLUMNS)].clip(lower=0).to_numpy(dtype=float))
    attrs = features[[c for c in features.columns if c.startswith(ATTR_PREFIX)]].to_numpy(dtype=float)
    return StandardScaler().fit_transform(np.hstack([rfm, attrs]))


def _ordered_labels(raw: np.ndarray) -> np.ndarray:
    """Relabel clusters 0..k-1 by size (largest first), then by first appearance."""
    counts = Counter(raw.tolist())
    first = {label: int(np.argmax(raw == label)) for label in counts}
    order = sorted(counts, key=lambda label: (-counts[label], first[label]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[label] for label in raw.tolist()], dtype=int)


def segment_customers(features: pd.DataFrame, *, k_range=K_RANGE) -> tuple[int, pd.Series, dict[int, float]]:
    """Choose k by silhouette and label every customer; deterministic (``random_state=0``)."""
    n = len(features)
    if n < 3:
        raise PortraitError(f"at least 3 customers with orders are needed for portraits, found {n}")
    matrix = feature_matrix(features)
    distinct = len(np.unique(matrix.round(9), axis=0))
    if distinct < 2:
        raise PortraitError("all customers look the same (identical features): nothing to segment")
    scores: dict[int, float] = {}
    labellings: dict[int, np.ndarray] = {}
    for k in k_range:
        if k < 2 or k > min(n - 1, distinct):
            continue
        raw = KMeans(n_clusters=k, random_state=0, n_init=10).fit_predict(matrix)
        if len(set(raw.tolist())) < 2:
            continue
        scores[k] = float(silhouette_score(matrix, raw))
        labellings[k] = raw
    if not scores:
        raise PortraitError(f"no segmentation possible for {n} customers with k in {list(k_range)}")
    best = max(scores, key=lambda k: (round(scores[k], 9), -k))
    labels = pd.Series(_ordered_labels(labellings[best]), index=features.index, name="segment")
    return best, labels, scores


def segment_profiles(
    lines: pd.DataFrame, features: pd.DataFrame, labels: pd.Series, *, min_support: float = MIN_SUPPORT,
    themes: dict[str, set[str]] | None = None,
) -> dict[int, dict]:
    """Per segment: size, RFM means, top attributes by lift, markets, price band, main category, name."""
    lines = _check_lines(lines)
    lines["segment"] = lines["customer_id"].map(labels)
    exploded = lines[["segment", "attributes", "spend"]].explode("attributes").dropna(subset=["attributes"])
    total_spend = lines["spend"].sum()
    overall = (
        {str(a): float(s / total_spend) for a, s in exploded.groupby("attributes")["spend"].sum().items()}
        if total_spend else {}
    )

    profiles: dict[int, dict] = {}
    for label in sorted(labels.unique().tolist()):
        members = features[labels == label]
        seg_lines = lines[lines["segment"] == label]
        seg_spend = seg_lines["spend"].sum()
        seg_attr = exploded[exploded["segment"] == label].groupby("attributes")["spend"].sum()
        top = []
        for name, spend in seg_attr.items():
            share = float(spend / seg_spend) if seg_spend else 0.0
            base = overall.get(name, 0.0)
            # Only attributes this segment buys more of than the customers overall.
            if share >= min_support and base > 0 and share / base > 1.0:
                top.append({"name": str(name), "share": round(share, 4), "lift": round(share / base, 4)})
        top.sort(key=lambda a: (-a["lift"], -a["share"], a["name"]))

        market_counts = members["market"].value_counts()
        markets = {str(m): round(float(c / len(members)), 4) for m, c in sorted(market_counts.items())}
        low, high = np.percentile(seg_lines["unit_price"].to_numpy(), [25, 75])
        category = None
        if "category" in seg_lines.columns and seg_lines["category"].notna().any():
            by_category = seg_lines.groupby("category")["spend"].sum().sort_index()
            category = str(by_category.idxmax())
        currency = None
        if "currency" in seg_lines.columns and seg_lines["currency"].notna().any():
            currency = str(seg_lines["currency"].value_counts().sort_index().idxmax())

        profile = {
            "size": int(len(members)),
            "rfm": {c: round(float(members[c].mean()), 2) for c in RFM_COLUMNS},
            "top_attributes": top,
            "markets": markets,
            "price_band": [round(float(low), 2), round(float(high), 2)],
            "currency": currency,
            "main_category": category,
            "spend_share": round(float(seg_spend / total_spend), 4) if total_spend else 0.0,
        }
        profile["name"] = segment_name(profile, themes=themes)
        profiles[int(label)] = profile

    seen: Counter = Counter()
    for label in sorted(profiles):
        name = profiles[label]["name"]
        seen[name] += 1
        if seen[name] > 1:
            profiles[label]["name"] = f"{name} ({seen[name]})"
    return profiles


def main_markets(profile: dict, *, min_share: float = 0.2) -> list[str]:
    markets = profile.get("markets", {})
    chosen = [m for m, s in sorted(markets.items(), key=lambda kv: (-kv[1], kv[0])) if s >= min_share]
    return chosen or [m for m, _ in sorted(markets.items(), key=lambda kv: (-kv[1], kv[0]))[:1]]


def segment_name(profile: dict, *, themes: dict[str, set[str]] | None = None) -> str:
    """A readable name, e.g. "Cosy-winter buyers · US/GB · $40–90"."""
    themes = DEFAULT_THEMES if themes is None else themes
    top = [a["name"] for a in profile.get("top_attributes", [])[:3]]
    label = None
    for attribute in top:
        for theme, words in themes.items():
            if attribute in words and sum(a in words for a in top) >= min(2, len(top)):
                label = theme
                break
        if label:
            break
    if label is None:
        label = " & ".join(top[:2]).capitalize() if top else (profile.get("main_category") or "General").capitalize()
    sign = CURRENCY_SIGNS.get(profile.get("currency") or "", "")
    code = "" if sign or not profile.get("currency") else f" {profile['currency']}"
    low, high = profile["price_band"]
    markets = "/".join(main_markets(profile)[:3])
    return f"{label} buyers · {markets} · {sign}{low:.0f}–{high:.0f}{code}"


def build_portraits(
    lines: pd.DataFrame, *, as_of, k_range=K_RANGE, min_support: float = MIN_SUPPORT,
    themes: dict[str, set[str]] | None = None,
) -> Segmentation:
    features = customer_features(lines, as_of=as_of)
    k, labels, scores = segment_customers(features, k_range=k_range)
    profiles = segment_profiles(lines, features, labels, min_support=min_support, themes=themes)
    return Segmentation(k=k, labels=labels, features=features, silhouette=scores, profiles=profiles)

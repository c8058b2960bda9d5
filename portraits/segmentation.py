"""Clustering customers with scikit-learn: scaling, k by silhouette on a sample, stability.

Pure numpy / scikit-learn.

- :func:`clustering_matrix` turns :class:`~portraits.features.CustomerFeatures`
  into the numbers k-means works on, in three blocks: *behaviour* (log
  recency, log orders, log net spend, log unit price, each standardised),
  *taste* (spend shares of the taste attributes) and *market* (one-hot main
  market). Each block is divided by the square root of its total variance,
  then multiplied by the square root of its weight, so a block's say does not
  grow with its number of columns (twenty attributes do not drown four
  behaviour measures), while inside the taste block a widely bought attribute
  still counts more than a rare one. Market weighs half: one-hot columns put
  every one-market customer on one of a few points, tight groups that win the
  silhouette whatever the taste (on the demo shop's orders, at full weight the
  three markets became the three segments).
- :func:`cluster_customers` fits k-means for every k of ``k_range`` on a fixed
  sample (``sample_size`` customers drawn with ``seed``), scores each by the
  silhouette on that sample (one distance matrix, reused for every k), picks
  the best k (ties: the smaller k), then labels the whole population with one
  more fit started from the chosen sample centres: ``KMeans`` below
  ``minibatch_threshold`` customers, ``MiniBatchKMeans`` above. Every fit has
  ``random_state=seed``. Labels run 0..k-1, largest segment first (ties: the
  segment of the first customer in index order).
- :func:`labels_agreement` is the stability of two runs: the adjusted Rand
  index on the customers present in both.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.pairwise import euclidean_distances
from threadpoolctl import threadpool_limits

from .errors import PortraitError
from .features import TASTE_KINDS, CustomerFeatures

K_RANGE = (2, 8)  # inclusive
SAMPLE_SIZE = 5_000
SEED = 0
N_INIT = 3
MINIBATCH_THRESHOLD = 50_000
BATCH_SIZE = 4_096
# k-means' OpenMP threads spin while they wait: on a 2-core machine busy with
# other work, two threads were 20 times slower than one.
KMEANS_THREADS = 1
BLOCK_WEIGHTS = {"behaviour": 1.0, "taste": 1.0, "market": 0.5}
BEHAVIOUR_COLUMNS = ("recency_days", "frequency", "monetary", "unit_price")


@dataclass
class Clustering:
    labels: pd.Series  # customer_id -> segment 0..k-1, largest first
    k: int
    algorithm: str  # "KMeans" or "MiniBatchKMeans"
    silhouette: dict[int, float]  # per candidate k, on the sample
    inertia: dict[int, float]  # per candidate k, on the sample
    final_inertia: float  # of the chosen k on the whole population
    sizes: list[int]  # customers per segment, by label
    params: dict = field(default_factory=dict)

    def metrics(self) -> dict:
        """Plain JSON-able record of how the segmentation was chosen."""
        return {
            "k": self.k,
            "algorithm": self.algorithm,
            "silhouette_by_k": {str(k): round(v, 4) for k, v in sorted(self.silhouette.items())},
            "inertia_by_k": {str(k): round(v, 2) for k, v in sorted(self.inertia.items())},
            "inertia": round(self.final_inertia, 2),
            "sizes": list(self.sizes),
            **self.params,
        }


def _block(values: np.ndarray, weight: float) -> np.ndarray:
    values = values - values.mean(axis=0)
    total = float(np.sqrt((values**2).sum() / max(len(values), 1)))
    return values * (np.sqrt(weight) / total) if total > 0 else np.zeros((len(values), 0))


def clustering_matrix(
    features: CustomerFeatures, *, taste_kinds=TASTE_KINDS, weights: dict | None = None
) -> np.ndarray:
    """One row per customer (in ``features.table`` order), blocks scaled as the module docstring says."""
    weights = {**BLOCK_WEIGHTS, **(weights or {})}
    table = features.table
    behaviour = table[list(BEHAVIOUR_COLUMNS)].to_numpy(dtype=float)
    price = behaviour[:, 3]
    behaviour[:, 3] = np.where(np.isnan(price), np.nanmedian(price) if (~np.isnan(price)).any() else 0.0, price)
    behaviour = np.log1p(np.clip(behaviour, 0, None))
    spread = behaviour.std(axis=0)
    behaviour = (behaviour - behaviour.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    blocks = [_block(behaviour, weights["behaviour"])]
    taste = features.taste(taste_kinds).to_numpy(dtype=float)
    if taste.shape[1]:
        blocks.append(_block(taste, weights["taste"]))
    market_codes = table["market"].cat.codes.to_numpy() if hasattr(table["market"], "cat") else pd.factorize(table["market"])[0]
    if market_codes.max(initial=-1) >= 1:
        one_hot = np.zeros((len(table), int(market_codes.max()) + 1))
        known = market_codes >= 0
        one_hot[np.flatnonzero(known), market_codes[known]] = 1.0
        blocks.append(_block(one_hot, weights["market"]))
    return np.hstack(blocks)


def silhouettes_from_distances(distances: np.ndarray, labelings: list[np.ndarray]) -> list[float]:
    """Mean silhouette of each labeling given the full pairwise distance matrix (singletons score 0).

    All labelings share one pass over ``distances``: their one-hot matrices are
    stacked side by side and multiplied once.
    """
    n = len(distances)
    rows = np.arange(n)
    widths = [int(np.max(labels)) + 1 for labels in labelings]
    offsets = np.r_[0, np.cumsum(widths)]
    one_hot = np.zeros((n, int(offsets[-1])), dtype=distances.dtype)
    for labels, offset in zip(labelings, offsets):
        one_hot[rows, offset + np.asarray(labels)] = 1
    sums = (distances @ one_hot).astype(float)
    counts = one_hot.sum(axis=0).astype(float)
    scores = []
    for labels, offset, width in zip(labelings, offsets, widths):
        labels = np.asarray(labels)
        block_sums, block_counts = sums[:, offset:offset + width], counts[offset:offset + width]
        own_count = block_counts[labels]
        own = block_sums[rows, labels] / np.maximum(own_count - 1, 1)
        means = block_sums / np.maximum(block_counts, 1)
        means[rows, labels] = np.inf
        means[:, block_counts == 0] = np.inf
        nearest = means.min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = (nearest - own) / np.maximum(own, nearest)
        scores.append(float(np.where((own_count > 1) & np.isfinite(score), score, 0.0).mean()))
    return scores


def relabel_by_size(raw: np.ndarray) -> np.ndarray:
    """Labels 0..k-1 by segment size, largest first; ties by the segment's first row."""
    raw = np.asarray(raw)
    k = int(raw.max()) + 1
    sizes = np.bincount(raw, minlength=k)
    first = np.full(k, len(raw))
    np.minimum.at(first, raw, np.arange(len(raw)))
    present = sizes > 0
    order = np.lexsort((first, -sizes))
    order = order[present[order]]
    mapping = np.full(k, -1)
    mapping[order] = np.arange(len(order))
    return mapping[raw]


def cluster_customers(
    matrix: np.ndarray,
    index: pd.Index,
    *,
    k_range=K_RANGE,
    sample_size: int = SAMPLE_SIZE,
    seed: int = SEED,
    n_init: int = N_INIT,
    minibatch_threshold: int = MINIBATCH_THRESHOLD,
    batch_size: int = BATCH_SIZE,
    threads: int | None = KMEANS_THREADS,
) -> Clustering:
    """Choose k by silhouette on a sample and label every row of ``matrix`` (see the module docstring).

    ``threads`` caps k-means' OpenMP threads (None: the library's default).
    """
    with threadpool_limits(limits=threads, user_api="openmp"):
        return _cluster(
            matrix, index, k_range=k_range, sample_size=sample_size, seed=seed, n_init=n_init,
            minibatch_threshold=minibatch_threshold, batch_size=batch_size,
        )


def _cluster(matrix, index, *, k_range, sample_size, seed, n_init, minibatch_threshold, batch_size) -> Clustering:
    n = len(matrix)
    if n < 3:
        raise PortraitError(f"at least 3 customers with orders are needed for portraits, found {n}")
    k_low, k_high = int(k_range[0]), int(k_range[-1])
    rng = np.random.default_rng(seed)
    sample_rows = np.sort(rng.choice(n, size=sample_size, replace=False)) if n > sample_size else np.arange(n)
    sample = np.ascontiguousarray(matrix[sample_rows], dtype=float)
    distinct = len(np.unique(sample.round(9), axis=0))
    if distinct < 2:
        raise PortraitError("all customers look the same (identical features): nothing to segment")
    distances = euclidean_distances(sample.astype(np.float32))
    np.fill_diagonal(distances, 0.0)

    fits: dict[int, KMeans] = {}
    for k in range(max(k_low, 2), k_high + 1):
        if k > min(len(sample) - 1, distinct):
            break
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(sample)
        if len(np.unique(model.labels_)) >= 2:
            fits[k] = model
    scores = silhouettes_from_distances(distances, [model.labels_ for model in fits.values()])
    silhouette = dict(zip(fits, scores))
    inertia = {k: float(model.inertia_) for k, model in fits.items()}
    if not silhouette:
        raise PortraitError(f"no segmentation possible for {n} customers with k from {k_low} to {k_high}")
    best = max(silhouette, key=lambda k: (round(silhouette[k], 9), -k))

    if n == len(sample):
        algorithm, raw, final_inertia = "KMeans", fits[best].labels_, inertia[best]
    else:
        centres = fits[best].cluster_centers_
        if n < minibatch_threshold:
            model = KMeans(n_clusters=best, init=centres, n_init=1, random_state=seed).fit(matrix)
            algorithm = "KMeans"
        else:
            model = MiniBatchKMeans(
                n_clusters=best, init=centres, n_init=1, random_state=seed, batch_size=batch_size
            ).fit(matrix)
            algorithm = "MiniBatchKMeans"
        raw, final_inertia = model.labels_, float(model.inertia_)
    labels = relabel_by_size(raw)
    k = int(labels.max()) + 1
    return Clustering(
        labels=pd.Series(labels, index=index, name="segment"),
        k=k,
        algorithm=algorithm,
        silhouette=silhouette,
        inertia=inertia,
        final_inertia=final_inertia,
        sizes=np.bincount(labels, minlength=k).tolist(),
        params={
            "k_range": [k_low, k_high],
            "sample_size": int(len(sample)),
            "seed": seed,
            "n_init": n_init,
            "minibatch_threshold": minibatch_threshold,
            "batch_size": batch_size,
        },
    )


def labels_agreement(previous: pd.Series, current: pd.Series) -> dict:
    """Adjusted Rand index of two labelings on the customers present in both (None below 2 such customers)."""
    common = previous.index.intersection(current.index)
    if len(common) < 2:
        return {"adjusted_rand_index": None, "customers_in_both": int(len(common))}
    score = adjusted_rand_score(previous.loc[common].to_numpy(), current.loc[common].to_numpy())
    return {"adjusted_rand_index": round(float(score), 4), "customers_in_both": int(len(common))}

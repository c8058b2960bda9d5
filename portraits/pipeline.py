"""One portrait run's computation: features → RFM → segments → customer value → profiles and names.

Pure: the three DataFrames of :mod:`portraits.features` in, a :class:`Portraits`
out. The database side reads the frames set-wise, calls :func:`build_portraits`
and stores :meth:`Portraits.memberships` (one row per customer, ready for COPY),
the profiles and :meth:`Portraits.metrics` (JSON-able parameters and metrics of
the run).

A value model that cannot be fitted (too few repeat customers, spend too
spread out) does not fail the run: ``value`` is None and ``value_error`` says
why; the profiles then carry no expected value.

What a run hands the database side:

- ``Portraits.labels``: customer_id → segment 0..k-1, largest first;
- ``Portraits.profiles``: segment → profile dict (:mod:`portraits.profiles`)
  with ``name`` first and ``traits`` last (:mod:`portraits.naming`);
  ``Portraits.overall``: the same profile for all customers;
- ``Portraits.memberships()``: one row per customer, indexed by customer_id:
  ``segment``, the columns of ``features.FEATURE_COLUMNS``, ``r_score``,
  ``f_score``, ``m_score``, ``rfm_cell``, ``rfm_group`` and, with a value
  model, ``expected_purchases``, ``expected_value``, ``p_alive``,
  ``expected_spend``; ``Portraits.features.shares`` holds the attribute shares;
- ``Portraits.metrics()``: as-of date, customers, the clustering record
  (k, algorithm, silhouette and inertia by k, sizes, parameters), price band
  edges, the value model's parameters (or its error) and, given the previous
  run's labels, the stability.
"""

import time
from dataclasses import dataclass

import pandas as pd
from threadpoolctl import threadpool_limits

from .errors import PortraitError
from .features import SHARE_KINDS, TASTE_KINDS, CustomerFeatures, customer_features
from .naming import segment_names
from .profiles import MIN_SUPPORT, segment_profiles
from .rfm import rfm_scores
from .segmentation import (
    BATCH_SIZE, K_RANGE, MINIBATCH_THRESHOLD, N_INIT, SAMPLE_SIZE, SEED, Clustering, cluster_customers,
    clustering_matrix, labels_agreement,
)
from .value_model import HORIZON_DAYS, CustomerValue, customer_value

# The kernel's vectorised passes gain little from a second thread, and BLAS and OpenMP threads that spin
# while the machine's cores are busy with other work (web processes, other workers) cost many times that:
# one thread each by default.
KERNEL_THREADS = 1


class _Clock:
    def __init__(self, timings: dict | None):
        self.timings, self.last = timings, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = now - self.last
        self.last = now


@dataclass
class Portraits:
    features: CustomerFeatures
    rfm: pd.DataFrame
    clustering: Clustering
    profiles: dict[int, dict]  # label -> profile with "name" and "traits"
    overall: dict  # the profile of all customers
    value: CustomerValue | None
    value_error: str | None
    stability: dict | None  # against previous labels, when given

    @property
    def labels(self) -> pd.Series:
        return self.clustering.labels

    @property
    def k(self) -> int:
        return self.clustering.k

    def metrics(self) -> dict:
        """JSON-able record of the run: as-of date, clustering choice, value model, stability."""
        record = {
            "as_of": self.features.as_of.isoformat(),
            "customers": int(len(self.features.table)),
            "clustering": self.clustering.metrics(),
            "price_edges": [round(v, 4) for v in self.features.price_edges],
            "value_model": self.value.metrics() if self.value is not None else {"error": self.value_error},
        }
        if self.stability is not None:
            record["stability"] = self.stability
        return record

    def memberships(self) -> pd.DataFrame:
        """One row per customer: segment, features, RFM scores and group, expected value."""
        frame = self.features.table.join(self.rfm)
        frame.insert(0, "segment", self.labels)
        if self.value is not None:
            frame = frame.join(self.value.table)
        return frame


def build_portraits(
    orders: pd.DataFrame,
    lines: pd.DataFrame | None = None,
    product_attributes: pd.DataFrame | None = None,
    *,
    as_of,
    currency: str | None = None,
    k_range=K_RANGE,
    sample_size: int = SAMPLE_SIZE,
    seed: int = SEED,
    n_init: int = N_INIT,
    minibatch_threshold: int = MINIBATCH_THRESHOLD,
    batch_size: int = BATCH_SIZE,
    block_weights: dict | None = None,
    taste_kinds=TASTE_KINDS,
    share_kinds=SHARE_KINDS,
    min_support: float = MIN_SUPPORT,
    themes: dict[str, set[str]] | None = None,
    value_model: bool = True,
    horizon_days: int = HORIZON_DAYS,
    previous_labels: pd.Series | None = None,
    timings: dict | None = None,
    threads: int | None = KERNEL_THREADS,
) -> Portraits:
    """Everything a portrait run computes, from the frames of :mod:`portraits.features`.

    ``timings``, when given, receives the seconds each stage took (features, rfm,
    clustering, value, profiles). ``threads`` caps the BLAS and OpenMP threads of
    numpy, scipy and scikit-learn during the run (None: the libraries' defaults).
    """
    with threadpool_limits(limits=threads):
        return _build(
            orders, lines, product_attributes, as_of=as_of, currency=currency, k_range=k_range,
            sample_size=sample_size, seed=seed, n_init=n_init, minibatch_threshold=minibatch_threshold,
            batch_size=batch_size, block_weights=block_weights, taste_kinds=taste_kinds, share_kinds=share_kinds,
            min_support=min_support, themes=themes, value_model=value_model, horizon_days=horizon_days,
            previous_labels=previous_labels, timings=timings, threads=threads,
        )


def _build(
    orders, lines, product_attributes, *, as_of, currency, k_range, sample_size, seed, n_init, minibatch_threshold,
    batch_size, block_weights, taste_kinds, share_kinds, min_support, themes, value_model, horizon_days,
    previous_labels, timings, threads,
) -> Portraits:
    clock = _Clock(timings)
    if share_kinds is not None:
        share_kinds = tuple(dict.fromkeys(tuple(share_kinds) + tuple(taste_kinds)))
    features = customer_features(orders, lines, product_attributes, as_of=as_of, kinds=share_kinds)
    clock.lap("features")
    rfm = rfm_scores(features.table)
    clock.lap("rfm")
    matrix = clustering_matrix(features, taste_kinds=taste_kinds, weights=block_weights)
    clustering = cluster_customers(
        matrix, features.table.index, k_range=k_range, sample_size=sample_size, seed=seed, n_init=n_init,
        minibatch_threshold=minibatch_threshold, batch_size=batch_size, threads=threads,
    )
    clock.lap("clustering")
    value, value_error = None, None
    if value_model:
        try:
            value = customer_value(orders, as_of=as_of, horizon_days=horizon_days)
        except PortraitError as exc:
            value_error = str(exc)
    clock.lap("value")
    profiles, overall = segment_profiles(
        features, rfm, clustering.labels, value=value.table if value is not None else None,
        horizon_days=horizon_days, currency=currency, min_support=min_support, taste_kinds=taste_kinds,
    )
    for label, named in segment_names(profiles, overall, themes=themes).items():
        profiles[label] = {"name": named["name"], **profiles[label], "traits": named["traits"]}
    stability = labels_agreement(previous_labels, clustering.labels) if previous_labels is not None else None
    clock.lap("profiles")
    return Portraits(
        features=features, rfm=rfm, clustering=clustering, profiles=profiles, overall=overall,
        value=value, value_error=value_error, stability=stability,
    )


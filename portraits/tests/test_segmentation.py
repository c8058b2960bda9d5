"""Clustering: planted segments recovered, k by silhouette on a sample, deterministic, stability."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_score

from portraits.errors import PortraitError
from portraits.features import customer_features
from portraits.segmentation import (
    cluster_customers, clustering_matrix, labels_agreement, relabel_by_size, silhouettes_from_distances,
)

from .population import PLANTED, planted_population


@pytest.fixture(scope="module")
def population():
    return planted_population(10_000, seed=7, crossover_share=0.08)


@pytest.fixture(scope="module")
def features(population):
    return customer_features(population.orders, population.lines, population.product_attributes, as_of=population.as_of)


def test_planted_segments_are_recovered(population, features):
    clustering = cluster_customers(clustering_matrix(features), features.table.index)

    truth = population.truth.reindex(clustering.labels.index)
    assert clustering.k == len(PLANTED)
    assert adjusted_rand_score(truth, clustering.labels) >= 0.9
    # The customers who buy half of their lines in another segment's taste still land with their own
    # segment, mostly (each found segment read as the planted segment most of its customers come from).
    crossing = population.crossover.reindex(clustering.labels.index)
    assert crossing.sum() > 500
    found_as = clustering.labels.map(pd.crosstab(clustering.labels, truth).idxmax(axis=1))
    assert (found_as[crossing] == truth[crossing]).mean() >= 0.8
    assert (found_as[~crossing] == truth[~crossing]).mean() >= 0.95
    # k was chosen on the fixed sample, the best silhouette of the range.
    assert clustering.params["sample_size"] == 5_000 and clustering.algorithm == "KMeans"
    assert max(clustering.silhouette, key=clustering.silhouette.get) == clustering.k
    assert sorted(clustering.silhouette) == list(range(2, 9))
    assert clustering.sizes == sorted(clustering.sizes, reverse=True) and sum(clustering.sizes) == 10_000
    json.dumps(clustering.metrics())


def test_minibatch_above_the_threshold_recovers_them_too(population, features):
    clustering = cluster_customers(clustering_matrix(features), features.table.index, minibatch_threshold=5_000)
    assert clustering.algorithm == "MiniBatchKMeans"
    truth = population.truth.reindex(clustering.labels.index)
    assert adjusted_rand_score(truth, clustering.labels) >= 0.9


def test_same_customers_in_another_order_get_the_same_segments(population):
    small = planted_population(1_500, seed=3)
    first = customer_features(small.orders, small.lines, small.product_attributes, as_of=small.as_of)
    shuffled = small.orders.sample(frac=1.0, random_state=5)
    second = customer_features(shuffled, small.lines.sample(frac=1.0, random_state=6), small.product_attributes,
                               as_of=small.as_of)
    a = cluster_customers(clustering_matrix(first), first.table.index)
    b = cluster_customers(clustering_matrix(second), second.table.index)
    assert a.labels.equals(b.labels) and a.silhouette == b.silhouette


def test_silhouette_matches_scikit_learn():
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 1, (60, 3)), rng.normal(4, 1, (50, 3)), rng.normal((0, 6, 0), 1, (40, 3))])
    labelings = [rng.integers(0, 3, len(points)), np.repeat([0, 1, 2], [60, 50, 40]), np.repeat([0, 1], [75, 75])]
    labelings[0][0] = 2
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    ours = silhouettes_from_distances(distances, labelings)
    assert ours == pytest.approx([silhouette_score(points, labels) for labels in labelings], abs=1e-9)
    # A segment of one customer scores 0 for that customer, as scikit-learn does.
    single = np.repeat([0, 1], [149, 1])
    assert silhouettes_from_distances(distances, [single])[0] == pytest.approx(silhouette_score(points, single))


def test_segments_are_numbered_largest_first():
    # Raw 2 and 1 both have three rows: 2 comes first in the rows, so it becomes 0.
    assert relabel_by_size(np.array([2, 2, 0, 1, 1, 1, 0, 2, 3])).tolist() == [0, 0, 2, 1, 1, 1, 2, 0, 3]


def test_stability_is_the_rand_index_on_customers_in_both_runs():
    previous = pd.Series([0, 0, 1, 1, 2, 2], index=[1, 2, 3, 4, 5, 6])
    renamed = pd.Series([5, 5, 3, 3, 4, 4, 9], index=[1, 2, 3, 4, 5, 6, 7])  # same grouping, new customer 7
    assert labels_agreement(previous, renamed) == {"adjusted_rand_index": 1.0, "customers_in_both": 6}
    moved = pd.Series([0, 1, 1, 1, 2, 2], index=[1, 2, 3, 4, 5, 6])
    expected = adjusted_rand_score(previous.to_numpy(), moved.to_numpy())
    assert labels_agreement(previous, moved)["adjusted_rand_index"] == pytest.approx(expected, abs=1e-4)
    assert labels_agreement(previous, pd.Series([0], index=[1])) == {"adjusted_rand_index": None, "customers_in_both": 1}


def test_too_few_or_identical_customers_are_clear_errors():
    with pytest.raises(PortraitError, match="at least 3 customers .* found 2"):
        cluster_customers(np.zeros((2, 3)), pd.RangeIndex(2))
    with pytest.raises(PortraitError, match="identical features"):
        cluster_customers(np.ones((10, 3)), pd.RangeIndex(10))

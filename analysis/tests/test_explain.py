"""An opportunity's score in words: demand times the factors of its rows is its score."""

import math

from analysis.explain import opportunity_explained
from analysis.mining import Matcher, TitleSupply
from analysis.scoring import HotspotEvidence, group_score


def _evidence(**extra):
    return [
        HotspotEvidence(id=1, keyword="sherpa blanket", market="US", category="blanket", score=80.0, growth=0.4, **extra),
        HotspotEvidence(id=2, keyword="sherpa throw", market="US", category="blanket", score=60.0, growth=0.2, **extra),
    ]


def test_the_factors_multiply_into_the_score():
    score, components = group_score(frozenset({"sherpa", "cream"}), _evidence(competition=0.7), titles=None,
                                    fit_attribute_sets=[frozenset({"sherpa"})])
    rows = opportunity_explained(components, market="US")
    assert [r.name for r in rows] == [
        "Demand", "Pair of attributes", "Growth", "Amazon competition", "Supply", "Fit to last cycle's portraits",
    ]
    assert math.isclose(math.prod(r.factor for r in rows), score, rel_tol=0.01)
    assert rows[0].measured == "70.0 of 100 — the mean score of its evidence hotspots"
    assert rows[4].measured == "unknown: no Amazon listing export for US"
    assert rows[5].measured.startswith("50% of its attributes")


def test_supply_says_how_many_listings_carry_the_attributes():
    titles = TitleSupply(["Sherpa blanket cream", "Cotton throw", "Sherpa throw"], Matcher([("material", "sherpa", [])]))
    score, components = group_score(frozenset({"sherpa"}), _evidence(), titles=titles, fit_attribute_sets=[])
    rows = opportunity_explained(components, market="US")
    assert rows[3].measured == "67% of 3 Amazon listings in US carry all its attributes (2)"
    assert math.isclose(math.prod(r.factor for r in rows), score, rel_tol=0.01)

"""The pure kernel of opportunity mining: grouping and scoring hotspots, without a database."""

import math
import subprocess
import sys

import pytest

from analysis.mining import Matcher, TitleSupply
from analysis.scoring import (
    FORMULA,
    HotspotEvidence,
    ReviewSignal,
    brief_fit,
    evidence_group,
    group_score,
    opportunities_rank,
    opportunity_key,
    review_counts,
    review_factor,
)

MATCHER = Matcher([
    ("style", "mermaid", ["mermaid tail"]), ("material", "sherpa", []), ("material", "chunky knit", ["chunky-knit"]),
    ("colour", "sage green", ["sage"]), ("style", "boho", []), ("pattern", "stripe", ["striped"]),
])


def hotspot(pk, keyword, *, score=60.0, growth=0.0, market="US", category="blanket", competition=None, demo=False):
    return HotspotEvidence(
        id=pk, keyword=keyword, market=market, category=category, score=score, growth=growth,
        competition=competition, is_demo=demo,
    )


def test_the_kernel_imports_no_django():
    code = "import sys, analysis.scoring; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_single_attributes_pairs_from_one_keyword_and_from_related_queries():
    mermaid = hotspot(1, "mermaid sherpa blanket")
    boho = hotspot(2, "boho throw", category="")
    groups = evidence_group([mermaid, boho], related={("boho throw", "US"): ["striped boho throw"]}, matcher=MATCHER)
    assert groups[("blanket", "US", frozenset(["mermaid"]))] == [mermaid]
    assert groups[("blanket", "US", frozenset(["mermaid", "sherpa"]))] == [mermaid]
    # A hotspot without a category is grouped as uncategorised; its related query adds a pair.
    assert groups[("uncategorised", "US", frozenset(["boho", "stripe"]))] == [boho]
    assert ("uncategorised", "US", frozenset(["stripe"])) not in groups  # a related query alone is not demand


def test_the_strongest_four_singles_of_a_category_and_market_pair_up():
    hotspots = [hotspot(i, name, score=90 - i) for i, name in enumerate(["mermaid", "sherpa", "boho", "sage", "stripe"])]
    hotspots.append(hotspot(9, "mermaid", market="GB"))
    groups = evidence_group(hotspots, related={}, matcher=MATCHER)
    pairs = {names for (_c, market, names) in groups if len(names) == 2 and market == "US"}
    assert pairs == {frozenset(p) for p in [("mermaid", "sherpa"), ("mermaid", "boho"), ("mermaid", "sage green"),
                                            ("sherpa", "boho"), ("sherpa", "sage green"), ("boho", "sage green")]}
    assert groups[("blanket", "US", frozenset(["mermaid", "sherpa"]))] == hotspots[:2]
    assert not any(len(names) == 2 for (_c, market, names) in groups if market == "GB")


def test_a_score_is_the_product_of_its_parts():
    evidence = [hotspot(1, "a", score=70, growth=0.5, competition=0.2), hotspot(2, "b", score=50, growth=-0.1)]
    titles = TitleSupply(["mermaid sherpa blanket", "sherpa throw", "plain", "boho"], MATCHER)
    score, parts = group_score(
        frozenset(["mermaid", "sherpa"]), evidence, titles=titles, fit_attribute_sets=[frozenset(["mermaid", "boho"])]
    )
    growth_factor = 1 + 0.25 * math.tanh(0.2)
    expected = 60 * 0.9 * growth_factor * (1 + 0.5 * (0.2 - 0.5)) * (1 + 0.3 * (0.5 - 0.25)) * (1 + 0.5 * 0.5)
    assert score == round(expected, 2)
    assert parts == {
        "demand": 60.0, "growth": 0.2, "growth_factor": round(growth_factor, 3), "competition": 0.2,
        "competition_factor": 0.85, "competition_known_for": "1 of 2 hotspots", "supply": 0.25,
        "supply_factor": 1.075, "supply_listings": 4, "supply_matching": 1, "fit": 0.5, "pair_discount": 0.9,
        "reviews_requests": 0, "reviews_praise": 0, "reviews_complaints": 0, "reviews_net": 0.0, "reviews_factor": 1.0,
        "formula": FORMULA,
    }


def test_unknown_competition_and_supply_leave_the_score_alone():
    score, parts = group_score(frozenset(["boho"]), [hotspot(1, "boho", score=40)], titles=None, fit_attribute_sets=[])
    assert score == 40.0
    assert (parts["competition"], parts["competition_factor"], parts["supply"], parts["supply_factor"]) == (
        None, 1.0, None, 1.0
    )
    assert brief_fit(frozenset(), [frozenset(["boho"])]) == 0.0


def test_ranking_keys_limit_and_ties():
    hotspots = [
        hotspot(1, "mermaid blanket", score=50, demo=True),
        hotspot(2, "sherpa blanket", score=50, market="GB"),
        hotspot(3, "boho blanket", score=80),
        hotspot(4, "boho blanket", score=20, market="DE"),
    ]
    ranked = opportunities_rank(hotspots, related={}, matcher=MATCHER, supply_by_market={})
    assert [(o.rank, o.key, o.score) for o in ranked] == [
        (1, "blanket|US|boho", 80.0),
        (2, "blanket|US|boho|mermaid", 58.5),  # (80 + 50) / 2 × 0.9
        (3, "blanket|GB|sherpa", 50.0),  # a tie goes by category, market, then names
        (4, "blanket|US|mermaid", 50.0),
        (5, "blanket|DE|boho", 20.0),
    ]
    assert ranked[1].evidence == (hotspots[2], hotspots[0]) and ranked[1].is_demo and not ranked[0].is_demo
    assert ranked[1].names == frozenset(["boho", "mermaid"]) == frozenset(ranked[1].key.split("|")[2:])
    assert [o.key for o in opportunities_rank(hotspots, related={}, matcher=MATCHER, supply_by_market={}, limit=2)] == [
        "blanket|US|boho", "blanket|US|boho|mermaid",
    ]
    assert opportunity_key("throw", "GB", ["sherpa", "boho"]) == "throw|GB|boho|sherpa"


def test_the_same_hotspot_counts_once_as_evidence():
    twice = hotspot(1, "mermaid sherpa blanket", score=60)
    ranked = opportunities_rank(
        [twice], related={("mermaid sherpa blanket", "US"): ["mermaid sherpa"]}, matcher=MATCHER, supply_by_market={}
    )
    pair = next(o for o in ranked if o.names == frozenset(["mermaid", "sherpa"]))
    assert pair.evidence == (twice,) and pair.components["competition_known_for"] == "0 of 1 hotspots"


def test_brief_fit_moves_the_rank():
    hotspots = [hotspot(1, "mermaid", score=60), hotspot(2, "sherpa", score=70)]
    plain = opportunities_rank(hotspots, related={}, matcher=MATCHER, supply_by_market={})
    fitted = opportunities_rank(hotspots, related={}, matcher=MATCHER, supply_by_market={},
                                fit_attribute_sets=[["mermaid"]])
    assert plain[0].key == "blanket|US|sherpa" and fitted[0].key == "blanket|US|mermaid"
    assert fitted[0].score == pytest.approx(90.0) and fitted[0].components["fit"] == 1.0


def test_review_factor_is_modest_and_signed():
    assert review_factor({}) == (0, 1.0)
    net, factor = review_factor({"request": 5})
    assert net == 5 and factor == pytest.approx(1 + 0.2 * math.tanh(1.0))
    assert review_factor({"request": 1})[1] == pytest.approx(1.0395, abs=1e-4)
    assert review_factor({"praise": 2, "complaint": 1}) == (0.0, 1.0)
    assert review_factor({"complaint": 400})[1] == pytest.approx(0.8)  # never below 0.8, never above 1.2
    assert review_factor({"request": 400})[1] == pytest.approx(1.2)


def test_review_signals_count_in_their_category_and_market_or_where_unknown():
    signals = [
        ReviewSignal("sherpa", "request", 3, category="Blanket", market="US"),
        ReviewSignal("sherpa", "complaint", 1, category="", market=""),  # unknown: counts everywhere
        ReviewSignal("sherpa", "request", 7, category="throw", market="US"),  # another category
        ReviewSignal("sherpa", "praise", 2, category="blanket", market="GB"),  # another market
        ReviewSignal("mermaid", "request", 9),  # another attribute
    ]
    assert review_counts(frozenset(["sherpa"]), category="blanket", market="us", signals=signals) == {
        "request": 3, "complaint": 1, "praise": 0,
    }
    assert review_counts(frozenset(["sherpa", "mermaid"]), category="blanket", market="GB", signals=signals) == {
        "request": 9, "complaint": 1, "praise": 2,
    }


def test_requests_from_reviews_lift_the_opportunities_carrying_the_attribute():
    hotspots = [hotspot(1, "mermaid", score=60), hotspot(2, "sherpa", score=62)]
    plain = opportunities_rank(hotspots, related={}, matcher=MATCHER, supply_by_market={})
    assert plain[0].key == "blanket|US|sherpa" and plain[0].components["reviews_factor"] == 1.0
    lifted = opportunities_rank(
        hotspots, related={}, matcher=MATCHER, supply_by_market={},
        review_signals=[ReviewSignal("mermaid", "request", 2, category="blanket", market="US"),
                        ReviewSignal("sherpa", "complaint", 1)],
    )
    by_key = {o.key: o for o in lifted}
    assert lifted[0].key == "blanket|US|mermaid"
    mermaid = by_key["blanket|US|mermaid"]
    assert mermaid.score == round(60 * (1 + 0.2 * math.tanh(2 / 5)), 2)
    assert (mermaid.components["reviews_requests"], mermaid.components["reviews_net"]) == (2, 2.0)
    assert by_key["blanket|US|sherpa"].score == round(62 * (1 + 0.2 * math.tanh(-1 / 5)), 2)
    # The pair carries both: two requests and one complaint.
    assert by_key["blanket|US|mermaid|sherpa"].components["reviews_net"] == 1.0
    # Reviews alone make no opportunity.
    assert not opportunities_rank([], related={}, matcher=MATCHER, supply_by_market={},
                                  review_signals=[ReviewSignal("mermaid", "request", 9)])

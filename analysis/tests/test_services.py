"""Link 2: the lexicon, attribute mining and ranked opportunities with explainable parts."""

import pytest

from analysis.mining import Matcher
from analysis.models import Attribute, Opportunity
from analysis.services import attribute_lexicon_seed, opportunities_mine
from hotspots.models import Hotspot, RelatedQuery
from hotspots.tests.factories import CycleFactory

from .factories import HotspotFactory

pytestmark = pytest.mark.django_db


def test_matcher_synonyms_plurals_and_multi_word_terms():
    matcher = Matcher([("style", "mermaid", ["mermaid tail"]), ("material", "chunky knit", ["chunky-knit"]),
                       ("colour", "sage green", ["sage"]), ("pattern", "stripe", ["striped"])])
    assert matcher.find("Chunky-Knit Mermaid Tails blanket") == [("material", "chunky knit"), ("style", "mermaid")]
    assert matcher.find("sage green striped throws") == [("colour", "sage green"), ("pattern", "stripe")]
    assert matcher.find("") == []


def test_lexicon_seed_adds_only_what_is_missing_and_keeps_edits():
    created = attribute_lexicon_seed()
    assert created == Attribute.objects.count() > 40
    assert set(Attribute.objects.values_list("kind", flat=True)) == {
        "material", "pattern", "colour", "style", "function", "occasion",
    }
    mermaid = Attribute.objects.get(name="mermaid")
    mermaid.synonyms = ["mermaid tail", "siren"]
    mermaid.save()
    assert attribute_lexicon_seed() == 0
    assert Attribute.objects.get(name="mermaid").synonyms == ["mermaid tail", "siren"]


def test_opportunities_rank_with_parts_and_evidence():
    attribute_lexicon_seed()
    cycle = CycleFactory()
    mermaid = HotspotFactory(cycle=cycle, keyword="mermaid blanket", score=70, growth=0.5)
    sherpa = HotspotFactory(cycle=cycle, keyword="sherpa blanket", score=50, growth=-0.2)
    RelatedQuery.objects.create(source="trends_export", keyword="mermaid blanket", market="US", kind="rising",
                                query="chunky knit mermaid tail blanket", value=None, is_breakout=True)
    result = opportunities_mine(cycle=cycle)
    by_title = {o.title: o for o in result}
    top = result[0]
    assert top.title == "mermaid blanket · US" and top.rank == 1
    assert list(top.hotspots.all()) == [mermaid]
    assert top.components["demand"] == 70 and top.components["growth"] == 0.5
    assert top.components["competition"] is None and top.components["competition_factor"] == 1.0
    assert "tanh(growth)" in top.components["formula"]
    # Attributes searched together in the related queries pair up (mermaid × chunky knit).
    assert "chunky knit + mermaid blanket · US" in by_title
    assert by_title["sherpa blanket · US"].components["growth"] == -0.2
    assert by_title["sherpa blanket · US"].hotspots.get() == sherpa
    assert [o.rank for o in result] == list(range(1, len(result) + 1))
    # Running again keeps the same rows.
    ids = sorted(o.pk for o in result)
    assert sorted(o.pk for o in opportunities_mine(cycle=cycle)) == ids


def test_amazon_competition_and_brief_fit_move_an_opportunity():
    attribute_lexicon_seed()
    cycle = CycleFactory()
    HotspotFactory(cycle=cycle, keyword="mermaid blanket", score=60, growth=0.0,
                   components={"parts": {"competition": 0.1}})
    HotspotFactory(cycle=cycle, keyword="sherpa blanket", score=60, growth=0.0,
                   components={"parts": {"competition": 0.9}})
    result = {o.title: o for o in opportunities_mine(cycle=cycle)}
    crowded, roomy = result["mermaid blanket · US"], result["sherpa blanket · US"]
    assert crowded.components["competition"] == 0.1 and roomy.components["competition"] == 0.9
    assert crowded.score == pytest.approx(60 * 0.8) and roomy.score == pytest.approx(60 * 1.2)
    assert roomy.rank < crowded.rank
    fitted = {o.title: o for o in opportunities_mine(cycle=cycle, fit_attribute_sets=[{"mermaid"}])}
    assert fitted["mermaid blanket · US"].components["fit"] == 1.0
    assert fitted["mermaid blanket · US"].score == pytest.approx(60 * 0.8 * 1.5)


def test_no_hotspots_no_opportunities():
    cycle = CycleFactory()
    assert opportunities_mine(cycle=cycle) == []
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("keywords", [3, 30])
def test_mining_reads_and_writes_set_wise(keywords, django_assert_max_num_queries):
    """A fixed number of queries whatever the number of hotspots, opportunities and evidence rows."""
    attribute_lexicon_seed()
    names = list(Attribute.objects.order_by("name").values_list("name", flat=True))
    cycle = CycleFactory()
    for i in range(keywords):
        HotspotFactory(cycle=cycle, keyword=f"{names[i]} {names[i + 1]} blanket", score=40 + i,
                       market=["US", "GB"][i % 2], components={"parts": {"competition": 0.5}})
    with django_assert_max_num_queries(12):
        first = {o.key: o.pk for o in opportunities_mine(cycle=cycle)}
    assert len(first) == min(30, Opportunity.objects.count()) and Opportunity.objects.count() == len(first)
    # A second run updates the kept rows, rewrites their links and drops the opportunities no longer supported.
    Hotspot.objects.filter(cycle=cycle, score__lt=40 + keywords // 2).delete()
    with django_assert_max_num_queries(20):
        again = opportunities_mine(cycle=cycle)
    assert again and all(first.get(o.key, o.pk) == o.pk for o in again)  # a kept key keeps its row
    stored = list(Opportunity.objects.filter(cycle=cycle).order_by("rank").prefetch_related("attributes", "hotspots"))
    assert [(o.pk, o.rank, o.score, o.components) for o in stored] == [
        (o.pk, o.rank, o.score, o.components) for o in again
    ]
    for opportunity in stored:
        attributes = sorted(a.name for a in opportunity.attributes.all())
        assert opportunity.key == "|".join([opportunity.category, opportunity.market, *attributes])
        evidence = list(opportunity.hotspots.all())
        assert evidence and all(h.score >= 40 + keywords // 2 for h in evidence)

"""Complaints, requests and praise in reviews, in four languages, mapped to lexicon attributes. No database."""

import pytest

from analysis.lexicon import STARTER_LEXICON
from analysis.mining import Matcher
from customers.review_mining import (
    COMPLAINT, PRAISE, REQUEST, MentionRow, ReviewMiner, adjective, evidence_from_mentions, guess_language,
)

MINER = ReviewMiner(Matcher((kind, name, synonyms) for kind, terms in STARTER_LEXICON.items()
                            for name, synonyms in terms.items()))


def found(text, rating=None, miner=MINER):
    return {(m.kind, m.term, m.attribute, m.implied) for m in miner.mine(text, rating=rating)}


def test_the_false_eyelashes_story():
    mentions = MINER.mine("Pretty lashes but too plain for a party. I wish it came with glue and tweezers!", rating=3)
    by_kind = {m.kind: m for m in mentions}
    assert by_kind[COMPLAINT].attribute == "solid" and by_kind[COMPLAINT].term == "plain"  # lexicon: solid (plain)
    assert by_kind[COMPLAINT].snippet == "Pretty lashes but too plain for a party."
    assert by_kind[REQUEST].attribute == "kit" and by_kind[REQUEST].aspect == "accessories"
    assert by_kind[REQUEST].snippet == "I wish it came with glue and tweezers!"
    assert {m.language for m in mentions} == {"en"}
    assert PRAISE not in by_kind  # three stars: no praise read


@pytest.mark.parametrize("text, language", [
    ("Zu schlicht für eine Party. Leider ohne Kleber, ich hätte mir eine Pinzette gewünscht.", "de"),
    ("Trop simple pour une soirée. Il manque la colle, j'aurais aimé une pince à épiler.", "fr"),
    ("Demasiado sencillo para una fiesta. Ojalá viniera con pegamento y pinzas.", "es"),
])
def test_the_same_story_in_german_french_and_spanish(text, language):
    mentions = MINER.mine(text, rating=2)
    assert (COMPLAINT, "plain", "solid", False) in found(text, 2)
    assert (REQUEST, "kit", "kit", False) in found(text, 2)
    assert {m.language for m in mentions} == {language}
    assert guess_language(text) == language


@pytest.mark.parametrize("text, expected", [
    ("Way too thin and smaller than expected.", {(COMPLAINT, "thin", None, False), (COMPLAINT, "small", None, False)}),
    ("Viel zu dünn und kleiner als erwartet.", {(COMPLAINT, "thin", None, False), (COMPLAINT, "small", None, False)}),
    ("Trop fin et plus petit que prévu.", {(COMPLAINT, "thin", None, False), (COMPLAINT, "small", None, False)}),
    ("Demasiado fino y más pequeño de lo esperado.", {(COMPLAINT, "thin", None, False), (COMPLAINT, "small", None, False)}),
])
def test_complaints_without_a_lexicon_term_keep_their_aspect_and_name_no_attribute(text, expected):
    assert found(text, 2) == expected
    assert {m.aspect for m in MINER.mine(text)} == {"thickness", "size"}


def test_a_complaint_asks_for_its_opposite_when_the_lexicon_has_it():
    # "heavy" is a synonym of the lexicon's "weighted"; "cool" of "cooling".
    assert found("Far too light for winter.", 2) == {
        (COMPLAINT, "light", None, False), (REQUEST, "heavy", "weighted", True),
    }
    assert found("Trop chaud pour l'été.", 2) == {(COMPLAINT, "warm", None, False), (REQUEST, "cool", "cooling", True)}
    assert (COMPLAINT, "heavy", "weighted", False) in found("Zu schwer zum Mitnehmen.", 3)


@pytest.mark.parametrize("text, term", [
    ("Not warm enough for a cold night.", "warm"),
    ("Nicht warm genug.", "warm"),
    ("Pas assez chaud.", "warm"),
    ("No es suficientemente cálido.", "warm"),
    ("Cards are not as big as pictured.", "large"),
    ("Moins chaud que prévu.", "warm"),
])
def test_requests_for_more(text, term):
    assert (REQUEST, term, None, False) in found(text, 2)


def test_requests_name_lexicon_attributes_in_the_shoppers_language():
    assert (REQUEST, "sherpa", "sherpa", False) in found("Would be nice with a sherpa lining.", 4)
    assert (REQUEST, "cotton", "cotton", False) in found("Ich hätte gerne Baumwolle statt Polyester.", 3)
    assert (REQUEST, "linen", "linen", False) in found("J'aurais préféré du lin.", 3)
    assert (REQUEST, "sage green", "sage green", False) in found("Me hubiera gustado en verde salvia.", 3)


def test_praise_counts_only_on_good_reviews_and_not_in_slang():
    assert found("So soft and really cozy, love the sage green colour!", 5) == {
        (PRAISE, "soft", None, False), (PRAISE, "cosy", None, False), (PRAISE, "sage green", "sage green", False),
    }
    assert not found("So soft, but it fell apart.", 2)
    assert (PRAISE, "soft", None, False) in found("Sehr weich.", 5) and (PRAISE, "soft", None, False) in found("Très doux.", 4)
    assert (PRAISE, "soft", None, False) in found("Muy suave.", 5)
    assert not found("Super cool game!", 5)  # not the lexicon's cooling
    assert found("Very boho, love it", 5) == {(PRAISE, "boho", "boho", False)}


@pytest.mark.parametrize("text", [
    "Not too thin, just right.",
    "Nicht zu dünn.",
    "Pas trop petit.",
    "No demasiado fino.",
    "Nothing missing, everything included.",
    "Arrived without problems.",  # a thing wished for must be a thing: an attribute, accessory or adjective
    "Came home at last, too.",
    "",
])
def test_negations_and_chatter_are_not_mentions(text):
    assert found(text, 5) == set()


def test_a_wish_for_something_the_lexicon_lacks_is_kept_as_other():
    mentions = MINER.mine("I wish it came in more sizes", rating=3)
    assert [(m.kind, m.aspect, m.term, m.attribute) for m in mentions] == [(REQUEST, "other", "more sizes", None)]


def test_a_defused_text_and_long_sentences_give_short_snippets():
    text = "'- too thin " + "and very long words " * 40 + "."
    (mention,) = [m for m in MINER.mine(text) if m.kind == COMPLAINT]
    assert mention.term == "thin" and len(mention.snippet) <= 202 and "too thin" in mention.snippet


def test_adjective_forms_of_four_languages():
    assert adjective("thinner").term == adjective("dünner").term == adjective("minces").term == "thin"
    assert adjective("pequeñas").aspect == "size" and adjective("Größer").term == "large"
    assert adjective("table") is None


def test_the_lexicon_decides_the_attribute():
    miner = ReviewMiner(Matcher([("function", "thick", ["thicker", "chunky"])]))
    assert found("Too thin.", 2, miner) == {(COMPLAINT, "thin", None, False), (REQUEST, "thick", "thick", True)}


def _row(review_id, kind="request", attribute="kit", category="false eyelashes", market="US", date="2025-01-0", **kw):
    return MentionRow(review_id=review_id, kind=kind, attribute=attribute, category=category, market=market,
                      snippet=f"quote {review_id}", rating=kw.get("rating", 3), product="Lash pack",
                      date=f"{date}{review_id % 10}", language="en", is_demo=kw.get("is_demo", False))


def test_evidence_counts_reviews_per_attribute_kind_category_and_market_with_the_newest_quotes():
    rows = [_row(1), _row(2), _row(3), _row(4), _row(4), _row(5, market="DE"), _row(6, kind="complaint"),
            _row(7, attribute="solid", kind="complaint", is_demo=True)]
    items = {(i["attribute"], i["kind"], i["market"]): i for i in evidence_from_mentions(rows)}
    kit = items[("kit", "request", "US")]
    assert kit["count"] == 4  # review 4 mentioned it twice
    assert [e["quote"] for e in kit["examples"]] == ["quote 4", "quote 3", "quote 2"]
    assert kit["category"] == "false eyelashes" and not kit["is_demo"]
    assert items[("kit", "request", "DE")]["count"] == 1
    assert items[("kit", "complaint", "US")]["count"] == 1
    assert items[("solid", "complaint", "US")]["is_demo"]
    assert evidence_from_mentions([]) == []

"""From reviews to the next cycle's opportunities: shoppers found a pack of false eyelashes too plain and
wished it came with glue and tweezers, so a kit ranks higher and its page quotes them."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analysis.models import AttributeEvidence, Opportunity
from analysis.services import attribute_lexicon_seed, opportunities_mine, review_evidence_replace
from analysis.tests.factories import HotspotFactory
from customers.services import review_evidence_hand_over, reviews_import

from .factories import ConceptFactory, CycleFactory, VariantFactory

pytestmark = pytest.mark.django_db

# Made here in the Shopify Product Reviews export's documented columns.
SPR = "product_handle,state,rating,title,author,email,location,body,reply,created_at,replied_at\n"
LASH_REVIEWS = SPR + (
    'natural-lash-pack,published,3,Too plain,Ana,,US,"Pretty, but too plain for a party. I wish it came with glue and tweezers!",,2025-03-02,\n'
    "natural-lash-pack,published,4,Nice,Bea,,US,Nice lashes. Should have come with lash glue.,,2025-03-05,\n"
    "natural-lash-pack,published,2,Meh,Cy,,US,Came without glue or tweezers.,,2025-03-07,\n"
    "natural-lash-pack,published,2,Schlicht,Dora,,DE,Zu schlicht. Leider ohne Kleber.,,2025-03-08,\n"
)


@pytest.fixture
def lashes(tmp_path):
    attribute_lexicon_seed()
    cycle = CycleFactory()
    concept = ConceptFactory(cycle=cycle, name="Natural lash pack", category="false eyelashes")
    variant = VariantFactory(concept=concept, sku="LASH-NAT-01", colour="black", material="")
    next_cycle = CycleFactory()
    HotspotFactory(cycle=next_cycle, keyword="false eyelashes gift", category="false eyelashes", market="US", score=60)
    HotspotFactory(cycle=next_cycle, keyword="false eyelashes kit", category="false eyelashes", market="US", score=57)
    path = tmp_path / "lash_reviews.csv"
    path.write_text(LASH_REVIEWS)
    return {"variant": variant, "cycle": next_cycle, "path": path}


def test_requests_for_a_kit_raise_the_kit_opportunity_and_its_page_quotes_them(
    lashes, staff_client, django_capture_on_commit_callbacks,
):
    before = {o.title: o for o in opportunities_mine(cycle=lashes["cycle"])}
    assert before["gift false eyelashes · US"].rank == 1 and before["kit false eyelashes · US"].rank == 2

    (report,) = reviews_import(fmt="shopify", paths=[lashes["path"]])
    assert report.ok and report.new == 4 and report.products_new == 1
    # Not mapped yet: the evidence knows no category and counts for every one.
    unmapped = AttributeEvidence.objects.get(attribute__name="kit", market="US")
    assert (unmapped.kind, unmapped.count, unmapped.category) == ("request", 3, "")

    # The merchandiser accepts the suggested match from the products page in one click.
    products = staff_client.get(reverse("customers:products"), {"mapped": "false"}).content.decode()
    assert "Suggested:</span> Natural lash pack · black / 130x170" in products
    assert "SKU 42 % like LASH-NAT-01; title shares lash, natural" in products
    from customers.models import Product

    product = Product.objects.get(handle="natural-lash-pack")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("customers:product_map", args=[product.pk]),
                          {"variant": lashes["variant"].pk, "how": "suggestion"})
    product.refresh_from_db()
    assert (product.category, product.variant) == ("false eyelashes", lashes["variant"])

    evidence = {(e.attribute.name, e.kind, e.market): e for e in AttributeEvidence.objects.select_related("attribute")}
    kit = evidence[("kit", "request", "US")]
    assert (kit.count, kit.category) == (3, "false eyelashes")
    assert [e["quote"] for e in kit.examples] == [
        "Came without glue or tweezers.", "Should have come with lash glue.", "I wish it came with glue and tweezers!",
    ]
    assert evidence[("kit", "request", "DE")].count == 1
    assert evidence[("solid", "complaint", "US")].count == 1  # "too plain": the lexicon's solid (plain)

    after = {o.title: o for o in opportunities_mine(cycle=lashes["cycle"])}
    kit_opportunity = after["kit false eyelashes · US"]
    assert kit_opportunity.rank == 1 and after["gift false eyelashes · US"].rank == 2
    assert kit_opportunity.components["reviews_requests"] == 3  # the German shopper counts in DE, not here
    assert kit_opportunity.score == pytest.approx(before["kit false eyelashes · US"].score * (1 + 0.2 * math.tanh(3 / 5)), abs=0.01)

    page = staff_client.get(reverse("analysis:detail", args=[kit_opportunity.pk])).content.decode()
    assert "Evidence: from reviews" in page and "3 reviews of false eyelashes in US" in page
    assert "“I wish it came with glue and tweezers!” · 3/5 · natural-lash-pack · en" in page
    assert "“Came without glue or tweezers.”" in page
    gift_page = staff_client.get(reverse("analysis:detail", args=[after["gift false eyelashes · US"].pk])).content.decode()
    assert "No review speaks of these attributes for false eyelashes in US." in gift_page


def test_evidence_of_another_category_does_not_move_an_opportunity(lashes):
    review_evidence_replace(evidence=[{"attribute": "kit", "kind": "request", "count": 40, "category": "blanket",
                                       "market": "US"}])
    ranked = {o.title: o for o in opportunities_mine(cycle=lashes["cycle"])}
    assert ranked["kit false eyelashes · US"].components["reviews_factor"] == 1.0


def test_the_hand_over_replaces_the_evidence_whole_and_cycles_keep_their_own(lashes):
    reviews_import(fmt="shopify", paths=[lashes["path"]])
    assert AttributeEvidence.objects.filter(cycle__isnull=True).count() == 4
    review_evidence_replace(cycle=lashes["cycle"], evidence=[{"attribute": "gift", "kind": "praise", "count": 2}])
    from customers.models import Review

    Review.objects.all().delete()
    assert review_evidence_hand_over() == 0
    assert list(AttributeEvidence.objects.values_list("attribute__name", "cycle")) == [("gift", lashes["cycle"].pk)]


@pytest.mark.parametrize("item, field", [
    ({"attribute": "unicorn", "kind": "request", "count": 1}, "evidence[0].attribute"),
    ({"attribute": "kit", "kind": "wish", "count": 1}, "evidence[0].kind"),
    ({"attribute": "kit", "kind": "request", "count": 0}, "evidence[0].count"),
    ({"attribute": "kit", "kind": "request", "count": True}, "evidence[0].count"),
    ({"attribute": "kit", "kind": "request", "count": 1, "examples": "quote"}, "evidence[0].examples"),
    ({"attribute": "kit", "kind": "request", "count": 1, "market": "X" * 13}, "evidence[0].market"),
    ("kit", "evidence[0].item"),
])
def test_bad_evidence_is_refused_naming_the_item_and_nothing_changes(item, field):
    attribute_lexicon_seed()
    review_evidence_replace(evidence=[{"attribute": "kit", "kind": "request", "count": 2}])
    with pytest.raises(ValidationError) as error:
        review_evidence_replace(evidence=[item])
    assert list(error.value.message_dict) == [field]
    assert list(AttributeEvidence.objects.values_list("attribute__name", "count")) == [("kit", 2)]


def test_evidence_items_add_up_and_quotes_are_cut():
    attribute_lexicon_seed()
    stored = review_evidence_replace(evidence=[
        {"attribute": "Kit", "kind": "request", "count": 2, "market": "us", "examples": [{"quote": "q" * 400, "x": 1}]},
        {"attribute": "kit", "kind": "request", "count": 3, "market": "US", "is_demo": True},
    ])
    row = AttributeEvidence.objects.get()
    assert stored == 1 and (row.count, row.market, row.is_demo) == (5, "US", False)
    assert row.examples == [{"quote": "q" * 300}]
    assert Opportunity.objects.count() == 0

"""SKU -> concept and variant: services, suggestions and the product pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analysis.services import attribute_lexicon_seed
from customers.models import Product
from customers.product_matching import Candidate, sku_likeness, suggest, words
from customers.selectors_products import mapping_candidates, product_suggestions
from customers.services import product_map, product_unmap, product_upsert, products_automap
from design.tests.factories import AttributeFactory

from .factories import ConceptFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept():
    attribute_lexicon_seed()
    concept = ConceptFactory(name="Sherpa mermaid throw", category="throw")
    concept.attributes.add(AttributeFactory(kind="material", name="sherpa"), AttributeFactory(kind="style", name="mermaid"))
    return concept


def names(product):
    return sorted(product.attributes.values_list("name", flat=True))


def test_a_mapped_product_takes_the_concepts_category_and_attributes_and_gives_them_back_when_unmapped(concept):
    variant = VariantFactory(concept=concept, sku="HT-TH-M01", colour="cream", material="sherpa")
    product = product_upsert(sku="SHOP-77", title="Cosy throw", category="blanket", attribute_names=["plaid"])
    product = product_map(product=product, variant=variant)
    assert (product.concept, product.variant, product.category, product.mapped_by) == (concept, variant, "throw", "manual")
    assert names(product) == ["cream", "mermaid", "sherpa"]  # the variant's colour is a lexicon term
    assert (product.shop_category, product.shop_attributes) == ("blanket", ["plaid"])
    # A newer shop export of the same SKU keeps the mapping and sets the shop's facts aside.
    again = product_upsert(sku="SHOP-77", title="Cosy throw v2", category="throws", attribute_names=["floral"])
    assert (again.concept, again.category, again.title, again.shop_category) == (concept, "throw", "Cosy throw v2", "throws")
    assert names(again) == ["cream", "mermaid", "sherpa"]
    product = product_unmap(product=again)
    assert (product.concept, product.variant, product.category, product.mapped_by, product.mapped_at) == (
        None, None, "throws", "", None)
    assert names(product) == ["floral"]


def test_a_concept_without_a_variant_and_the_refusals(concept):
    product = ProductFactory(sku="X-1", category="")
    with pytest.raises(ValidationError, match="Choose a variant or a concept"):
        product_map(product=product)
    other = VariantFactory(sku="OTHER-1")
    with pytest.raises(ValidationError, match="belongs to another concept"):
        product_map(product=product, variant=other, concept=concept)
    taken = VariantFactory(concept=concept, sku="HT-TH-M02")
    product_map(product=ProductFactory(sku="Y-1"), variant=taken)
    with pytest.raises(ValidationError, match="already sold as Y-1"):
        product_map(product=product, variant=taken)
    with pytest.raises(ValidationError, match="not a way of mapping"):
        product_map(product=product, concept=concept, how="guess")
    mapped = product_map(product=product, concept=concept, how=Product.MappedBy.SUGGESTION)
    assert (mapped.concept, mapped.variant, mapped.mapped_by, names(mapped)) == (concept, None, "suggestion", ["mermaid", "sherpa"])


def test_products_whose_sku_is_a_variants_are_mapped_by_sku(concept):
    variant = VariantFactory(concept=concept, sku="HT-TH-M03", colour="", material="")
    lower = ProductFactory(sku="ht-th-m03 ")
    ProductFactory(sku="HT-TH-ZZZ")
    assert products_automap() == [lower]
    lower.refresh_from_db()
    assert (lower.variant, lower.mapped_by, lower.category) == (variant, "sku", "throw")
    assert products_automap() == []


def test_sku_likeness_and_title_words():
    assert sku_likeness("HT-SHB-01-CR", "htshb01crm") == pytest.approx(0.947, abs=0.001)
    assert sku_likeness("", "X") == 0.0
    assert words("Sherpa Blankets, the cosiest SET") == {"sherpa", "blanket", "cosiest"}


def test_suggestions_explain_themselves_best_first():
    near = Candidate(variant_id=1, concept_id=1, sku="HT-SH-01-CRM", label="Sherpa throw · cream",
                     words=words("Sherpa throw", "throw", "cream"))
    far = Candidate(variant_id=2, concept_id=2, sku="ZZ-99", label="Linen duvet", words=words("Linen duvet"))
    by_title = Candidate(variant_id=None, concept_id=3, sku="", label="Cream sherpa throw",
                         words=words("Cream sherpa throw"))
    found = suggest(sku="HT-SH-01-CR", title="Sherpa throw cream", candidates=[far, by_title, near])
    assert [s.candidate for s in found] == [near, by_title]
    assert found[0].reason == "SKU 94 % like HT-SH-01-CRM; title shares cream, sherpa, throw"
    assert found[1].reason == "title shares cream, sherpa, throw" and found[1].score == 0.4
    assert suggest(sku="Q", title="", candidates=[far]) == []


def test_suggestions_for_a_page_cost_a_fixed_number_of_queries(concept, django_assert_num_queries):
    for i in range(5):
        VariantFactory(concept=concept, sku=f"HT-TH-M1{i}", colour="cream")
    products = [ProductFactory(sku=f"HT-TH-M1{i}X", title="Sherpa mermaid throw cream") for i in range(20)]
    ConceptFactory(name="Bare concept")  # a concept without variants is a candidate too
    with django_assert_num_queries(4):
        candidates = mapping_candidates()
    with django_assert_num_queries(0):
        found = product_suggestions(products=products, candidates=candidates)
    assert found[products[0].pk][0].candidate.sku == "HT-TH-M10"
    assert "Bare concept" in {c.label for c in candidates}


def test_the_list_shows_unmapped_products_with_a_suggestion_accepted_in_one_post(staff_client, concept):
    variant = VariantFactory(concept=concept, sku="HT-TH-M20", colour="cream", material="sherpa")
    product = ProductFactory(sku="HT-TH-M20-SHOP", title="Sherpa mermaid throw", category="throw")
    ProductFactory(sku="ZZZ-1", title="Something else", category="mug")
    page = staff_client.get(reverse("customers:products"), {"mapped": "false"}).content.decode()
    assert "Suggested:</span> Sherpa mermaid throw · cream" in page and "csrfmiddlewaretoken" in page
    assert "SKU 78 % like HT-TH-M20; title shares mermaid, sherpa, throw" in page
    response = staff_client.post(reverse("customers:product_map", args=[product.pk]),
                                 {"variant": variant.pk, "how": "suggestion", "next": "/customers/products/?mapped=false"})
    assert response.status_code == 302 and response["Location"] == "/customers/products/?mapped=false"
    product.refresh_from_db()
    assert (product.variant, product.mapped_by) == (variant, "suggestion")
    after = staff_client.get(reverse("customers:products"), {"mapped": "false"}).content.decode()
    assert "HT-TH-M20-SHOP is now mapped to HT-TH-M20" in after  # the message, once
    assert f'id="product-{product.pk}"' not in after


def test_pick_another_and_unmap_from_the_product_page(staff_client, concept):
    first = VariantFactory(concept=concept, sku="HT-TH-M30")
    second = VariantFactory(concept=concept, sku="HT-TH-M31")
    product = ProductFactory(sku="SHOP-1")
    page = staff_client.get(reverse("customers:product", args=[product.pk])).content.decode()
    assert 'name="variant"' in page and "Not mapped to a concept" in page
    staff_client.post(reverse("customers:product_map", args=[product.pk]), {"variant": first.pk, "how": "manual"})
    staff_client.post(reverse("customers:product_map", args=[product.pk]), {"variant": second.pk, "how": "manual"})
    product.refresh_from_db()
    assert product.variant == second
    refused = staff_client.post(reverse("customers:product_map", args=[product.pk]), {"how": "manual"}, follow=True)
    assert "Choose a variant or a concept." in refused.content.decode()
    evil = staff_client.post(reverse("customers:product_unmap", args=[product.pk]), {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("customers:product", args=[product.pk])
    product.refresh_from_db()
    assert product.concept is None


def test_mapping_pages_are_staff_only_and_post_only(client, django_user_model, concept):
    product = ProductFactory()
    url = reverse("customers:product_map", args=[product.pk])
    assert client.post(url, {"concept": concept.pk}).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("plain", password="pw"))
    assert client.post(url, {"concept": concept.pk}).status_code == 403
    client.force_login(django_user_model.objects.create_user("staff", password="pw", is_staff=True))
    assert client.get(url).status_code == 405
    product.refresh_from_db()
    assert product.concept is None


def test_an_order_import_maps_a_new_sku_that_is_a_variants_to_it(concept, tmp_path):
    from customers.services import orders_import

    variant = VariantFactory(concept=concept, sku="HT-TH-M40", colour="cream", material="")
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,email,placed_at,market,currency,sku,title,category,attributes,quantity,unit_price\n"
        "G-1,c1,a@example.org,2025-03-01T10:00:00+00:00,US,USD,HT-TH-M40,Throw,blanket,plaid,1,40.00\n"
        "G-1,c1,a@example.org,2025-03-01T10:00:00+00:00,US,USD,OTHER-1,Mug,mug,,1,5.00\n"
    )
    (report,) = orders_import(fmt="generic", paths=[path])
    assert report.ok, report.problems
    mapped, other = Product.objects.get(sku="HT-TH-M40"), Product.objects.get(sku="OTHER-1")
    assert (mapped.variant, mapped.category, mapped.mapped_by, names(mapped)) == (
        variant, "throw", "sku", ["cream", "mermaid", "sherpa"])
    assert (mapped.shop_category, mapped.shop_attributes) == ("blanket", ["plaid"])
    assert (other.concept, other.category) == (None, "mug")

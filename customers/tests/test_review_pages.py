"""The review and product pages: filters, charts where a shape matters, the mapping builder, bounded queries."""

import io
from pathlib import Path

import pytest
from django.urls import reverse

from analysis.services import attribute_lexicon_seed
from customers.models import Product, Review, ReviewColumnMapping
from customers.services import reviews_import

from .factories import ProductFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
# Made here in the Shopify Product Reviews export's documented columns.
SPR = "product_handle,state,rating,title,author,email,location,body,reply,created_at,replied_at\n"


@pytest.fixture
def reviews(tmp_path):
    attribute_lexicon_seed()
    path = tmp_path / "spr.csv"
    path.write_text(SPR + (
        "sherpa-throw,published,2,Thin,Ana,,US,Way too thin and too light.,,2025-03-01,\n"
        "sherpa-throw,published,5,Love,Bo,,GB,So soft! <script>alert(1)</script>,,2025-03-02,\n"
        "lash-pack,published,3,Plain,Cy,,US,Too plain. I wish it came with glue and tweezers,,2025-03-03,\n"
    ))
    reviews_import(fmt="shopify", paths=[path])
    return path


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_list_filters_by_rating_product_and_what_was_mined(staff_client, reviews):
    everything = page(staff_client, "customers:reviews")
    assert everything.count('id="review-') == 3 and "Rating distribution" in everything
    assert "Complaints, requests and praise by attribute" in everything and "vendor/plotly/plotly-cartesian.min.js" in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything and "<script>alert(1)" not in everything
    assert page(staff_client, "customers:reviews", rating=5).count('id="review-') == 1
    lash = Product.objects.get(handle="lash-pack")
    assert page(staff_client, "customers:reviews", product=lash.pk).count('id="review-') == 1
    assert page(staff_client, "customers:reviews", sku="SHERPA-THROW").count('id="review-') == 2
    assert page(staff_client, "customers:reviews", kind="request").count('id="review-') == 2  # kit; heavy read from "too light"
    assert page(staff_client, "customers:reviews", kind="praise").count('id="review-') == 1
    assert page(staff_client, "customers:reviews", attribute="kit").count('id="review-') == 1
    assert page(staff_client, "customers:reviews", attribute="thickness", kind="complaint").count('id="review-') == 1
    assert page(staff_client, "customers:reviews", attribute="kit", kind="complaint").count('id="review-') == 0
    bad = page(staff_client, "customers:reviews", rating=9)
    assert "filter-errors" in bad and 'id="review-' not in bad


def test_the_product_page_shows_its_reviews_ratings_and_what_they_say(staff_client, reviews):
    throw = Product.objects.get(handle="sherpa-throw")
    html = page(staff_client, "customers:product", throw.pk)
    assert html.count('id="review-') == 2 and "Rating distribution" in html
    assert "What the reviews say, by attribute or aspect" in html
    assert "thin (thickness)" in html and "<strong>weighted</strong>" in html and "(read from a complaint)" in html
    assert "Not mapped to a concept" in html and "No design variant looks like this SKU or title." in html


def test_the_product_list_filters_and_sorts(staff_client, reviews):
    ProductFactory(sku="HT-9", title="Mapped later", category="blanket")
    assert page(staff_client, "customers:products", q="lash").count('id="product-') == 1
    assert page(staff_client, "customers:products", category="BLANKET").count('id="product-') == 1
    by_reviews = page(staff_client, "customers:products", sort="-reviews")
    assert by_reviews.index("sherpa-throw") < by_reviews.index("lash-pack") < by_reviews.index("HT-9")
    assert "3 products not mapped to a concept" in by_reviews


@pytest.mark.parametrize("name, extra", [("customers:products", 0), ("customers:products", 40),
                                         ("customers:reviews", 0), ("customers:reviews", 40)])
def test_list_pages_cost_the_same_queries_for_few_or_many_rows(staff_client, reviews, tmp_path, name, extra,
                                                               django_assert_max_num_queries):
    if extra:
        path = tmp_path / "more.csv"
        path.write_text(SPR + "".join(
            f"p-{i},published,{1 + i % 5},T,A,,US,too thin {i},,2025-03-01,\n" for i in range(extra)))
        reviews_import(fmt="shopify", paths=[path])
    with django_assert_max_num_queries(14):
        staff_client.get(reverse(name))


def test_the_product_page_costs_a_fixed_number_of_queries(staff_client, reviews, tmp_path, django_assert_max_num_queries):
    path = tmp_path / "more.csv"
    path.write_text(SPR + "".join(f"sherpa-throw,published,4,T,A{i},,US,So soft {i},,2025-03-0{1 + i % 9},\n"
                                  for i in range(30)))
    reviews_import(fmt="shopify", paths=[path])
    throw = Product.objects.get(handle="sherpa-throw")
    with django_assert_max_num_queries(16):
        staff_client.get(reverse("customers:product", args=[throw.pk]))


def test_a_mapping_is_built_from_a_sample_file_and_then_used(staff_client, tmp_path):
    sample = io.BytesIO(b"Review ID;SKU;Stars;Date;Review;Name\nR1;HT-1;4;2025-01-02;Warm;Ann\n")
    sample.name = "etsy.csv"
    shown = staff_client.post(reverse("customers:review_mapping_new"), {"sample": sample, "preview": "1"})
    html = shown.content.decode()
    assert shown.status_code == 200 and '<datalist id="headers">' in html and "<td>Warm</td>" in html
    assert 'name="col_rating" id="id_col_rating" class="form-control form-control-sm" maxlength="120" value="Stars"' in html
    no_name = staff_client.post(reverse("customers:review_mapping_new"),
                                {"col_product": "SKU", "col_rating": "Stars", "col_created_at": "Date"})
    assert "Give the mapping a name." in no_name.content.decode()
    saved = staff_client.post(reverse("customers:review_mapping_new"), {
        "name": "Etsy", "rating_scale": "5", "col_review_id": "Review ID", "col_product": "SKU", "col_rating": "Stars",
        "col_created_at": "Date", "col_body": "Review", "col_reviewer": "Name",
    })
    assert saved.status_code == 302 and saved["Location"] == reverse("customers:review_import")
    mapping = ReviewColumnMapping.objects.get()
    path = tmp_path / "etsy.csv"
    path.write_bytes(b"Review ID;SKU;Stars;Date;Review;Name\nR1;HT-1;4;2025-01-02;Warm;Ann\n")
    (report,) = reviews_import(fmt="generic", paths=[path], mapping=mapping)
    assert report.ok and Review.objects.get().external_id == f"{mapping.pk}:R1"
    assert "Etsy" in page(staff_client, "customers:review_import")


def test_a_sample_that_cannot_be_read_is_named(staff_client):
    sample = io.BytesIO(b"\x00\x00binary")
    sample.name = "x.bin"
    html = staff_client.post(reverse("customers:review_mapping_new"), {"sample": sample, "preview": "1"}).content.decode()
    assert "x.bin, line 1: binary content, not a CSV file" in html
    html = staff_client.post(reverse("customers:review_mapping_new"), {"preview": "1"}).content.decode()
    assert "Choose a sample file to see its columns." in html


def test_reading_again_is_a_staff_post(client, staff_client, reviews):
    assert staff_client.get(reverse("customers:review_remine")).status_code == 405
    response = staff_client.post(reverse("customers:review_remine"), follow=True)
    assert "Reviews read again:" in response.content.decode()
    assert client.post(reverse("customers:review_remine")).status_code == 302  # anonymous: to the login page


@pytest.mark.parametrize("name", ["customers:products", "customers:reviews", "customers:review_import",
                                  "customers:review_mapping_new"])
def test_pages_are_staff_only(client, django_user_model, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(django_user_model.objects.create_user("plain", password="pw"))
    assert client.get(reverse(name)).status_code == 403

"""Review exports into reviews, products and mined mentions: idempotent, all or nothing, handed to analysis."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from analysis.models import AttributeEvidence
from analysis.services import attribute_lexicon_seed
from core.models import TaskRun
from customers.models import Product, Review, ReviewImport, ReviewMention, ReviewUpload
from customers.services import (
    review_mapping_save, review_mentions_refresh, review_upload_import, review_upload_stage, reviews_anonymise,
    reviews_import, reviews_import_data,
)

from .factories import CustomerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
# Files made here follow the Shopify Product Reviews app's documented header.
SPR = "product_handle,state,rating,title,author,email,location,body,reply,created_at,replied_at\n"


def _counts():
    return Review.objects.count(), Product.objects.count(), ReviewMention.objects.count()


def test_the_real_amazon_exports_import_once_and_a_second_time_change_nothing():
    attribute_lexicon_seed()
    paths = [DATA / "amazon_reviews_sample_us.tsv", DATA / "amazon_reviews_sample_fr.tsv"]
    us, fr = reviews_import(fmt="amazon", paths=paths)
    assert us.ok and fr.ok
    assert (us.new, us.products_new, fr.new, fr.products_new) == (49, 49, 49, 49)
    review = Review.objects.get(source="amazon", external_id="R1UE3RPRGCOLD")
    assert (review.rating, review.country, review.product.handle, review.product.sku) == (2, "US", "B002LHA74O", "B002LHA74O")
    assert review.product.title == "Super Jumbo Playing Cards by S&S Worldwide" and review.product.concept is None
    assert review.text == "Cards are not as big as pictured." and review.imported_from.filename == "amazon_reviews_sample_us.tsv"
    assert list(review.mentions.values_list("kind", "aspect", "term")) == [("request", "size", "large")]
    assert Review.objects.filter(country="FR").count() == 49
    before = _counts()

    again = reviews_import(fmt="amazon", paths=paths)
    assert [(r.ok, r.new, r.updated, r.unchanged, r.products_new) for r in again] == [(True, 0, 0, 49, 0)] * 2
    assert _counts() == before
    assert ReviewImport.objects.filter(status="ok").count() == 4


def test_an_edited_review_with_the_same_id_is_updated_and_mined_again(tmp_path):
    header = "marketplace\treview_id\tproduct_id\tproduct_title\tstar_rating\treview_body\treview_date\n"
    path = tmp_path / "a.tsv"
    path.write_text(header + "US\tR9\tB0LASH\tLash pack\t5\tSo soft\t2025-01-01\n")
    reviews_import(fmt="amazon", paths=[path])
    assert list(ReviewMention.objects.values_list("kind", "term")) == [("praise", "soft")]
    path.write_text(header + "US\tR9\tB0LASH\tLash pack\t2\tWay too thin\t2025-01-01\n")
    (report,) = reviews_import(fmt="amazon", paths=[path])
    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    assert Review.objects.get().rating == 2
    assert list(ReviewMention.objects.values_list("kind", "term")) == [("complaint", "thin")]


def test_one_bad_row_refuses_the_whole_file_and_names_it(tmp_path):
    path = tmp_path / "spr.csv"
    path.write_text(SPR + "lash,published,5,Fine,A,,,Good,,2025-03-01,\nlash,published,9,Bad,B,,,Bad,,2025-03-01,\n")
    (report,) = reviews_import(fmt="shopify", paths=[path])
    assert not report.ok and _counts() == (0, 0, 0)
    assert report.problems == [{
        "file": "spr.csv", "line": 3, "column": "rating", "field": "rating",
        "reason": "rating '9' is not a whole number of stars from 1 to 5",
        "message": "spr.csv, line 3, column 'rating': rating '9' is not a whole number of stars from 1 to 5",
    }]
    stored = ReviewImport.objects.get()
    assert stored.status == "failed" and stored.problems == report.problems


def test_a_missing_or_oversized_file_is_reported(tmp_path, settings):
    (missing,) = reviews_import(fmt="shopify", paths=[tmp_path / "nope.csv"])
    assert not missing.ok and "cannot read the file" in missing.problems[0]["reason"]
    (unknown,) = [reviews_import_data(fmt="yotpo", file="y.csv", data=b"a")]
    assert unknown.problems[0]["reason"].startswith("unknown format 'yotpo'")


def test_reviewers_are_matched_to_customers_by_email_which_is_not_kept(tmp_path):
    customer = CustomerFactory(email="ana@example.org", country="DE")
    path = tmp_path / "spr.csv"
    path.write_text(SPR + "throw,published,4,Nice,Ana R.,ANA@example.org,,Soft,,2025-03-01,\n"
                          "throw,published,3,Ok,Bo,bo@example.org,GB,Fine,,2025-03-02,\n")
    (report,) = reviews_import(fmt="shopify", paths=[path])
    assert report.customers_matched == 1
    ana, bo = Review.objects.order_by("created_at")
    assert (ana.customer, ana.country, ana.reviewer) == (customer, "DE", "Ana R.")
    assert (bo.customer, bo.country) == (None, "GB")
    stored = [str(v) for r in Review.objects.values() for v in r.values()]
    assert not any("@" in v for v in stored)
    # Erasing the customer takes the name shown with their reviews; the review stays for the figures.
    assert reviews_anonymise(customer=customer) == 1
    ana.refresh_from_db()
    assert (ana.reviewer, ana.rating, ana.country, ana.text) == ("", 4, "DE", "Soft")


def test_reviews_find_existing_products_by_handle_or_sku_and_new_skus_map_to_their_variant(tmp_path):
    by_handle = ProductFactory(sku="HT-TH-001", handle="boho-throw")
    by_sku = ProductFactory(sku="HT-BL-002")
    variant = VariantFactory(sku="LASH-01", concept__category="false eyelashes", colour="black", material="")
    path = tmp_path / "spr.csv"
    path.write_text(SPR + "boho-throw,published,5,A,A,,,a,,2025-03-01,\n")
    reviews_import(fmt="shopify", paths=[path])
    assert Review.objects.get().product == by_handle
    mapping = review_mapping_save(name="Etsy", columns={"product": "SKU", "rating": "Stars", "created_at": "Date",
                                                         "body": "Review"})
    generic = tmp_path / "etsy.csv"
    generic.write_text("SKU,Stars,Date,Review\nHT-BL-002,4,2025-02-01,Warm\nLASH-01,2,2025-02-02,Too plain\n")
    (report,) = reviews_import(fmt="generic", paths=[generic], mapping=mapping)
    assert (report.new, report.products_new, report.products_mapped) == (2, 1, 1)
    assert Review.objects.get(text="Warm").product == by_sku
    lash = Review.objects.get(text="Too plain").product
    assert (lash.sku, lash.variant, lash.category, lash.mapped_by) == ("LASH-01", variant, "false eyelashes", "sku")
    assert Review.objects.get(text="Warm").external_id.startswith("h:")


def test_a_long_handle_gets_a_short_sku_and_keeps_the_handle(tmp_path):
    handle = "resin-kit-the-roaming-knight-the-fifteenth-century-collectible-unassembled-sculpture-for-hobbyists"
    path = tmp_path / "spr.csv"
    path.write_text(SPR + f"{handle},published,5,A,A,,,a,,2025-03-01,\n")
    reviews_import(fmt="shopify", paths=[path])
    product = Product.objects.get()
    assert product.handle == handle and len(product.sku) == 64 and product.sku.startswith(handle[:55] + "~")
    reviews_import(fmt="shopify", paths=[path])
    assert Product.objects.count() == 1


def test_the_real_judgeme_format_file_through_a_ten_point_mapping(tmp_path):
    mapping = review_mapping_save(
        name="CastForge", rating_scale=10,
        columns={"product": "product_handle", "rating": "rating", "created_at": "review_date", "title": "title",
                 "body": "body", "reviewer": "reviewer_name", "email": "reviewer_email"},
    )
    (refused,) = reviews_import(fmt="judgeme", paths=[DATA / "judgeme_castforge_resin_kits.csv"])
    assert not refused.ok and len(refused.problems) == 21 and _counts() == (0, 0, 0)
    (report,) = reviews_import(fmt="generic", paths=[DATA / "judgeme_castforge_resin_kits.csv"], mapping=mapping)
    assert report.ok and report.new == 55 and report.products_new == Product.objects.count() == 16
    assert Review.objects.filter(rating=5).count() == 48
    (again,) = reviews_import(fmt="generic", paths=[DATA / "judgeme_castforge_resin_kits.csv"], mapping=mapping)
    assert (again.new, again.unchanged) == (0, 55)


def test_the_command_prints_a_progress_line_and_a_report_per_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,useful\n1,2\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_reviews", "--format", "amazon", str(DATA / "amazon_reviews_sample_us.tsv"), str(bad),
                     stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("amazon_reviews_sample_us.tsv: 49 new, 0 updated, 0 unchanged reviews; 49 new products")
    assert lines[1].startswith("bad.csv: refused, nothing stored — bad.csv, line 1, column 'review_id': column missing")
    assert "[0/2] reading amazon_reviews_sample_us.tsv" in err.getvalue() and "[2/2] done" in err.getvalue()


def test_the_command_wants_a_known_mapping_for_generic_files():
    with pytest.raises(CommandError, match="needs --mapping NAME"):
        call_command("import_reviews", "--format", "generic", "x.csv", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="No review column mapping named 'Etsy'"):
        call_command("import_reviews", "--format", "generic", "--mapping", "Etsy", "x.csv", stdout=io.StringIO())
    with pytest.raises(CommandError, match="goes with --format generic"):
        call_command("import_reviews", "--format", "amazon", "--mapping", "Etsy", "x.csv", stdout=io.StringIO())


def test_mappings_are_checked_before_they_are_saved():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        review_mapping_save(name="", columns={"product": "SKU", "rating": "SKU"})
    assert set(error.value.message_dict) == {"name", "rating", "created_at"}
    review_mapping_save(name="Etsy", columns={"product": "SKU", "rating": "Stars", "created_at": "Date"})
    with pytest.raises(ValidationError, match="exists"):
        review_mapping_save(name="etsy", columns={"product": "SKU", "rating": "Stars", "created_at": "Date"})
    with pytest.raises(ValidationError, match="Unknown field"):
        review_mapping_save(name="X", columns={"product": "SKU", "rating": "Stars", "created_at": "Date", "ip": "IP"})


def test_reading_again_after_a_lexicon_change_finds_the_new_term_and_hands_it_over(tmp_path, django_capture_on_commit_callbacks):
    attribute_lexicon_seed()
    path = tmp_path / "spr.csv"
    path.write_text(SPR + "throw,published,2,Thin,A,,US,Way too thin,,2025-03-01,\n")
    reviews_import(fmt="shopify", paths=[path])
    assert not AttributeEvidence.objects.exists()  # the lexicon has no "thick"
    from analysis.models import Attribute

    Attribute.objects.create(kind="function", name="thick", synonyms=["thicker"])
    review_mentions_refresh()
    evidence = AttributeEvidence.objects.get()
    assert (evidence.attribute.name, evidence.kind, evidence.count, evidence.market) == ("thick", "request", 1, "US")
    assert evidence.examples[0]["quote"] == "Way too thin"


def test_dashboard_upload_runs_a_task_with_progress_and_a_report_per_file(staff_client, django_capture_on_commit_callbacks):
    good = io.BytesIO((DATA / "amazon_reviews_sample_us.tsv").read_bytes())
    good.name = "amazon_reviews_sample_us.tsv"
    bad = io.BytesIO(b"review_id\tstar_rating\nR1\t5\n")
    bad.name = "broken.tsv"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("customers:review_import"), {"format": "amazon", "files": [good, bad]})
    run = TaskRun.objects.get(kind="customers.import_reviews")
    assert response.status_code == 302 and response["Location"] == reverse("customers:review_import_run", args=[run.pk])
    assert (run.status, run.done, run.total, run.error) == ("failed", 2, 2, "1 of 2 files refused")
    assert run.message == "1 of 2 files imported" and not ReviewUpload.objects.exists()
    assert Review.objects.count() == 49
    page = staff_client.get(response["Location"]).content.decode()
    assert 'class="task-run' in page and "1 of 2 files imported" in page
    assert "amazon_reviews_sample_us.tsv" in page and "broken.tsv" in page
    assert "column <code>product_id</code>: column missing from the header" in page
    partial = staff_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="review-import-report"') and "hx-get" not in partial.split(">")[0]
    assert review_upload_import(task_run_id=run.pk) == []  # a run is imported once


def test_upload_form_refuses_what_the_service_refuses(staff_client):
    empty = staff_client.post(reverse("customers:review_import"), {"format": "generic"})
    assert empty.status_code == 200 and TaskRun.objects.count() == 0
    one = io.BytesIO(b"a,b\n")
    one.name = "g.csv"
    generic = staff_client.post(reverse("customers:review_import"), {"format": "generic", "files": [one]})
    assert "read through a saved column mapping: choose one" in generic.content.decode()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="At most 20 files"):
        review_upload_stage(files=[("a.csv", b"x")] * 21, fmt="amazon")


def test_only_staff_upload_and_only_with_csrf(client, django_user_model):
    from django.test import Client

    assert client.get(reverse("customers:review_import")).status_code == 302
    user = django_user_model.objects.create_user("plain", password="pw")
    client.force_login(user)
    assert client.get(reverse("customers:review_import")).status_code == 403
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert strict.post(reverse("customers:review_import"), {"format": "amazon"}).status_code == 403

"""A merchandiser uploads review exports in a real browser, sees the progress bar end and a report per file,
then accepts a suggested match for the new product."""

import os
from pathlib import Path

import pytest

from customers.models import Product, Review
from customers.tests.factories import ConceptFactory, VariantFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DATA = Path(__file__).parent / "data"


@pytest.fixture
def merchandiser(django_user_model):
    return django_user_model.objects.create_user("merch", "merch@c2f.localhost", "pw", is_staff=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_review_exports_and_map_the_new_product(live_server, merchandiser, tmp_path):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    VariantFactory(concept=ConceptFactory(name="Super Jumbo playing cards", category="cards"), sku="B002LHA74O-X",
                   colour="", material="", size="")
    broken = tmp_path / "broken.tsv"
    broken.write_text("review_id\tstar_rating\nR1\t5\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.goto(f"{live_server.url}/accounts/login/?next=/customers/reviews/import/")
            page.fill("input[name=username]", merchandiser.username)
            page.fill("input[name=password]", "pw")
            page.click("button[type=submit]")
            page.select_option("select[name=format]", "amazon")
            page.set_input_files("input[name=files]", [str(DATA / "amazon_reviews_sample_us.tsv"), str(broken)])
            page.click("#upload-form button")

            expect(page.locator(".task-run .progress-bar")).to_have_text("100%", timeout=20000)
            report = page.locator("table.review-import-report")
            expect(report.locator("tr", has_text="amazon_reviews_sample_us.tsv")).to_contain_text("Imported")
            expect(report.locator("tr", has_text="broken.tsv")).to_contain_text("column missing from the header")
            page.click("a:has-text('map new products')")
            row = page.locator(f"#product-{Product.objects.get(sku='B002LHA74O').pk}")
            expect(row).to_contain_text("Suggested:")
            row.locator("button:has-text('Accept')").click()
            expect(page.locator(".alert-success")).to_contain_text("B002LHA74O is now mapped to B002LHA74O-X")
        finally:
            browser.close()
    assert Review.objects.filter(product__variant__sku="B002LHA74O-X").count() == 1

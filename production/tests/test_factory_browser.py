"""A merchandiser creates a factory in a real browser, copies its key once, and the API takes the key."""

import pytest
from rest_framework.test import APIClient

from production import api_keys
from production.models import Factory, FactoryApiKey


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_create_a_factory_see_its_key_once_and_poll_with_it(live_server, staff_user, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(f"{live_server.url}/accounts/login/?next=/production/factories/")
    page.fill("input[name=username]", staff_user.username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.click("a[href='/production/factories/new/']")

    page.fill("input[name=name]", "Shaoxing Knit Works")
    page.fill("textarea[name=categories], input[name=categories]", "blanket, throw")
    page.fill("input[name=min_batch]", "150")
    page.fill("input[name=lead_time_days]", "25")
    page.fill("input[name=weekly_capacity]", "1200")
    page.locator("input[name=price_list_category]").first.fill("blanket")
    page.locator("input[name=price_list_amount]").first.fill("11.50")
    rows = page.locator("input[name=price_list_category]").count()
    page.click("button[data-add-price-row]")  # the script adds a row
    expect(page.locator("input[name=price_list_category]")).to_have_count(rows + 1)
    page.locator("input[name=price_list_category]").last.fill("throw")
    page.locator("input[name=price_list_amount]").last.fill("8.20")
    page.click("form.factory-form button[type=submit]")

    raw_key = page.input_value("#raw-key")
    assert raw_key.startswith("c2f_")
    expect(page.locator("#auth-header")).to_have_value(f"Authorization: Api-Key {raw_key}")
    factory = Factory.objects.get(name="Shaoxing Knit Works")
    # The shown-once page replaced its history entry: a reload shows the factory, not the key.
    # (expect retries: the script runs once the page has loaded, maybe after the key is readable)
    expect(page).to_have_url(f"{live_server.url}/production/factories/{factory.pk}/")
    page.reload()
    expect(page.locator("h1")).to_contain_text("Shaoxing Knit Works")
    assert raw_key not in page.content()

    assert factory.price_list == {"blanket": "11.50", "throw": "8.20"}
    assert (factory.min_batch, factory.lead_time_days, factory.weekly_capacity) == (150, 25, 1200)
    assert FactoryApiKey.objects.get(factory=factory).hashed_key == api_keys.hash_key(raw_key) != raw_key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    assert client.get("/api/v1/factory/orders/").status_code == 200

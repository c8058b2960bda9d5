"""/api/docs/ renders in a browser with every request to another host blocked, under the site's CSP."""

from urllib.parse import urlparse

import pytest

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_offline(live_server, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response.status == 200
    # Swagger UI drew the schema: its title, and the factory API's operations with their paths.
    expect(page.locator(".information-container .title")).to_contain_text("C2F factory API", timeout=20000)
    operation = page.locator(".opblock-summary", has_text="List your production orders")
    expect(operation).to_be_visible()
    expect(operation).to_contain_text("/api/v1/factory/orders/")
    expect(page.locator(".opblock-summary", has_text="Accept a production order")).to_be_visible()

    # Opening an operation shows its parameters and answers, from the same schema.
    operation.click()
    expect(page.get_by_text("If-None-Match").first).to_be_visible()

    browser.assert_clean()  # no CSP violation, script error, failed asset or other host
    assert all(urlparse(url).hostname in LOCAL_HOSTS for url in browser.requests)
    assert any(url.endswith("swagger-ui-bundle.js") for url in browser.requests)

"""The Django admin works under the site's Content-Security-Policy, in a real browser."""

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "quiet-harbour-71-lantern"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_login_lists_and_forms_load_cleanly(live_server, browser):
    from playwright.sync_api import expect

    get_user_model().objects.create_superuser("root", "root@c2f.localhost", PASSWORD)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    browser.assert_clean()

    for path in ("/admin/production/factory/", "/admin/production/factory/add/", "/admin/design/concept/add/",
                 "/admin/axes/accessattempt/", "/admin/django_celery_beat/periodictask/add/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("load")
        problems = browser.take_problems()
        assert problems == [], f"{path}:\n" + "\n".join(problems)

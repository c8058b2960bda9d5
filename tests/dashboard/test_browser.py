"""A merchandiser logs in with a real browser and walks from home to a hotspot's chart, offline."""

import pytest

from .conftest import PASSWORD

LOOP_ORDER = ["Hotspots", "Analysis", "Design", "Samples", "Production", "Promotion", "Customers", "Portraits"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_home_and_hotspot_chart(live_server, loop, staff_user, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.fill("input[name=username]", staff_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    expect(page.locator(".loop-links .link-card")).to_have_count(8)
    headers = page.locator(".loop-links .card-header a").all_inner_texts()
    assert [h.lstrip("0123456789").strip() for h in headers] == LOOP_ORDER
    expect(page.locator(".demo-banner")).to_be_visible()
    expect(page.locator(".task-run .progress-bar")).to_have_text("30%")
    page.screenshot(path="/tmp/dashboard.png", full_page=True)

    page.click("a.nav-link:has-text('Hotspots')")
    page.click(f"a[href='/hotspots/{loop.hotspot.pk}/']")
    expect(page.locator(".plot-container")).to_be_visible(timeout=15000)
    expect(page.locator("h1")).to_contain_text("mermaid blanket")
    browser.assert_clean()  # no CSP violation, script error or request to another host
    assert browser.requests, "the browser made no request at all"

"""A merchandiser logs in with a real browser and walks from home to a hotspot's chart, offline."""

import os
from urllib.parse import urlparse

import pytest

from .conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
LOOP_ORDER = ["Hotspots", "Analysis", "Design", "Samples", "Production", "Promotion", "Customers", "Portraits"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_home_and_hotspot_chart(live_server, loop, staff_user):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    requested: list[str] = []
    local_host = urlparse(live_server.url).hostname
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda request: requested.append(request.url))

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
            expect(page.locator("h1")).to_contain_text("mermaid blanket"); page.wait_for_timeout(500); page.screenshot(path="/tmp/hotspot.png", full_page=True); page.goto(f"{live_server.url}/cycles/1/"); page.screenshot(path="/tmp/cycle1.png", full_page=True); page.goto(f"{live_server.url}/samples/rounds/{loop.round.pk}/"); page.wait_for_timeout(500); page.screenshot(path="/tmp/round.png", full_page=True); page.goto(f"{live_server.url}/hotspots/"); page.screenshot(path="/tmp/hlist.png")
        finally:
            browser.close()

    assert requested, "the browser made no request at all"
    outside = [url for url in requested if urlparse(url).scheme in ("http", "https") and urlparse(url).hostname != local_host]
    assert outside == [], f"requests left the machine: {outside}"

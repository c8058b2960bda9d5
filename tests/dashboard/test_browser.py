"""A merchandiser logs in with a real browser and walks from home to a hotspot's chart, and uploads a shop export, offline."""

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
    # The list opens on the current cycle, 2; the hotspot is cycle 1's, one click away.
    page.click(".cycle-filter a:has-text('All cycles')")
    page.click(f"a[href='/hotspots/{loop.hotspot.pk}/']")
    expect(page.locator(".plot-container")).to_be_visible(timeout=15000)
    expect(page.locator("h1")).to_contain_text("mermaid blanket")
    browser.assert_clean()  # no CSP violation, script error or request to another host
    assert browser.requests, "the browser made no request at all"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_merchandiser_uploads_a_shop_export_and_sees_the_report_and_the_orders(live_server, staff_user, browser):
    """Upload a real Shopify export with one file that is not one, watch the per-file report, open the orders."""
    from pathlib import Path

    from playwright.sync_api import expect

    real = Path(__file__).resolve().parents[2] / "customers" / "tests" / "data" / "real"
    broken = Path("/tmp") / "c2f-browser-not-an-export.csv"
    broken.write_text("Name,Email\n#1,a@example.org\n")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{live_server.url}/customers/import/")
        page.fill("input[name=username]", staff_user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.set_input_files("input[name=files]", [str(real / "shopify_cod_bdt_2026.csv"), str(broken)])
        page.select_option("select[name=format]", "shopify")
        page.click("#upload-form button")

        expect(page.locator("h1")).to_contain_text("Order upload")
        expect(page.locator(".progress-bar")).to_have_text("100%", timeout=30000)
        reports = page.locator(".import-report")
        expect(reports).to_have_count(2)
        ok = reports.filter(has_text="shopify_cod_bdt_2026.csv")
        expect(ok.locator(".counts")).to_contain_text("5 new")
        expect(ok.locator(".counts")).to_contain_text("5 guest orders")
        refused = reports.filter(has_text="c2f-browser-not-an-export.csv")
        expect(refused).to_contain_text("Refused")
        expect(refused.locator(".problems")).to_contain_text("column missing from the header")

        page.click("a[href='/customers/orders/']")
        expect(page.locator("#orders tbody tr")).to_have_count(5)
        expect(page.locator("#orders")).to_contain_text("#71737")
        expect(page.locator("#orders")).to_contain_text("guest")
        page.select_option("select[name=guest]", "true")
        page.click("#order-filters button")
        expect(page.locator("#orders tbody tr")).to_have_count(5)
        page.click("a:has-text('#71737')")
        expect(page.locator("#order-money")).to_contain_text("BDT1,700.00")
        expect(page.locator("#order-lines tbody tr")).to_have_count(2)
        page.screenshot(path="/tmp/customers-order.png", full_page=True)
        browser.assert_clean()  # no CSP violation, script error or request to another host
    finally:
        broken.unlink()


def _log_in(page, live_server, staff_user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", staff_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _load_ms(page) -> float:
    """Navigation to the load event's end, in the browser's own clock."""
    return page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_to_do_list_leads_to_the_page_to_act(live_server, loop, staff_user, browser):
    """On the demo-like loop with a confirmed sample waiting for its batch and a round to decide, the
    home page lists both; each button lands where the action is taken."""
    import datetime as dt

    from django.utils import timezone
    from playwright.sync_api import expect

    from production.models import ProductionOrder
    from samples.models import Invitation, Sample, VoteRound

    ProductionOrder.objects.filter(pk=loop.production_order.pk).update(status=ProductionOrder.Status.CANCELLED)
    now = timezone.now()
    revised = Sample.objects.create(concept=loop.concept, version=2, status=Sample.Status.IN_REVIEW)
    undecided = VoteRound.objects.create(
        cycle=loop.cycle2, sample=revised, opens_at=now - dt.timedelta(days=8), closes_at=now - dt.timedelta(days=1),
        status=VoteRound.Status.CLOSED,
    )
    Invitation.objects.create(round=undecided, buyer=loop.buyer, sent_at=now - dt.timedelta(days=8))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _log_in(page, live_server, staff_user)
    # Cycle 2 is on screen: its round to decide; the batch to plan is cycle 1's, one click away.
    decide = page.locator("[data-todo-section=round_decide] .todo-item")
    expect(decide).to_have_count(1)
    expect(decide).to_contain_text(f"Round {undecided.pk}")
    expect(decide).to_contain_text("0 of 1 buyers voted (0%)")
    expect(page.locator("[data-todo-section=batch_plan]")).to_have_count(0)
    page.screenshot(path="/tmp/dashboard-todo.png", full_page=True)
    decide.get_by_role("link", name="Decide").click()
    expect(page).to_have_url(f"{live_server.url}/samples/rounds/{undecided.pk}/")
    expect(page.locator("form[action$='/decide/']")).to_be_visible()

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="All cycles").click()
    plan = page.locator("[data-todo-section=batch_plan] .todo-item")
    expect(plan).to_have_count(1)
    expect(plan).to_contain_text("cycle 1")
    plan.get_by_role("link", name="Plan the batch").click()
    expect(page).to_have_url(f"{live_server.url}/production/plan/{loop.sample.pk}/")
    expect(page.locator("h1")).to_contain_text("Plan")
    browser.assert_clean()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_heaviest_pages_load_within_a_second(live_server, loop, staff_user, browser):
    """Pages with charts and the most rows, timed by the browser from navigation to the load event
    (the charts drawn by then)."""
    from playwright.sync_api import expect

    heavy = [
        "/", f"/hotspots/{loop.hotspot.pk}/", f"/hotspots/series/{loop.series.pk}/",
        f"/samples/rounds/{loop.round.pk}/", f"/portraits/runs/{loop.run.pk}/", "/analysis/attributes/",
        f"/production/{loop.production_order.pk}/",
    ]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _log_in(page, live_server, staff_user)
    expect(page.locator(".loop-links")).to_be_visible()
    timings = {}
    for path in heavy:
        # The first visit fetches plotly.js, once per version (it is cached for good in production);
        # the second is what a merchandiser moving between pages waits for.
        page.goto(f"{live_server.url}{path}", wait_until="load")
        page.goto(f"{live_server.url}{path}", wait_until="load")
        timings[path] = _load_ms(page)
    slow = {path: round(ms) for path, ms in timings.items() if ms >= 1000}
    assert not slow, f"over 1 s in the browser: {slow} (all: {timings})"
    browser.assert_clean()

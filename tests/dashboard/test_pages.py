"""Every dashboard page: who may open it, and that it shows the record and its lineage."""

import json
import re

import pytest
from django.urls import reverse

from .conftest import PASSWORD

# (url name, how to get the args from the loop fixture, texts the page must show)
PAGES = [
    ("dashboard:home", lambda l: [], ["Cycle 2", "Import trend exports"]),
    ("dashboard:cycle", lambda l: [l.cycle.number], ["Cycle 1", "$98.00"]),
    ("dashboard:task_progress", lambda l: [l.task_run.pk], ["hotspots.pull", "3/10"]),
    ("hotspots:list", lambda l: [], ["mermaid blanket", "Seed blankets"]),
    ("hotspots:detail", lambda l: [l.hotspot.pk], ["mermaid tail blanket for adults", "Seed blankets"]),
    ("hotspots:series", lambda l: [l.series.pk], ["mermaid blanket", "60 points"]),
    ("hotspots:watchlist", lambda l: [l.watchlist2.pk], ["From cosy gift buyers", "mermaid throw"]),
    ("analysis:list", lambda l: [], ["mermaid blanket · US"]),
    ("analysis:detail", lambda l: [l.opportunity.pk], ["Opportunity #1", "Mermaid tail sherpa blanket"]),
    ("design:list", lambda l: [], ["Mermaid tail sherpa blanket", "Mermaid sherpa throw"]),
    ("design:detail", lambda l: [l.concept.pk], ["MT-SH-TEAL", "Mermaid launch US"]),
    ("samples:list", lambda l: [], ["Mermaid tail sherpa blanket v1"]),
    ("samples:detail", lambda l: [l.sample.pk], ["Sherpa lined", "PO-0001"]),
    ("samples:round", lambda l: [l.round.pk], ["Ada Buyer", "Lovely colour", "PO-0001"]),
    ("production:list", lambda l: [], ["PO-0001", "Ningbo Soft Textiles"]),
    ("production:detail", lambda l: [l.production_order.pk], ["MT-SH-TEAL", "received", "Mermaid launch US"]),
    ("production:factory", lambda l: [l.factory.pk], ["Ningbo Soft Textiles", "PO-0001"]),
    ("promotion:list", lambda l: [], ["Mermaid launch US"]),
    ("promotion:detail", lambda l: [l.campaign.pk], ["/r/mermaid-ig", "Meet the mermaid blanket", "O-5001"]),
    ("customers:list", lambda l: [], ["eve@customers.test", "Cosy gift buyers"]),
    ("customers:orders", lambda l: [], ["O-5001", "Mermaid launch US"]),
    ("customers:customer", lambda l: [l.customer.pk], ["O-5001", "Cosy gift buyers"]),
    ("customers:order", lambda l: [l.order.pk], ["/r/mermaid-ig", "Mermaid tail sherpa blanket"]),
    ("portraits:list", lambda l: [], ["Cosy gift buyers"]),
    ("portraits:run", lambda l: [l.run.pk], ["Cosy gift buyers", "Share of customers, revenue and expected spend"]),
    ("portraits:segment", lambda l: [l.segment.pk], ["Days since last order", "Mermaid sherpa throw"]),
    ("portraits:brief", lambda l: [l.brief.pk], ["From cosy gift buyers", "Mermaid sherpa throw", "mermaid throw"]),
]
PAGE_IDS = [name for name, _, _ in PAGES]
# Lists open on the current cycle (2); the loop fixture's rows are mostly cycle 1's.
CYCLE_LISTS = {
    "hotspots:list", "analysis:list", "design:list", "samples:list", "production:list", "promotion:list",
    "customers:orders", "portraits:list",
}


@pytest.mark.parametrize(("name", "args", "texts"), PAGES, ids=PAGE_IDS)
def test_anonymous_is_sent_to_login(client, loop, name, args, texts):
    url = reverse(name, args=args(loop))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("name", "args", "texts"), PAGES, ids=PAGE_IDS)
def test_non_staff_user_is_refused(client, loop, plain_user, name, args, texts):
    client.force_login(plain_user)
    assert client.get(reverse(name, args=args(loop))).status_code == 403


@pytest.mark.parametrize(("name", "args", "texts"), PAGES, ids=PAGE_IDS)
def test_staff_sees_the_page(staff_client, loop, name, args, texts):
    response = staff_client.get(reverse(name, args=args(loop)), {"cycle": "all"} if name in CYCLE_LISTS else {})
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html, f"{name} should show {text!r}"


@pytest.mark.parametrize(("name", "args", "texts"), PAGES, ids=PAGE_IDS)
def test_pages_only_read(staff_client, loop, name, args, texts):
    assert staff_client.post(reverse(name, args=args(loop))).status_code == 405


@pytest.mark.parametrize(("name", "args"), [
    ("hotspots:detail", [999999]), ("samples:round", [999999]), ("dashboard:cycle", [42]), ("portraits:brief", [999999]),
])
def test_missing_record_is_404(staff_client, loop, name, args):
    assert staff_client.get(reverse(name, args=args)).status_code == 404


def _links(html: str, *urls: str) -> None:
    for url in urls:
        assert f'href="{url}"' in html, f"missing link to {url}"


def test_detail_pages_link_back_and_forward(staff_client, loop):
    def page(name, pk):
        return staff_client.get(reverse(name, args=[pk])).content.decode()

    _links(page("hotspots:detail", loop.hotspot.pk),
           loop.series.get_absolute_url(), loop.watchlist.get_absolute_url(), loop.opportunity.get_absolute_url())
    _links(page("hotspots:watchlist", loop.watchlist2.pk), loop.brief.get_absolute_url(), loop.run.get_absolute_url())
    _links(page("analysis:detail", loop.opportunity.pk), loop.hotspot.get_absolute_url(), loop.concept.get_absolute_url())
    _links(page("design:detail", loop.concept.pk), loop.opportunity.get_absolute_url(), loop.sample.get_absolute_url())
    _links(page("design:detail", loop.concept2.pk), loop.brief.get_absolute_url(), loop.segment.get_absolute_url())
    _links(page("samples:detail", loop.sample.pk), loop.concept.get_absolute_url(), loop.round.get_absolute_url())
    _links(page("samples:round", loop.round.pk), loop.sample.get_absolute_url(), loop.production_order.get_absolute_url())
    _links(page("production:detail", loop.production_order.pk),
           loop.sample.get_absolute_url(), loop.round.get_absolute_url(), loop.campaign.get_absolute_url())
    _links(page("promotion:detail", loop.campaign.pk),
           loop.concept.get_absolute_url(), loop.production_order.get_absolute_url(), loop.order.get_absolute_url())
    _links(page("customers:order", loop.order.pk), loop.campaign.get_absolute_url(), loop.concept.get_absolute_url())
    _links(page("customers:customer", loop.customer.pk), loop.order.get_absolute_url(), loop.segment.get_absolute_url())
    _links(page("portraits:run", loop.run.pk), loop.segment.get_absolute_url(), loop.brief.get_absolute_url())
    _links(page("portraits:segment", loop.segment.pk), loop.brief.get_absolute_url(), loop.concept2.get_absolute_url())
    _links(page("portraits:brief", loop.brief.pk),
           loop.segment.get_absolute_url(), loop.cycle2.get_absolute_url(),
           loop.watchlist2.get_absolute_url(), loop.concept2.get_absolute_url())


def test_hotspot_detail_draws_the_series_with_local_plotly(staff_client, loop):
    html = staff_client.get(reverse("hotspots:detail", args=[loop.hotspot.pk])).content.decode()
    assert "/static/vendor/plotly/plotly-cartesian.min.js" in html and "/static/c2f/charts.js" in html
    # The figure travels as a JSON data block for charts.js; the page runs no inline script.
    block = re.search(r'data-plotly-figure="([^"]+)"', html).group(1)
    figure = json.loads(re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.S).group(1))
    assert figure["data"][0]["x"][0] == "2024-01-07"  # first point of the series
    assert figure["config"] == {"displaylogo": False, "responsive": True}
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts and all('type="application/json"' in attrs for attrs in scripts)


def test_round_page_charts_the_score_distribution(staff_client, loop):
    response = staff_client.get(reverse("samples:round", args=[loop.round.pk]))
    assert response.context["results"]["voted"] == 1
    assert response.context["results"]["score_distribution"][5] == 1
    assert "Score distribution" in response.content.decode()


def test_portrait_run_scatters_recency_against_monetary_from_its_stored_sample(staff_client, loop):
    loop.run.metrics = {"charts": {"scatter": {"segment": [0], "recency_days": [12], "monetary": [98.0]}}}
    loop.run.save(update_fields=["metrics"])
    response = staff_client.get(reverse("portraits:run", args=[loop.run.pk]))
    assert any("Recency vs monetary (1 customers drawn at random)" in chart for chart in response.context["charts"])


def test_demo_banner_shows_on_demo_data(staff_client, loop):
    html = staff_client.get(reverse("hotspots:list")).content.decode()
    assert "Demo data — generated for demonstration, not live measurements" in html


def test_no_demo_banner_without_demo_data(staff_client, db):
    from core.models import Cycle

    Cycle.objects.create(number=1, is_demo=False)
    html = staff_client.get(reverse("dashboard:home")).content.decode()
    assert "Demo data" not in html


def test_login_form_logs_a_merchandiser_in(client, staff_user):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "merch", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_logout_is_a_post_form(staff_client, loop):
    html = staff_client.get(reverse("dashboard:home")).content.decode()
    assert f'method="post" action="{reverse("logout")}"' in html
    assert staff_client.post(reverse("logout")).status_code == 302
    assert staff_client.get(reverse("dashboard:home")).status_code == 302


def test_a_chart_page_gives_plotly_its_style_element_with_the_pages_nonce(staff_client, loop):
    response = staff_client.get(reverse("hotspots:detail", args=[loop.hotspot.pk]))
    nonce = re.search(r"style-src [^;]*'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    assert f'<style id="plotly.js-style-global" nonce="{nonce}"></style>' in html
    # Each response has its own nonce.
    again = staff_client.get(reverse("hotspots:detail", args=[loop.hotspot.pk]))
    assert nonce not in again["Content-Security-Policy"]

"""An early link's page shows what later links made of its record, through the lineage registry
(core.dashboard.lineage), without the early link naming the later ones."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis.models import Opportunity
from core.dashboard import lineage
from customers.models import Customer, Order, Platform, Product
from design.models import Concept
from hotspots.models import WatchKeyword
from portraits.models import PortraitRun, Segment, SegmentMembership
from production.models import ProductionOrder
from promotion.models import Campaign, Post, TrackedLink
from samples.models import Sample, VoteRound

from .conftest import add_hotspot

ROOT = Path(__file__).resolve().parents[2]
LINKS = ["hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits"]


def test_a_concept_page_shows_the_later_links_panels_in_loop_order(staff_client, loop):
    html = staff_client.get(reverse("design:detail", args=[loop.concept.pk])).content.decode()
    panel = html[html.index('class="col-lg-4 forward-links"'):]
    headings = ["Samples", "Vote rounds", "Campaigns", "Sold as"]
    positions = [panel.index(f">{heading}") for heading in headings]
    assert positions == sorted(positions)
    assert f'href="{loop.sample.get_absolute_url()}">v1</a> · Confirmed · 1 rounds' in panel
    assert f'href="{reverse("samples:sample_create", args=[loop.concept.pk])}">New version</a>' in panel
    assert f'href="{loop.round.get_absolute_url()}">round {loop.round.pk}</a> (v1)' in panel
    assert f'href="{loop.campaign.get_absolute_url()}">Mermaid launch US</a> · US' in panel
    assert "Mermaid tail sherpa blanket, teal" in panel  # the product it is sold as


def test_each_earlier_record_shows_what_the_next_links_made_of_it(staff_client, loop):
    def page(name, pk):
        return staff_client.get(reverse(name, args=[pk])).content.decode()

    assert f"opportunity #1: {loop.opportunity}" in page("hotspots:detail", loop.hotspot.pk)
    assert "Mermaid tail sherpa blanket</a> · Confirmed · 1 samples" in page("analysis:detail", loop.opportunity.pk)
    assert "PO-0001</a> · Ningbo Soft Textiles · Received" in page("samples:detail", loop.sample.pk)
    assert "PO-0001</a> · Ningbo Soft Textiles · Received · 1 lines" in page("samples:round", loop.round.pk)
    order_page = page("production:detail", loop.production_order.pk)
    assert "Mermaid launch US</a> · US · 1 posts" in order_page
    assert "1 shop orders came through these campaigns." in order_page
    campaign_page = page("promotion:detail", loop.campaign.pk)
    assert re.search(r"<code>/r/mermaid-ig</code>.*?<td class=\"num\">3</td><td class=\"num\">1</td>", campaign_page)
    assert "Orders attributed to this campaign" in campaign_page and "O-5001" in campaign_page
    assert "Cosy gift buyers</a> in <a" in page("customers:customer", loop.customer.pk)
    assert re.search(r"mermaid blanket · US</a></td><td class=\"num\">0.91</td><td class=\"num\">1</td>",
                     page("hotspots:watchlist", loop.watchlist.pk))


def test_a_panel_a_later_link_registers_appears_without_the_earlier_link_knowing(staff_client, loop, monkeypatch):
    monkeypatch.setattr(lineage, "_panels", {label: dict(panels) for label, panels in lineage._panels.items()})
    lineage.downstream_panel_register(
        Concept, key="kv", title="Registered later", template="dashboard/_kv_table.html",
        rows=lambda concept: [("made from", f"{concept.name} by a later link")],
    )
    html = staff_client.get(reverse("design:detail", args=[loop.concept.pk])).content.decode()
    assert "Mermaid tail sherpa blanket by a later link" in html
    assert html.index(">Sold as") < html.index("by a later link")


@pytest.mark.parametrize(("list_name", "key", "label"), [
    ("analysis:list", "concepts", "Concepts"),
    ("design:list", "samples", "Samples"),
    ("promotion:list", "orders", "Orders"),
])
def test_a_registered_count_is_a_sortable_column(staff_client, loop, list_name, key, label):
    response = staff_client.get(reverse(list_name), {"cycle": "all", "sort": f"-{key}"})
    assert [c.key for c in response.context["downstream_columns"]] == [key]
    assert response.context["sort"] == f"-{key}"
    html = response.content.decode()
    assert f"{label} ▼</a></th>" in html
    counts = [getattr(row, f"n_{key}") for row in response.context["object_list"]]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 1


def test_the_samples_column_counts_each_concepts_samples(staff_client, loop):
    Sample.objects.create(concept=loop.concept, version=2)
    rows = {c.name: c.n_samples for c in staff_client.get(reverse("design:list"), {"cycle": "all"}).context["object_list"]}
    assert rows == {"Mermaid tail sherpa blanket": 2, "Mermaid sherpa throw": 0}


def test_an_early_links_templates_name_no_later_links_pages():
    """Only the loop's closing back-links (a brief or segment of the portrait run that seeded a
    record of the next cycle) point to a later link; everything forward comes from the registry."""
    wrong = []
    for app in LINKS:
        allowed = set(LINKS[: LINKS.index(app) + 1]) | {"portraits"}
        for template in (ROOT / app / "templates").rglob("*.html"):
            for namespace in re.findall(r"{%\s*url\s+['\"](\w+):", template.read_text()):
                if namespace in LINKS and namespace not in allowed:
                    wrong.append(f"{template.relative_to(ROOT)} links to {namespace}")
    assert not wrong, wrong


def _grow_downstream(loop, n: int, *, versions: bool = True) -> None:
    """``n`` more of everything later links made of the loop's records (and ``n`` more sample
    versions of its concept unless ``versions`` is false)."""
    now = timezone.now()
    for i in range(n):
        opportunity = Opportunity.objects.create(
            cycle=loop.cycle, category="blanket", market="GB", key=f"blanket|GB|x{i}", score=0.3, rank=100 + i
        )
        opportunity.hotspots.add(loop.hotspot)
        WatchKeyword.objects.create(watchlist=loop.watchlist, keyword=f"fleece blanket {i}", category="blanket")
        hotspot = add_hotspot(loop.cycle, f"fleece blanket {i}", "US", 0.2)
        opportunity.hotspots.add(hotspot)
        concept = Concept.objects.create(
            cycle=loop.cycle, name=f"Fleece {i}", category="blanket", opportunity=loop.opportunity,
            target_markets=["US"], target_price=Decimal("40"), unit_cost=Decimal("10"),
        )
        Sample.objects.create(concept=concept, version=1)
        if versions:
            sample = Sample.objects.create(concept=loop.concept, version=2 + i)
            VoteRound.objects.create(cycle=loop.cycle, sample=sample, opens_at=now, closes_at=now + dt.timedelta(days=3))
        ProductionOrder.objects.create(
            cycle=loop.cycle, factory=loop.factory, reference=f"PO-9{i:03d}", sample=loop.sample,
            sizing_round=loop.round, unit_price=Decimal("9"),
        )
        campaign = Campaign.objects.create(
            cycle=loop.cycle, concept=loop.concept, production_order=loop.production_order, name=f"Relaunch {i}",
            market="GB", starts_on=dt.date(2024, 8, 1),
        )
        Post.objects.create(campaign=campaign, channel="pinterest", text="Again", scheduled_at=now)
        Product.objects.create(sku=f"MT-X-{i}", title=f"Mermaid {i}", category="blanket", concept=loop.concept)
        link = TrackedLink.objects.create(
            campaign=loop.campaign, code=f"mermaid-{i}", destination_url="https://shop.c2f.localhost/p/m",
            utm_source="x", utm_campaign="mermaid",
        )
        customer = Customer.objects.create(platform=Platform.DEMO, external_id=f"C-9{i:03d}", country="US")
        Order.objects.create(
            cycle=loop.cycle, customer=customer, platform=Platform.DEMO, external_id=f"O-9{i:03d}", placed_at=now,
            market="US", total=Decimal("49"), tracked_link=link,
        )
        run = PortraitRun.objects.create(cycle=loop.cycle, status=PortraitRun.Status.DONE)
        segment = Segment.objects.create(run=run, label=0, name=f"Segment {i}", size=1, profile={})
        SegmentMembership.objects.create(run=run, segment=segment, customer=loop.customer, recency_days=1, tenure_days=1, frequency=1, monetary=49.0, avg_order_value=49.0, r_score=3, f_score=1, m_score=3, rfm_group="About to sleep")


DETAIL_PAGES = [
    ("hotspots:detail", lambda l: l.hotspot.pk),
    ("hotspots:watchlist", lambda l: l.watchlist.pk),
    ("analysis:detail", lambda l: l.opportunity.pk),
    ("design:detail", lambda l: l.concept.pk),
    ("samples:detail", lambda l: l.sample.pk),
    ("samples:round", lambda l: l.round.pk),
    ("production:detail", lambda l: l.production_order.pk),
    ("promotion:detail", lambda l: l.campaign.pk),
    ("customers:customer", lambda l: l.customer.pk),
]


@pytest.mark.parametrize(("name", "pk"), DETAIL_PAGES, ids=[n for n, _ in DETAIL_PAGES])
def test_downstream_panels_cost_the_same_queries_for_1_row_or_20(staff_client, loop, name, pk):
    url = reverse(name, args=[pk(loop)])

    def queries() -> int:
        cache.clear()  # both visits count what pages keep (core.dashboard.figures) afresh
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    few = queries()
    # A sample's page compares its concept's versions at a few queries each: grown here are only
    # the rows later links made, which must not cost a query each.
    _grow_downstream(loop, 19, versions=name != "samples:detail")
    assert queries() == few

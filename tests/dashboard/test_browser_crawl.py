"""Every dashboard page in a real browser, logged in as a merchandiser, under the site's CSP.

A page fails on a Content-Security-Policy violation, a script error, an asset that does not
load, or any request to another host (the shared ``browser`` fixture watches all of them).
"""

import io
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from c2f.reports import cycle_report_refresh
from core.models import TaskRun
from customers.models import OrderColumnMapping, Review, ReviewSource, ReviewUpload
from customers.services import sales_figures_refresh
from customers.services.uploads import KIND as ORDER_UPLOAD_KIND
from design.models import ComplianceItem
from design.services import compliance_item_check
from hotspots.models import TrendImport, TrendSource
from production.models import FactoryApiKey
from production.services import factory_api_key_create
from promotion.models import BulkExport
from samples.models import BuyerPanel
from samples.services import sample_photo_add

from .conftest import PASSWORD

DASHBOARD_NAMESPACES = {"dashboard", "hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits"}


@dataclass
class Extras:
    compliance_item: ComplianceItem
    photo_id: int
    panel: BuyerPanel
    api_key: FactoryApiKey
    import_run: TaskRun
    score_run: TaskRun
    review_upload: TaskRun
    order_upload: TaskRun
    mapping: OrderColumnMapping
    bulk_export: BulkExport


@pytest.fixture
def extras(loop) -> Extras:
    """What the small loop lacks for a few pages: evidence, a photo, a panel, an API key, an import, a scoring run."""
    item = ComplianceItem.objects.create(concept=loop.concept, market="US", title="Care label (FTC)")
    item = compliance_item_check(item=item, actor="merch", evidence_file=ContentFile(b"%PDF-1.4 demo", name="label.pdf"))
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 160, 140)).save(out, "PNG")
    photo = sample_photo_add(sample=loop.sample, upload=SimpleUploadedFile("front.png", out.getvalue(), "image/png"))
    panel = BuyerPanel.objects.create(name="US home buyers")
    panel.buyers.add(loop.buyer)
    factory_api_key_create(factory=loop.factory, name="ERP")
    run = TaskRun.objects.create(kind="hotspots.import", status=TaskRun.Status.DONE, done=1, total=1)
    TrendImport.objects.create(filename="multiTimeline.csv", kind="multiTimeline", source=TrendSource.TRENDS_EXPORT,
                               status=TrendImport.Status.OK, new=60, task_run=run)
    score = TaskRun.objects.create(kind="hotspots.score", cycle=loop.cycle2, status=TaskRun.Status.RUNNING, done=1, total=4)
    Review.objects.create(product=loop.product, customer=loop.customer, source=ReviewSource.DEMO, external_id="R-1",
                          rating=4, title="Cosy", text="Lovely and warm, wish it came in sage", created_at=timezone.now(),
                          is_demo=True)
    review_upload = TaskRun.objects.create(kind=ReviewUpload.TASK_KIND, status=TaskRun.Status.DONE, done=1, total=1)
    order_upload = TaskRun.objects.create(kind=ORDER_UPLOAD_KIND, status=TaskRun.Status.DONE, done=1, total=1)
    mapping = OrderColumnMapping.objects.create(
        name="Marketplace X", columns={"order_id": "Order", "placed_at": "Date", "sku": "SKU", "quantity": "Qty", "price": "Price"},
    )
    sales_figures_refresh()  # the sales charts draw the loop's order
    for cycle in (loop.cycle, loop.cycle2):
        cycle_report_refresh(cycle_id=cycle.pk)
    export = BulkExport.objects.create(campaign=loop.campaign, publisher="publer", channel="instagram",
                                       filename="publer-mermaid-instagram.csv", content="Date,Text\r\n", post_count=0,
                                       created_by="merch")
    return Extras(item, photo.pk, panel, FactoryApiKey.objects.get(factory=loop.factory), run, score, review_upload,
                  order_upload, mapping, export)


# url name -> (args from the loop and extras, query string)
PAGES = {
    "dashboard:home": (lambda l, e: [], ""),
    "dashboard:cycle": (lambda l, e: [l.cycle.number], ""),
    "dashboard:reorders": (lambda l, e: [], ""),
    "dashboard:cycle_report": (lambda l, e: [l.cycle.number], ""),
    "dashboard:cycle_compare": (lambda l, e: [], "?a=1&b=2"),
    "dashboard:task_progress": (lambda l, e: [l.task_run.pk], ""),
    "dashboard:cycle_run": (lambda l, e: [l.cycle2.number], ""),  # the confirmation step
    "hotspots:list": (lambda l, e: [], ""),
    "hotspots:detail": (lambda l, e: [l.hotspot.pk], ""),
    "hotspots:keyword": (lambda l, e: [], "?keyword=mermaid+blanket&market=US"),
    "hotspots:series": (lambda l, e: [l.series.pk], ""),
    "hotspots:watchlist_create": (lambda l, e: [], ""),
    "hotspots:watchlist": (lambda l, e: [l.watchlist.pk], ""),
    "hotspots:watchlist_edit": (lambda l, e: [l.watchlist.pk], ""),
    "hotspots:import": (lambda l, e: [], ""),
    "hotspots:import_run": (lambda l, e: [e.import_run.pk], ""),
    "hotspots:imports": (lambda l, e: [], ""),
    "hotspots:score_run": (lambda l, e: [e.score_run.pk], ""),
    "analysis:list": (lambda l, e: [], ""),
    "analysis:detail": (lambda l, e: [l.opportunity.pk], ""),
    "analysis:attributes": (lambda l, e: [], ""),
    "design:list": (lambda l, e: [], ""),
    "design:create": (lambda l, e: [], ""),
    "design:detail": (lambda l, e: [l.concept.pk], ""),
    "design:costing": (lambda l, e: [l.concept.pk], ""),
    "design:mix": (lambda l, e: [l.concept.pk], ""),
    "design:compliance_check": (lambda l, e: [e.compliance_item.pk], ""),
    "samples:list": (lambda l, e: [], ""),
    "samples:detail": (lambda l, e: [l.sample.pk], ""),
    "samples:photo_add": (lambda l, e: [l.sample.pk], ""),
    "samples:round_open": (lambda l, e: [l.sample.pk], ""),
    "samples:sample_create": (lambda l, e: [l.concept2.pk], ""),
    "samples:panels": (lambda l, e: [], ""),
    "samples:panel": (lambda l, e: [e.panel.pk], ""),
    "samples:round": (lambda l, e: [l.round.pk], ""),
    "samples:round_close": (lambda l, e: [l.round.pk], ""),  # the confirmation step
    "production:list": (lambda l, e: [], ""),
    "production:board": (lambda l, e: [], ""),
    "production:payments": (lambda l, e: [], ""),
    "production:detail": (lambda l, e: [l.production_order.pk], ""),
    "production:plan": (lambda l, e: [l.sample.pk], ""),
    "production:factories": (lambda l, e: [], ""),
    "production:factory_create": (lambda l, e: [], ""),
    "production:factory": (lambda l, e: [l.factory.pk], ""),
    "production:factory_edit": (lambda l, e: [l.factory.pk], ""),
    "production:factory_key_revoke": (lambda l, e: [l.factory.pk, e.api_key.pk], ""),
    "production:pre_orders": (lambda l, e: [], ""),
    "promotion:list": (lambda l, e: [], ""),
    "promotion:detail": (lambda l, e: [l.campaign.pk], ""),
    "promotion:compare": (lambda l, e: [], "?ids=1&ids=2"),
    "promotion:create": (lambda l, e: [], ""),
    "promotion:edit": (lambda l, e: [l.campaign.pk], ""),
    "promotion:post-create": (lambda l, e: [l.campaign.pk], ""),
    "promotion:post": (lambda l, e: [l.post.pk], ""),
    "promotion:post-edit": (lambda l, e: [l.post.pk], ""),
    "promotion:link-edit": (lambda l, e: [l.link.pk], ""),
    "customers:list": (lambda l, e: [], ""),
    "customers:customer": (lambda l, e: [l.customer.pk], ""),
    "customers:orders": (lambda l, e: [], ""),
    "customers:order": (lambda l, e: [l.order.pk], ""),
    "customers:charts": (lambda l, e: [], ""),
    "customers:import": (lambda l, e: [], ""),
    "customers:import_run": (lambda l, e: [e.order_upload.pk], ""),
    "customers:imports": (lambda l, e: [], ""),
    "customers:mapping_new": (lambda l, e: [], ""),
    "customers:mapping": (lambda l, e: [e.mapping.pk], ""),
    "customers:products": (lambda l, e: [], ""),
    "customers:product": (lambda l, e: [l.product.pk], ""),
    "customers:reviews": (lambda l, e: [], ""),
    "customers:review_import": (lambda l, e: [], ""),
    "customers:review_import_run": (lambda l, e: [e.review_upload.pk], ""),
    "customers:review_mapping_new": (lambda l, e: [], ""),
    "portraits:list": (lambda l, e: [], ""),
    "portraits:run": (lambda l, e: [l.run.pk], ""),
    "portraits:segment": (lambda l, e: [l.segment.pk], ""),
    "portraits:brief": (lambda l, e: [l.brief.pk], ""),
    # The site's other pages a merchandiser opens from the dashboard.
    "api-docs": (lambda l, e: [], ""),
    "factory_api:guide": (lambda l, e: [], ""),
}
# Files, not pages: fetched with the browser's session rather than opened.
FILES = {
    "samples:photo": lambda l, e: [e.photo_id],
    "samples:photo_thumb": lambda l, e: [e.photo_id],
    "design:compliance_evidence": lambda l, e: [e.compliance_item.pk],
    "customers:export": lambda l, e: [l.customer.pk],
    "dashboard:cycle_report_csv": lambda l, e: [l.cycle.number],
    "promotion:export-download": lambda l, e: [e.bulk_export.pk],
    "portraits:segment_export": lambda l, e: [l.segment.pk],
}


def _get_patterns():
    """Every dashboard URL name that answers GET."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in DASHBOARD_NAMESPACES:
                view = getattr(pattern.callback, "view_class", None)
                if view is None or "get" in view.http_method_names:
                    yield f"{namespace}:{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def test_the_crawl_covers_every_dashboard_page():
    assert _get_patterns() == {name for name in PAGES if name.split(":")[0] in DASHBOARD_NAMESPACES} | set(FILES)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_dashboard_page_loads_cleanly_under_the_csp(live_server, loop, extras, staff_user, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", staff_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".loop-links")).to_be_visible()

    charts = 0
    for name, (args, query) in PAGES.items():
        url = f"{live_server.url}{reverse(name, args=args(loop, extras))}{query}"
        response = page.goto(url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        page.wait_for_load_state("load")
        figures = page.locator("[data-plotly-figure]")
        if figures.count():
            # charts.js drew each figure: plotly's container is inside every one.
            expect(page.locator("[data-plotly-figure] .plot-container")).to_have_count(figures.count(), timeout=15000)
            charts += figures.count()
        if name == "api-docs":
            expect(page.locator(".opblock-summary", has_text="List your production orders")).to_be_visible(timeout=20000)
        problems = browser.take_problems()
        assert problems == [], f"{name} ({url}):\n" + "\n".join(problems)
    assert charts >= 8, "the crawl drew fewer charts than the loop's pages show"

    for name, args in FILES.items():
        url = f"{live_server.url}{reverse(name, args=args(loop, extras))}"
        assert page.request.get(url).status == 200, f"{name}: {url}"

"""Link 7's pages: filters, the upload with its per-file report, the column-mapping builder, the charts, access, and
query counts that do not grow with the rows."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import TaskRun
from customers.models import Customer, Order, OrderColumnMapping, OrderImport
from customers.services import orders_import, sales_figures_refresh
from portraits.models import SegmentMembership
from portraits.tests.factories import SegmentFactory

from .factories import CustomerFactory, CycleFactory, OrderFactory, OrderLineFactory, figures_refresh

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"


def _rows(response, attribute="object_list"):
    return list(response.context[attribute])


@pytest.fixture
def shop():
    CycleFactory(number=1)
    for path in (DATA / "shopify_orders_export_2024.csv", REAL / "shopify_eyewear_eur_2024.csv"):
        [report] = orders_import(fmt="shopify", paths=[path])
        assert report.ok, report.problems
    sales_figures_refresh()


def test_customers_filter_by_search_market_orders_spend_and_consent(staff_client, shop):
    url = reverse("customers:list")
    everyone = _rows(staff_client.get(url))
    assert len(everyone) == Customer.objects.count() == 47
    assert [c.external_id for c in _rows(staff_client.get(url, {"q": "AVA.M"}))] == ["ava.m@example.org"]
    assert {c.country for c in _rows(staff_client.get(url, {"market": "th"}))} == {"TH"}
    assert all(c.net_spend_base >= 500 for c in _rows(staff_client.get(url, {"spend_min": "500"})))
    late = _rows(staff_client.get(url, {"last_order_from": "2024-02-01"}))
    assert late and all(c.last_order_at.date() >= datetime.date(2024, 2, 1) for c in late)
    first = _rows(staff_client.get(url, {"first_order_to": "2024-01-26"}))
    assert first and all(c.first_order_at.date() <= datetime.date(2024, 1, 26) for c in first)
    assert not any(c.marketing_consent for c in _rows(staff_client.get(url, {"consent": "false"})))
    by_spend = _rows(staff_client.get(url, {"sort": "-spend"}))
    assert [c.net_spend_base for c in by_spend] == sorted((c.net_spend_base for c in by_spend), reverse=True)
    assert staff_client.get(url, {"spend_min": "lots"}).context["filter"].errors


def test_customers_filter_by_the_portrait_segment_registered_by_link_8(staff_client, shop):
    segment = SegmentFactory(name="Cosy returning buyers")
    ava = Customer.objects.get(external_id="ava.m@example.org")
    SegmentMembership.objects.create(run=segment.run, segment=segment, customer=ava, recency_days=1, tenure_days=1, frequency=1, monetary=40.0, avg_order_value=40.0, r_score=3, f_score=1, m_score=3, rfm_group="About to sleep")
    response = staff_client.get(reverse("customers:list"), {"segment": str(segment.pk)})
    assert [c.pk for c in _rows(response)] == [ava.pk]
    assert "Cosy returning buyers" in response.content.decode()  # the segment column
    assert _rows(staff_client.get(reverse("customers:list"), {"segment": "0"})) == []


def test_orders_filter_by_status_shop_market_guest_and_date(staff_client, shop):
    url = reverse("customers:orders")
    assert len(_rows(staff_client.get(url))) == 50  # a page
    cancelled = _rows(staff_client.get(url, {"status": "cancelled"}))
    assert len(cancelled) == 7 and all(o.cancelled for o in cancelled)
    assert {o.external_id for o in _rows(staff_client.get(url, {"guest": "true"}))} == {"#1005", "#1006"}
    assert {o.financial_status for o in _rows(staff_client.get(url, {"status": "partially_refunded"}))} == {"partially_refunded"}
    gb = _rows(staff_client.get(url, {"market": "gb"}))
    assert gb and {o.market for o in gb} == {"GB"}
    nov = _rows(staff_client.get(url, {"placed_from": "2024-11-01", "placed_to": "2024-11-30"}))
    assert {o.external_id for o in nov} == {f"#100{i}" for i in range(1, 8)}
    html = staff_client.get(url, {"guest": "true"}).content.decode()
    assert "guest" in html


def test_a_day_range_holds_whole_days_on_the_sellers_clock(staff_client, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    for ref, at in [("before", datetime.datetime(2024, 10, 31, 23, 59, tzinfo=shanghai)),
                    ("first", datetime.datetime(2024, 11, 1, 0, 0, tzinfo=shanghai)),
                    ("last", datetime.datetime(2024, 11, 30, 23, 59, 59, tzinfo=shanghai)),
                    ("after", datetime.datetime(2024, 12, 1, 0, 0, tzinfo=shanghai))]:
        OrderFactory(external_id=ref, placed_at=at, market="de")
    url = reverse("customers:orders")
    november = _rows(staff_client.get(url, {"placed_from": "2024-11-01", "placed_to": "2024-11-30", "market": "DE"}))
    assert {o.external_id for o in november} == {"first", "last"}
    assert {o.external_id for o in _rows(staff_client.get(url, {"placed_to": "2024-10-31"}))} == {"before"}
    assert {o.external_id for o in _rows(staff_client.get(url, {"placed_from": "2024-12-01"}))} == {"after"}


def test_order_page_shows_money_states_and_lines(staff_client, shop):
    order = Order.objects.get(external_id="#2220")
    html = staff_client.get(reverse("customers:order", args=[order.pk])).content.decode()
    for text in ("Partially refunded", "€155.74", "€747.53", "GG1596SK 001 55", "1 EUR = 1.086957 USD"):
        assert text in html, text
    guest = Order.objects.get(external_id="#1005")
    assert "no customer (draft, point-of-sale or guest checkout)" in staff_client.get(guest.get_absolute_url()).content.decode()


def test_order_page_shows_where_the_shopper_landed_escaped(staff_client, shop):
    order = Order.objects.get(external_id="#2220")
    Order.objects.filter(pk=order.pk).update(landing_url="/products/throw?utm_source=<b>ig</b>",
                                              referring_site="https://l.instagram.com")
    html = staff_client.get(reverse("customers:order", args=[order.pk])).content.decode()
    assert "Landed on" in html and "https://l.instagram.com" in html
    assert "utm_source=&lt;b&gt;ig&lt;/b&gt;" in html and "<b>ig</b>" not in html


def test_charts_draw_revenue_new_and_returning_customers_and_retention(staff_client, shop):
    response = staff_client.get(reverse("customers:charts"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("revenue-chart", "new-returning-chart", "retention-chart", "net solid, gross dotted", "guest orders"):
        assert text in html, text
    assert response.context["totals"]["guest_orders"] == 2
    assert response.context["totals"]["orders"] == Order.objects.filter(is_sale=True).count()


def test_charts_name_the_currencies_without_a_rate(staff_client):
    orders_import(fmt="shopify", paths=[REAL / "shopify_babystore_zar_2021.csv"])
    sales_figures_refresh()
    html = staff_client.get(reverse("customers:charts")).content.decode()
    assert "50 in ZAR" in html and "planning exchange rate" in html


def test_uploading_several_exports_shows_a_report_per_file(staff_client, django_capture_on_commit_callbacks):
    CycleFactory(number=1)
    files = [
        SimpleUploadedFile("shop.csv", (DATA / "shopify_orders_export_2024.csv").read_bytes(), content_type="text/csv"),
        SimpleUploadedFile("broken.csv", b"Name,Email\n#1,a@example.org\n", content_type="text/csv"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("customers:import"), {"files": files, "format": "shopify"})
    assert response.status_code == 302
    run = TaskRun.objects.get(kind="customers.import")
    assert response["Location"] == reverse("customers:import_run", args=[run.pk])
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == ("failed", 2, 2) and run.error == "1 of 2 files refused"
    page = staff_client.get(response["Location"]).content.decode()
    assert "shop.csv" in page and "7 new" in page and "2 guest orders" in page
    assert "broken.csv" in page and "column missing from the header" in page
    assert Order.objects.count() == 7
    partial_page = staff_client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert partial_page.templates[0].name == "customers/_import_run.html"


def test_upload_with_the_good_rows_option_lists_the_rest(staff_client, django_capture_on_commit_callbacks):
    header = (DATA / "generic_orders.csv").read_text().splitlines()[0]
    body = f"{header}\nG-1,c,a@example.org,2025-01-01T00:00:00Z,US,USD,S,T,c,,1,1\nG-2,c,a@example.org,soon,US,USD,S,T,c,,1,1\n"
    upload = SimpleUploadedFile("half.csv", body.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("customers:import"), {"files": [upload], "format": "generic", "partial": "on"})
    page = staff_client.get(response["Location"]).content.decode()
    assert "Good rows imported" in page and "1 left out" in page and "&#x27;soon&#x27; is not a date and time" in page
    assert list(Order.objects.values_list("external_id", flat=True)) == ["G-1"]
    log = staff_client.get(reverse("customers:imports")).content.decode()
    assert "half.csv" in log and "partial" in OrderImport.objects.get().status


def test_upload_form_refuses_bad_input_before_anything_is_queued(staff_client):
    response = staff_client.post(reverse("customers:import"), {"format": "shopify", "currency": "EURO"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"files", "currency"}
    assert not TaskRun.objects.exists()


def test_building_a_column_mapping_from_a_sample_then_importing_with_it(staff_client, django_capture_on_commit_callbacks):
    sample = SimpleUploadedFile("in.csv", (REAL / "amazon_in_sale_report_2022.csv").read_bytes(), content_type="text/csv")
    preview = staff_client.post(reverse("customers:mapping_new"), {"sample": sample})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "405-8078784-5731545" in html and "Shipped - Delivered to Buyer" in html  # the first rows
    form = preview.context["form"]
    assert form["col_order_id"].initial == "Order ID" and form["col_quantity"].initial == "Qty"
    data = {
        "sample_headers": form["sample_headers"].value(), "sample_item_headers": form["sample_item_headers"].value(), "name": "Amazon.in",
        "platform": "amazon", "date_format": "%m-%d-%y", "price_is_line_total": "on", "cancelled_values": "Cancelled",
        "col_order_id": "Order ID", "col_placed_at": "Date", "col_status": "Status", "col_sku": "SKU",
        "col_quantity": "Qty", "col_price": "Amount", "col_currency": "currency", "col_market": "ship-country",
    }
    bad = staff_client.post(reverse("customers:mapping_new"), {**data, "col_order_id": ""})
    assert bad.status_code == 400 and "Choose the column that holds it." in bad.content.decode()
    saved = staff_client.post(reverse("customers:mapping_new"), data)
    assert saved.status_code == 302, saved.context["form"].errors
    mapping = OrderColumnMapping.objects.get(name="Amazon.in")
    assert mapping.columns["placed_at"] == "Date" and mapping.price_is_line_total and mapping.platform == "amazon"
    assert staff_client.get(reverse("customers:mapping", args=[mapping.pk])).status_code == 200

    upload = SimpleUploadedFile("in.csv", (REAL / "amazon_in_sale_report_2022.csv").read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("customers:import"), {"files": [upload], "format": "generic", "mapping": mapping.pk})
    assert Order.objects.filter(platform="amazon").count() == 9
    assert OrderImport.objects.get().mapping_name == "Amazon.in"


def test_a_sample_that_is_not_text_is_refused_with_the_reason(staff_client):
    sample = SimpleUploadedFile("x.csv", b"\x00\x01PK", content_type="text/csv")
    response = staff_client.post(reverse("customers:mapping_new"), {"sample": sample})
    assert response.status_code == 400 and "binary content" in response.content.decode()


def test_pages_are_staff_only_and_writes_need_post(shopper_client, staff_client):
    client = Client()
    customer = CustomerFactory()
    order = OrderFactory(customer=customer)
    pages = [reverse("customers:list"), reverse("customers:orders"), reverse("customers:charts"),
             reverse("customers:import"), reverse("customers:imports"), reverse("customers:mapping_new"),
             reverse("customers:customer", args=[customer.pk]), reverse("customers:order", args=[order.pk]),
             reverse("customers:export", args=[customer.pk])]
    for url in pages:
        assert client.get(url).status_code == 302, url
        assert shopper_client.get(url).status_code == 403, url
    for name in ("consent", "erase"):
        url = reverse(f"customers:{name}", args=[customer.pk])
        assert staff_client.get(url).status_code == 405
        assert shopper_client.post(url, {"confirm": "ERASE", "consent": "yes"}).status_code == 403
    assert Customer.objects.get(pk=customer.pk).erased_at is None


def _grow(n: int) -> None:
    cycle = CycleFactory()
    for i in range(n):
        customer = CustomerFactory(country="GB" if i % 2 else "US")
        for j in range(2):
            order = OrderFactory(customer=customer, cycle=cycle, placed_at=timezone.now() - datetime.timedelta(days=i + j))
            OrderLineFactory(order=order, quantity=2)
        OrderFactory(customer=None, cycle=cycle, external_id=f"guest-{i}")
        segment = SegmentFactory()
        SegmentMembership.objects.create(run=segment.run, segment=segment, customer=customer, recency_days=1, tenure_days=1, frequency=1, monetary=40.0, avg_order_value=40.0, r_score=3, f_score=1, m_score=3, rfm_group="About to sleep")
    figures_refresh()
    sales_figures_refresh()


PAGES = [
    ("customers:list", lambda: [], 7),
    ("customers:orders", lambda: [], 6),
    ("customers:charts", lambda: [], 7),
    ("customers:imports", lambda: [], 6),
    ("customers:import", lambda: [], 7),
    ("customers:customer", lambda: [Customer.objects.order_by("pk").first().pk], 11),
    ("customers:order", lambda: [Order.objects.filter(customer__isnull=False).order_by("pk").first().pk], 7),
]


@pytest.mark.parametrize("rows", [1, 30], ids=["1-row", "30-rows"])
@pytest.mark.parametrize(("name", "args", "bound"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_runs_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries, rows, name, args, bound):
    _grow(rows)
    orders_import(fmt="shopify", paths=[DATA / "shopify_orders_export.csv"])
    with django_assert_max_num_queries(bound):
        response = staff_client.get(reverse(name, args=args()), {"market": "US"} if name == "customers:list" else {})
    assert response.status_code == 200


def test_the_customers_of_one_cycle_are_counted_from_the_cycles_figures(staff_client):
    _grow(3)
    cycle = Order.objects.order_by("pk").first().cycle
    other = CustomerFactory(country="DE")
    OrderFactory(customer=other, cycle=CycleFactory())  # ordered in another cycle only
    url = reverse("customers:list")
    first = staff_client.get(url, {"cycle": cycle.number})
    assert first.context["paginator"].count == 3
    assert other not in first.context["object_list"] and len(first.context["object_list"]) == 3
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(url, {"cycle": cycle.number}).context["paginator"].count == 3
    # No COUNT over the customers: the cycle's kept figures answer.
    assert not [q["sql"] for q in queries.captured_queries if 'COUNT(*) AS "__count" FROM "customers_customer"' in q["sql"]]
    assert len(queries.captured_queries) <= 8
    OrderFactory(customer=other, cycle=cycle)  # a new order of the cycle is counted on the next visit
    assert staff_client.get(url, {"cycle": cycle.number}).context["paginator"].count == 4
    assert staff_client.get(url, {"cycle": cycle.number, "market": "US"}).context["paginator"].count == 2

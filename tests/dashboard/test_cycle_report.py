"""The cycle report on a hand-worked example, its snapshot, page and CSV, and cycle against cycle."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from c2f.reports import cycle_report_build, cycle_report_refresh, cycles_compare
from core.models import Cycle, CycleReport
from customers.models import Customer, Order, OrderLine, Platform, Product
from design.models import Concept, Variant
from portraits.models import PortraitRun, Segment, SegmentMembership
from production.models import ProductionEvent, ProductionOrder, ProductionOrderLine
from production.tests.factories import FactoryFactory, SampleFactory
from samples.models import Buyer, Invitation, Vote, VoteRound

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)
RECEIVED = dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)


def at(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(12), tzinfo=dt.UTC)


def sell(product: Product, *, market: str, quantity: int, price: str, on: dt.date, customer: Customer | None = None,
         refunded: str = "0", **order_fields):
    """A shop order of ``quantity`` × ``price`` in the base currency, less ``refunded``."""
    customer = customer or Customer.objects.create(
        platform=Platform.GENERIC, external_id=f"c{Customer.objects.count()}", country=market[:2]
    )
    gross = Decimal(price) * quantity
    net = gross - Decimal(refunded)
    order = Order.objects.create(
        customer=customer, platform=Platform.GENERIC, external_id=f"o{Order.objects.count()}", placed_at=at(on),
        market=market, total=gross, subtotal=gross, gross=gross, net=net, refunded=Decimal(refunded), fx_rate=1,
        gross_base=gross, net_base=net, item_count=quantity, **({"financial_status": "paid"} | order_fields),
    )
    OrderLine.objects.create(order=order, product=product, quantity=quantity, unit_price=Decimal(price), amount=gross,
                             amount_base=gross)
    return order


def received_order(cycle, sample, reference, lines, *, sizing, unit_price="12.00", received=RECEIVED):
    order = ProductionOrder.objects.create(
        cycle=cycle, factory=FactoryFactory(), reference=reference, sample=sample, sizing=sizing,
        status=ProductionOrder.Status.RECEIVED, unit_price=Decimal(unit_price),
    )
    for variant, market, quantity in lines:
        ProductionOrderLine.objects.create(order=order, variant=variant, market=market, quantity=quantity)
    event = ProductionEvent.objects.create(order=order, from_status="shipped", to_status="received", actor="merch")
    ProductionEvent.objects.filter(pk=event.pk).update(created_at=received)
    return order


@pytest.fixture
def worked():
    """Cycle 1: one design, variants A and B; 200 units received (A·US 100, B·US 50, A·GB 50) at 12.00 each.

    Sold: A·US 60 at 40, B·US 10 at 40, A·GB 55 at 35 (5 more than were made). Sized on 150 would-order
    units and 20 pre-sales: forecast 170.
    """
    cycle = Cycle.objects.create(number=1, name="Cycle 1")
    concept = Concept.objects.create(
        cycle=cycle, name="Mermaid throw", category="throw", target_markets=["US", "GB"],
        target_price=Decimal("40.00"), unit_cost=Decimal("10.00"),
    )
    a = Variant.objects.create(concept=concept, sku="MT-A")
    b = Variant.objects.create(concept=concept, sku="MT-B")
    sample = SampleFactory(concept=concept)
    round_ = VoteRound.objects.create(
        cycle=cycle, sample=sample, opens_at=at(dt.date(2025, 12, 1)), closes_at=at(dt.date(2025, 12, 8)),
        status=VoteRound.Status.CLOSED, decision=VoteRound.Decision.CONFIRM, decided_by="merch",
    )
    for i, (score, qty) in enumerate([(5, 100), (3, 50)]):
        buyer = Buyer.objects.create(name=f"B{i}", email=f"b{i}@buyers.test")
        Invitation.objects.create(round=round_, buyer=buyer)
        Vote.objects.create(round=round_, buyer=buyer, score=score, would_order_qty=qty)
    Invitation.objects.create(round=round_, buyer=Buyer.objects.create(name="B9", email="b9@buyers.test"))
    order = received_order(
        cycle, sample, "PO-1-1", [(a, "US", 100), (b, "US", 50), (a, "GB", 50)],
        sizing={"total_would_order": 150, "pre_orders": 20, "rule": "batch = max(...)", "ordered_total": 200},
    )
    pa = Product.objects.create(sku="MT-A", title="A", category="throw", concept=concept, variant=a)
    pb = Product.objects.create(sku="MT-B", title="B", category="throw", concept=concept, variant=b)
    first = sell(pa, market="US", quantity=60, price="40.00", on=dt.date(2026, 1, 20))
    sell(pb, market="US", quantity=10, price="40.00", on=dt.date(2026, 1, 25))
    sell(pa, market="GB", quantity=55, price="35.00", on=dt.date(2026, 2, 2))
    run = PortraitRun.objects.create(cycle=cycle, status=PortraitRun.Status.DONE)
    segment = Segment.objects.create(run=run, label=0, name="Cosy gifters", size=1)
    SegmentMembership.objects.create(run=run, segment=segment, customer=first.customer, recency_days=1, tenure_days=1,
                                     frequency=1, monetary=40.0, avg_order_value=40.0, r_score=3, f_score=1, m_score=3,
                                     rfm_group="About to sleep")
    return cycle, concept, order


def test_the_hand_worked_example(worked):
    cycle, concept, order = worked
    data = cycle_report_build(cycle=cycle, today=TODAY)
    totals = data["outcome"]["totals"]
    # 200 received, 60 + 10 + 50 sold (5 of A·GB's 55 found no stock), 80 left.
    assert (totals["made"], totals["received"], totals["sold"], totals["unsold"], totals["unmet"]) == (200, 200, 120, 80, 5)
    assert (totals["sell_through"], totals["unsold_rate"]) == (0.6, 0.4)
    # 60×40 + 10×40 + 50×35 = 4,550 against 200 × 40 = 8,000; margin 4,550 − 200 × 12 = 2,150 against 200 × 30.
    assert (totals["revenue"], totals["planned_revenue"]) == ("4550.00", "8000.00")
    assert (totals["margin"], totals["planned_margin"]) == ("2150.00", "6000.00")

    variants = {r["sku"]: r for r in data["outcome"]["variants"]}
    assert (variants["MT-A"]["sold"], variants["MT-A"]["received"], variants["MT-A"]["sell_through"]) == (110, 150, 0.7333)
    assert (variants["MT-B"]["sell_through"], variants["MT-B"]["unsold_rate"]) == (0.2, 0.8)
    markets = {r["market"]: r for r in data["outcome"]["markets"]}
    assert (markets["US"]["sell_through"], markets["GB"]["sell_through"], markets["GB"]["unsold"]) == (0.4667, 1.0, 0)
    [design] = data["outcome"]["designs"]
    assert (design["label"], design["sold"]) == ("Mermaid throw", 120)

    # Forecast 150 + 20 = 170 against a demand of 120 sold + 5 unmet: 45 short of it, 36% off.
    [batch] = data["decisions"]["orders"]
    assert batch["forecast"] | {} == {
        "forecast": 170.0, "pre_orders": 20.0, "votes": 150.0, "basis": "votes and pre-sales (would-order total)",
        "actual": 125, "error": -45.0, "abs_pct_error": 0.36,
    }
    assert data["measures"]["forecast"]["abs_pct_error"] == 0.36
    [vote_round] = data["decisions"]["rounds"]
    assert (vote_round["votes"], vote_round["invited"], vote_round["mean_score"], vote_round["would_order"]) == (2, 3, 4.0, 150)
    assert vote_round["decision"] == "confirm"
    # Three customers bought first from this design; one of them is in a portrait segment.
    assert data["new_customers"] == {
        "total": 3, "by_segment": [{"segment": "not in a portrait yet", "customers": 2}, {"segment": "Cosy gifters", "customers": 1}],
    }
    assert data["measures"]["first_sale_on"] == "2026-01-20"


def test_a_reorder_in_the_next_cycle_takes_its_own_share_of_the_sales(worked):
    cycle, concept, _order = worked
    a = concept.variants.get(sku="MT-A")
    cycle2 = Cycle.objects.create(number=2, previous=cycle)
    received_order(cycle2, SampleFactory(concept=concept, version=2), "PO-2-1", [(a, "GB", 40)], sizing={},
                   received=dt.datetime(2026, 2, 10, tzinfo=dt.UTC))
    sell(Product.objects.get(sku="MT-A"), market="GB", quantity=10, price="35.00", on=dt.date(2026, 2, 15))
    one = cycle_report_build(cycle=cycle, today=TODAY)["outcome"]["totals"]
    two = cycle_report_build(cycle=cycle2, today=TODAY)
    assert one["sold"] == 120  # cycle 1's A·GB was sold out before
    # The 5 unmet units of cycle 1 and the 10 new ones fall to the reorder: 15 of 40.
    assert (two["outcome"]["totals"]["sold"], two["outcome"]["totals"]["sell_through"]) == (15, 0.375)
    assert two["decisions"]["orders"][0]["forecast"]["basis"] == "no forecast recorded"


def test_the_report_reads_a_fixed_number_of_queries(worked, django_assert_max_num_queries):
    cycle, concept, _order = worked
    with django_assert_max_num_queries(14) as small:
        cycle_report_build(cycle=cycle, today=TODAY)
    more = Concept.objects.create(cycle=cycle, name="More", category="throw", target_price=Decimal("30"), unit_cost=Decimal("5"))
    sample = SampleFactory(concept=more)
    for i in range(6):
        variant = Variant.objects.create(concept=more, sku=f"MORE-{i}")
        received_order(cycle, sample, f"PO-M-{i}", [(variant, "US", 10), (variant, "DE", 5)], sizing={})
        product = Product.objects.create(sku=f"MORE-{i}", title="m", category="throw", concept=more, variant=variant)
        sell(product, market="DE", quantity=2, price="30.00", on=dt.date(2026, 2, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = cycle_report_build(cycle=cycle, today=TODAY)
    assert len(data["outcome"]["designs"]) == 2


def test_the_snapshot_is_stored_refreshed_and_printed_by_the_command(worked):
    cycle, _concept, _order = worked
    out = io.StringIO()
    call_command("refresh_cycle_reports", "--date", "2026-03-01", stdout=out)
    assert "[1/1] Cycle 1: 200 ordered, 200 made, 120 sold, sell-through 60% (as of 2026-03-01)" in out.getvalue()
    report = CycleReport.objects.get(cycle=cycle)
    first = report.data
    cycle_report_refresh(cycle_id=cycle.pk, today=TODAY)
    report.refresh_from_db()
    assert report.data == first and report.refreshes == 2
    assert cycle_report_refresh(cycle_id=999999) is None
    with pytest.raises(Exception, match="no cycle 7"):
        call_command("refresh_cycle_reports", "--cycle", "7")


def test_the_daily_task_refreshes_every_cycle(worked):
    from c2f.tasks import cycle_reports_refresh_task

    assert cycle_reports_refresh_task.delay().get() == 1
    assert CycleReport.objects.filter(cycle=worked[0], as_of=timezone.localdate()).exists()


def test_the_report_page_shows_the_bet_the_decisions_and_the_outcome(worked, staff_client, django_assert_max_num_queries):
    cycle, concept, order = worked
    cycle_report_refresh(cycle_id=cycle.pk, today=TODAY)
    with django_assert_max_num_queries(8):
        response = staff_client.get(f"/cycles/{cycle.number}/report/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("What we bet on", "Mermaid throw", "PO-1-1", "What came of it", "60.0%", "Cosy gifters", "$4,550.00"):
        assert text in body
    assert "vendor/plotly/plotly-cartesian.min.js" in body and "Sold and unsold units per design" in body


def test_the_report_page_before_any_snapshot_offers_a_refresh(worked, staff_client, django_capture_on_commit_callbacks):
    cycle = worked[0]
    response = staff_client.get(f"/cycles/{cycle.number}/report/")
    assert "No report stored" in response.content.decode()
    assert staff_client.get(f"/cycles/{cycle.number}/report.csv").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/cycles/{cycle.number}/report/refresh/")
    assert response.status_code == 302 and CycleReport.objects.filter(cycle=cycle).exists()


def test_the_csv_has_every_level_and_defuses_hostile_names(worked, staff_client):
    cycle, concept, _order = worked
    Concept.objects.filter(pk=concept.pk).update(name='=HYPERLINK("http://evil.example","x")')
    Variant.objects.filter(sku="MT-B").update(sku="+SUM(A1)")
    cycle_report_refresh(cycle_id=cycle.pk, today=TODAY)
    response = staff_client.get(f"/cycles/{cycle.number}/report.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["level", "key", "label", "ordered", "made"]
    levels = [row[0] for row in rows[1:]]
    assert levels.count("design") == 1 and levels.count("variant") == 2 and levels.count("market") == 2
    assert rows[-1][:11] == ["cycle", "1", "Cycle 1", "200", "200", "200", "120", "80", "5", "0.6", "0.4"]
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in "=+-@" and not c[1:2].isdigit()]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'+SUM(A1)" in cells


def test_cycle_against_cycle_shows_the_measures_and_the_trend(worked, staff_client):
    cycle, concept, _order = worked
    a = concept.variants.get(sku="MT-A")
    cycle2 = Cycle.objects.create(number=2, previous=cycle)
    concept2 = Concept.objects.create(cycle=cycle2, name="Throw 2", category="throw", target_price=Decimal("40"),
                                      unit_cost=Decimal("10"))
    v2 = Variant.objects.create(concept=concept2, sku="T2")
    received_order(cycle2, SampleFactory(concept=concept2), "PO-2-1", [(v2, "US", 100)],
                   sizing={"forecast_mean": 90.0, "pre_orders": 30})
    sell(Product.objects.create(sku="T2", title="t", category="throw", concept=concept2, variant=v2),
         market="US", quantity=90, price="40.00", on=dt.date(2026, 2, 1))
    assert a  # cycle 1 keeps its own figures
    r1 = cycle_report_refresh(cycle_id=cycle.pk, today=TODAY)
    r2 = cycle_report_refresh(cycle_id=cycle2.pk, today=TODAY)
    rows = {row["key"]: row for row in cycles_compare(a=r1, b=r2)}
    assert (rows["sell_through"]["a"], rows["sell_through"]["b"], rows["sell_through"]["change"]) == (0.6, 0.9, 0.3)
    assert (rows["unsold_rate"]["a"], rows["unsold_rate"]["b"]) == (0.4, 0.1)
    assert (rows["forecast.forecast"]["b"], rows["forecast.actual"]["b"], rows["forecast.error"]["b"]) == (90.0, 90, 0.0)
    assert rows["forecast.abs_pct_error"]["change"] == -0.36
    assert rows["margin"]["b"] == "2400.00"  # 90 × 40 − 100 × 12

    response = staff_client.get("/cycles/compare/?a=1&b=2")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sell-through" in body and "60.0%" in body and "90.0%" in body and "Cycle against cycle" in body
    assert response.context["trend_chart"] and "unsold rate" in response.context["trend_chart"]
    # Unknown cycle numbers fall back to the two newest.
    assert staff_client.get("/cycles/compare/?a=x&b=99").status_code == 200


@pytest.mark.parametrize("url", ["/cycles/1/report/", "/cycles/1/report.csv", "/cycles/compare/"])
def test_only_merchandisers_see_reports(worked, client, plain_user, url):
    assert client.get(url).status_code == 302
    client.force_login(plain_user)
    assert client.get(url).status_code == 403
    assert client.post("/cycles/1/report/refresh/").status_code == 403


def test_sales_before_any_batch_is_made_are_unmet_demand_of_the_ordered_batch(worked):
    cycle, _concept, _order = worked
    cycle3 = Cycle.objects.create(number=3)
    concept = Concept.objects.create(cycle=cycle3, name="Early seller", category="throw", target_price=Decimal("30"),
                                     unit_cost=Decimal("8"))
    variant = Variant.objects.create(concept=concept, sku="EARLY")
    accepted = received_order(cycle3, SampleFactory(concept=concept), "PO-3-1", [(variant, "US", 120)],
                              sizing={"forecast_mean": 100.0, "pre_orders": 40})
    ProductionOrder.objects.filter(pk=accepted.pk).update(status=ProductionOrder.Status.ACCEPTED)
    product = Product.objects.create(sku="EARLY", title="e", category="throw", concept=concept, variant=variant)
    sell(product, market="US", quantity=80, price="30.00", on=dt.date(2026, 2, 1))
    data = cycle_report_build(cycle=cycle3, today=TODAY)
    totals = data["outcome"]["totals"]
    assert (totals["ordered"], totals["made"], totals["received"], totals["sold"], totals["unmet"]) == (120, 0, 0, 0, 80)
    assert (totals["sell_through"], totals["margin"], totals["planned_margin"]) == (None, "0.00", "0.00")
    assert data["measures"]["forecast"] == {"forecast": 100.0, "actual": 80, "error": -20.0, "abs_pct_error": 0.25}


def test_beat_checks_the_rules_and_refreshes_the_reports_every_morning(settings):
    from celery.schedules import crontab

    from c2f import tasks  # noqa: F401  (a worker imports it through autodiscovery)
    from c2f.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in ("c2f.reorder_rules.check", "c2f.reports.refresh"):
        assert task in app.tasks
        assert isinstance(schedule[task], crontab)
        assert schedule[task].hour == {6} and schedule[task].day_of_week == set(range(7))


def test_revenue_is_what_the_seller_kept_and_cancelled_or_refunded_orders_are_no_sales(worked):
    cycle, concept, _order = worked
    product = Product.objects.get(sku="MT-B")
    # 10 more B·US: 4 of them on an order refunded by 40.00, then a cancelled and a fully refunded order.
    sell(product, market="US", quantity=4, price="40.00", on=dt.date(2026, 2, 5), refunded="40.00")
    sell(product, market="US", quantity=3, price="40.00", on=dt.date(2026, 2, 6), is_sale=False, cancelled=True)
    sell(product, market="US", quantity=3, price="40.00", on=dt.date(2026, 2, 7), financial_status="refunded")
    variants = {r["sku"]: r for r in cycle_report_build(cycle=cycle, today=TODAY)["outcome"]["variants"]}
    # B sold 10 at 40.00 and 4 for 160.00 − 40.00: 14 units for 520.00.
    assert (variants["MT-B"]["sold"], variants["MT-B"]["revenue"]) == (14, "520.00")


def test_the_daily_check_judges_each_received_batch_on_the_shops_sales(worked):
    from c2f.reports import reorder_check_run
    from production.models import ReorderDecision

    cycle, concept, order = worked
    # A cancelled order is no sale: 100 units on day 6 would have sold half the batch.
    sell(Product.objects.get(sku="MT-A"), market="US", quantity=100, price="40.00", on=dt.date(2026, 1, 15),
         is_sale=False, cancelled=True)
    assert reorder_check_run(today=dt.date(2026, 1, 19)).verdicts == {"wait": 1}  # day 10, nothing sold yet
    report = reorder_check_run(today=dt.date(2026, 1, 20))  # day 11: 60 sold, 140 left at 60/11 a day
    assert report.verdicts == {"reorder": 1}
    decision = ReorderDecision.objects.get(rule__order=order)
    assert decision.numbers["sold"] == 60 and decision.numbers["cover_days"] == 25.7
    assert decision.reason == "stock cover 25.7 days < 35 on day 11"

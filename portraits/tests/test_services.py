from collections import defaultdict
from datetime import timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import Cycle, TaskRun
from customers.models import Customer, Order, OrderLine
from customers.services import DEMO_TASTES, customer_erase, demo_orders_generate
from customers.tests.factories import CycleFactory, CustomerFactory, OrderFactory
from hotspots.models import WatchKeyword, Watchlist
from portraits.models import Brief, PortraitRun, Segment, SegmentMembership
from portraits.rfm import GROUPS
from portraits.selectors import portrait_run_current, portrait_run_latest
from portraits.selectors_frames import customer_base_frames
from portraits.services import (
    brief_drop, brief_keywords, brief_merge, brief_update, briefs_write, next_cycle_open, portrait_run_build,
    portrait_run_execute, portrait_run_start,
)
from portraits.tasks import build_portraits, build_portraits_scheduled

from .factories import PortraitRunFactory, SegmentFactory

pytestmark = pytest.mark.django_db

PLANTED = {taste.key: set(taste.attributes) for taste in DEMO_TASTES}


@pytest.fixture
def demo_cycle():
    cycle = CycleFactory(number=1, is_demo=True)
    demo_orders_generate(cycle=cycle, n_customers=240, seed=1)
    return cycle


@pytest.fixture
def demo_run(demo_cycle):
    return portrait_run_build(cycle=demo_cycle, is_demo=True)


def test_the_customer_base_is_every_order_up_to_the_as_of_date_in_five_queries(demo_cycle, django_assert_max_num_queries):
    cycle2 = CycleFactory(number=2, is_demo=True)
    demo_orders_generate(cycle=cycle2, n_customers=30, seed=2)
    # History imported with no cycle is read as well; an order after the as-of date is not.
    Order.objects.filter(pk__in=list(Order.objects.filter(cycle=demo_cycle).values_list("pk", flat=True)[:40])).update(cycle=None)
    as_of = timezone.now()
    late = OrderFactory(cycle=None, placed_at=as_of + timedelta(days=1))
    # Five on SQLite; on PostgreSQL four of them are COPY reads the query log does not see.
    with django_assert_max_num_queries(5):
        base = customer_base_frames(as_of=as_of)
    orders = Order.objects.filter(placed_at__lte=as_of)
    assert len(base.orders) == orders.count() == Order.objects.count() - 1
    assert late.customer_id not in set(base.orders["customer_id"])
    assert set(base.orders["customer_id"]) == set(orders.values_list("customer_id", flat=True))
    assert base.lines["quantity"].sum() == sum(OrderLine.objects.filter(order__in=orders).values_list("quantity", flat=True))
    assert base.orders["reviews"].sum() == sum(c.reviews.filter(created_at__lte=as_of).count() for c in Customer.objects.all())
    assert {"material", "colour", "category"} <= set(base.product_attributes["kind"])


def test_a_run_segments_every_customer_of_every_cycle(demo_cycle):
    cycle2 = CycleFactory(number=2, is_demo=True)
    demo_orders_generate(cycle=cycle2, n_customers=60, seed=3)
    Order.objects.filter(pk__in=list(Order.objects.filter(cycle=cycle2).values_list("pk", flat=True)[:20])).update(cycle=None)
    run = portrait_run_build(cycle=cycle2, is_demo=True)
    assert run.status == PortraitRun.Status.DONE, run.error
    customers = Customer.objects.filter(orders__isnull=False).distinct().count()
    assert run.n_customers == customers == SegmentMembership.objects.filter(run=run).count() == 300
    assert sum(run.segments.values_list("size", flat=True)) == customers


def test_portrait_run_on_demo_orders_finds_the_planted_tastes(demo_cycle, demo_run):
    run = demo_run
    assert run.status == PortraitRun.Status.DONE and run.error == "" and run.is_current
    assert run.progress == 100 and run.version == 1 and run.as_of is not None
    segments = list(run.segments.all())
    assert run.n_segments == len(segments) >= 2
    tastes_found = set()
    for segment in segments:
        top = [a["name"] for a in segment.profile["top_attributes"][:3]]
        matching = [key for key, attrs in PLANTED.items() if len(attrs & set(top)) >= 2]
        assert matching, f"{segment.name}: top attributes {top} are from no planted taste"
        tastes_found.update(matching)
        assert segment.profile["price_band"][0] <= segment.profile["price_band"][1]
        assert sum(segment.profile["price_histogram"]["counts"]) <= segment.size
    assert len(tastes_found) >= 3
    assert len({s.name for s in segments}) == len(segments)
    metrics = run.metrics
    assert set(metrics["clustering"]["silhouette_by_k"]) >= {"2", "3"} and metrics["clustering"]["sizes"]
    assert metrics["clustering"]["inertia_by_k"] and metrics["clustering"]["sample_size"] == 240
    assert len(metrics["charts"]["scatter"]["segment"]) == 240
    member = SegmentMembership.objects.filter(run=run).first()
    assert member.rfm_group in GROUPS and member.top_attributes and member.market


def test_recency_frequency_and_money_equal_a_reference_from_the_raw_orders(demo_cycle, demo_run):
    as_of = demo_run.as_of
    reference: dict[int, dict] = defaultdict(lambda: {"frequency": 0, "monetary": Decimal(0), "last": None})
    rows = Order.objects.filter(is_sale=True, customer__isnull=False).values_list("customer_id", "placed_at", "net_base", "net")
    for customer_id, placed_at, net_base, net in rows:
        row = reference[customer_id]
        row["frequency"] += 1
        row["monetary"] += net_base if net_base is not None else net
        row["last"] = placed_at if row["last"] is None else max(row["last"], placed_at)
    members = {m.customer_id: m for m in SegmentMembership.objects.filter(run=demo_run)}
    assert set(members) == set(reference)
    for customer_id, row in reference.items():
        member = members[customer_id]
        days = (as_of.astimezone(dt_timezone.utc).date() - row["last"].astimezone(dt_timezone.utc).date()).days
        assert (member.recency_days, member.frequency) == (days, row["frequency"])
        assert member.monetary == pytest.approx(float(row["monetary"]), abs=0.01)


def test_portrait_run_without_orders_fails_with_a_reason():
    run = portrait_run_build(cycle=CycleFactory())
    assert run.status == PortraitRun.Status.FAILED
    assert "no orders of identified customers" in run.error
    assert run.finished_at is not None and not run.is_current
    assert not Segment.objects.exists()


@pytest.mark.parametrize("n_customers", [50, 200])
def test_portrait_run_query_count_does_not_grow_with_customers(n_customers, django_assert_max_num_queries):
    cycle = CycleFactory(number=1)
    demo_orders_generate(cycle=cycle, n_customers=n_customers, seed=5)
    with django_assert_max_num_queries(32):
        run = portrait_run_build(cycle=cycle)
    assert run.status == PortraitRun.Status.DONE
    assert SegmentMembership.objects.filter(run=run).count() == n_customers


def test_a_slower_older_run_never_replaces_a_newer_one(demo_cycle):
    older = portrait_run_start(cycle=demo_cycle)
    newer = portrait_run_start(cycle=demo_cycle)
    assert (older.version, newer.version) == (1, 2) and older.status == PortraitRun.Status.QUEUED
    portrait_run_execute(run_id=newer.pk)
    portrait_run_execute(run_id=older.pk)  # finishes last
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == newer.status == PortraitRun.Status.DONE
    assert newer.is_current and not older.is_current
    assert portrait_run_current() == newer == portrait_run_latest(cycle=demo_cycle)
    # A run already executed is not executed again.
    assert portrait_run_execute(run_id=newer.pk) is None
    third = portrait_run_build(cycle=demo_cycle)
    assert third.is_current and PortraitRun.objects.filter(is_current=True).count() == 1


def test_stability_against_the_previous_run_on_the_same_orders_is_complete(demo_run):
    second = portrait_run_build(cycle=demo_run.cycle)
    stability = second.metrics["stability"]
    assert second.metrics["previous_run"] == demo_run.pk
    assert stability == {"adjusted_rand_index": 1.0, "customers_in_both": demo_run.n_customers}


def test_briefs_are_built_from_segment_profiles_weighed_by_expected_value(demo_run):
    briefs = list(demo_run.briefs.all())
    segments = {s.pk: s for s in demo_run.segments.all()}
    assert briefs and all(segments[b.segment_id].size >= 5 and b.weight >= 0.05 for b in briefs)
    total_value = sum(s.expected_value for s in segments.values())
    for brief in briefs:
        segment = segments[brief.segment_id]
        profile = segment.profile
        assert brief.weight == pytest.approx(segment.expected_value / total_value, abs=1e-4)
        assert brief.evidence["weighed_by"] == "expected value over the next 365 days"
        top = [a["name"] for a in profile["top_attributes"][:3]]
        assert brief.attributes == top == [a["name"] for a in brief.evidence["attributes"]]
        assert brief.category == profile["main_category"]
        assert set(brief.keywords) == set(brief_keywords(attributes=top, category=brief.category))
        assert [brief.price_low, brief.price_high] == [Decimal(str(v)).quantize(Decimal("0.01")) for v in profile["price_band"]]
        assert brief.markets and all(profile["markets"][m] >= 0.2 for m in brief.markets)
        assert brief.text.startswith(segment.name) and "next year" in brief.text
    assert [b.weight for b in briefs_write(run=demo_run)] == sorted((b.weight for b in briefs), reverse=True)
    assert Brief.objects.count() == len(briefs)


def test_a_briefs_attributes_trace_back_to_its_members_purchases(demo_run):
    brief = demo_run.briefs.order_by("-weight").first()
    members = set(SegmentMembership.objects.filter(segment=brief.segment).values_list("customer_id", flat=True))
    spend, on_attribute = Decimal(0), defaultdict(Decimal)
    lines = OrderLine.objects.filter(order__customer_id__in=members, order__is_sale=True).prefetch_related("product__attributes")
    for line in lines:
        amount = line.amount_base if line.amount_base is not None else line.amount
        spend += amount
        for name in {a.name for a in line.product.attributes.all()}:
            on_attribute[name] += amount
    for attribute in brief.evidence["attributes"]:
        assert attribute["share"] == pytest.approx(float(on_attribute[attribute["name"]] / spend), abs=1e-3)
        assert attribute["lift"] > 1


def test_small_or_light_segments_get_no_brief():
    run = PortraitRunFactory()
    SegmentFactory(run=run, size=3)
    light = SegmentFactory(run=run, size=6)
    big = SegmentFactory(run=run, size=200)
    assert [b.segment for b in briefs_write(run=run)] == [big]
    assert light.size / 209 < 0.05


def test_briefs_refuse_a_failed_run():
    with pytest.raises(ValueError, match="failed, not done"):
        briefs_write(run=PortraitRunFactory(status=PortraitRun.Status.FAILED))


def test_briefs_are_edited_dropped_and_merged_until_the_next_cycle_opens(demo_run):
    first, second, *rest = list(demo_run.briefs.order_by("-weight"))
    edited = brief_update(brief_id=first.pk, actor="ana", keywords=["wool throw", " wool  throw", "linen cushion"],
                          price_low="12.5", markets=["us"])
    assert edited.keywords == ["wool throw", "linen cushion"] and edited.price_low == Decimal("12.50")
    assert edited.markets == ["US"] and edited.edited_by == "ana"
    with pytest.raises(ValidationError) as error:
        brief_update(brief_id=first.pk, actor="ana", price_low="abc")
    assert "price_low" in error.value.message_dict
    with pytest.raises(ValidationError):
        brief_update(brief_id=first.pk, actor="ana", price_low="9999", price_high="1")
    first.refresh_from_db()
    assert first.price_low == Decimal("12.50")
    # A rerun of briefs_write keeps the merchandiser's edit.
    briefs_write(run=demo_run)
    first.refresh_from_db()
    assert first.keywords == ["wool throw", "linen cushion"]

    merged = brief_merge(brief_id=second.pk, into_id=first.pk, actor="ana")
    second.refresh_from_db()
    assert second.status == Brief.Status.MERGED and second.merged_into == merged == first
    assert set(second.keywords) <= set(merged.keywords) and merged.weight == pytest.approx(first.weight + second.weight, abs=1e-4)
    with pytest.raises(ValidationError, match="merged"):
        brief_drop(brief_id=second.pk, actor="ana")
    for brief in rest:
        brief_drop(brief_id=brief.pk, actor="ana")

    cycle2 = next_cycle_open(run=demo_run)
    assert list(Watchlist.objects.filter(cycle=cycle2).values_list("seeded_by_brief", flat=True)) == [first.pk]
    watched = set(WatchKeyword.objects.filter(watchlist__cycle=cycle2).values_list("keyword", flat=True))
    assert {"wool throw", "linen cushion"} <= watched
    with pytest.raises(ValidationError, match="seeds cycle"):
        brief_update(brief_id=first.pk, actor="ana", keywords=["late"])


def test_next_cycle_is_seeded_by_the_briefs_and_opening_it_twice_changes_nothing(demo_cycle, demo_run):
    briefs = list(demo_run.briefs.all())
    cycle2 = next_cycle_open(run=demo_run)
    demo_cycle.refresh_from_db()
    assert demo_cycle.status == Cycle.Status.CLOSED and demo_cycle.closed_at is not None
    assert cycle2.number == 2 and cycle2.previous == demo_cycle and cycle2.is_demo
    assert set(Brief.objects.values_list("for_cycle", flat=True)) == {cycle2.pk}
    watched = set(WatchKeyword.objects.filter(watchlist__cycle=cycle2).values_list("keyword", flat=True))
    assert watched == {kw for b in briefs for kw in b.keywords}
    for brief in briefs:
        watchlist = Watchlist.objects.get(cycle=cycle2, seeded_by_brief=brief)
        assert watchlist.markets == brief.markets and watchlist.is_demo
    n_watchlists, n_keywords = Watchlist.objects.count(), WatchKeyword.objects.count()
    assert next_cycle_open(run=demo_run) == cycle2
    assert Cycle.objects.count() == 2
    assert (Watchlist.objects.count(), WatchKeyword.objects.count()) == (n_watchlists, n_keywords)


def test_on_a_fresh_database_the_command_builds_portraits_without_a_cycle_and_opens_the_first(capsys):
    customers = CustomerFactory.create_batch(12)
    for i, customer in enumerate(customers):
        for n in range(1 + i % 3):
            OrderFactory(cycle=None, customer=customer, total=Decimal(20 + 15 * i),
                         placed_at=timezone.now() - timedelta(days=5 + 40 * n + 7 * i))
    call_command("build_portraits", "--k-max", "4")
    out = capsys.readouterr().out
    run = PortraitRun.objects.get()
    assert run.cycle is None and run.status == PortraitRun.Status.DONE and run.n_customers == 12
    assert "[0/5] customer base: reading orders" in out and f"Portrait run {run.version}: {run.n_segments} segments" in out
    assert not Cycle.objects.exists()
    call_command("build_portraits", "--open-next")
    assert Cycle.objects.get().number == 1
    assert Brief.objects.filter(for_cycle__number=1).exists()


def test_build_portraits_command_errors_are_clear():
    with pytest.raises(CommandError, match="failed: no orders of identified customers"):
        call_command("build_portraits")
    CycleFactory(number=1)
    with pytest.raises(CommandError, match="Cycle 9 does not exist"):
        call_command("build_portraits", "--cycle", "9")
    with pytest.raises(CommandError, match="k must range"):
        call_command("build_portraits", "--k-min", "5", "--k-max", "3")


def test_the_dashboard_task_executes_a_queued_run_with_progress(demo_cycle):
    run = portrait_run_start(cycle=demo_cycle, with_task=True)
    assert run.task_run.status == TaskRun.Status.PENDING
    assert build_portraits.delay(run.pk).get() == run.pk
    run.refresh_from_db()
    assert run.status == PortraitRun.Status.DONE and run.progress == 100
    task = run.task_run
    task.refresh_from_db()
    assert task.status == TaskRun.Status.DONE and task.done == task.total == 5 and "done" in task.message
    assert build_portraits.delay(10_000).get() is None
    assert build_portraits.delay(run.pk).get() is None  # already executed


def test_beat_builds_portraits_nightly(demo_cycle):
    task = PeriodicTask.objects.get(task="portraits.build_scheduled")
    assert task.enabled and task.crontab.hour == "2"
    run = PortraitRun.objects.get(pk=build_portraits_scheduled.delay().get())
    assert run.cycle == demo_cycle and run.is_current and run.task_run.status == TaskRun.Status.DONE


def test_a_run_after_a_customer_is_erased_still_works_and_keeps_no_personal_data(demo_run):
    member = SegmentMembership.objects.filter(run=demo_run).select_related("customer").first()
    customer = member.customer
    customer_erase(customer_id=customer.pk, actor="ana", reason="asked by email")
    customer.refresh_from_db()
    assert customer.erased_at is not None and customer.email == ""
    second = portrait_run_build(cycle=demo_run.cycle)
    assert second.status == PortraitRun.Status.DONE and second.n_customers == demo_run.n_customers
    again = SegmentMembership.objects.get(run=second, customer=customer)
    assert (again.frequency, again.monetary) == (member.frequency, member.monetary)
    stored = {f.name for f in SegmentMembership._meta.concrete_fields}
    assert not stored & {"email", "name", "external_id", "address", "phone"}

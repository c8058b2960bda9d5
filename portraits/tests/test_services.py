from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from core.models import Cycle, TaskRun
from customers.models import Order, OrderLine, Product
from customers.services import DEMO_TASTES, demo_orders_generate
from customers.tests.factories import CycleFactory
from hotspots.models import WatchKeyword, Watchlist
from portraits.models import Brief, PortraitRun, Segment, SegmentMembership
from portraits.selectors import order_lines_frame, portrait_run_latest
from portraits.services import brief_keywords, briefs_write, next_cycle_open, portrait_run_build
from portraits.tasks import build_portraits

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


def test_order_lines_frame_has_one_row_per_line_with_attribute_names(demo_cycle, django_assert_num_queries):
    with django_assert_num_queries(2):
        frame = order_lines_frame(cycle=demo_cycle)
    assert len(frame) == OrderLine.objects.filter(order__cycle=demo_cycle).count() > 0
    row = frame[frame["product_id"] == frame["product_id"].min()].iloc[0]
    product = Product.objects.get(pk=row["product_id"])
    assert row["attributes"] == sorted(product.attributes.values_list("name", flat=True))
    assert row["category"] == product.category


def test_portrait_run_on_demo_orders_finds_the_planted_tastes(demo_cycle, demo_run):
    run = demo_run
    assert run.status == PortraitRun.Status.DONE and run.error == ""
    segments = list(run.segments.all())
    assert run.n_segments == len(segments) >= 2
    customers = Order.objects.filter(cycle=demo_cycle).values("customer").distinct().count()
    assert run.n_customers == customers == SegmentMembership.objects.filter(run=run).count()
    assert sum(s.size for s in segments) == customers

    tastes_found = set()
    for segment in segments:
        top = [a["name"] for a in segment.profile["top_attributes"][:3]]
        matching = [key for key, attrs in PLANTED.items() if len(attrs & set(top)) >= 2]
        assert matching, f"{segment.name}: top attributes {top} are from no planted taste"
        tastes_found.update(matching)
        assert segment.profile["price_band"][0] <= segment.profile["price_band"][1]
    assert len(tastes_found) >= 3

    member = SegmentMembership.objects.filter(run=run).select_related("segment").first()
    assert {"recency_days", "frequency", "monetary", "mean_unit_price", "market", "attributes"} <= set(member.features)


def test_portrait_run_without_orders_fails_with_a_reason():
    run = portrait_run_build(cycle=CycleFactory())
    assert run.status == PortraitRun.Status.FAILED
    assert "no order lines" in run.error
    assert run.finished_at is not None
    assert not Segment.objects.exists()


@pytest.mark.parametrize("n_customers", [50, 200])
def test_portrait_run_query_count_does_not_grow_with_customers(n_customers, django_assert_max_num_queries):
    cycle = CycleFactory(number=1)
    demo_orders_generate(cycle=cycle, n_customers=n_customers, seed=5)
    with django_assert_max_num_queries(9):
        run = portrait_run_build(cycle=cycle)
    assert run.status == PortraitRun.Status.DONE
    assert SegmentMembership.objects.filter(run=run).count() == n_customers


def test_latest_run_is_the_newest_that_finished():
    cycle = CycleFactory()
    older = PortraitRunFactory(cycle=cycle, status=PortraitRun.Status.RUNNING)
    newer = PortraitRunFactory(cycle=cycle, status=PortraitRun.Status.DONE)
    assert portrait_run_latest(cycle=cycle) == newer
    # The older run finishing later does not replace the newer one.
    older.status = PortraitRun.Status.DONE
    older.save()
    assert portrait_run_latest(cycle=cycle) == newer
    PortraitRunFactory(cycle=cycle, status=PortraitRun.Status.FAILED)
    assert portrait_run_latest(cycle=cycle) == newer


def test_briefs_are_built_from_segment_profiles(demo_run):
    briefs = briefs_write(run=demo_run)
    segments = {s.pk: s for s in demo_run.segments.all()}
    assert len(briefs) == sum(1 for s in segments.values() if s.size >= 5) >= 2
    for brief in briefs:
        profile = segments[brief.segment_id].profile
        top = [a["name"] for a in profile["top_attributes"][:3]]
        assert brief.attributes == top
        assert brief.category == profile["main_category"]
        assert brief.keywords[: len(top)] == [f"{a} {brief.category}" for a in top]
        assert set(brief.keywords) == set(brief_keywords(attributes=top, category=brief.category))
        assert all(any(a in kw for a in top) and kw.endswith(brief.category) for kw in brief.keywords)
        assert [brief.price_low, brief.price_high] == [Decimal(str(v)).quantize(Decimal("0.01")) for v in profile["price_band"]]
        assert brief.markets and all(profile["markets"][m] >= 0.2 for m in brief.markets)
        assert brief.text.startswith(segments[brief.segment_id].name)

    again = briefs_write(run=demo_run)
    assert [b.pk for b in again] == [b.pk for b in briefs]
    assert Brief.objects.count() == len(briefs)


def test_brief_keywords_are_singles_then_pairs():
    assert brief_keywords(attributes=["sherpa", "cream"], category="blanket") == [
        "sherpa blanket", "cream blanket", "sherpa cream blanket",
    ]


def test_small_segments_get_no_brief():
    run = PortraitRunFactory()
    SegmentFactory(run=run, size=3)
    big = SegmentFactory(run=run, size=12)
    assert [b.segment for b in briefs_write(run=run)] == [big]


def test_briefs_refuse_a_failed_run():
    with pytest.raises(ValueError, match="failed, not done"):
        briefs_write(run=PortraitRunFactory(status=PortraitRun.Status.FAILED))


def test_next_cycle_is_seeded_by_the_briefs_and_opening_it_twice_changes_nothing(demo_cycle, demo_run):
    briefs = briefs_write(run=demo_run)

    cycle2 = next_cycle_open(run=demo_run)

    demo_cycle.refresh_from_db()
    assert demo_cycle.status == Cycle.Status.CLOSED and demo_cycle.closed_at is not None
    assert cycle2.number == 2 and cycle2.previous == demo_cycle and cycle2.is_demo
    assert set(Brief.objects.values_list("for_cycle", flat=True)) == {cycle2.pk}
    watched = set(WatchKeyword.objects.filter(watchlist__cycle=cycle2).values_list("keyword", flat=True))
    assert watched == {kw for b in briefs for kw in b.keywords}
    assert set(WatchKeyword.objects.filter(watchlist__cycle=cycle2).values_list("origin", flat=True)) == {
        WatchKeyword.Origin.BRIEF
    }
    for brief in briefs:
        watchlist = Watchlist.objects.get(cycle=cycle2, seeded_by_brief=brief)
        assert watchlist.markets == brief.markets and watchlist.is_demo

    n_watchlists, n_keywords = Watchlist.objects.count(), WatchKeyword.objects.count()
    assert next_cycle_open(run=demo_run) == cycle2
    assert Cycle.objects.count() == 2
    assert (Watchlist.objects.count(), WatchKeyword.objects.count()) == (n_watchlists, n_keywords)


def test_next_cycle_writes_missing_briefs_itself(demo_run):
    cycle2 = next_cycle_open(run=demo_run)
    assert demo_run.briefs.count() >= 2
    assert Watchlist.objects.filter(cycle=cycle2).count() == demo_run.briefs.count()


def test_build_portraits_command_reports_progress(demo_cycle, capsys):
    call_command("build_portraits", "--cycle", "1", "--open-next")
    out = capsys.readouterr().out
    assert "[0/3] cycle 1: reading orders" in out and "[3/3] cycle 1: done" in out
    run = PortraitRun.objects.get()
    assert f"Portrait run {run.pk}: {run.n_segments} segments" in out
    assert Cycle.objects.filter(number=2, previous=demo_cycle).exists()


def test_build_portraits_command_errors_are_clear():
    with pytest.raises(CommandError, match="no cycle yet"):
        call_command("build_portraits")
    CycleFactory(number=1)
    with pytest.raises(CommandError, match="Cycle 9 does not exist"):
        call_command("build_portraits", "--cycle", "9")
    with pytest.raises(CommandError, match="failed: no order lines"):
        call_command("build_portraits", "--cycle", "1")


def test_build_task_records_progress(demo_cycle):
    run_id = build_portraits.delay(demo_cycle.pk).get()
    assert PortraitRun.objects.get(pk=run_id).status == PortraitRun.Status.DONE
    task = TaskRun.objects.get(kind="portraits.build")
    assert task.status == TaskRun.Status.DONE and task.done == task.total == 3
    assert build_portraits.delay(10_000).get() is None

"""The home page's to-do list: what waits for a person on each link, with the button that acts on it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from c2f.dashboard.todo import todo_sections
from core.models import TaskRun
from design.models import ComplianceItem, Concept
from hotspots.models import TrendImport, TrendSource
from production.models import FactoryPayment, ProductionOrder
from promotion.models import Post
from samples.models import Buyer, Invitation, Sample, VoteRound

from .conftest import grow


def _sections(cycle) -> dict[str, list]:
    return {section.key: section.items for section in todo_sections(cycle=cycle)}


@pytest.fixture
def waiting(loop):
    """Cycle 1 of the loop with one thing waiting for a person on every link."""
    now = timezone.now()
    cycle = loop.cycle
    # A closed round nobody decided on, and an open one collecting votes with a failed send.
    sample2 = Sample.objects.create(concept=loop.concept, version=2)
    undecided = VoteRound.objects.create(
        cycle=cycle, sample=sample2, opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1),
        status=VoteRound.Status.CLOSED,
    )
    Invitation.objects.create(round=undecided, buyer=loop.buyer, sent_at=now - dt.timedelta(days=9))
    sample3 = Sample.objects.create(concept=loop.concept, version=3)
    open_round = VoteRound.objects.create(
        cycle=cycle, sample=sample3, opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=6)
    )
    Invitation.objects.create(round=open_round, buyer=loop.buyer, sent_at=now)
    other = Buyer.objects.create(name="Bo", email="bo@buyers.test")
    Invitation.objects.create(round=open_round, buyer=other, last_error="SMTP 550 mailbox unavailable", send_attempts=3)
    # A confirmed concept with a required compliance item open.
    ComplianceItem.objects.create(concept=loop.concept, market="US", title="CPSIA tracking label", required=True)
    # A confirmed round whose sample has no order yet.
    concept_b = Concept.objects.create(
        cycle=cycle, name="Waffle throw", category="throw", target_markets=["US"], target_price=Decimal("30"),
        unit_cost=Decimal("8"), status=Concept.Status.CONFIRMED,
    )
    sample_b = Sample.objects.create(concept=concept_b, version=1, status=Sample.Status.CONFIRMED)
    VoteRound.objects.create(
        cycle=cycle, sample=sample_b, opens_at=now - dt.timedelta(days=20), closes_at=now - dt.timedelta(days=12),
        status=VoteRound.Status.CLOSED, decision=VoteRound.Decision.CONFIRM,
    )
    # A released order nobody accepted for a week, and a late one in production.
    released = ProductionOrder.objects.create(
        cycle=cycle, factory=loop.factory, reference="PO-0002", sample=sample2, unit_price=Decimal("10"),
        status=ProductionOrder.Status.RELEASED, released_at=now - dt.timedelta(days=7),
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    late = ProductionOrder.objects.create(
        cycle=cycle, factory=loop.factory, reference="PO-0003", sample=sample3, unit_price=Decimal("10"),
        status=ProductionOrder.Status.IN_PRODUCTION, due_date=timezone.localdate() - dt.timedelta(days=4),
    )
    FactoryPayment.objects.create(
        factory=loop.factory, order=late, kind=FactoryPayment.Kind.DEPOSIT, amount=Decimal("1234.50"), actor="loop"
    )
    # A post whose time passed without being sent, and one its publisher refused.
    Post.objects.create(
        campaign=loop.campaign, channel="x", text="Mermaid", scheduled_at=now - dt.timedelta(hours=5),
        status=Post.Status.SCHEDULED,
    )
    Post.objects.create(
        campaign=loop.campaign, channel="tiktok", text="Mermaid", scheduled_at=now - dt.timedelta(hours=2),
        status=Post.Status.FAILED, failure_reason="TikTok: video too short",
    )
    # A file that failed to import, and the loop that failed on cycle 1.
    failed_import = TrendImport.objects.create(
        filename="multiTimeline (3).csv", kind="multiTimeline", source=TrendSource.TRENDS_EXPORT,
        status=TrendImport.Status.FAILED, error="line 4, column 'Week': not a date",
    )
    TaskRun.objects.create(kind="cycle.run", cycle=cycle, status=TaskRun.Status.FAILED, error="promotion: boom")
    return {
        "undecided": undecided, "open_round": open_round, "sample_b": sample_b, "released": released, "late": late,
        "import": failed_import,
    }


def test_every_link_reports_what_waits_for_a_person(loop, waiting, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        sections = _sections(loop.cycle)
    assert list(sections) == [
        "task_failed", "import_failed", "send_failed", "post_unsent", "round_decide", "round_open",
        "compliance_missing", "batch_plan", "order_acceptance", "order_late", "payment_due",
    ]
    undecided, open_round = waiting["undecided"], waiting["open_round"]
    [decide] = sections["round_decide"]
    assert decide.action == "Decide" and decide.url == reverse("samples:round", args=[undecided.pk])
    assert decide.detail.startswith("0 of 1 buyers voted (0%) · closed ")
    [collect] = sections["round_open"]
    assert collect.url == reverse("samples:round", args=[open_round.pk])
    assert "0 of 2 buyers voted (0%)" in collect.detail and collect.action == "Follow up"
    [send] = sections["send_failed"]
    assert send.detail == "1 of 2 invitations could not be sent" and send.url.endswith("#invitations")
    [compliance] = sections["compliance_missing"]
    assert compliance.detail.startswith("1 of 1 required compliance items open")
    assert compliance.url == reverse("design:detail", args=[loop.concept.pk]) + "#compliance"
    [plan] = sections["batch_plan"]
    assert plan.action == "Plan the batch" and plan.url == reverse("production:plan", args=[waiting["sample_b"].pk])
    [acceptance] = sections["order_acceptance"]
    assert acceptance.urgent and acceptance.url == reverse("production:detail", args=[waiting["released"].pk])
    [late] = sections["order_late"]
    assert "4 days late" in late.detail and late.urgent
    [payment] = sections["payment_due"]
    assert payment.detail.startswith("$1,234.50 owed")
    [post] = sections["post_unsent"]
    assert post.url == reverse("promotion:detail", args=[loop.campaign.pk])
    assert post.detail.startswith("1 post failed (TikTok: video too short), 1 post not sent, the first due ")
    [imported] = sections["import_failed"]
    assert imported.title == "multiTimeline (3).csv" and "not a date" in imported.detail
    [task] = sections["task_failed"]
    assert task.title == "The loop · cycle 1" and task.url == reverse("dashboard:cycle", args=[1])


def test_cycle_scope_and_all_cycles(loop, waiting):
    # Cycle 2 has none of cycle 1's rounds or orders; what belongs to no cycle (imports, money owed) stays.
    assert set(_sections(loop.cycle2)) == {"import_failed", "payment_due"}
    assert set(_sections(None)) == set(_sections(loop.cycle))


def test_what_was_dealt_with_leaves_the_list(loop, waiting):
    VoteRound.objects.filter(pk=waiting["undecided"].pk).update(decision=VoteRound.Decision.DROP)
    ComplianceItem.objects.update(checked=True, evidence_note="label sewn in")
    TrendImport.objects.create(
        filename="multiTimeline (3).csv", kind="multiTimeline", source=TrendSource.TRENDS_EXPORT,
        status=TrendImport.Status.OK,
    )
    TaskRun.objects.create(kind="cycle.run", cycle=loop.cycle, status=TaskRun.Status.DONE)
    FactoryPayment.objects.create(
        factory=loop.factory, kind=FactoryPayment.Kind.PAYMENT, amount=Decimal("-1234.50"), actor="merch"
    )
    sections = _sections(loop.cycle)
    for gone in ("round_decide", "compliance_missing", "import_failed", "task_failed", "payment_due"):
        assert gone not in sections


def test_home_shows_the_list_with_buttons_and_all_cycles_one_click_away(staff_client, loop, waiting):
    html = staff_client.get(reverse("dashboard:cycle", args=[1])).content.decode()
    assert 'id="todo"' in html and "Rounds closed, waiting for a decision" in html
    assert f'href="{reverse("production:plan", args=[waiting["sample_b"].pk])}">Plan the batch</a>' in html
    assert 'href="/cycles/1/?todo=all#todo"' in html
    home = staff_client.get(reverse("dashboard:home")).content.decode()  # cycle 2 on screen
    assert "Rounds closed, waiting for a decision" not in home and "Imports that failed" in home
    everything = staff_client.get(reverse("dashboard:home"), {"todo": "all"})
    assert everything.context["todo_all"] and "Rounds closed, waiting for a decision" in everything.content.decode()
    assert "cycle 1</span>" in everything.content.decode()  # items of other cycles say which


@pytest.mark.parametrize("extra_rows", [0, 19], ids=["1-row", "20-rows"])
def test_to_do_list_query_count_does_not_grow_with_rows(loop, waiting, django_assert_max_num_queries, extra_rows):
    grow(loop, extra_rows)  # 19 more open rounds, draft orders, ...
    with django_assert_max_num_queries(8):
        sections = _sections(None)
    assert all(len(items) <= 10 for items in sections.values())

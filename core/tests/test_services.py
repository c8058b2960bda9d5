"""Writes of core: a cycle starts running once; a task run ends with its last word."""

import pytest

from core.models import Cycle, TaskRun
from core.services import cycle_close, cycle_mark_running, cycle_open, task_run_finish, task_run_start

pytestmark = pytest.mark.django_db


def test_an_open_cycle_starts_running_once():
    cycle = cycle_open()
    stale = Cycle.objects.get(pk=cycle.pk)
    assert cycle_mark_running(cycle=cycle) is True
    assert cycle.status == Cycle.Status.RUNNING
    # A second step holding an older copy moves nothing.
    assert cycle_mark_running(cycle=stale) is False
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.RUNNING


def test_a_closed_cycle_is_not_reopened_by_a_late_step():
    cycle = cycle_open()
    stale = Cycle.objects.get(pk=cycle.pk)
    cycle_close(cycle_id=cycle.pk, actor="c2f portraits")
    assert cycle_mark_running(cycle=stale) is False
    assert stale.status == Cycle.Status.OPEN  # the copy is not told a move that did not happen
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.CLOSED


def test_a_finished_run_keeps_or_replaces_its_message():
    run = task_run_start(kind="cycle.run", total=8)
    TaskRun.objects.filter(pk=run.pk).update(message="samples: round 3 confirmed")
    task_run_finish(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.message, run.error) == (TaskRun.Status.DONE, "samples: round 3 confirmed", "")

    waiting = task_run_start(kind="cycle.run", total=8)
    task_run_finish(run_id=waiting.pk, message="waiting: " + "x" * 400)
    waiting.refresh_from_db()
    assert waiting.status == TaskRun.Status.DONE and waiting.message == ("waiting: " + "x" * 400)[:300]

    failed = task_run_start(kind="cycle.run", total=8)
    task_run_finish(run_id=failed.pk, error="design: boom")
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (TaskRun.Status.FAILED, "design: boom")

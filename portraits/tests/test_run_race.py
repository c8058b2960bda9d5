"""Portrait runs racing to become current on PostgreSQL, each on its own thread and connection: the newest
version wins whatever the order they finish in, and a slower older run never replaces a newer one."""

import threading
import time

import numpy as np
import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from customers.services import demo_orders_generate
from customers.tests.factories import CycleFactory
from portraits.models import PortraitRun, SegmentMembership
from portraits.selectors_frames import customer_base_frames
from portraits.services import PROMOTION_LOCK, portrait_run_execute, portrait_run_start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 60  # seconds before a stuck thread fails the test instead of hanging it


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks and concurrent transactions are only meaningful on PostgreSQL")


@pytest.fixture
def cycle():
    cycle = CycleFactory(number=1, is_demo=True)
    demo_orders_generate(cycle=cycle, n_customers=120, seed=1)
    return cycle


def _on_own_connection(target, outcome: dict, key: str) -> threading.Thread:
    def run():
        try:
            outcome[key] = target()
        except BaseException as exc:  # handed to the test's thread
            outcome[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=key)
    thread.start()
    return thread


def _promotion_waiters() -> int:
    """Sessions of this database waiting for the promotion lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s AND objsubid = 1 "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [PROMOTION_LOCK],
        )
        return cursor.fetchone()[0]


def test_an_older_run_held_inside_its_promotion_never_replaces_the_newer_run_that_finishes_meanwhile(cycle):
    older = portrait_run_start(cycle=cycle)
    newer = portrait_run_start(cycle=cycle)
    assert older.version < newer.version
    promoting, release = threading.Event(), threading.Event()

    def hold_before_taking_current(execute, sql, params, many, context):
        # The older run is held as it is about to mark runs not current: past its look for a newer current
        # run, before its own write, the moment a newer run finishing meanwhile could be overwritten.
        if not promoting.is_set() and sql.startswith("UPDATE") and '"portraits_portraitrun" SET "is_current"' in sql:
            promoting.set()
            release.wait(timeout=WAIT)
        return execute(sql, params, many, context)

    def run_older():
        with connection.execute_wrapper(hold_before_taking_current):
            return portrait_run_execute(run_id=older.pk)

    outcome: dict = {}
    older_thread = _on_own_connection(run_older, outcome, "older")
    assert promoting.wait(timeout=WAIT), "the older run never reached its promotion"
    newer_thread = _on_own_connection(lambda: portrait_run_execute(run_id=newer.pk), outcome, "newer")
    # The newer run goes as far as it can: to the end, or to the lock the held older run keeps.
    deadline = time.monotonic() + WAIT
    newer_waited = False
    while newer_thread.is_alive() and time.monotonic() < deadline:
        if _promotion_waiters():
            newer_waited = True
            break
        time.sleep(0.02)
    release.set()
    older_thread.join(WAIT)
    newer_thread.join(WAIT)
    assert not older_thread.is_alive() and not newer_thread.is_alive()
    for key in ("older", "newer"):
        assert not isinstance(outcome[key], BaseException), outcome[key]

    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == newer.status == PortraitRun.Status.DONE, (older.error, newer.error)
    assert newer.is_current and not older.is_current
    assert list(PortraitRun.objects.filter(is_current=True)) == [newer]
    # The newer run could not promote itself while the older one held the promotion.
    assert newer_waited
    assert newer.finished_at > older.finished_at
    assert SegmentMembership.objects.filter(run=newer).count() == SegmentMembership.objects.filter(run=older).count() == 120


def test_an_older_run_computing_while_a_newer_one_finishes_stays_behind_it(cycle):
    older = portrait_run_start(cycle=cycle)
    newer = portrait_run_start(cycle=cycle)
    newer_done = threading.Event()

    def older_waits_before_storing(done, total, message):
        if message.startswith("storing"):
            assert newer_done.wait(timeout=WAIT), "the newer run never finished"

    outcome: dict = {}
    older_thread = _on_own_connection(
        lambda: portrait_run_execute(run_id=older.pk, progress=older_waits_before_storing), outcome, "older"
    )
    newer_thread = _on_own_connection(lambda: portrait_run_execute(run_id=newer.pk), outcome, "newer")
    newer_thread.join(WAIT)
    newer.refresh_from_db()
    assert newer.status == PortraitRun.Status.DONE and newer.is_current, newer.error
    newer_done.set()
    older_thread.join(WAIT)
    assert not older_thread.is_alive()
    for key in ("older", "newer"):
        assert not isinstance(outcome[key], BaseException), outcome[key]
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == PortraitRun.Status.DONE and older.finished_at > newer.finished_at
    assert newer.is_current and not older.is_current
    assert "a newer run is current" in older.message


def test_runs_started_together_all_finish_and_the_newest_is_current(cycle):
    runs = [portrait_run_start(cycle=cycle) for _ in range(4)]
    barrier = threading.Barrier(len(runs))

    def execute(run):
        def go():
            barrier.wait(timeout=WAIT)
            return portrait_run_execute(run_id=run.pk)

        return go

    outcome: dict = {}
    threads = [_on_own_connection(execute(run), outcome, f"run{run.version}") for run in runs]
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)
    for key, value in outcome.items():
        assert not isinstance(value, BaseException), (key, value)
    statuses = dict(PortraitRun.objects.values_list("version", "status"))
    assert set(statuses.values()) == {PortraitRun.Status.DONE}, PortraitRun.objects.values_list("version", "error")
    assert list(PortraitRun.objects.filter(is_current=True).values_list("version", flat=True)) == [max(statuses)]


def test_read_outside_a_transaction_sees_one_snapshot_and_the_same_rows_as_inside_one(cycle):
    as_of = timezone.now()
    apart = customer_base_frames(as_of=as_of)  # the lines read on a second connection, from the same snapshot
    with transaction.atomic():
        together = customer_base_frames(as_of=as_of)  # every read on this connection
    for name in ("orders", "lines"):
        left, right = getattr(apart, name), getattr(together, name)
        assert list(left.columns) == list(right.columns) and len(left) == len(right) > 0
        for column in left.columns:
            assert np.array_equal(left[column].astype(str).to_numpy(), right[column].astype(str).to_numpy()), column

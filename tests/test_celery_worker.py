"""A real Celery worker on a real Redis, against the test database.

The worker is a separate process, so it must open the same database as the
test: on PostgreSQL that is the test database by name; on SQLite the root
conftest puts the test database in a file whenever a `services` test is
collected, and the worker gets a DATABASE_URL naming that file. Tests here use
`transactional_db` so what they write is committed and visible to the worker.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from celery import Celery

from core.models import Cycle, TaskRun
from core.tests.redis_server import free_port, redis_server, stop

pytestmark = [pytest.mark.services]

BASE_DIR = Path(settings.BASE_DIR)
WORKER_START_TIMEOUT = 90
RUN_CYCLE_TIMEOUT = 900


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name.startswith("file:") or name == ":memory:":
            pytest.fail(f"The SQLite test database is in memory ({name}); a worker process cannot open it.")
        return f"sqlite:///{name}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    pytest.fail(f"No worker database URL for engine {db['ENGINE']}.")


@pytest.fixture(scope="module")
def broker_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis"), env_var="CELERY_BROKER_URL") as url:
        yield url


class Worker:
    def __init__(self, proc, env, log, nodename, client):
        self.proc, self.env, self.log, self.nodename, self.client = proc, env, log, nodename, client

    def log_tail(self) -> str:
        return _tail(self.log)


@pytest.fixture(scope="module")
def worker(broker_url, django_db_setup, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("worker")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "C2F_VAR_DIR": str(workdir / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    nodename = f"c2f-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    log = workdir / "worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "c2f", "worker", "-Q", "default,email,ml",
             "-c", "2", "--pool=prefork", "-l", "info", "-n", nodename],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    # A client app of its own: the project's app in this process is configured for eager tests.
    client = Celery("c2f-test-client", broker=broker_url, set_as_current=False)
    handle = Worker(proc, env, log, nodename, client)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not client.control.ping(destination=[nodename], timeout=1.0):
            if proc.poll() is not None:
                pytest.fail(f"The Celery worker exited with {proc.returncode}:\n{handle.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not answer ping in {WORKER_START_TIMEOUT}s:\n{handle.log_tail()}")
        yield handle
    finally:
        stop(proc)
        client.close()


def _wait_for(predicate, timeout: float, what: str, worker: Worker):
    deadline = time.monotonic() + timeout
    while not predicate():
        if worker.proc.poll() is not None:
            pytest.fail(f"The Celery worker died while waiting for {what}:\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout}s waiting for {what}:\n{worker.log_tail()}")
        time.sleep(0.2)


def test_ping_task_round_trip_through_redis(worker, transactional_db):
    assert not TaskRun.objects.filter(kind="core.ping").exists()

    worker.client.send_task("core.ping", queue="default")

    # No result backend is configured (status lives in TaskRun rows), so the row the
    # worker wrote is the proof of the round trip.
    _wait_for(
        lambda: TaskRun.objects.filter(kind="core.ping", status=TaskRun.Status.DONE).exists(),
        timeout=30, what="the worker to record core.ping", worker=worker,
    )
    run = TaskRun.objects.get(kind="core.ping")
    assert (run.done, run.total, run.error) == (0, 1, "")
    assert "Task core.ping[" in worker.log.read_text(errors="replace")


def test_run_cycle_runs_the_loop_as_a_chain_on_the_worker(worker, transactional_db):
    from hotspots.models import Watchlist
    from samples.models import Vote

    try:
        proc = subprocess.run(
            [sys.executable, "manage.py", "run_cycle"],
            cwd=BASE_DIR, env=worker.env, capture_output=True, text=True, timeout=RUN_CYCLE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"manage.py run_cycle took longer than {RUN_CYCLE_TIMEOUT}s:\n{worker.log_tail()}")
    assert proc.returncode == 0, (
        f"manage.py run_cycle exited {proc.returncode}\n--- stdout\n{proc.stdout[-3000:]}\n"
        f"--- stderr\n{proc.stderr[-3000:]}\n--- worker\n{worker.log_tail()}"
    )
    assert "Task c2f.loop." in worker.log.read_text(errors="replace"), "the worker received no c2f.loop task"

    cycles = {c.number: c for c in Cycle.objects.filter(number__in=[1, 2])}
    assert set(cycles) == {1, 2}, proc.stdout[-3000:] + worker.log_tail()
    for number, cycle in cycles.items():
        missing = [
            what
            for what, present in [
                ("hotspots", cycle.hotspots.exists()),
                ("opportunities", cycle.opportunities.exists()),
                ("concepts", cycle.concepts.exists()),
                ("votes", Vote.objects.filter(round__cycle=cycle).exists()),
                ("production orders", cycle.production_orders.exists()),
                ("campaigns", cycle.campaigns.exists()),
                ("orders", cycle.orders.exists()),
                ("portrait runs", cycle.portrait_runs.exists()),
            ]
            if not present
        ]
        assert not missing, f"cycle {number} has no {', '.join(missing)}"
    assert Watchlist.objects.filter(cycle=cycles[2], seeded_by_brief__isnull=False).exists()

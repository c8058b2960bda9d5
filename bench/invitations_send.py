"""Invitation emails through Celery + Redis to a local SMTP server, with a worker killed mid-run.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/invitations_send.py [--size 5000] [--concurrency 8]

Works in its own throwaway PostgreSQL database (created, migrated, dropped) and
its own Celery queue. An aiosmtpd server on 127.0.0.1 counts what arrives, per
recipient. A prefork worker sends ``samples.send_invitation`` tasks (claim,
render HTML + text, SMTP); when 40% of the emails have arrived the worker's
whole process group gets SIGKILL and a new worker is started. The tasks the
dead worker held come back after the Redis visibility timeout
(BENCH_VISIBILITY_TIMEOUT, 20 s here). Sends the dead worker had claimed but
not finished, and any message Redis lost with it, are found by
``invitations_lost_sends`` once their claim is older than the send lease
(C2F_SEND_LEASE_SECONDS, 30 s here; beat does this every 5 minutes in
production) and queued again. Figures: emails per second before the kill and
overall, duplicates (must be 0) and buyers never emailed (must be 0).
Baseline: the same number of pre-rendered messages sent by one process with
smtplib, one connection per message, as Django's backend does.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from benchdb import ROOT, bench_database

TIME_LIMIT = 600


class Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.recipients = Counter()
        self.total = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.recipients[rcpt.lower()] += 1
            self.total += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(queue: str, concurrency: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        "DJANGO_SETTINGS_MODULE": "c2f.settings",
        "PYTHONUNBUFFERED": "1",
    }
    out = open(log, "ab")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "invitations_worker_app", "worker", "-Q", queue, "-c", str(concurrency),
         "-P", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING",
         "-n", f"bench-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="invitations to send")
    parser.add_argument("--concurrency", type=int, default=8, help="worker processes")
    parser.add_argument("--kill-at", type=float, default=0.4, help="share received before the SIGKILL")
    args = parser.parse_args()
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        sys.exit("Set CELERY_BROKER_URL to a Redis URL (redis://127.0.0.1:6379/0).")
    os.environ.setdefault("BENCH_VISIBILITY_TIMEOUT", "20")
    os.environ.setdefault("C2F_SEND_LEASE_SECONDS", "30")

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    os.environ.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_URL": ""})
    queue = f"bench-email-{os.getpid()}"
    log = Path(f"/tmp/bench-invitations-{os.getpid()}.log")
    workers = []
    started = time.monotonic()
    try:
        with bench_database("invitations"):
            try:
                run(args, inbox, smtp, queue, log, workers, started)
            finally:
                # Before the database is dropped: no worker may hold a connection to it.
                for worker in workers:
                    stop(worker, signal.SIGKILL)
    finally:
        try:
            import redis

            redis.Redis.from_url(broker).delete(queue)
        except Exception as exc:  # cleanup only
            print(f"queue cleanup: {exc}")
        smtp.stop()


def run(args, inbox, smtp, queue, log, workers, started):
    import smtplib
    from datetime import timedelta

    from django.utils import timezone

    from core.models import Cycle
    from design.models import Concept
    from samples.models import Buyer, Invitation, Sample, VoteRound
    from samples.selectors import invitations_lost_sends
    from samples.services import invitation_message, sample_review_start
    from samples.tasks import send_invitation

    n = args.size
    cycle = Cycle.objects.create(number=1, name="bench")
    concept = Concept.objects.create(cycle=cycle, name="Bench sherpa blanket", category="blanket",
                                     target_markets=["US"], target_price="49.00", unit_cost="14.50")
    sample = Sample.objects.create(concept=concept, spec="320 gsm sherpa")
    sample_review_start(sample_id=sample.pk, actor="bench")
    now = timezone.now()
    vote_round = VoteRound.objects.create(cycle=cycle, sample=sample, opens_at=now, closes_at=now + timedelta(days=7))
    Buyer.objects.bulk_create(
        Buyer(name=f"Buyer {i}", email=f"buyer{i}@bench.invalid", country="US", markets=["US"]) for i in range(n)
    )
    Invitation.objects.bulk_create(Invitation(round=vote_round, buyer=b) for b in Buyer.objects.order_by("pk"))
    ids = list(Invitation.objects.filter(round=vote_round).order_by("pk").values_list("pk", flat=True))

    # Baseline: the same messages, rendered beforehand, through smtplib from one process.
    sample_invitation = Invitation.objects.select_related("round__sample__concept", "buyer").get(pk=ids[0])
    raw = invitation_message(sample_invitation).message().as_bytes(linesep="\r\n")
    t0 = time.perf_counter()
    for i in range(n):
        with smtplib.SMTP("127.0.0.1", smtp.port) as client:
            client.sendmail("samples@c2f.localhost", [f"baseline{i}@bench.invalid"], raw)
    baseline_s = time.perf_counter() - t0
    baseline_rate = n / baseline_s
    with inbox.lock:
        inbox.recipients.clear()
        inbox.total = 0

    # Celery path: queue every send, start the worker, kill it part-way, start another.
    for pk in ids:
        send_invitation.apply_async((pk,), queue=queue)
    t0 = time.perf_counter()
    workers.append(start_worker(queue, args.concurrency, log))
    kill_at = int(n * args.kill_at)
    while inbox.total < kill_at:
        if time.monotonic() - started > TIME_LIMIT:
            sys.exit(f"Timed out before the kill; see {log}")
        if workers[0].poll() is not None:
            sys.exit(f"The worker exited early; see {log}")
        time.sleep(0.05)
    phase1_s = time.perf_counter() - t0
    phase1_received = inbox.total
    stop(workers[0], signal.SIGKILL)
    claimed_at_kill = Invitation.objects.filter(round=vote_round, send_claimed_at__isnull=False).count()
    received_at_kill = inbox.total
    workers.append(start_worker(queue, args.concurrency, log))

    # Wait for the redelivered tasks, then for the lease of sends the dead worker had claimed: those,
    # and any message Redis lost with the worker, are queued again as beat's sweep does.
    vt = int(os.environ["BENCH_VISIBILITY_TIMEOUT"])
    lease = int(os.environ["C2F_SEND_LEASE_SECONDS"])
    last, stable_since, requeued = -1, time.monotonic(), []
    while True:
        if time.monotonic() - started > TIME_LIMIT:
            print(f"time limit reached; see {log}")
            break
        pending = Invitation.objects.filter(round=vote_round, sent_at__isnull=True).exists()
        if inbox.total != last:
            last, stable_since = inbox.total, time.monotonic()
        idle = time.monotonic() - stable_since
        if not pending and idle > 3:
            break
        if pending and idle > max(vt, lease) + 2:
            lost = invitations_lost_sends()
            requeued.extend(lost)
            for pk in lost:
                send_invitation.apply_async((pk,), queue=queue)
            stable_since = time.monotonic()
        time.sleep(0.2)
    total_s = time.perf_counter() - t0 - (time.monotonic() - stable_since)

    emails = {f"buyer{i}@bench.invalid" for i in range(n)}
    received = {r: c for r, c in inbox.recipients.items() if r in emails}
    duplicates = sum(c - 1 for c in received.values() if c > 1)
    sent = Invitation.objects.filter(round=vote_round, sent_at__isnull=False).count()
    never_arrived = n - len(received)
    print(f"invitations: {n}, worker processes: {args.concurrency}, database: PostgreSQL, broker: Redis")
    print(f"baseline smtplib, one process, pre-rendered: {baseline_rate:,.0f} emails/s ({baseline_s:.1f} s)")
    print(f"celery before the kill: {phase1_received} emails in {phase1_s:.1f} s = {phase1_received / phase1_s:,.0f} emails/s"
          f" (ratio to baseline {phase1_received / phase1_s / baseline_rate:.2f})")
    print(f"SIGKILL at {received_at_kill} received / {claimed_at_kill} claimed; second worker started")
    print(f"celery overall incl. kill, restart, {vt} s redelivery and {lease} s lease waits: "
          f"{len(received)} emails in {total_s:.1f} s = {len(received) / total_s:,.0f} emails/s")
    print(f"distinct buyers emailed: {len(received)}, duplicates: {duplicates}, marked sent: {sent}, "
          f"never emailed: {never_arrived}")
    print(f"total bench time {time.monotonic() - started:.0f} s")
    print(f"lost sends found after the lease and queued again: {len(requeued)}")
    if duplicates or never_arrived:
        sys.exit("DUPLICATES OR LOST EMAILS FOUND")


if __name__ == "__main__":
    main()

"""The tracked-link redirect under gunicorn, beside a bare Django redirect view in the same run.

    .venv/bin/python bench/redirect.py [--links 2000] [--pollers 16] [--seconds 10] [--workers N]

With DATABASE_URL naming PostgreSQL (on loopback) the benchmark creates its own database beside it
(``<name>_bench_redirect``) and drops it afterwards; otherwise it uses a SQLite file in a temporary
folder. With REDIS_URL set, clicks are buffered in Redis and stored in batches, as deployed; the
benchmark stores what is left at the end and counts the rows. It makes ``--links`` campaigns' links,
serves the project with gunicorn (sync workers, as deployed) on 127.0.0.1 and loads it with
``--pollers`` clients (bench/http_load.py), closed loop, each scenario in turn:

  tracked link   GET /r/<code> for a random link, each request from another browser (user agent), so
                 nearly every request is a click to count: the link read (cached per process), the
                 repeat and flood checks, the click written
  bare redirect  a Django view answering the same 302 from memory

The flood limit is raised for the run (all requests come from 127.0.0.1): the benchmark measures
serving and counting, not refusing. Target: the tracked link at no less than 0.5 of the bare rate.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1 n{}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--pollers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario (default 10)")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2) * 2), help="gunicorn workers")
    parser.add_argument("--rounds", type=int, default=2, help="scenarios alternate this many times (default 2)")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_sql(base_url: str, sql: str):
    import psycopg2

    parsed = urlparse(base_url)
    conn = psycopg2.connect(dbname=parsed.path.lstrip("/"), user=parsed.username, password=parsed.password,
                            host=parsed.hostname, port=parsed.port or 5432)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def fill(n_links: int) -> list[str]:
    """Campaigns of one concept across markets, five posts each with their links; returns the codes."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from core.models import Cycle
    from design.models import Concept
    from promotion.models import Campaign, Post, TrackedLink

    cycle = Cycle.objects.create(number=1)
    concept = Concept.objects.create(cycle=cycle, name="Bench sherpa blanket", category="blanket",
                                     target_markets=["US"], target_price=Decimal("39.00"), unit_cost=Decimal("11.50"))
    channels = ["instagram", "facebook", "x", "tiktok", "pinterest"]
    codes = []
    for c in range(0, n_links, len(channels)):
        campaign = Campaign.objects.create(cycle=cycle, concept=concept, name=f"Bench {c}", market="US",
                                           time_zone="America/New_York", starts_on=date.today(), channels=channels,
                                           status=Campaign.Status.ACTIVE)
        posts = Post.objects.bulk_create([
            Post(campaign=campaign, channel=ch, text="Bench", scheduled_at=timezone.now() + timedelta(days=1))
            for ch in channels])
        links = TrackedLink.objects.bulk_create([
            TrackedLink(campaign=campaign, post=p, code=f"b{c + i:06d}", channel=p.channel,
                        destination_url="https://shop.example/products/bench", utm_source=p.channel,
                        utm_campaign=f"bench-{campaign.pk}", utm_content=f"post-{p.pk}", utm_term="concept-1-bench")
            for i, p in enumerate(posts)])
        codes += [link.code for link in links]
    return codes[:n_links]


def main():
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(base_url)
    tmp = tempfile.mkdtemp(prefix="bench_redirect_")
    db_name = ""
    if parsed.scheme in ("postgres", "postgresql"):
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("This benchmark runs on loopback only.")
        db_name = parsed.path.lstrip("/") + "_bench_redirect"
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path="/" + db_name))
        admin_sql(base_url, f'DROP DATABASE IF EXISTS "{db_name}"')
        admin_sql(base_url, f'CREATE DATABASE "{db_name}"')
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "redirect_settings"
    os.environ["C2F_CLICK_FLOOD_RATE"] = "100000000/min"
    os.environ["BENCH_CLICK_KEY_PREFIX"] = f"c2f:bench:{os.getpid()}"
    server = None
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        codes = fill(args.links)
        connections.close_all()
        port = free_port()
        env = dict(os.environ, PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{ROOT}")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "redirect_wsgi:application", "--chdir", str(ROOT / "bench"),
             "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--log-level", "warning"],
            env=env, cwd=ROOT, start_new_session=True,
        )
        import requests

        from http_load import build_request, load

        for _ in range(60):
            try:
                requests.get(f"http://127.0.0.1:{port}/bench/bare/x", timeout=5, allow_redirects=False)
                break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            sys.exit("gunicorn did not start")
        probe = requests.get(f"http://127.0.0.1:{port}/r/{codes[0]}", headers={"User-Agent": UA.format("probe")},
                             timeout=5, allow_redirects=False)
        assert probe.status_code == 302 and "utm_content=post-" in probe.headers["Location"], probe.status_code

        rng = random.Random(1)
        tracked = [(build_request(port, f"/r/{rng.choice(codes)}", {"User-Agent": UA.format(i)}), 302) for i in range(60_000)]
        bare = [(build_request(port, f"/bench/bare/{rng.choice(codes)}", {"User-Agent": UA.format(i)}), 302)
                for i in range(2000)]
        buffered = bool(settings.C2F_CLICK_BUFFER_URL)
        print(f"{len(codes):,} links; database {connection.vendor}; clicks {'buffered in Redis' if buffered else 'written one by one'}; "
              f"gunicorn {args.workers} sync workers; {args.pollers} clients × {args.seconds:.0f} s per scenario, "
              f"{args.rounds} rounds; {os.cpu_count()} CPUs shared by client and server")
        load(port, tracked[:500], pollers=args.pollers, seconds=2.0, seed=99)  # warm the workers' link caches
        load(port, bare[:200], pollers=args.pollers, seconds=1.0, seed=98)
        from promotion.models import Click
        from promotion.services import clicks_flush

        time.sleep(1.0)  # the workers hand their last clicks to Redis
        clicks_flush()
        before = Click.objects.count()
        runs: dict[str, list[dict]] = {"tracked link": [], "bare redirect": []}
        for round_ in range(args.rounds):
            for name, prepared in (("tracked link", tracked), ("bare redirect", bare)):
                runs[name].append(load(port, prepared, pollers=args.pollers, seconds=args.seconds, seed=round_ + 1))
        time.sleep(1.0)
        clicks_flush()
        stored = Click.objects.count() - before
        print(f"{'scenario':<14} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        summary = {}
        for name, results in runs.items():
            total = sum(r["requests"] for r in results)
            rps = sum(r["rps"] for r in results) / len(results)
            p50 = max(r["p50_ms"] for r in results)
            p99 = max(r["p99_ms"] for r in results)
            errors = sum(r["errors"] for r in results)
            summary[name] = {"requests": total, "rps": round(rps, 1), "p50_ms": round(p50, 2), "p99_ms": round(p99, 2),
                             "errors": errors}
            print(f"{name:<14} {total:>9} {rps:>8.0f} {p50:>8.1f} {p99:>8.1f} {errors:>7}")
        ratio = summary["tracked link"]["rps"] / summary["bare redirect"]["rps"]
        print(f"tracked/bare req/s {ratio:.2f} (target ≥ 0.5: {'met' if ratio >= 0.5 else 'missed'}); "
              f"p99 {summary['tracked link']['p99_ms']:.1f} ms vs {summary['bare redirect']['p99_ms']:.1f} ms; "
              f"clicks stored {stored:,} for {summary['tracked link']['requests']:,} tracked requests (a visitor's repeat on a link counts once)")
        print(json.dumps({**summary, "ratio": round(ratio, 3), "clicks_stored": stored}))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - the run stopped before Django was set up
            pass
        if db_name:
            admin_sql(base_url, f'DROP DATABASE IF EXISTS "{db_name}"')
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

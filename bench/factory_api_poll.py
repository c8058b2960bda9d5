"""Factory API polling under load: the order list and an idle 304 poll, against a bare Django view.

    .venv/bin/python bench/factory_api_poll.py [--size 100000] [--factories 200] [--pollers 16] [--seconds 10]

Needs PostgreSQL: DATABASE_URL (default postgres://c2f:c2f@127.0.0.1:5432/c2f) names the server;
the benchmark creates its own database beside it (``<name>_bench_factory_api``), fills it with
``--size`` released-or-later orders spread over ``--factories`` factories, serves the project with
gunicorn on 127.0.0.1, runs ``--pollers`` threads per scenario for ``--seconds``, then stops
gunicorn and drops the database. Scenarios, each on a random factory per request:

  api page   GET /api/v1/factory/orders/ (first page of 50, key auth, throttle, ETag)
  api 304    the same with If-None-Match set to the factory's current ETag
  bare page  a Django view returning the same JSON bytes from memory
  bare 304   the same view answering 304 to its ETag
"""

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="orders (default 100000)")
    parser.add_argument("--factories", type=int, default=200)
    parser.add_argument("--pollers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario (default 10)")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2) * 2), help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args()


def bench_database_url() -> tuple[str, str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://c2f:c2f@127.0.0.1:5432/c2f")
    parsed = urlparse(base)
    if parsed.scheme not in ("postgres", "postgresql"):
        sys.exit(f"This benchmark needs PostgreSQL; DATABASE_URL is {parsed.scheme}:.")
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("This benchmark runs on loopback only.")
    name = parsed.path.lstrip("/") + "_bench_factory_api"
    return base, urlunparse(parsed._replace(path="/" + name)), name


def admin_sql(base_url: str, sql: str):
    import psycopg2

    parsed = urlparse(base_url)
    conn = psycopg2.connect(
        dbname=parsed.path.lstrip("/"), user=parsed.username, password=parsed.password,
        host=parsed.hostname, port=parsed.port or 5432,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(size: int, n_factories: int) -> list[tuple[int, str]]:
    """Write the orders; return (factory id, raw key) per factory."""
    import datetime
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from core.models import Cycle
    from design.models import Concept, Variant
    from production.models import ProductionEvent, ProductionOrder, ProductionOrderLine
    from production.services import factory_create
    from samples.models import Sample

    cycle = Cycle.objects.create(number=1)
    concept = Concept.objects.create(
        cycle=cycle, name="Bench sherpa blanket", category="blanket", target_markets=["US", "GB", "DE"],
        target_price=Decimal("39.00"), unit_cost=Decimal("11.50"),
    )
    variants = [
        Variant.objects.create(concept=concept, sku=f"BENCH-{c}", colour=c, size="130x170", material="sherpa")
        for c in ("grey", "cream", "sage")
    ]
    sample = Sample.objects.create(concept=concept, version=1, spec="Double-sided sherpa, 380 gsm.", status="confirmed")
    keys = [factory_create(name=f"Bench Mill {i:03d}") for i in range(n_factories)]
    statuses = ["released", "accepted", "in_production", "qc_passed", "shipped", "received", "received", "received"]
    due = timezone.localdate() + datetime.timedelta(days=30)
    now = timezone.now()
    batch = 5000
    for start in range(0, size, batch):
        orders = [
            ProductionOrder(
                cycle=cycle, factory=keys[i % n_factories][0], reference=f"PO-B-{i:06d}", sample=sample,
                status=statuses[i % len(statuses)], unit_price=Decimal("9.80"), due_date=due, released_at=now,
            )
            for i in range(start, min(size, start + batch))
        ]
        ProductionOrder.objects.bulk_create(orders)
        ProductionOrderLine.objects.bulk_create(
            [ProductionOrderLine(order=o, variant=v, market=m, quantity=100)
             for o in orders for v, m in ((variants[0], "US"), (variants[1], "GB"))]
        )
        ProductionEvent.objects.bulk_create(
            [ProductionEvent(order=o, from_status="draft", to_status="released", actor="bench") for o in orders]
        )
    with connection.cursor() as cur:  # spread the orders over a year, as real history would be
        cur.execute(
            "UPDATE production_productionorder SET created_at = now() - (id % 365) * interval '1 day', "
            "updated_at = now() - (id % 365) * interval '1 day' + interval '1 hour'"
        )
        cur.execute("VACUUM ANALYZE")  # a table in steady state: autovacuum keeps its visibility map current
    return [(factory.pk, raw_key) for factory, raw_key in keys]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_scenario(base: str, pollers: int, seconds: float, make_request) -> dict:
    import requests

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def poll(seed: int):
        session = requests.Session()
        rng = random.Random(seed)
        mine = []
        while time.perf_counter() < stop_at:
            path, headers, expected = make_request(rng)
            began = time.perf_counter()
            response = session.get(base + path, headers=headers, timeout=10)
            elapsed = time.perf_counter() - began
            if response.status_code != expected:
                with lock:
                    errors[0] += 1
            mine.append(elapsed)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=poll, args=(i,)) for i in range(pollers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors[0],
    }


def main():
    args = parse_args()
    base_url, db_url, db_name = bench_database_url()
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "factory_api_settings"
    os.environ["C2F_FACTORY_RATE"] = "100000000/min"  # measure serving, not throttling
    admin_sql(base_url, f'DROP DATABASE IF EXISTS "{db_name}"')
    admin_sql(base_url, f'CREATE DATABASE "{db_name}"')
    server = None
    page_file = tempfile.NamedTemporaryFile(prefix="bench_factory_api_", suffix=".json", delete=False)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        keys = fill(args.size, args.factories)
        connections.close_all()
        print(f"data: {args.size:,} orders (2 lines each) for {args.factories} factories "
              f"in {time.perf_counter() - started:.0f} s")

        port = free_port()
        env = dict(os.environ, PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{ROOT}", BENCH_FACTORY_API_PAGE=page_file.name)
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "factory_api_wsgi:application", "--chdir", str(ROOT / "bench"),
             "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--log-level", "warning"],
            env=env, cwd=ROOT, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        import requests

        for _ in range(60):
            try:
                requests.get(base + "/api/schema/", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            sys.exit("gunicorn did not start")

        # The page the bare view serves: a real first page of one factory, byte for byte.
        first = requests.get(base + "/api/v1/factory/orders/", headers={"Authorization": f"Api-Key {keys[0][1]}"}, timeout=10)
        first.raise_for_status()
        page_file.write(first.content)
        page_file.flush()
        etags = {}
        for _, raw_key in keys:
            response = requests.get(base + "/api/v1/factory/orders/", headers={"Authorization": f"Api-Key {raw_key}"}, timeout=10)
            etags[raw_key] = response.headers["ETag"]
        page_orders = len(first.json()["results"])
        print(f"page: {page_orders} orders, {len(first.content):,} bytes; gunicorn {args.workers} workers; "
              f"{args.pollers} pollers × {args.seconds:.0f} s per scenario; {os.cpu_count()} CPUs shared by client and server")

        raw_keys = [k for _, k in keys]

        def api_page(rng):
            key = rng.choice(raw_keys)
            return "/api/v1/factory/orders/", {"Authorization": f"Api-Key {key}"}, 200

        def api_idle(rng):
            key = rng.choice(raw_keys)
            return "/api/v1/factory/orders/", {"Authorization": f"Api-Key {key}", "If-None-Match": etags[key]}, 304

        def bare_page(rng):
            return "/bench/bare/orders/", {}, 200

        def bare_idle(rng):
            return "/bench/bare/orders/", {"If-None-Match": 'W/"bench-bare"'}, 304

        results = {}
        for name, make in (("api page", api_page), ("bare page", bare_page), ("api 304", api_idle), ("bare 304", bare_idle)):
            run_scenario(base, args.pollers, min(2.0, args.seconds), make)  # warm up
            results[name] = run_scenario(base, args.pollers, args.seconds, make)

        print(f"{'scenario':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, r in results.items():
            print(f"{name:<10} {r['requests']:>9} {r['rps']:>8.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['errors']:>7}")
        for kind, target in (("page", 50), ("304", 10)):
            api, bare = results[f"api {kind}"], results[f"bare {kind}"]
            verdict = "meets" if api["p99_ms"] < target else "misses"
            print(f"{kind}: api/bare req/s {api['rps'] / bare['rps']:.2f}, p99 {api['p99_ms'] / bare['p99_ms']:.2f}× "
                  f"the bare view; api p99 {api['p99_ms']:.1f} ms {verdict} the {target} ms target")
        print(json.dumps({k: {m: round(v, 2) for m, v in r.items()} for k, r in results.items()}))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        page_file.close()
        os.unlink(page_file.name)
        from django.core.exceptions import ImproperlyConfigured

        try:
            from django.db import connections

            connections.close_all()
        except ImproperlyConfigured:  # the run stopped before Django was set up
            pass
        if not args.keep:
            admin_sql(base_url, f'DROP DATABASE IF EXISTS "{db_name}"')


if __name__ == "__main__":
    main()

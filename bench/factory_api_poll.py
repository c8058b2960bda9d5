"""Factory API polling under load: the order list and an idle 304 poll, against a bare Django view.

    .venv/bin/python bench/factory_api_poll.py [--size 100000] [--factories 200] [--pollers 16]
                                               [--seconds 10] [--rate 400]

Needs PostgreSQL: DATABASE_URL (default postgres://c2f:c2f@127.0.0.1:5432/c2f) names the server;
the benchmark creates its own database beside it (``<name>_bench_factory_api``), fills it with
``--size`` released-or-later orders spread over ``--factories`` factories, serves the project with
gunicorn (sync workers, as deployed) on 127.0.0.1, loads it with ``--pollers`` pollers per
scenario for ``--seconds`` (see bench/http_load.py), then stops gunicorn and drops the database.
With REDIS_URL set the project caches API keys, feed versions and pages in Redis, as deployed:
an idle poll is then one round trip to Redis and no query; without it, one query.

Scenarios, each request for a random factory:

  api page        GET /api/v1/factory/orders/ (first page of 50, key auth, throttle, ETag)
  api page, new   the same with an ``updated_since`` no one asked for before: filtered and rendered
  api 304         the first page with If-None-Match set to the factory's current ETag
  bare page       a Django view returning the same JSON bytes from memory
  bare 304        the same view answering 304 to its ETag

each run closed loop (every poller asks again as soon as it is answered: the most the
server serves) and paced (the pollers together ask ``--rate`` times a second; latency
counted from the scheduled time). Goals: the api 304 at half the bare 304's rate or more,
and its paced p99 under 10 ms with Redis.

Client, server, PostgreSQL and Redis share the machine, so req/s and latencies move with
whatever else runs on it (the load average is printed before and after). The CPU time per
request of the api and bare 304, measured in this process through the project's WSGI
handler, is printed too: it moves far less.
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
    parser.add_argument("--rate", type=float, default=400.0, help="paced requests per second, all pollers (default 400)")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2) * 2), help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reuse", action="store_true", help="serve a database kept by --keep (new keys are issued)")
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


def reissue_keys() -> list[tuple[int, str]]:
    from production.models import Factory
    from production.services import factory_api_key_create

    return [(f.pk, factory_api_key_create(factory=f, name="bench")) for f in Factory.objects.order_by("pk")]


def in_process_cpu(host: str, cases: dict[str, tuple[str, dict[str, str], int]], *, n: int = 2000) -> dict[str, float]:
    """CPU µs per request through the project's WSGI handler in this process (best of three runs of ``n``),
    as if sent to ``host`` (the ETags name it)."""
    import io

    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()

    def call(path, headers):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "HTTP_HOST": host,
            **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
        }
        status = []
        b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
        return int(status[0][:3])

    costs = {}
    for name, (path, headers, expected) in cases.items():
        for _ in range(200):
            if call(path, headers) != expected:
                raise SystemExit(f"in-process {name}: expected {expected}")
        runs = []
        for _ in range(3):
            started = time.process_time()
            for _ in range(n):
                call(path, headers)
            runs.append((time.process_time() - started) / n * 1e6)
        costs[name] = min(runs)
    return costs


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    args = parse_args()
    base_url, db_url, db_name = bench_database_url()
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "factory_api_settings"
    os.environ["C2F_FACTORY_RATE"] = "100000000/min"  # measure serving, not throttling
    if not args.reuse:
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
        if args.reuse:
            keys = reissue_keys()
            print(f"data: {len(keys)} factories of the kept database, a new key each")
        else:
            keys = fill(args.size, args.factories)
            print(f"data: {args.size:,} orders (2 lines each) for {args.factories} factories "
                  f"in {time.perf_counter() - started:.0f} s")
        connections.close_all()

        port = free_port()
        env = dict(os.environ, PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{ROOT}", BENCH_FACTORY_API_PAGE=page_file.name)
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "factory_api_wsgi:application", "--chdir", str(ROOT / "bench"),
             "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--log-level", "warning"],
            env=env, cwd=ROOT, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        import requests

        from http_load import build_request, load

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
              f"{args.pollers} pollers × {args.seconds:.0f} s per scenario; {os.cpu_count()} CPUs shared by client and server; "
              f"{'Redis' if os.environ.get('REDIS_URL') else 'no Redis'}")
        print(f"load average before: {load_average()}")

        raw_keys = [k for _, k in keys]
        rng = random.Random(1)
        year_ago = time.time() - 365 * 86400
        scenarios = {
            "api page": [
                (build_request(port, "/api/v1/factory/orders/", {"Authorization": f"Api-Key {k}"}), 200) for k in raw_keys
            ],
            "api page, new": [
                (build_request(
                    port, "/api/v1/factory/orders/?updated_since="
                    + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(year_ago + rng.random() * 300 * 86400)),
                    {"Authorization": f"Api-Key {rng.choice(raw_keys)}"},
                ), 200)
                for _ in range(20_000)
            ],
            "api 304": [
                (build_request(port, "/api/v1/factory/orders/", {"Authorization": f"Api-Key {k}", "If-None-Match": etags[k]}), 304)
                for k in raw_keys
            ],
            "bare page": [(build_request(port, "/bench/bare/orders/", {}), 200)],
            "bare 304": [(build_request(port, "/bench/bare/orders/", {"If-None-Match": 'W/"bench-bare"'}), 304)],
        }
        # Pages no one asked for before are rendered on every request: paced at a quarter of
        # the rate, which this machine can serve, rather than at one it cannot.
        paced_rates = {name: args.rate / 4 if name == "api page, new" else args.rate for name in scenarios}
        results = {}
        for seed, (name, requests_) in enumerate(scenarios.items()):
            load(port, requests_[:200], pollers=args.pollers, seconds=min(2.0, args.seconds), seed=seed)  # warm up
            closed = load(port, requests_, pollers=args.pollers, seconds=args.seconds, seed=seed)
            paced = load(port, requests_, pollers=args.pollers, seconds=args.seconds, rate=paced_rates[name], seed=seed)
            results[name] = {"closed": closed, "paced": paced}

        print(f"{'':<14} {'closed loop':^37}   {'paced':^36}")
        print(f"{'scenario':<14} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}   "
              f"{'req/s':>7} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, r in results.items():
            c, p = r["closed"], r["paced"]
            print(f"{name:<14} {c['requests']:>9} {c['rps']:>7.0f} {c['p50_ms']:>8.1f} {c['p99_ms']:>8.1f}   "
                  f"{paced_rates[name]:>7.0f} {p['requests']:>9} {p['p50_ms']:>8.1f} {p['p99_ms']:>8.1f} "
                  f"{c['errors'] + p['errors']:>7}")
        print(f"load average after: {load_average()}")
        for kind, target in (("page", 50), ("304", 10)):
            api, bare = results[f"api {kind}"], results[f"bare {kind}"]
            print(
                f"{kind}: api/bare req/s {api['closed']['rps'] / bare['closed']['rps']:.2f}"
                f"{' (goal ≥ 0.5)' if kind == '304' else ''}; "
                f"p99 closed {api['closed']['p99_ms']:.1f} ms ({api['closed']['p99_ms'] / bare['closed']['p99_ms']:.2f}× bare), "
                f"paced {api['paced']['p99_ms']:.1f} ms ({api['paced']['p99_ms'] / bare['paced']['p99_ms']:.2f}× bare); "
                f"target p99 < {target} ms: closed {'met' if api['closed']['p99_ms'] < target else 'missed'}, "
                f"paced {'met' if api['paced']['p99_ms'] < target else 'missed'}"
            )
        os.environ["BENCH_FACTORY_API_PAGE"] = page_file.name
        cpu = in_process_cpu(f"127.0.0.1:{port}", {
            "api 304": ("/api/v1/factory/orders/", {"Authorization": f"Api-Key {raw_keys[0]}", "If-None-Match": etags[raw_keys[0]]}, 304),
            "bare 304": ("/bench/bare/orders/", {"If-None-Match": 'W/"bench-bare"'}, 304),
        })
        print(f"in-process CPU per request: api 304 {cpu['api 304']:.0f} µs, bare 304 {cpu['bare 304']:.0f} µs "
              f"(bare/api {cpu['bare 304'] / cpu['api 304']:.2f})")
        print(json.dumps({k: {mode: {m: round(v, 2) for m, v in r.items()} for mode, r in modes.items()}
                          for k, modes in results.items()} | {"in-process cpu µs": {k: round(v) for k, v in cpu.items()}}))
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

"""Time a whole portrait run on PostgreSQL, beside a bare pandas + scikit-learn pass over the same rows read with COPY.

    DATABASE_URL=postgres://c2f:c2f@127.0.0.1:5432/c2f .venv/bin/python bench/portraits_run.py [--sizes 20000 200000 1000000]

For each size, a throwaway database next to DATABASE_URL's (``bench/benchdb.py``) is
filled by COPY with planted synthetic customers (``portraits/tests/population.py``,
about ``--orders`` orders each, 1 + Poisson(1) lines an order, products with material,
colour, pattern, style and category; no reviews or tracked links), then, each in a fresh
process so its peak RSS is its own:

- the run: ``portraits.services.portrait_run_build`` — every order read set-wise (COPY),
  features, RFM groups, k from 2 to 8 by silhouette on a 5,000-customer sample,
  MiniBatchKMeans above 50,000 customers, BG/NBD + Gamma-Gamma values, profiles, names,
  segments and memberships stored by COPY, promotion to current, briefs; then the same
  run again (the nightly case: a current run to measure stability against, a table that
  already holds memberships); then every portraits page requested as a merchandiser
  (server time, test client);
- the bare pass: orders and lines read with COPY into pandas, recency, frequency, net
  spend and unit price by ``groupby``, ``StandardScaler`` and one ``KMeans`` (k = 5, one
  initialisation), nothing stored.

Prints the seconds of each (and the run's stages), their ratio, how time grows with
size, the peak RSS of each process and the pages' times. All synthetic: no figure here
is a shop's.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM): ru_maxrss would carry the seeding parent's over exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "c2f.settings")
    import django

    django.setup()


def _copy_rows(model, frame) -> None:
    """COPY ``frame`` into ``model``'s table; columns the frame lacks get the field's default."""
    import pandas as pd
    from django.db import connection

    frame = frame.copy()
    for field in model._meta.concrete_fields:
        if field.column in frame.columns or field.primary_key or field.null:
            continue
        default = field.get_default()
        if isinstance(default, (dict, list)):
            default = json.dumps(default)
        if field.get_internal_type() == "DateTimeField" and default is None:
            default = pd.Timestamp("2025-01-01", tz="UTC").isoformat()
        frame[field.column] = default
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="\\N")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def seed(size: int, orders_per_customer: float, seed_value: int) -> dict:
    """Fill the bench database with ``size`` planted customers; returns counts."""
    import numpy as np
    import pandas as pd
    from django.db import connection

    from analysis.models import Attribute
    from customers.models import Customer, Order, OrderLine, Platform, Product
    from portraits.tests.population import planted_population

    population = planted_population(size, seed=seed_value, mean_orders=orders_per_customer)
    attributes = population.product_attributes
    taste = attributes[attributes["kind"] != "category"][["kind", "value"]].drop_duplicates().reset_index(drop=True)
    Attribute.objects.bulk_create([Attribute(kind=k, name=v) for k, v in taste.itertuples(index=False)])
    attribute_ids = {(a.kind, a.name): a.pk for a in Attribute.objects.all()}
    categories = attributes[attributes["kind"] == "category"].set_index("product_id")["value"]
    Product.objects.bulk_create([
        Product(id=int(pid), sku=f"BENCH-{pid:04d}", title=f"Bench product {pid}", category=str(category))
        for pid, category in categories.items()
    ])
    through = Product.attributes.through
    through.objects.bulk_create([
        through(product_id=int(pid), attribute_id=attribute_ids[(kind, value)])
        for pid, kind, value in attributes[attributes["kind"] != "category"].drop_duplicates().itertuples(index=False)
    ])

    orders, lines = population.orders, population.lines
    customer_ids = np.unique(orders["customer_id"].to_numpy(dtype=np.int64))
    _copy_rows(Customer, pd.DataFrame({
        "id": customer_ids, "platform": Platform.GENERIC, "external_id": [f"bench-{c}" for c in customer_ids],
        "email": "", "country": "",
    }))
    refunded = orders["refunded"].to_numpy()
    amount = orders["amount"].to_numpy()
    order_frame = pd.DataFrame({
        "id": orders["order_id"].to_numpy(), "customer_id": orders["customer_id"].to_numpy(dtype=np.int64),
        "platform": Platform.GENERIC, "external_id": [f"bench-o{o}" for o in orders["order_id"].to_numpy()],
        "placed_at": orders["placed_at"].dt.strftime("%Y-%m-%d %H:%M:%S+00"), "market": orders["market"].astype(str),
        "currency": "EUR", "total": amount.round(2),
    })
    fields = {f.name for f in Order._meta.concrete_fields}
    if "net_base" in fields:  # orders with their money in the base currency
        net = (amount - refunded).round(2)
        order_frame = order_frame.assign(
            gross=amount.round(2), net=net, refunded=refunded.round(2), fx_rate=1, gross_base=amount.round(2),
            net_base=net, refunded_base=refunded.round(2), is_sale=True, subtotal=amount.round(2),
        )
    _copy_rows(Order, order_frame)
    line_frame = pd.DataFrame({
        "order_id": lines["order_id"].to_numpy(), "product_id": lines["product_id"].to_numpy(),
        "quantity": lines["quantity"].to_numpy(), "unit_price": (lines["amount"] / lines["quantity"]).round(2).to_numpy(),
    })
    if "amount_base" in {f.name for f in OrderLine._meta.concrete_fields}:
        line_frame = line_frame.assign(amount=lines["amount"].round(2).to_numpy(), amount_base=lines["amount"].round(2).to_numpy())
    _copy_rows(OrderLine, line_frame)
    with connection.cursor() as cursor:
        for model in (Customer, Order, OrderLine, Product, Attribute):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        # A database in its steady state, as autovacuum leaves it: rows marked visible (hint bits, visibility
        # map) and statistics fresh, so neither pass below pays for the first look at freshly copied rows.
        cursor.execute("VACUUM ANALYZE")
    return {"customers": int(len(customer_ids)), "orders": int(len(orders)), "lines": int(len(lines))}


def measure_run() -> dict:
    """The whole portrait run, then each portraits page as a merchandiser."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from portraits.models import Brief, PortraitRun
    from portraits.services import portrait_run_build

    started = time.perf_counter()
    run = portrait_run_build()
    seconds = time.perf_counter() - started
    if run.status != PortraitRun.Status.DONE:
        raise SystemExit(f"run failed: {run.error}")
    run_rss = peak_rss_mb()
    # The nightly case: the same customers again, with a current run to measure stability against and a
    # table that already holds a run's memberships.
    started = time.perf_counter()
    again = portrait_run_build()
    again_seconds = time.perf_counter() - started
    if again.status != PortraitRun.Status.DONE or not again.is_current:
        raise SystemExit(f"second run failed or not current: {again.error}")

    user = get_user_model().objects.create_user("bench", password="x", is_staff=True)
    client = Client()
    client.force_login(user)
    segment = run.segments.order_by("-size").first()
    brief = Brief.objects.filter(run=run).first()
    pages = {
        "runs list": reverse("portraits:list"),
        "run": reverse("portraits:run", args=[run.pk]),
        "segment": reverse("portraits:segment", args=[segment.pk]),
        "segment page 40": reverse("portraits:segment", args=[segment.pk]) + "?page=40",
        "segment search": reverse("portraits:segment", args=[segment.pk]) + "?q=bench-2000",
    }
    if brief is not None:
        pages["brief"] = reverse("portraits:brief", args=[brief.pk])
    times = {}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        for name, url in pages.items():
            client.get(url)  # warm caches and templates
            best = None
            for _ in range(3):
                t = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - t
                assert response.status_code == 200, (name, response.status_code)
                best = elapsed if best is None else min(best, elapsed)
            times[name] = best
    return {
        "seconds": seconds, "again_seconds": again_seconds, "again_stages": again.metrics.get("timings", {}),
        "again_rss_mb": peak_rss_mb(), "stages": run.metrics.get("timings", {}), "k": run.n_segments,
        "algorithm": run.metrics["clustering"]["algorithm"], "customers": run.n_customers, "rss_mb": run_rss,
        "pages": times, "names": list(run.segments.order_by("-size").values_list("name", flat=True)),
    }


def measure_bare() -> dict:
    """Orders and lines read with COPY, groupby aggregates, StandardScaler and one KMeans."""
    import numpy as np
    import pandas as pd
    from django.db import connection
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    from customers.models import Order, OrderLine

    def copy(sql):
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", buffer)
        buffer.seek(0)
        return buffer

    started = time.perf_counter()
    with threadpool_limits(limits=1):
        money = "o.net_base + o.refunded_base" if "net_base" in {f.name for f in Order._meta.concrete_fields} else "o.total"
        refund = "o.refunded_base" if money != "o.total" else "0"
        orders = pd.read_csv(copy(
            f"SELECT o.customer_id, EXTRACT(EPOCH FROM o.placed_at), {money}, {refund} FROM {Order._meta.db_table} o "
            "WHERE o.customer_id IS NOT NULL"), names=["customer_id", "seconds", "amount", "refunded"])
        lines = pd.read_csv(copy(
            f"SELECT o.customer_id, l.quantity, l.quantity * l.unit_price FROM {OrderLine._meta.db_table} l "
            f"JOIN {Order._meta.db_table} o ON o.id = l.order_id"), names=["customer_id", "quantity", "amount"])
        read = time.perf_counter() - started
        by_customer = orders.groupby("customer_id")
        line_sums = lines.groupby("customer_id")[["quantity", "amount"]].sum()
        now = orders["seconds"].max() + 86_400
        aggregates = pd.DataFrame({
            "recency": (now - by_customer["seconds"].max()) // 86_400,
            "frequency": by_customer.size(),
            "monetary": by_customer["amount"].sum() - by_customer["refunded"].sum(),
            "unit_price": line_sums["amount"] / line_sums["quantity"],
        })
        matrix = StandardScaler().fit_transform(np.log1p(aggregates.clip(lower=0).to_numpy(dtype=float)))
        KMeans(n_clusters=5, n_init=1, random_state=0).fit_predict(matrix)
    return {"seconds": time.perf_counter() - started, "read": read,
            "rss_mb": peak_rss_mb()}


def measure_size(size: int, orders_per_customer: float, seed_value: int) -> dict:
    """One size in its own throwaway database (Django reads DATABASE_URL once a process)."""
    from benchdb import bench_database

    with bench_database(f"portraits{size}"):
        started = time.perf_counter()
        counts = seed(size, orders_per_customer, seed_value)
        seeded = time.perf_counter() - started
        from django.db import connections

        connections.close_all()
        measured = {}
        for kind in ("run", "bare"):
            out = subprocess.run([sys.executable, __file__, "--measure", kind], check=True, capture_output=True,
                                 text=True, env=os.environ.copy())
            measured[kind] = json.loads(out.stdout.strip().splitlines()[-1])
    return {"size": size, "seeded": seeded, **counts, **measured}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000, 1_000_000], help="customers")
    parser.add_argument("--orders", type=float, default=5.0, help="mean orders per customer")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", choices=["run", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _setup()
        print(json.dumps(measure_run() if args.measure == "run" else measure_bare()))
        return
    if args.one:
        print(json.dumps(measure_size(args.one, args.orders, args.seed)))
        return

    results = []
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--orders", str(args.orders), "--seed", str(args.seed)],
            check=True, capture_output=True, text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        run, bare = r["run"], r["bare"]
        stages = "  ".join(f"{stage} {seconds:.2f}" for stage, seconds in run["stages"].items())
        print(f"{r['customers']:>9,} customers  {r['orders']:>9,} orders  {r['lines']:>9,} lines  "
              f"(seeded by COPY in {r['seeded']:.1f} s)")
        print(f"    portrait run {run['seconds']:6.2f} s   [{stages}]   k={run['k']} {run['algorithm']}   "
              f"peak RSS {run['rss_mb']:.0f} MB")
        again = "  ".join(f"{stage} {seconds:.2f}" for stage, seconds in run["again_stages"].items())
        print(f"    run again    {run['again_seconds']:6.2f} s   [{again}]   (a current run to compare with; "
              f"peak RSS of both {run['again_rss_mb']:.0f} MB)")
        print(f"    bare pass    {bare['seconds']:6.2f} s   (COPY read {bare['read']:.2f} s, groupby, StandardScaler, "
              f"one KMeans)   peak RSS {bare['rss_mb']:.0f} MB")
        print(f"    ratio run/bare {run['seconds'] / bare['seconds']:.2f}x   (load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores)")
        print("    pages (server time, best of 3): " + ", ".join(f"{name} {1000 * t:.0f} ms" for name, t in run["pages"].items()))
        for name in run["names"]:
            print(f"      · {name}")
        sys.stdout.flush()
    if len(results) > 1:
        print("growth:")
        for before, after in zip(results, results[1:]):
            print(f"    {before['size']:>9,} -> {after['size']:>9,} customers (x{after['size'] / before['size']:.0f}): "
                  f"run x{after['run']['seconds'] / before['run']['seconds']:.1f}, "
                  f"bare x{after['bare']['seconds'] / before['bare']['seconds']:.1f}")


if __name__ == "__main__":
    main()

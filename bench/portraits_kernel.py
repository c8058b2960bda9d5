"""Time the portrait kernel on synthetic customers, beside a bare pandas + scikit-learn pass on the same data.

    .venv/bin/python bench/portraits_kernel.py [--sizes 20000 200000 1000000] [--orders 5]

No database. For each size, in a fresh process: planted synthetic customers
(``portraits/tests/population.py``; about ``--orders`` orders each, two lines
an order), then

- the kernel, ``portraits.pipeline.build_portraits``: features (recency,
  frequency, net spend, order value, tenure, time between orders, returns,
  reviews, market, channel, attribute shares, price band), RFM scores and
  groups, clustering with k from 2 to 8 chosen by silhouette on a 5,000
  customer sample, BG/NBD + Gamma-Gamma values, profiles and names;
- the bare pass: recency, frequency, net spend and unit price by ``groupby``,
  ``StandardScaler`` and one ``KMeans`` (k = 5, one initialisation);

each timed (wall and CPU seconds), then run again under ``tracemalloc`` for its
peak allocation. Both run with one BLAS/OpenMP thread, as the kernel does by
default (``KERNEL_THREADS``). Prints seconds per stage, the ratio kernel/bare,
how time grows with size, peak allocations and the process's peak RSS (data
included). On a machine busy with other work the wall times grow; the CPU
times show the work itself.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threadpoolctl import threadpool_limits  # noqa: E402

from portraits.pipeline import KERNEL_THREADS, build_portraits  # noqa: E402
from portraits.tests.population import planted_population  # noqa: E402


def bare_pass(population) -> pd.Series:
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    orders = population.orders.dropna(subset=["customer_id"])
    by_customer = orders.groupby("customer_id")
    lines = population.lines.groupby("customer_id")
    aggregates = pd.DataFrame({
        "recency": (population.as_of - by_customer["placed_at"].max()).dt.days,
        "frequency": by_customer.size(),
        "monetary": by_customer["amount"].sum() - by_customer["refunded"].sum(),
        "unit_price": lines["amount"].sum() / lines["quantity"].sum(),
    })
    matrix = StandardScaler().fit_transform(np.log1p(aggregates.to_numpy(dtype=float)))
    labels = KMeans(n_clusters=5, n_init=1, random_state=0).fit_predict(matrix)
    return pd.Series(labels, index=aggregates.index)


def timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process) of one call, with one BLAS/OpenMP thread."""
    with threadpool_limits(limits=KERNEL_THREADS):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(*args, **kwargs)
        return result, time.perf_counter() - wall, time.process_time() - cpu


def measure_one(size: int, orders_per_customer: float, seed: int) -> dict:
    started = time.perf_counter()
    population = planted_population(size, seed=seed, mean_orders=orders_per_customer)
    generated = time.perf_counter() - started
    frames = (population.orders, population.lines, population.product_attributes)
    data_mb = sum(f.memory_usage(deep=True).sum() for f in frames) / 2**20

    timings: dict = {}
    result, kernel, kernel_cpu = timed(build_portraits, *frames, as_of=population.as_of, currency="EUR", timings=timings)
    bare, bare_seconds, bare_cpu = timed(bare_pass, population)

    tracemalloc.start()
    timed(build_portraits, *frames, as_of=population.as_of, currency="EUR")
    kernel_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.reset_peak()
    timed(bare_pass, population)
    bare_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    from sklearn.metrics import adjusted_rand_score

    truth = population.truth.reindex(result.labels.index)
    return {
        "customers": size,
        "orders": int(population.orders["customer_id"].notna().sum()),
        "lines": len(population.lines),
        "generate_seconds": generated,
        "data_mb": data_mb,
        "kernel_seconds": kernel,
        "kernel_cpu": kernel_cpu,
        "stages": timings,
        "bare_seconds": bare_seconds,
        "bare_cpu": bare_cpu,
        "kernel_peak_mb": kernel_peak,
        "bare_peak_mb": bare_peak,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "k": result.k,
        "algorithm": result.clustering.algorithm,
        "ari_kernel": adjusted_rand_score(truth, result.labels),
        "ari_bare": adjusted_rand_score(population.truth.reindex(bare.index), bare),
        "names": [p["name"] for p in result.profiles.values()],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000, 1_000_000], help="customers")
    parser.add_argument("--orders", type=float, default=5.0, help="mean orders per customer")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.orders, args.seed)))
        return

    results = []
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--orders", str(args.orders), "--seed", str(args.seed)],
            check=True, capture_output=True, text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = results[-1]
        stages = "  ".join(f"{stage} {seconds:.2f}" for stage, seconds in r["stages"].items())
        print(f"{r['customers']:>9,} customers  {r['orders']:>9,} orders  {r['lines']:>9,} lines  (data {r['data_mb']:.0f} MB)")
        print(f"    kernel {r['kernel_seconds']:6.2f} s (CPU {r['kernel_cpu']:.2f} s)   [{stages}]   "
              f"k={r['k']} {r['algorithm']}  ARI {r['ari_kernel']:.3f}")
        print(f"    bare   {r['bare_seconds']:6.2f} s (CPU {r['bare_cpu']:.2f} s)   "
              f"(groupby aggregates + StandardScaler + one KMeans)  ARI {r['ari_bare']:.3f}")
        print(f"    ratio kernel/bare {r['kernel_seconds'] / r['bare_seconds']:.2f}x   peak allocation kernel "
              f"{r['kernel_peak_mb']:.0f} MB, bare {r['bare_peak_mb']:.0f} MB   peak RSS {r['max_rss_mb']:.0f} MB")
        for name in r["names"]:
            print(f"      · {name}")
    if len(results) > 1:
        print("growth:")
        for before, after in zip(results, results[1:]):
            print(f"    {before['customers']:>9,} -> {after['customers']:>9,} customers "
                  f"(x{after['customers'] / before['customers']:.0f}): kernel x{after['kernel_seconds'] / before['kernel_seconds']:.1f}, "
                  f"bare x{after['bare_seconds'] / before['bare_seconds']:.1f}")


if __name__ == "__main__":
    main()

"""A small HTTP/1.1 load generator for the benchmarks: asyncio, raw sockets, its own process.

``requests`` in threads spends about a millisecond of CPU per call and holds the GIL
while it does; on a small machine the client then measures itself. This one writes a
prepared request and reads the answer to the server's close (gunicorn's sync workers
close after each answer), so nearly all of the machine's time goes to the server.

Two ways to load a server:

* closed loop — each of ``pollers`` sends its next request as soon as the last is
  answered: the most the server serves (req/s), and the latency of a full queue
  (with N pollers, about N / throughput);
* paced — the pollers together send ``rate`` requests per second on a fixed
  schedule, and latency is counted from the scheduled time (a late server is not
  forgiven by a client that waited for it).
"""

import asyncio
import random
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def build_request(port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _fetch(port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        data = await reader.read()
    finally:
        writer.close()
    return int(data[9:12]) if data.startswith(b"HTTP/1.") else 0


async def _run(port, requests, pollers, seconds, rate, seed):
    latencies: list[float] = []
    errors = 0
    loop_start = time.perf_counter()
    stop_at = loop_start + seconds

    async def poller(index: int):
        nonlocal errors
        rng = random.Random(seed * 1000 + index)
        interval = pollers / rate if rate else 0.0
        scheduled = loop_start + index * interval / pollers
        while True:
            if rate:
                now = time.perf_counter()
                if scheduled > now:
                    await asyncio.sleep(scheduled - now)
                began = scheduled
                scheduled += interval
            else:
                began = time.perf_counter()
            if began >= stop_at:
                return
            request, expected = rng.choice(requests)
            try:
                status = await _fetch(port, request)
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - began)
            if status != expected:
                errors += 1

    await asyncio.gather(*(poller(i) for i in range(pollers)))
    wall = time.perf_counter() - loop_start
    return latencies, errors, wall


def _load(port, requests, pollers, seconds, rate, seed):
    return asyncio.run(_run(port, requests, pollers, seconds, rate, seed))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def load(port: int, requests: list[tuple[bytes, int]], *, pollers: int, seconds: float,
         rate: float | None = None, seed: int = 0) -> dict:
    """Load 127.0.0.1:``port`` with ``requests`` (prepared bytes, expected status), each poller
    picking at random; closed loop, or paced at ``rate`` requests per second in all.
    Runs in a child process so the caller's interpreter does not compete with it."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        latencies, errors, wall = pool.submit(_load, port, requests, pollers, seconds, rate, seed).result()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors,
    }

"""A redis-server of a test's own on 127.0.0.1, for tests marked `services`."""

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, grace: float = 15) -> None:
    """Terminate, wait, then kill the whole process group (prefork children included)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@contextmanager
def redis_server(workdir: Path, *, env_var: str) -> Iterator[str]:
    """The Redis URL in ``env_var`` when it names one; else a redis-server started here, stopped after."""
    from_env = os.environ.get(env_var, "")
    if from_env.startswith("redis://"):
        yield from_env
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(
            f"Tests marked `services` need Redis: set {env_var} to a Redis URL, or install "
            "redis-server (bin/test installs it on Debian)."
        )
    import redis

    port = free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                pytest.fail(f"redis-server on port {port} did not start.")
            time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        stop(proc)

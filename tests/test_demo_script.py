"""bin/demo as a new user runs it, on a port of their choosing: the links its invitations carry work."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def demo(tmp_path):
    """bin/demo started on a free port with its own database and var folder; stopped at the end."""
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "C2F_VAR_DIR": str(tmp_path / "var"),
    }
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BASE_DIR / "bin" / "demo")], cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, f"bin/demo stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"bin/demo did not start in time:\n{log.read_text()}"
            try:
                if _get(f"{base}/accounts/login/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        yield base, tmp_path / "var" / "mail", log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # runserver and its autoreloading child
        proc.wait(timeout=30)


def test_demo_on_another_port_sends_vote_links_to_that_port(demo):
    base, mail_dir, log = demo
    output = log.read_text()
    assert f"C2F is running at {base}/" in output
    assert "No hostname was supplied" not in output  # no broker warning from in-process tasks
    assert "Traceback" not in output and "WARNING" not in output

    mails = sorted(mail_dir.glob("*.log"))
    assert mails, "the demo loop sent no invitation"
    links = set()
    for path in mails:
        links.update(re.findall(r"https?://[^\s\"<>]+/vote/[^\s\"<>]+/", path.read_text()))
    assert links
    assert {link.split("/vote/")[0] for link in links} == {base}
    # The link reaches the vote page of this server (a round the demo has closed says so).
    for link in sorted(links)[:3]:
        status, html = _get(link)
        assert status in (200, 410), (link, status)
        assert "vote" in html.lower()

"""The Content-Security-Policy every page is sent with, and templates that keep within it.

The browser tests (the shared ``browser`` fixture) fail on any violation a page causes; these
tests check the header itself and catch inline code in templates before a browser does.
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import plotly
import pytest
from django.conf import settings
from django.urls import reverse


BASE_DIR = Path(settings.BASE_DIR)
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _run(code: str, **env) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "c2f.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("url", [reverse("login"), reverse("api-docs"), reverse("factory_api:guide")])
def test_public_pages_are_sent_the_strict_policy(client, db, url):
    policy = directives(client.get(url))
    assert policy["default-src"] == ["'self'"]
    # A page that uses no nonce is not sent one.
    assert policy["script-src"][0] == "'self'" and all(s.startswith("'nonce-") for s in policy["script-src"][1:])
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    everything = " ".join(" ".join(v) for v in policy.values())
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything
    assert "http:" not in everything and "https:" not in everything and "*" not in everything


def test_production_sends_the_same_policy():
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: [str(v) for v in vs] for k, vs in settings.CONTENT_SECURITY_POLICY['DIRECTIVES'].items()}))"
    )
    env = {"C2F_ENV": "production", "DJANGO_SECRET_KEY": "k3x!9vQ-production-check-".ljust(50, "z")}
    production, development = _run(code, **env), _run(code)
    assert production.returncode == 0, production.stderr
    assert json.loads(production.stdout) == json.loads(development.stdout)
    assert "core.csp.CSPMiddleware" in settings.MIDDLEWARE


def test_the_style_hashes_match_what_plotly_js_injects():
    """plotly.js writes CSS into <style> elements it creates; each such CSS must be admitted by hash."""
    source = PLOTLY_JS.read_text(encoding="utf-8")
    injected = re.findall(r"""createElement\("style"\);[^;]{0,200}?\.textContent='((?:[^'\\]|\\.)*)'""", source)
    assert injected, "plotly.js no longer injects CSS this way: review PLOTLY_STYLE_HASHES"
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'" for css in injected}
    assert hashes == set(settings.PLOTLY_STYLE_HASHES)
    # Its other rules go into the element the page provides (templates/dashboard/_plotly.html).
    assert '"plotly.js-style-"+' in source


def _templates():
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    for root in roots:
        for path in root.rglob("*.html"):
            if "/email/" not in str(path):  # emails are read in mail clients, not under our CSP
                yield path


TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)


def test_templates_have_no_inline_script_handler_or_style():
    problems = []
    for path in _templates():
        text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", path.read_text(), flags=re.S)
        for tag in TAG.findall(text):
            name = re.match(r"<([a-zA-Z]+)", tag).group(1).lower()
            where = f"{path.relative_to(BASE_DIR)}: {tag[:80]}"
            if re.search(r"\son[a-z]+\s*=", tag):
                problems.append(f"inline event handler in {where}")
            if re.search(r"\sstyle\s*=", tag):
                problems.append(f"style attribute in {where}")
            if "javascript:" in tag.lower():
                problems.append(f"javascript: URL in {where}")
            if name == "script" and "src=" not in tag and "nonce=" not in tag:
                problems.append(f"inline script without the nonce in {where}")
            if name == "style" and "nonce=" not in tag:
                problems.append(f"<style> without the nonce in {where}")
    assert problems == []


def test_the_template_scan_sees_what_it_looks_for(tmp_path):
    assert TAG.findall('<div style="x" onclick="y">') == ['<div style="x" onclick="y">']
    assert len(list(_templates())) > 50

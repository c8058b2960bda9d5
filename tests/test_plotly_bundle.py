"""The dashboard ships plotly.js's smallest bundle that draws every chart it makes, at the Python
package's plotly.js version, and only pages with a chart load it."""

import ast
import re
from pathlib import Path

import plotly
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "static" / "vendor" / "plotly" / "plotly-cartesian.min.js"
APPS = ["core", "hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits", "c2f"]


def _version(path: Path) -> str:
    return re.search(r"plotly\.js(?: \([a-z -]+\))? v(\d+\.\d+\.\d+)", path.read_text(errors="replace")[:400]).group(1)


def _traces(path: Path) -> set[str]:
    return set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', path.read_text(errors="replace")))


def _traces_drawn() -> set[str]:
    """Trace types the code builds: every ``go.<Trace>(...)`` outside the tests."""
    drawn = set()
    for app in APPS:
        for source in (ROOT / app).rglob("*.py"):
            if "tests" in source.parts:
                continue
            for node in ast.walk(ast.parse(source.read_text())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "go"
                        and node.func.attr not in ("Figure", "Layout")):
                    drawn.add(node.func.attr.lower())
    return drawn


def test_the_bundle_is_the_python_packages_plotly_js():
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert _version(BUNDLE) == _version(full)
    assert BUNDLE.stat().st_size < full.stat().st_size / 2


def test_the_bundle_draws_every_trace_the_code_makes():
    drawn = _traces_drawn()
    assert {"bar", "scatter", "heatmap"} <= drawn  # the test sees the charts
    assert drawn <= _traces(BUNDLE), f"not in the cartesian bundle: {drawn - _traces(BUNDLE)}"


def test_only_pages_with_a_chart_load_plotly(staff_client, db):
    from core.models import Cycle

    Cycle.objects.create(number=1)
    for name in ("dashboard:home", "design:list", "customers:list"):
        assert "plotly" not in staff_client.get(reverse(name)).content.decode()


def test_in_production_the_bundle_has_a_hashed_name_and_is_cached_for_good(tmp_path, settings):
    """collectstatic with the production storage names it by its content; WhiteNoise then serves that
    name as immutable for ten years, so a browser fetches it once per plotly.js version."""
    from django.core.management import call_command
    from django.templatetags.static import static
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("vendor/plotly/plotly-cartesian.min.js")
    assert re.fullmatch(r"/static/vendor/plotly/plotly-cartesian\.min\.[0-9a-f]{12}\.js", url)
    assert not (tmp_path / "vendor" / "plotly" / "plotly.min.js").exists()  # the full bundle is not shipped
    middleware = WhiteNoiseMiddleware(lambda request: None)
    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip" and int(response["Content-Length"]) < 600_000

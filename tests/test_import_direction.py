"""The loop is a circle, the imports are not: each link imports only the links before it (DESIGN.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINKS = ["hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits"]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & {*LINKS, "c2f"}


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT / app)
        if relative.parts[0] in {"tests", "migrations"}:
            continue
        yield path


@pytest.mark.parametrize("app", LINKS)
def test_a_link_imports_only_the_links_before_it(app):
    allowed = set(LINKS[: LINKS.index(app) + 1])
    wrong = {
        f"{path.relative_to(ROOT)} imports {other}"
        for path in _modules(app)
        for other in _imported_apps(path) - allowed
        # the dashboard shell in c2f/dashboard sits above the apps, but its generic views and
        # helpers are shared by every app's pages, so app views may use it
        if not (other == "c2f" and _only_dashboard_shell(path))
    }
    assert not wrong, sorted(wrong)


def _only_dashboard_shell(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    modules = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("c2f")
    }
    modules |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("c2f")
    }
    return all(m.startswith("c2f.dashboard") or m == "c2f.celery" for m in modules)


def test_core_imports_no_link():
    wrong = {str(p.relative_to(ROOT)) for p in _modules("core") if _imported_apps(p)}
    assert not wrong, sorted(wrong)

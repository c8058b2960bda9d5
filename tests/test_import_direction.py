"""The loop is a circle, the imports are not: each link imports only the links before it (DESIGN.md).

Read from the bottom, the import graph is the loop: core, hotspots, analysis, design, samples,
production, promotion, customers, portraits, c2f. No exception: the dashboard kit every link's
pages are built from lives in core.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINKS = ["hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _imported_apps(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imported_modules(path)} & {*LINKS, "c2f"}


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
    }
    assert not wrong, sorted(wrong)


def test_core_imports_no_link_and_no_c2f():
    wrong = {f"{p.relative_to(ROOT)} imports {', '.join(sorted(_imported_apps(p)))}" for p in _modules("core") if _imported_apps(p)}
    assert not wrong, sorted(wrong)


def test_the_checks_see_an_upward_import(tmp_path):
    """The walk above catches both spellings of an import, so an empty result means something."""
    module = tmp_path / "views.py"
    module.write_text("import c2f.dashboard\nfrom portraits.selectors import cycle_seeding_briefs\nfrom .models import X\n")
    assert _imported_apps(module) == {"c2f", "portraits"}


def test_the_loop_reaches_the_links_only_through_their_services_and_selectors():
    """c2f/loop.py reads and writes through the links' services and selectors, never their models."""
    wrong = {
        name for name in _imported_modules(ROOT / "c2f" / "loop.py")
        if name.split(".")[0] in LINKS and name.split(".")[-1] == "models"
    }
    assert not wrong, sorted(wrong)

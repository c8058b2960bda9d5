"""How the code is laid out (STYLE.md): checks that keep the shape from drifting back."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["core", "hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits", "c2f", "bench", "tests"]


def _python_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_private_names_are_not_imported_from_another_module():
    wrong = [
        f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name} from {'.' * node.level}{node.module or ''}"
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert not wrong, wrong


def _bases(node: ast.ClassDef) -> set[str]:
    return {base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "") for base in node.bases}


def test_forms_and_filtersets_live_in_forms_and_filters_modules():
    wrong = [
        f"{path.relative_to(ROOT)} defines {node.name}"
        for path in _python_files()
        if path.stem == "views" or path.parent.name == "views"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
        and _bases(node) & {"Form", "ModelForm", "FilterSet", "FileField", "Field", "ClearableFileInput"}
    ]
    assert not wrong, wrong


LINKS = ["hotspots", "analysis", "design", "samples", "production", "promotion", "customers", "portraits"]


def _link_models_imported(path: Path) -> set[str]:
    """The links whose ``models`` module ``path`` imports, in any spelling."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if len(parts) >= 2 and parts[0] in LINKS and parts[1] == "models":
                found.add(parts[0])
    return found


def _composing_modules():
    """The modules where c2f composes the links: the loop and the cycle reports."""
    yield ROOT / "c2f" / "loop.py"
    yield from sorted((ROOT / "c2f" / "reports").rglob("*.py"))


def test_the_loop_and_reports_reach_the_links_through_selectors_and_services():
    wrong = [
        f"{path.relative_to(ROOT)} imports {link}.models"
        for path in _composing_modules()
        for link in sorted(_link_models_imported(path))
    ]
    assert not wrong, wrong


def test_the_models_check_sees_every_spelling(tmp_path):
    module = tmp_path / "build.py"
    module.write_text(
        "import design.models\nfrom samples.models import Vote\nfrom production import models\n"
        "from core.models import Cycle\nfrom design.selectors import cycle_concepts\nfrom .figures import money\n"
    )
    assert _link_models_imported(module) == {"design", "samples", "production"}

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

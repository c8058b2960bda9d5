"""A record that moves changes state only through its owner's transition functions (DESIGN.md).

Every non-test, non-migration .py file is read for writes of a ``status``: ``status=`` (or a
``"status"`` key) in ``update``/``create``/``get_or_create``/``update_or_create``/``bulk_create``/
``bulk_update`` calls and in the constructor of a model that moves, ``x.status = ...`` (also in a
tuple or augmented assignment), ``setattr(x, "status", ...)`` and raw SQL ``UPDATE ... SET status``.

A write is left alone when it is known to touch a record that is not a state machine (a model
without ``ALLOWED_TRANSITIONS``: task runs, portrait runs, import logs), or when it creates a record
of a moving model in its initial state (the field's default). Any other write must sit in one of
the functions allowlisted below, each with its reason.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "static", "var", "media", "migrations", "tests", ".git"}
WRITE_METHODS = {"update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
RAW_SQL_STATUS = re.compile(r"^\s*update\b.*\bset\b.*\bstatus\s*=", re.IGNORECASE | re.DOTALL)

# (file, function) → why it may write a status.
ALLOWED = {
    ("core/transitions.py", "transition"): "the one function that moves a record: lock, check the map, write, event",
    ("core/services.py", "cycle_mark_running"): "the cycle's transition, keeping the caller's copy in step",
    ("samples/services/rounds.py", "round_close"): "the round's transition, keeping the caller's instance in step",
    ("bench/factory_api_poll.py", "fill"): (
        "fills a throwaway benchmark database with 100k orders spread over their states in bulk, "
        "as test factories do; it never runs against a real database"
    ),
    ("bench/dashboard_pages.py", "fill"): (
        "fills a throwaway benchmark database with a grown seller's records in every state in bulk, as test "
        "factories do; it never runs against a real database"
    ),
    ("bench/redirect.py", "fill"): (
        "fills a throwaway benchmark database with running campaigns in bulk, so their links are the live ones "
        "the redirect keeps in memory; it never runs against a real database"
    ),
}


@dataclass(frozen=True)
class Write:
    path: str
    function: str
    line: int
    code: str


def _models():
    with_status = {m.__name__: m for m in apps.get_models() if any(f.name == "status" for f in m._meta.concrete_fields)}
    moving = {name: m for name, m in with_status.items() if hasattr(m, "ALLOWED_TRANSITIONS")}
    return moving, set(with_status) - set(moving)


def _root_name(node) -> str | None:
    """The name a call chain starts from: ``Concept`` in ``Concept.objects.filter(...).update``."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _status_model_of(value) -> str | None:
    """``Concept`` for a value written as ``Concept.Status.DRAFT`` or ``Concept.Status(x)``."""
    node = value.func if isinstance(value, ast.Call) else value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "Status":
        node = node.value
    if isinstance(node, ast.Attribute) and node.attr == "Status" and isinstance(node.value, ast.Name):
        return node.value.id
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, source: str, moving: dict, still: set):
        self.path, self.source, self.moving, self.still = path, source, moving, still
        self.stack: list[str] = []
        self.found: list[Write] = []

    def _flag(self, node, *, model: str | None, initial_ok=False, value=None):
        if model in self.still:
            return
        if initial_ok and model in self.moving and value is not None and _status_model_of(value) == model:
            default = self.moving[model]._meta.get_field("status").default
            if isinstance(value, ast.Attribute) and getattr(self.moving[model].Status, value.attr, None) == default:
                return
        code = (ast.get_source_segment(self.source, node) or "").splitlines()[0][:160]
        self.found.append(Write(self.path, ".".join(self.stack) or "<module>", node.lineno, code))

    def _scope(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        values = [k.value for k in node.keywords if k.arg == "status"]
        for arg in [*node.args, *[k.value for k in node.keywords]]:
            if isinstance(arg, ast.Dict):
                values += [v for k, v in zip(arg.keys, arg.values) if isinstance(k, ast.Constant) and k.value == "status"]
            if name == "bulk_update" and isinstance(arg, ast.List | ast.Tuple):
                values += [e for e in arg.elts if isinstance(e, ast.Constant) and e.value == "status"]
        if values and (name in WRITE_METHODS or name in self.moving):
            creating = name in self.moving or name in ("create", "get_or_create", "bulk_create")
            root = name if name in self.moving else _root_name(func)
            for value in values:
                model = root if root in self.moving or root in self.still else _status_model_of(value)
                self._flag(node, model=model, initial_ok=creating, value=value)
        if name == "setattr" and len(node.args) == 3:
            field = node.args[1]
            if isinstance(field, ast.Constant) and field.value == "status":
                self._flag(node, model=_status_model_of(node.args[2]))
        self.generic_visit(node)

    def _assign(self, node, targets, value):
        for target in targets:
            pairs = (
                list(zip(target.elts, value.elts))
                if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts)
                else [(t, value) for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
            )
            for element, element_value in pairs:
                if isinstance(element, ast.Attribute) and element.attr == "status":
                    self._flag(node, model=_status_model_of(element_value) if element_value is not None else None)

    def visit_Assign(self, node):
        self._assign(node, node.targets, node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._assign(node, [node.target], None)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._assign(node, [node.target], node.value)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and RAW_SQL_STATUS.search(node.value):
            self._flag(node, model=None)


def status_writes(path: str, source: str) -> list[Write]:
    moving, still = _models()
    scanner = _Scanner(path, source, moving, still)
    scanner.visit(ast.parse(source, filename=path))
    return scanner.found


def _project_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts[:-1]) or relative.name.startswith("test_") or relative.name == "conftest.py":
            continue
        yield relative.as_posix(), path.read_text()


def _allowed(write: Write) -> bool:
    return (write.path, write.function.split(".")[-1]) in ALLOWED


def test_no_status_is_written_outside_its_owners_transition_functions():
    writes = [w for path, source in _project_files() for w in status_writes(path, source)]
    wrong = [f"{w.path}:{w.line} in {w.function}: {w.code}" for w in writes if not _allowed(w)]
    assert not wrong, "status written outside a transition function:\n" + "\n".join(wrong)
    stale = set(ALLOWED) - {(w.path, w.function.split(".")[-1]) for w in writes}
    assert not stale, f"allowlisted functions that no longer write a status: {sorted(stale)}"


def test_the_scan_reads_the_project():
    files = dict(_project_files())
    assert "core/transitions.py" in files and "design/services.py" in files and "c2f/loop.py" in files
    assert not any("/tests/" in f"/{p}" or "/migrations/" in p for p in files)


@pytest.mark.parametrize(
    "source",
    [
        "def f(pk):\n    Concept.objects.filter(pk=pk).update(status=Concept.Status.DROPPED)\n",
        "def f(pk):\n    Concept.objects.filter(pk=pk).update(status='dropped')\n",
        "def f(c):\n    c.status = Concept.Status.CONFIRMED\n",
        "def f(c):\n    c.status = 'confirmed'\n",
        "def f(c, s):\n    c.status, c.note = s, ''\n",
        "def f(c):\n    setattr(c, 'status', 'confirmed')\n",
        "def f(c):\n    Sample.objects.create(concept=c, status=Sample.Status.CONFIRMED)\n",
        "def f(c):\n    Sample(concept=c, status='confirmed')\n",
        "def f(qs):\n    qs.update(**{'status': 'closed'})\n",
        "def f(x):\n    Post.objects.update_or_create(pk=1, defaults={'status': Post.Status.SENT})\n",
        "def f(objs):\n    Sample.objects.bulk_update(objs, ['status'])\n",
        "def f(cur):\n    cur.execute('UPDATE design_concept SET status = %s WHERE id = %s')\n",
        "def f(c):\n    VoteRound.objects.filter(pk=1).update(status=c)\n",
    ],
)
def test_the_scan_finds_each_kind_of_write(source):
    found = status_writes("x/services.py", source)
    assert [w.function for w in found] == ["f"], found


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    return Concept.objects.filter(status=Concept.Status.DRAFT).exclude(status='dropped')\n",
        "def f(c):\n    return Concept.objects.create(cycle=c, name='n')\n",
        "def f(c):\n    return Concept.objects.create(cycle=c, status=Concept.Status.DRAFT)\n",
        "def f(pk):\n    TaskRun.objects.filter(pk=pk).update(status=TaskRun.Status.DONE)\n",
        "def f(run):\n    run.status = PortraitRun.Status.FAILED\n",
        "def f(r, e):\n    r.status, r.error = TrendImport.Status.FAILED, str(e)\n",
        "def f(request):\n    return render(request, 'x.html', {}, status=400)\n",
        "def f(o):\n    return o.status == 'draft'\n",
    ],
)
def test_the_scan_leaves_reads_initial_creation_and_work_records_alone(source):
    assert status_writes("x/services.py", source) == []

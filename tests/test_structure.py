"""The shape of the code (docs/arquitectura.md): one folder per job, arrows one way, no circles."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.paths import REPO_ROOT

ROOTS = ("loaders", "dashboard", "sample_data")
# What each part of loaders/ may import from the project (besides itself).
BASE = {"loaders.model", "loaders.text", "loaders.errors", "loaders.settings", "loaders.codes",
        "loaders.reference", "loaders.mapping"}
ALLOWED = {
    "base": {"base"},
    "loaders.read": {"base"},
    "loaders.check": {"base"},
    "loaders.write": {"base"},
    "loaders.store": {"base", "loaders.check"},
}


def _modules() -> dict[str, Path]:
    modules = {}
    for root in ROOTS:
        for path in sorted((REPO_ROOT / root).rglob("*.py")):
            if "migrations" in path.parts or path.is_symlink():
                continue
            parts = path.relative_to(REPO_ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def _imports(path: Path, known: set[str]) -> set[str]:
    """Project modules a file imports (a package's `__init__` counts when it is imported)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            names = [n if n in known else node.module for n in names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found.update(n for n in names if n in known)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}


def _part(module: str) -> str:
    if module in BASE:
        return "base"
    parts = module.split(".")
    if parts[0] == "loaders" and len(parts) > 1 and parts[1] in ("read", "check", "store", "write"):
        return ".".join(parts[:2])
    return module


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_project_has_no_import_circle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_sees_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_loaders_never_import_the_dashboard_or_the_sample_data():
    wrong = [(m, d) for m, deps in _graph().items() if m.startswith("loaders")
             for d in deps if d.startswith(("dashboard", "sample_data"))]
    assert wrong == []


def test_each_part_of_loaders_imports_only_what_it_may():
    wrong = []
    for module, deps in _graph().items():
        part = _part(module)
        if part not in ALLOWED:
            continue  # top-level orchestration: imports, cli, report, synth
        wrong += [(module, d) for d in deps
                  if d.startswith("loaders") and _part(d) not in ALLOWED[part] | {part}]
    assert wrong == []


def test_every_package_says_in_its_docstring_what_it_holds():
    for name, path in _modules().items():
        if path.name == "__init__.py":
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            assert doc and len(doc) > 20, name


def test_no_module_is_imported_only_for_its_side_effects():
    offenders = [str(p.relative_to(REPO_ROOT)) for p in _modules().values()
                 if "noqa: F401" in p.read_text(encoding="utf-8")]
    assert offenders == []

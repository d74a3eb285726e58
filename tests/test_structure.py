"""The module map: no import circle among lib/, pages/ and app.py, and no module of lib/ a reader cannot hold.

The circles are found as /work/shared/tools/import_cycles.py finds them: every import counts, those under
`if TYPE_CHECKING:` and inside functions included, and a relative import is resolved against its package. One thing
more: importing lib.store.writes from outside lib.store runs lib/store/__init__.py first, so it counts as importing
lib.store as well.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.conftest import REPO

MAX_MODULE_LINES = 500


def project_modules(root: Path) -> dict[str, Path]:
    """Return every module of lib/, pages/ and app.py by its dotted name (a package by its own name)."""
    found = {}
    for path in [*root.glob("lib/**/*.py"), *root.glob("pages/*.py"), root / "app.py"]:
        if path.exists():
            parts = list(path.relative_to(root).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_edges(root: Path) -> dict[str, set[str]]:
    """Return, for each module, the project modules it imports anywhere in its code."""
    modules = project_modules(root)

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            else:
                continue
            for target in targets:
                found = resolve(target)
                if found and found != module and not module.startswith(found + "."):
                    edges[module].add(found)
                    parent = found.rpartition(".")[0]  # importing a.b from outside a runs a/__init__.py first
                    if parent in modules and not module.startswith(parent + ".") and parent != module:
                        edges[module].add(parent)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the import circles: the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
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
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in edges:
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_circle():
    edges = import_edges(REPO)
    assert len(edges) > 100  # the whole project was read
    assert circles(edges) == []


def test_the_analysis_finds_a_circle_hidden_under_type_checking(tmp_path):
    (tmp_path / "lib" / "pkg").mkdir(parents=True)
    (tmp_path / "lib" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "lib" / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                           "    from lib.b import B\n", encoding="utf-8")
    (tmp_path / "lib" / "b.py").write_text("def f():\n    from lib import a\n", encoding="utf-8")
    (tmp_path / "lib" / "pkg" / "__init__.py").write_text("from lib.c import C\n", encoding="utf-8")
    (tmp_path / "lib" / "pkg" / "leaf.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / "lib" / "c.py").write_text("from lib.pkg.leaf import X\n", encoding="utf-8")  # runs pkg/__init__
    assert circles(import_edges(tmp_path)) == [["lib.a", "lib.b"], ["lib.c", "lib.pkg"]]


def test_no_module_of_lib_is_longer_than_a_reader_can_hold():
    lengths = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
               for p in (REPO / "lib").rglob("*.py")}
    assert len(lengths) > 100
    assert {path: n for path, n in lengths.items() if n > MAX_MODULE_LINES} == {}


def deferred_downloads_that_rerun(root: Path) -> list[str]:
    """Return where a download button whose file is built on click (data a lambda) reruns the page on its click."""
    found = []
    for path in [*root.glob("lib/ui/*.py"), *root.glob("pages/*.py"), *root.glob("app.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "download_button"):
                continue
            data = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "data"), None)
            on_click = next((k.value for k in node.keywords if k.arg == "on_click"), None)
            if isinstance(data, ast.Lambda) and not (isinstance(on_click, ast.Constant) and on_click.value == "ignore"):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_a_file_built_on_click_is_downloaded_without_a_rerun():
    """Streamlit gives a built-on-click file a new id on every run and revokes the old one: a click that also reruns
    the page could revoke its own file before the browser fetched it (no file came, lib/ui/widgets.py)."""
    assert deferred_downloads_that_rerun(REPO) == []


def test_the_check_finds_a_download_built_on_click_that_reruns(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p.py").write_text(
        "import streamlit as st\n"
        "st.download_button('a', lambda: b'', file_name='a.csv', on_click='ignore')\n"
        "st.download_button('b', data=lambda: b'', file_name='b.csv')\n"
        "st.download_button('c', b'', file_name='c.csv')\n", encoding="utf-8")
    assert deferred_downloads_that_rerun(tmp_path) == ["pages/p.py:3"]

"""The layering of DESIGN.md holds: core, hub and printer never import Qt, and so on."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold():
    """import-linter's contracts in pyproject.toml are all kept."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout


def _qt_imports(package: str) -> list[str]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6")]
    return found


def test_no_qt_in_core_hub_printer_even_lazily():
    """Not even a function-level import of Qt hides in core/, hub/ or printer/."""
    assert _qt_imports("core") + _qt_imports("hub") + _qt_imports("printer") == []


def test_the_check_would_catch_a_violation(tmp_path):
    """The AST check does see a Qt import (so the test above can fail)."""
    package = tmp_path / "fake"
    package.mkdir()
    (package / "module.py").write_text("def f():\n    from PySide6.QtCore import QObject\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _qt_imports("fake") == ["fake/module.py: PySide6.QtCore"]
    finally:
        ROOT = saved


def test_building_the_command_line_loads_no_qt():
    """`main.py hub` builds every role's parser; that must not load Qt, which a server may lack."""
    code = "import sys, main; main.build_parser(); print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


PACKAGES = ("core", "hub", "printer", "qt_common", "kiosk", "counter_ui", "display_board", "feedback_screen", "reports", "central", "launcher")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules `path` imports when it runs: at the top or inside a function, not
    under `if TYPE_CHECKING:`. `from package import submodule` counts as the submodule only."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                for alias in child.names:
                    found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return {module for module in found if module in known and module != name}


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    paths = {_module_name(p, root): p for package in packages for p in (root / package).rglob("*.py")}
    return {name: _runtime_imports(path, name, set(paths)) for name, path in paths.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def strong(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph[module]):
            if other not in index:
                strong(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            strong(module)
    return cycles


def test_no_import_circles_even_through_lazy_imports():
    """No module imports, even inside a function, one that imports it back: the store takes its
    hooks from its caller (never imports the commands), the printer's states stand alone."""
    assert import_cycles(import_graph(ROOT, PACKAGES)) == []


def test_the_circle_check_sees_a_lazy_circle(tmp_path):
    """A circle closed by a function-level import is found (so the test above can fail); one
    through `if TYPE_CHECKING:` is not a circle."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "store.py").write_text("def run():\n    from pkg.commands import roll\n")
    (package / "commands.py").write_text("from pkg import store\n")
    (package / "views.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.commands import roll\n")
    (package / "rules.py").write_text("from pkg.views import x\n")
    (package / "more.py").write_text("from . import rules\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.views"] == set() and graph["pkg.more"] == {"pkg.rules"}
    assert import_cycles(graph) == [["pkg.commands", "pkg.store"]]

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

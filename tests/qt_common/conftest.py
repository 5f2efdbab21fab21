"""Fixtures for the shared Qt layer: a clean language and a config folder (the themed app is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

OUT_DIR = Path(__file__).resolve().parents[2] / "out" / "qt_common"


@pytest.fixture
def out_dir() -> Path:
    """Where rendered images go to be looked at (git-ignored)."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUT_DIR


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"

"""Fixtures for the shared Qt layer: a themed application, a clean language, a config folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from qt_common.app import create_app
from qt_common.i18n import Language, set_language

OUT_DIR = Path(__file__).resolve().parents[2] / "out" / "qt_common"


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The session's QApplication with the Tabour theme, in Arabic; Arabic again after the test."""
    themed = create_app(lang=Language.AR)
    yield themed
    set_language(themed, Language.AR)


@pytest.fixture
def out_dir() -> Path:
    """Where rendered images go to be looked at (git-ignored)."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUT_DIR


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"

"""Fixtures for the board's tests: a hub and its hall for the module, boards made on demand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.display_board.board_support import Hall, MakeBoard, make_board_factory
from tests.support import LiveHub

OUT_DIR = Path(__file__).resolve().parents[2] / "out" / "display_board"


@pytest.fixture(scope="module")
def board_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """A hub subprocess of this module's own, with a kiosk and clerks at counters 1, 3 and 6."""
    hub = LiveHub(tmp_path_factory.mktemp("board-hub")).start()
    try:
        yield Hall(hub).open()
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One speech cache for the module: each phrase is synthesised once."""
    return tmp_path_factory.mktemp("speech-cache")


@pytest.fixture
def make_board(qtbot: QtBot, qapp, tmp_path: Path, speech_cache: Path) -> Iterator[MakeBoard]:
    """Boards (real HubClient, real announcer, recording sink) on a hub; closed after the test."""
    yield from make_board_factory(qtbot, tmp_path, speech_cache)


@pytest.fixture
def out_dir() -> Path:
    """Where the board's screenshots go to be looked at (git-ignored)."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUT_DIR

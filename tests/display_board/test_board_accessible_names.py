"""The board in both languages: nothing on it to press, and its latest call named for a screen
reader in Arabic and English, on every state it shows (waiting, a call, a recall, offline)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from qt_common.i18n import strip_bidi
from tests.display_board.board_support import WAIT_MS, Hall, MakeBoard, wait_caught_up

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


def test_every_board_state_is_named_in_both_languages(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """An Arabic-first and an English-first board: no control without a name (a board has none to
    press), and the newest call's panel says the number and counter in both scripts."""
    for language in ("ar", "en"):
        board = make_board(board_hall.hub, f"board-names-{language}", language=language)
        wait_caught_up(qtbot, board, board_hall.hub)
        window = board.window
        board_hall.issue("A")
        called = board_hall.call_next(1)
        qtbot.waitUntil(lambda: window.latest.call is not None and window.latest.call.number == called["number"], timeout=WAIT_MS)
        name = strip_bidi(window.latest.accessibleName())
        assert called["number"] in name and ARABIC.search(name) and LATIN.search(name), name
        first, second = name.split(" · ", 1)
        assert bool(ARABIC.search(first)) == (language == "ar"), name  # the board's own language first
        board_hall.recall(1)
        qtbot.waitUntil(lambda: window.latest.call is not None and window.latest.call.recall, timeout=WAIT_MS)
        recalled = strip_bidi(window.latest.accessibleName())
        assert recalled != name and called["number"] in recalled
        window.offline_banner.show()
        unnamed = [
            f"{type(b).__name__} {b.objectName()!r}"
            for b in window.findChildren(QAbstractButton)
            if b.isVisibleTo(window) and not b.accessibleName().strip() and not b.text().strip()
        ]
        assert unnamed == [], unnamed
        window.offline_banner.hide()

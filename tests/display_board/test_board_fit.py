"""The board lays out whole at 1366×768, 1920×1080 and 3840×2160 in both languages: with calls,
before the first call, and with the offline banner and a message on top.

Pictures go to out/screens/board/; tests/fit.py checks every label and board text (a board
text that had to be cut with "…" counts as cut) and that nothing lies outside the window.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from qt_common.i18n import Text
from tests.display_board.board_support import WAIT_MS, Hall, MakeBoard, wait_caught_up
from tests.fit import OUT_DIR, SCREENS, fit_problems, settle, shoot

SHOTS = OUT_DIR / "board"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_board_fits_every_screen_size(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard, language: str) -> None:
    """Before the first call, with calls (one fresh), and with the offline banner and a message: nothing cut."""
    board = make_board(board_hall.hub, f"board-fit-{language}", language=language, highlight_ms=60_000)
    problems: list[str] = []

    def check(state: str) -> None:
        for screen in SCREENS:
            board.window.resize(*screen)
            qtbot.waitUntil(lambda: board.window.width() == screen[0], timeout=WAIT_MS)
            settle(60)
            tag = f"{state}-{language}-{screen[0]}x{screen[1]}"
            shoot(board.window, tag, SHOTS)
            problems.extend(f"{tag}: {p}" for p in fit_problems(board.window))

    if not board.window.shown_numbers():
        check("waiting")
    for code in ("A", "B", "E", "A"):
        board_hall.issue(code)
    for counter in (1, 3, 6, 1):
        board_hall.call_next(counter)
    wait_caught_up(qtbot, board, board_hall.hub)
    check("calls")
    board.window.offline_banner.show()
    board.window.message_bar.show_message(
        Text("هذه الشاشة غير مسجّلة لدى الخادم؛ أدخل رمز التسجيل.", "This screen is not enrolled with the hub; give it the enrollment code."),
        kind="error", timeout_ms=0,
    )
    check("offline")
    board.window.offline_banner.hide()
    board.window.message_bar.dismiss()
    assert not problems, "\n".join(problems)

"""A board's look and call signals come from its `[boards.NAME]` entry of the centre file: the
colours, the flashes and the highlight on the widget, the chime's loudness and count in the sound."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display_board.announcer.chime import chime_file_name, make_chime
from qt_common import theme
from qt_common.wav import read_frames, rms_16bit
from tests.display_board.board_support import WAIT_MS, Hall, MakeBoard, wait_caught_up
from tests.support import LiveHub, demo_config_text

FLOOR1_SETTINGS = """
theme = "high-contrast"
flash = 2
highlight_until_next = true
chime_volume = 0.25
chime_repeats = 3
"""


@pytest.fixture(scope="module")
def set_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """A hub whose board `floor1` (counters 1-4) is set to high contrast, 2 flashes, highlight
    until the next call and a quiet chime sounded three times."""
    text = demo_config_text().replace("[boards.floor1]\n", "[boards.floor1]\n" + FLOOR1_SETTINGS.lstrip(), 1)
    hub = LiveHub(tmp_path_factory.mktemp("board-settings-hub"), config_text=text).start()
    try:
        yield Hall(hub).open()
    finally:
        hub.stop()


def test_the_boards_entry_sets_flashes_highlight_and_colours(qtbot: QtBot, set_hall: Hall, make_board: MakeBoard) -> None:
    """With no flags, board floor1 takes its entry: a call's row blinks twice and then stays lit
    past its timed highlight until the next call; the board is drawn in the high-contrast colours."""
    set_hall.issue("A")
    set_hall.issue("A")
    board = make_board(set_hall.hub, "board-set-look", board="floor1", highlight_ms=200)
    wait_caught_up(qtbot, board, set_hall.hub)
    window = board.window
    assert (window.flashes, window.highlight_until_next) == (2, True)
    assert window.colours == theme.HIGH_CONTRAST
    assert f"background: {theme.HIGH_CONTRAST.window}" in window.styleSheet()
    assert f"background: {theme.HIGH_CONTRAST.primary}" in window.styleSheet()
    states: list[bool] = [window.latest.highlighted]
    window.latest.highlight_changed.connect(states.append)
    first = set_hall.call_next(1)["number"]
    qtbot.waitUntil(lambda: window.latest.call is not None and window.latest.call.number == first, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.flashing and not window._fresh_until, timeout=WAIT_MS)
    assert states[-5:] == [True, False, True, False, True]
    assert window.latest.highlighted and window.fresh_numbers() == [first]


def test_the_boards_entry_sets_the_chimes_loudness_and_count(qtbot: QtBot, set_hall: Hall, make_board: MakeBoard) -> None:
    """A call on floor1 is three chimes, each a quarter as loud as the full chime, then the speech."""
    board = make_board(set_hall.hub, "board-set-chime", board="floor1")
    wait_caught_up(qtbot, board, set_hall.hub)
    set_hall.issue("A")
    handed_before = len(board.sink.paths)
    set_hall.call_next(1)
    wait_caught_up(qtbot, board, set_hall.hub)
    played = board.sink.paths[handed_before:]
    chime = str(board.announcer.settings.resolved_cache_dir / chime_file_name(0.25))
    assert played[:3] == [chime] * 3 and played[3] != chime and len(played) == 5  # three chimes, Arabic, English
    full = board.announcer.settings.resolved_cache_dir / chime_file_name(1.0)
    make_chime(full, 1.0)
    quiet_rms, full_rms = rms_16bit(read_frames(Path(chime))[1]), rms_16bit(read_frames(full)[1])
    assert quiet_rms == pytest.approx(full_rms * 0.25, rel=0.05)


def test_flags_given_to_the_board_win_over_its_entry(qtbot: QtBot, set_hall: Hall, make_board: MakeBoard) -> None:
    """A board started with --flash 0, --chime-repeats 1 and --theme standard keeps them whatever
    its entry says; the entry fills in only what no flag fixed (here the highlight)."""
    board = make_board(
        set_hall.hub, "board-set-flags", board="floor1", flashes=0, chime_repeats=1, colours=theme.COLOURS,
    )
    wait_caught_up(qtbot, board, set_hall.hub)
    window = board.window
    assert (window.flashes, window.highlight_until_next, window.colours) == (0, True, theme.COLOURS)
    set_hall.issue("A")
    handed_before = len(board.sink.paths)
    set_hall.call_next(1)
    wait_caught_up(qtbot, board, set_hall.hub)
    played = board.sink.paths[handed_before:]
    assert played[0] == str(board.announcer.settings.resolved_cache_dir / chime_file_name(0.25))
    assert len(played) == 3 and not window.flashing


def test_a_board_without_an_entry_keeps_the_usual_signals(qtbot: QtBot, set_hall: Hall, make_board: MakeBoard) -> None:
    """The board of every call (no --board) has no entry: no flashes, no lasting highlight, one full chime."""
    board = make_board(set_hall.hub, "board-set-none")
    wait_caught_up(qtbot, board, set_hall.hub)
    window = board.window
    assert (window.flashes, window.highlight_until_next, window.colours) == (0, False, theme.COLOURS)
    assert (board.announcer.settings.chime_volume, board.announcer.settings.chime_repeats) == (1.0, 1)

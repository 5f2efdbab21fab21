"""The board on screen: rendered to PNG at every size it must fit, checked for size and clipping.

Screenshots go to out/display_board/ to be looked at. The checks are what 10 m needs: the
latest number takes a fifth of the screen's height, every text fits its box whole, numbers
keep their left-to-right order inside Arabic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetricsF
from pytestqt.qtbot import QtBot

from display_board.widgets import FitText, board_font, counter_text
from display_board.model import BoardCall
from qt_common.hub_client import HubClient
from qt_common.i18n import LRI, PDI, Language
from tests.contract_samples import centre_json, counter_brief_json, event, state, ticket_json
from tests.display_board.board_support import WAIT_MS, Board, Hall, MakeBoard, wait_caught_up
from tests.support import free_port

SIZES = {
    "1920x1080": (1920, 1080),
    "1280x720": (1280, 720),
    "1080x1920": (1080, 1920),
    "3840x2160": (3840, 2160),
}


def fill_the_hall(qtbot: QtBot, hall: Hall, board: Board) -> None:
    """Eight calls, the last two moments ago (highlighted), the rest past their highlight."""
    for code in ("A", "B", "E") * 3:
        hall.issue(code)
    for counter in (1, 3, 6, 1, 3, 6):
        hall.call_next(counter)
    wait_caught_up(qtbot, board, hall.hub)
    qtbot.wait(board.window.highlight_ms + 100)
    hall.call_together([1, 3])
    wait_caught_up(qtbot, board, hall.hub)


def assert_readable(board: Board, short_side: int) -> None:
    """Large enough for 10 m, and every line whole inside its box.

    Sizes are shares of the screen's short side: a portrait set is the same panel turned,
    so its pixels are as large as a landscape one's. On a 55-inch set (68 cm short side) the
    latest number's capitals are then about 14 cm tall and a previous call's about 4 cm,
    where signage guidance asks about 4 cm of letter height per 10 m of distance.
    """
    window = board.window
    assert window.latest.number.pixel_size() >= 0.28 * short_side
    assert window.latest.counter_primary.pixel_size() >= 0.09 * short_side
    for row in window.recent.rows:
        if row.call is not None:
            assert row.number.pixel_size() >= 0.085 * short_side
    for text in window.findChildren(FitText):
        if text.text() and text.isVisible():
            width = QFontMetricsF(board_font(text.pixel_size(), text.bold)).horizontalAdvance(text.displayed_text())
            assert width <= text.width() + 1, (text.text(), width, text.width())
            assert text.displayed_text() == text.text()  # real values are never cut


@pytest.mark.parametrize("language", ["ar", "en"])
def test_screenshots_at_every_size(
    qtbot: QtBot, board_hall: Hall, make_board: MakeBoard, out_dir: Path, language: str
) -> None:
    """1920×1080, 1280×720, portrait 1080×1920 and 4K, each rendered, readable and unclipped."""
    board = make_board(board_hall.hub, f"board-screens-{language}", language=language, highlight_ms=1500)
    fill_the_hall(qtbot, board_hall, board)
    assert len(board.window.shown_numbers()) >= 6
    for name, (width, height) in SIZES.items():
        board.window.resize(width, height)
        qtbot.waitUntil(lambda: board.window.size().width() == width, timeout=WAIT_MS)
        qtbot.wait(50)
        portrait = height > width
        assert len(board.window.recent.rows) == (7 if portrait else 6)
        assert_readable(board, min(width, height))
        image = board.window.grab().toImage()
        assert (image.width(), image.height()) == (width, height)
        assert image.save(str(out_dir / f"board-{language}-{name}.png"))


def test_arabic_board_keeps_numbers_left_to_right(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """Ticket and counter numbers inside the Arabic board are wrapped in LTR isolates."""
    board_hall.issue("A")
    board = make_board(board_hall.hub, "board-bidi")
    wait_caught_up(qtbot, board, board_hall.hub)
    ticket = board_hall.call_next(1)
    qtbot.waitUntil(lambda: board.window.shown_numbers()[:1] == [ticket["number"]], timeout=WAIT_MS)
    assert board.window.latest.number.text() == f"{LRI}{ticket['number']}{PDI}"
    assert board.window.latest.counter_primary.text() == f"الشباك {LRI}1{PDI}"
    assert board.window.latest.counter_secondary.text() == f"Counter {LRI}1{PDI}"
    for row in board.window.recent.rows:
        if row.call is not None:
            assert row.number.text() == f"{LRI}{row.call.number}{PDI}"
            assert row.counter.text() == f"{LRI}{row.call.counter_number}{PDI}"
    assert board.window.layoutDirection().name == "RightToLeft"


def test_counter_names_keep_their_digits_in_order() -> None:
    """A configured name such as "الشباك 8 (جميع الخدمات)" has its digits isolated, nothing else changed."""
    call = BoardCall(1, None, 1, "A-001", 1, "A", None, 8, "الشباك 8 (جميع الخدمات)", "Counter 8 (all services)", False)
    assert counter_text(call, Language.AR) == f"الشباك {LRI}8{PDI} (جميع الخدمات)"
    assert counter_text(call, Language.EN) == f"Counter {LRI}8{PDI} (all services)"


def test_offline_board_waits_for_the_first_call(qtbot: QtBot, qapp, tmp_path: Path, out_dir: Path, speech_cache: Path) -> None:
    """A hub that does not answer: the bilingual offline banner, and the board waiting, not blank."""
    from display_board.announcer import AnnouncerSettings, RecordingSink
    from display_board.window import BoardWindow

    client = HubClient(f"http://127.0.0.1:{free_port()}", device_name="board-offline", kind="display",
                       enroll_code="x-1234", config_dir=tmp_path / "config")
    window = BoardWindow(client, sink=RecordingSink(), announcer_settings=AnnouncerSettings(cache_dir=speech_cache))
    try:
        window.resize(1920, 1080)
        window.show()
        qtbot.waitUntil(lambda: window.offline_banner.isVisible(), timeout=WAIT_MS)
        assert window.latest.call is None
        assert "بانتظار النداء الأول" in window.latest.counter_primary.text()
        assert window.grab().save(str(out_dir / "board-ar-offline.png"))
    finally:
        window.shutdown()
        client.stop()
        window.close()
        window.deleteLater()


def test_unknown_board_warning_is_rendered(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard, out_dir: Path) -> None:
    """The warning for a board the centre lacks is on screen in Arabic and English."""
    board = make_board(board_hall.hub, "board-floor9-screen", board="floor9")
    qtbot.waitUntil(lambda: board.window.message_bar.isVisible(), timeout=WAIT_MS)
    assert "floor9" in board.window.message_bar.label.text()
    assert "غير معرّفة" in board.window.message_bar.label.text() and "not in the centre" in board.window.message_bar.label.text()
    qtbot.wait(50)
    assert board.window.grab().save(str(out_dir / "board-ar-unknown-board.png"))


def test_hostile_and_huge_values_are_drawn_whole(qtbot: QtBot, qapp, tmp_path: Path, out_dir: Path, speech_cache: Path) -> None:
    """A 120-character counter name, a direction override and an empty centre are drawn whole and in order."""
    from display_board.announcer import AnnouncerSettings, RecordingSink
    from display_board.window import BoardWindow

    client = HubClient(f"http://127.0.0.1:{free_port()}", device_name="board-hostile", kind="display",
                       enroll_code="x-1234", config_dir=tmp_path / "config")
    sink = RecordingSink()
    window = BoardWindow(client, sink=sink, announcer_settings=AnnouncerSettings(cache_dir=speech_cache))
    try:
        window.resize(1280, 720)
        window.show()
        centre = centre_json(name_ar="م" * 300, name_en="", ticker_ar="\u202e" + "تنبيه " * 200, time_zone="Mars/Olympus")
        window.on_state_loaded(state(10, centre=centre, services=[]))
        counter = counter_brief_json(9, 9, name="Desk \u202eevil\u202c " + "x" * 200, name_ar="الشباك 9 " + "ش" * 200)
        ticket = ticket_json(1, "A-001\u202e", 1, status="called", counter_id=9, counter_number=9)
        window.dispatch_hub_event(event(11, "ticket.called", "2026-11-24T10:00:00+03:00", ticket=ticket, counter=counter))
        assert window.shown_numbers() == ["A-001"]  # direction overrides never reach the screen
        assert all("\u202e" not in text.text() for text in window.findChildren(FitText))
        assert all("\u202e" not in text for text, _ in window.ticker.messages())
        qtbot.wait(50)
        assert_readable_boxes(window)
        assert window.latest.counter_secondary.displayed_text().endswith("…")
        qtbot.waitUntil(lambda: window.announcer.pending() == 0, timeout=WAIT_MS)
        assert len(sink.handed) == 3  # spoken with the counter's number: the name cannot be said
        assert window.grab().save(str(out_dir / "board-ar-hostile-values.png"))
    finally:
        window.shutdown()
        client.stop()
        window.close()
        window.deleteLater()


def assert_readable_boxes(window) -> None:
    for text in window.findChildren(FitText):
        if text.text() and text.isVisible():
            width = QFontMetricsF(board_font(text.pixel_size(), text.bold)).horizontalAdvance(text.displayed_text())
            assert width <= text.width() + 1, (text.text()[:40], width, text.width())

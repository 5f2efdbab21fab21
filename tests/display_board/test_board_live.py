"""The board against a real hub subprocess: calls seen and heard, recalls, boards, reconnects.

Clerks and the kiosk act over plain HTTP as other devices would; the board listens through
its own HubClient and speaks through the real announcer (real espeak-ng WAV files), with
only the sound card replaced by a RecordingSink.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display_board.announcer import arabic_phrase, english_phrase, synthesise
from qt_common.wav import read_info
from display_board.window import BoardWindow
from qt_common.i18n import ltr
from tests.display_board.board_support import WAIT_MS, Board, Hall, MakeBoard, make_board_factory, wait_caught_up
from tests.display_board.test_announcer_audio import assert_plausible_speech
from tests.support import LiveHub


def spoken_files(board: Board) -> list[str]:
    return board.sink.paths


def test_three_counters_calling_together_are_all_shown_and_announced_in_order(
    qtbot: QtBot, board_hall: Hall, make_board: MakeBoard
) -> None:
    """Three counters press "call next" at the same moment: all three on screen, spoken in the hub's order."""
    for code in ("A", "B", "E"):
        board_hall.issue(code)
    board = make_board(board_hall.hub, "board-together")
    wait_caught_up(qtbot, board, board_hall.hub)
    results = board_hall.call_together([1, 3, 6])
    numbers = {ticket["number"] for _, ticket in results}
    assert len(numbers) == 3
    qtbot.waitUntil(lambda: numbers <= set(board.window.shown_numbers()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(board.announced) >= 3 and board.announcer.pending() == 0, timeout=WAIT_MS)

    # The hub's order (its recent calls, newest first) is the board's order, on screen and in speech.
    hub_order = [call["ticket"]["number"] for call in board_hall.recent_calls()[:3]][::-1]
    assert set(hub_order) == numbers
    assert [call.number for call in board.displayed[-3:]] == hub_order
    assert board.window.shown_numbers()[:3] == hub_order[::-1]
    assert [call.ticket_number for call in board.announced[-3:]] == hub_order
    assert set(board.window.fresh_numbers()) >= numbers  # all three highlighted
    assert board.window.latest.call is not None and board.window.latest.call.number == hub_order[-1]
    assert board.window.latest.number.text() == ltr(hub_order[-1])

    # Chime, Arabic, English for each call, one file at a time, in that order.
    files = spoken_files(board)[-9:]
    assert board.sink.overlaps == 0
    chime = files[0]
    assert files[0::3] == [chime] * 3
    for index, call in enumerate(board.announced[-3:]):
        assert files[3 * index + 1] == str(synthesise(arabic_phrase(call), "ar", board.announcer.settings))
        assert files[3 * index + 2] == str(synthesise(english_phrase(call), "en", board.announcer.settings))


def test_spoken_files_are_real_audio_of_plausible_length(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """The chime is about a second; each phrase is real speech of 1-8 s, Arabic first."""
    board_hall.issue("A")
    board = make_board(board_hall.hub, "board-audio")
    wait_caught_up(qtbot, board, board_hall.hub)
    ticket = board_hall.call_next(1)
    qtbot.waitUntil(lambda: len(board.sink.handed) >= 3 and board.announcer.pending() == 0, timeout=WAIT_MS)
    chime, arabic, english = board.sink.handed[-3:]
    assert 0.5 <= chime.duration_seconds <= 3.0
    assert_plausible_speech(Path(arabic.path))
    assert_plausible_speech(Path(english.path))
    assert read_info(arabic.path).duration_seconds == pytest.approx(arabic.duration_seconds)
    spoken = board.announced[-1]
    assert spoken.ticket_number == ticket["number"] and spoken.counter_number == 1
    assert arabic_phrase(spoken).startswith("الرقم أَيْ ")


def test_recall_is_shown_as_a_reminder_and_announced_again(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """A recall moves the ticket to the top marked "reminder", once, and repeats the announcement."""
    board_hall.issue("E")
    board = make_board(board_hall.hub, "board-recall")
    wait_caught_up(qtbot, board, board_hall.hub)
    ticket = board_hall.call_next(6)
    qtbot.waitUntil(lambda: ticket["number"] in board.window.shown_numbers(), timeout=WAIT_MS)
    board_hall.recall(6)
    qtbot.waitUntil(lambda: len([c for c in board.announced if c.ticket_number == ticket["number"]]) == 2, timeout=WAIT_MS)
    wait_caught_up(qtbot, board, board_hall.hub)
    first, again = [c for c in board.announced if c.ticket_number == ticket["number"]]
    assert not first.recall and again.recall
    latest = board.window.latest.call
    assert latest is not None and latest.number == ticket["number"] and latest.recall
    assert board.window.shown_numbers().count(ticket["number"]) == 1
    assert "تذكير" in board.window.latest.caption.text()
    # Reminder phrase, not the first call's phrase.
    assert board.sink.paths[-2] == str(synthesise(arabic_phrase(again), "ar", board.announcer.settings))
    assert board.sink.paths[-2] != str(synthesise(arabic_phrase(first), "ar", board.announcer.settings))


def test_a_floor_board_shows_and_says_only_its_counters(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """Board floor1 (counters 1-4) shows counter 1's call and not counter 6's; the hall board shows both."""
    board_hall.issue("A")
    board_hall.issue("E")
    floor = make_board(board_hall.hub, "board-floor1", board="floor1")
    hall = make_board(board_hall.hub, "board-hall", board="hall")
    assert floor.window.model.filter.counters == frozenset({1, 2, 3, 4})
    assert "الدور الأول" in floor.window.board_title.text()
    for board in (floor, hall):
        wait_caught_up(qtbot, board, board_hall.hub)
    on_floor = board_hall.call_next(1)
    elsewhere = board_hall.call_next(6)
    for board in (floor, hall):
        wait_caught_up(qtbot, board, board_hall.hub)
    assert [c.ticket_number for c in hall.announced[-2:]] == [on_floor["number"], elsewhere["number"]]
    assert on_floor["number"] in floor.window.shown_numbers()
    assert elsewhere["number"] not in floor.window.shown_numbers()
    assert [c.ticket_number for c in floor.announced] == [on_floor["number"]]
    assert all(call.counter_number in (1, 2, 3, 4) for call in floor.window.model.calls)
    out = Path(__file__).resolve().parents[2] / "out" / "display_board"
    out.mkdir(parents=True, exist_ok=True)
    assert floor.window.grab().save(str(out / "board-ar-floor1-1920x1080.png"))


def test_an_unknown_board_name_is_shown_as_an_error_and_loses_no_call(
    qtbot: QtBot, board_hall: Hall, make_board: MakeBoard
) -> None:
    """--board with a name the centre lacks: a bilingual warning on screen, every call still shown."""
    board_hall.issue("B")
    board = make_board(board_hall.hub, "board-unknown", board="floor9")
    qtbot.waitUntil(lambda: board.window.message_bar.isVisible(), timeout=WAIT_MS)
    assert "floor9" in board.window.message_bar.label.text()
    ticket = board_hall.call_next(3)
    qtbot.waitUntil(lambda: ticket["number"] in board.window.shown_numbers(), timeout=WAIT_MS)


def test_a_board_without_sound_only_shows(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """announce=False: calls are shown, nothing is handed to any player."""
    board_hall.issue("C")
    board = make_board(board_hall.hub, "board-silent", announce=False)
    assert board.window.announcer is None
    wait_caught_up(qtbot, board, board_hall.hub)
    ticket = board_hall.call_next(3)
    qtbot.waitUntil(lambda: ticket["number"] in board.window.shown_numbers(), timeout=WAIT_MS)
    assert board.sink.handed == []


def test_replayed_snapshot_announces_nothing_twice(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """A forced resync (same snapshot again) leaves the screen as it was and says nothing."""
    board_hall.issue("A")
    board = make_board(board_hall.hub, "board-resync")
    wait_caught_up(qtbot, board, board_hall.hub)
    board_hall.call_next(1)
    wait_caught_up(qtbot, board, board_hall.hub)
    shown, announced, fetches = board.window.shown_numbers(), len(board.announced), board.client.state_fetch_count
    board.client.resync("test")
    qtbot.waitUntil(lambda: board.client.state_fetch_count > fetches and board.client.online, timeout=WAIT_MS)
    wait_caught_up(qtbot, board, board_hall.hub)
    assert board.window.shown_numbers() == shown
    assert len(board.announced) == announced


def test_after_a_hub_restart_only_recent_missed_calls_are_announced(
    qtbot: QtBot, tmp_path: Path, speech_cache: Path, qapp
) -> None:
    """Hub stopped and restarted on the same port and database: missed recent calls are said once, old ones only shown."""
    hub = LiveHub(tmp_path / "hub").start()
    factory = make_board_factory(qtbot, tmp_path / "boards", speech_cache)
    make = next(factory)
    try:
        hall = Hall(hub).open()
        for code in ("A", "A", "B", "B", "E"):
            hall.issue(code)
        board = make(hub, "board-restart", recent_seconds=2.0)
        wait_caught_up(qtbot, board, hub)
        before = hall.call_next(1)
        qtbot.waitUntil(lambda: len(board.announced) == 1 and board.announcer.pending() == 0, timeout=WAIT_MS)

        hub.stop()
        qtbot.waitUntil(lambda: not board.client.online, timeout=WAIT_MS)
        # While the Qt loop is held here the board cannot reconnect: these calls are missed.
        hub.start()
        stale = hall.call_next(3)
        time.sleep(2.5)  # older than the board's 2 s window by the time it reconnects
        missed = [hall.call_next(1), hall.call_next(6)]
        qtbot.waitUntil(lambda: board.client.online, timeout=WAIT_MS)
        wait_caught_up(qtbot, board, hub)

        assert board.window.model.missed_announced == 2  # from the snapshot, not from live events
        said = [call.ticket_number for call in board.announced]
        assert said == [before["number"], missed[0]["number"], missed[1]["number"]]
        shown = board.window.shown_numbers()
        assert shown[:2] == [missed[1]["number"], missed[0]["number"]]
        assert stale["number"] in shown  # shown, not spoken: it is past the window
        # Live again: the next call is shown and said as usual.
        after = hall.call_next(3)
        qtbot.waitUntil(lambda: board.announced[-1].ticket_number == after["number"], timeout=WAIT_MS)
        assert board.window.shown_numbers()[0] == after["number"]
    finally:
        for _ in factory:
            pass
        hub.stop()


def test_a_board_built_on_a_running_client_starts_from_its_state(
    qtbot: QtBot, board_hall: Hall, make_board: MakeBoard, speech_cache: Path
) -> None:
    """A host that already follows the hub hands its client over: the board draws at once, says nothing old."""
    board_hall.issue("A")
    board_hall.call_next(1)
    first = make_board(board_hall.hub, "board-shared")
    wait_caught_up(qtbot, first, board_hall.hub)
    second = BoardWindow(first.client, sink=first.sink, announce=False)
    try:
        assert second.shown_numbers() == first.window.shown_numbers() != []
    finally:
        second.shutdown()
        second.deleteLater()



def test_build_board_window_is_a_hidden_widget_for_any_host(
    qtbot: QtBot, board_hall: Hall, tmp_path: Path, speech_cache: Path
) -> None:
    """build_board_window starts the client, returns an unshown QWidget and leaves the app to its host."""
    from PySide6.QtWidgets import QApplication, QWidget

    from display_board.announcer import AnnouncerSettings, RecordingSink
    from display_board.app import build_board_window
    from qt_common.hub_client import HubClient

    app_before = QApplication.instance()
    client = HubClient(board_hall.hub.url, device_name="board-hosted", kind="display",
                       enroll_code=board_hall.hub.enroll_code, config_dir=tmp_path / "config")
    sink = RecordingSink()
    window = build_board_window(client, board="floor1", language="en", sink=sink,
                                announcer_settings=AnnouncerSettings(cache_dir=speech_cache))
    try:
        assert isinstance(window, QWidget) and not window.isVisible()
        assert QApplication.instance() is app_before
        assert client.running
        qtbot.waitUntil(lambda: client.online and window.model.loaded, timeout=WAIT_MS)
        assert window.layoutDirection().name == "LeftToRight"
        assert window.model.filter.counters == frozenset({1, 2, 3, 4})
        board_hall.issue("A")
        ticket = board_hall.call_next(1)
        qtbot.waitUntil(lambda: window.announcer.pending() == 0 and ticket["number"] in window.shown_numbers(), timeout=WAIT_MS)
        assert len(sink.handed) == 3
    finally:
        window.shutdown()
        client.stop()
        window.deleteLater()


def test_after_a_long_outage_every_awaited_visitor_is_called(qtbot: QtBot, tmp_path: Path, speech_cache: Path, qapp) -> None:
    """More calls missed than /state's recent list holds: each visitor still awaited is called once; served ones are not."""
    hub = LiveHub(tmp_path / "hub").start()
    factory = make_board_factory(qtbot, tmp_path / "boards", speech_cache)
    make = next(factory)
    try:
        hall = Hall(hub).open()
        for code in ("A", "B") * 8 + ("E",):
            hall.issue(code)
        board = make(hub, "board-outage")
        wait_caught_up(qtbot, board, hub)
        hub.stop()
        qtbot.waitUntil(lambda: not board.client.online, timeout=WAIT_MS)
        hub.start()  # the Qt loop is held until the calls below are made: the board misses all of them
        waiting_at_6 = hall.call_next(6)
        served = [hall.call_next(1 if index % 2 == 0 else 3) for index in range(14)]
        qtbot.waitUntil(lambda: board.client.online, timeout=WAIT_MS)
        wait_caught_up(qtbot, board, hub)
        assert len(hall.recent_calls()) == 12 and waiting_at_6["number"] not in [c["ticket"]["number"] for c in hall.recent_calls()]
        expected = [waiting_at_6["number"], served[-2]["number"], served[-1]["number"]]  # still at the counters' call
        assert [call.ticket_number for call in board.announced] == expected
        assert board.window.shown_numbers()[:3] == expected[::-1]
    finally:
        for _ in factory:
            pass
        hub.stop()


def test_a_call_flashes_and_stays_lit_until_the_next_one(
    qtbot: QtBot, board_hall: Hall, make_board: MakeBoard
) -> None:
    """With flashes=2 and highlight-until-next, a call's row blinks twice (lit, dark, lit, dark,
    lit) and then stays lit after its timed highlight is over, until the next call takes its place."""
    board_hall.issue("A")
    board_hall.issue("A")
    board = make_board(board_hall.hub, "board-flash", highlight_ms=200, highlight_until_next=True, flashes=2)
    wait_caught_up(qtbot, board, board_hall.hub)
    window = board.window
    states: list[bool] = [window.latest.highlighted]  # an earlier call of the hall may already be lit
    window.latest.highlight_changed.connect(states.append)
    first = board_hall.call_next(1)["number"]
    qtbot.waitUntil(lambda: window.latest.call is not None and window.latest.call.number == first, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.flashing and not window._fresh_until, timeout=WAIT_MS)
    assert states[-5:] == [True, False, True, False, True]  # lit, then two dark halves of a blink
    assert states.count(False) == 2 + (not states[0])
    assert window.latest.highlighted  # its 200 ms are over, and it is still lit
    assert window.fresh_numbers() == [first]
    board_hall.finish_current(1)
    second = board_hall.call_next(1)["number"]
    qtbot.waitUntil(lambda: window.latest.call.number == second and not window.flashing and not window._fresh_until, timeout=WAIT_MS)
    assert window.fresh_numbers() == [second]  # the first one is no longer lit
    assert window.latest.highlighted


def test_wrong_flash_counts_are_refused(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard) -> None:
    """A flash count that is not a whole number from 0 to 10 stops the board with a clear error."""
    for bad in (-1, 11, 2.5, True):
        with pytest.raises(ValueError, match="flashes"):
            make_board(board_hall.hub, "board-bad-flash", flashes=bad)

"""The supervisor's devices panel and alerts against a real hub, a real kiosk and a fake TCP printer.

A kiosk window prints on a loopback printer that runs out of paper; the supervisor's counter
window (same hub subprocess) shows the alert, plays the sound (the recording sink stands in
for the sound card), lists the kiosk's printer as out of paper, and clears it all when the
kiosk's own re-check finds paper again. A board that drops off is alerted once the hub
announces it offline, and cleared when it is back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from counter_ui.app import build_counter_window
from counter_ui.devices import ALERT_SOUND
from kiosk.app import build_kiosk_window
from qt_common.hub_client import HubClient
from qt_common.i18n import Language, set_language, strip_bidi
from qt_common.sound import RecordingSink
from tests.counter_ui.conftest import WAIT_MS, shoot, wait_for
from tests.printer.fake_printer import FakePrinter
from tests.support import CLERKS, LiveHub, demo_config_text


@pytest.fixture
def devices_hub(tmp_path: Path) -> Iterator[LiveHub]:
    """A hub of the test's own that announces a device offline one second after its socket closes."""
    hub = LiveHub(tmp_path / "hub", config_text=demo_config_text(offline_after_seconds=1)).start()
    yield hub
    hub.stop()


@pytest.fixture
def supervisor(app, devices_hub: LiveHub, qtbot, tmp_path: Path):
    """The supervisor's counter window (counter 8), logged in, with a recording sink for its sound."""
    sink = RecordingSink()
    client = HubClient(devices_hub.url, device_name="counter-8", kind="counter", enroll_code=devices_hub.enroll_code,
                       config_dir=tmp_path / "counter")
    window = build_counter_window(client, counter=8, auto_login=("super", CLERKS["super"][0]), alert_sink=sink)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_for(qtbot, lambda: window.model.logged_in and window.hall.device_watch.loaded)
    window.sink = sink
    yield window
    client.stop()


def rows(window) -> dict[str, list[str]]:
    table = window.hall.devices.table
    return {
        strip_bidi(table.item(r, 0).text()): [strip_bidi(table.item(r, c).text()) for c in range(1, table.columnCount())]
        for r in range(table.rowCount())
    }


def alert_lines(window) -> list[str]:
    return [strip_bidi(line) for line in window.device_alerts.lines.text().split("\n") if line]


def test_a_kiosk_out_of_paper_alerts_the_supervisor_until_it_recovers(
    app, supervisor, devices_hub: LiveHub, qtbot, tmp_path: Path, out_dir: Path
) -> None:
    """Paper runs out on a ticket: alert, sound and "Out of paper" in the panel; paper back: all cleared by the kiosk's re-check."""
    with FakePrinter("ready", mode_after_print="paper_out") as printer:
        kiosk_client = HubClient(devices_hub.url, device_name="kiosk-hall", kind="kiosk",
                                 enroll_code=devices_hub.enroll_code, config_dir=tmp_path / "kiosk")
        kiosk = build_kiosk_window(kiosk_client, printer=printer.uri, printer_check_ms=300)
        qtbot.addWidget(kiosk)
        kiosk.show()
        kiosk_client.start()
        try:
            wait_for(qtbot, lambda: kiosk.screen_name == "home" and bool(kiosk.services))
            wait_for(qtbot, lambda: rows(supervisor).get("kiosk-hall", [None, None])[1] == "متصل")
            assert rows(supervisor)["kiosk-hall"][0] == "كشك التذاكر"
            assert not supervisor.device_alerts.isVisible()
            qtbot.mouseClick(kiosk.home.service_cards[kiosk.services[0].id], Qt.MouseButton.LeftButton)
            wait_for(qtbot, lambda: kiosk.printer_trouble == "paper_out")
            wait_for(qtbot, lambda: supervisor.device_alerts.isVisible())
            assert alert_lines(supervisor) == ["الجهاز kiosk-hall: نفد ورق الطابعة"]
            assert rows(supervisor)["kiosk-hall"][2] == "نفد الورق"
            assert supervisor.sink.paths == [str(ALERT_SOUND)]
            # The alert is on every tab, not only the Hall's.
            assert supervisor.tabs.currentIndex() == 0
            for size in ((1366, 768), (1920, 1080)):
                supervisor.resize(*size)
                for language in (Language.AR, Language.EN):
                    set_language(app, language)
                    shoot(supervisor, out_dir, f"device-alert-{size[0]}x{size[1]}-{language.value}")
                    supervisor.show_devices()
                    shoot(supervisor, out_dir, f"devices-panel-{size[0]}x{size[1]}-{language.value}")
                    supervisor.tabs.setCurrentIndex(0)
            set_language(app, Language.AR)
            sounds = len(supervisor.sink.paths)
            printer.mode = "ready"
            wait_for(qtbot, lambda: not supervisor.device_alerts.isVisible())
            assert rows(supervisor)["kiosk-hall"][2] == "سليمة"
            assert len(supervisor.sink.paths) == sounds  # recovery makes no sound
        finally:
            kiosk.shutdown()
            kiosk_client.stop()


def test_a_board_that_drops_off_is_alerted_and_cleared_when_back(supervisor, devices_hub: LiveHub, qtbot, tmp_path: Path) -> None:
    """A board's socket closes: once the hub announces it offline the supervisor is alerted; it reconnects: cleared."""
    board = HubClient(devices_hub.url, device_name="display-hall", kind="display", enroll_code=devices_hub.enroll_code,
                      config_dir=tmp_path / "board")
    board.start()
    try:
        wait_for(qtbot, lambda: board.online)
        wait_for(qtbot, lambda: rows(supervisor).get("display-hall", [None, None])[1] == "متصل")
        board.stop()
        wait_for(qtbot, lambda: supervisor.device_alerts.isVisible())
        (line,) = alert_lines(supervisor)
        assert line.startswith("الجهاز display-hall غير متصل منذ")
        assert rows(supervisor)["display-hall"][1].startswith("غير متصل منذ")
        assert len(supervisor.sink.paths) == 1
        board.start()
        wait_for(qtbot, lambda: not supervisor.device_alerts.isVisible())
        assert rows(supervisor)["display-hall"][1] == "متصل"
    finally:
        board.stop()


def test_a_clerk_sees_no_devices_and_hears_nothing(app, devices_hub: LiveHub, qtbot, tmp_path: Path) -> None:
    """A clerk's window never asks for the device list (the hub would refuse it) and never alerts."""
    sink = RecordingSink()
    client = HubClient(devices_hub.url, device_name="counter-1", kind="counter", enroll_code=devices_hub.enroll_code,
                       config_dir=tmp_path / "clerk")
    window = build_counter_window(client, counter=1, auto_login=("clerk1", CLERKS["clerk1"][0]), alert_sink=sink)
    qtbot.addWidget(window)
    try:
        wait_for(qtbot, lambda: window.model.logged_in)
        assert not window.hall.device_watch.following and not window.device_alerts.isVisible()
        qtbot.wait(300)
        assert sink.paths == []
    finally:
        client.stop()

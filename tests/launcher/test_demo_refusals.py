"""The demo's windows say why they lost the hub, on screen and in the log, like each role on its own."""

from __future__ import annotations

import logging
from pathlib import Path

from launcher.allinone import build_hall
from launcher.embedded import EmbeddedHub
from qt_common.i18n import strip_bidi
from qt_common.sound import RecordingSink

WAIT_MS = 20_000


def test_when_the_demo_hub_goes_every_window_names_its_address(app, qtbot, tmp_path: Path, caplog) -> None:
    """The embedded hub stops: counter and board banners and the kiosk's screen say the hub at 127.0.0.1:PORT cannot be reached."""
    caplog.set_level(logging.WARNING, logger="qt_common.hub_client")
    hub = EmbeddedHub(tmp_path / "demo.sqlite", enroll_code="demo-refusal", simulated_clerks=0).start()
    hall = build_hall(hub, config_dir=tmp_path / "devices", printer="dummy://", sink=RecordingSink(), announce=False)
    try:
        for window in hall.windows():
            window.show()
        qtbot.waitUntil(lambda: all(client.online for client in hall.clients.values()), timeout=WAIT_MS)
        hub.stop()
        address = f"127.0.0.1:{hub.port}"
        qtbot.waitUntil(lambda: all(c.problem is not None for c in hall.clients.values()), timeout=WAIT_MS)
        for window in (hall.counter, hall.board):
            qtbot.waitUntil(lambda w=window: w.offline_banner.isVisible(), timeout=WAIT_MS)
            assert strip_bidi(window.offline_banner.english_label.text()) == f"The hub at {address} cannot be reached"
            assert address in strip_bidi(window.offline_banner.arabic_label.text())
        qtbot.waitUntil(lambda: hall.kiosk.screen_name == "unavailable", timeout=WAIT_MS)
        assert any(address in label.text() for label in hall.kiosk.unavailable.problem_labels.values())
        logged = [r.getMessage() for r in caplog.records if "cannot join" in r.getMessage()]
        assert len(logged) == 3 and all(address in line for line in logged)  # once per window, not per retry
    finally:
        hall.close()

"""A board that cannot join the hub says why on its banner, in both languages; another --board keeps its enrollment."""

from __future__ import annotations

from pathlib import Path

from display_board.app import build_board_window
from display_board.cli import device_name_for
from qt_common.hub_client import HubClient
from qt_common.i18n import strip_bidi
from qt_common.sound import RecordingSink
from tests.support import LiveHub, free_port

WAIT_MS = 20_000


def banner(window) -> tuple[str, str]:
    b = window.offline_banner
    return strip_bidi(b.arabic_label.text()), strip_bidi(b.english_label.text())


def test_an_unreachable_hub_is_named_on_the_board(app, qtbot, tmp_path: Path, out_dir: Path) -> None:
    """Nothing at --hub: the board's banner names the address in Arabic and English instead of "connecting…"."""
    port = free_port()
    client = HubClient(f"http://127.0.0.1:{port}", device_name="display-all-x", kind="display", enroll_code="x",
                       config_dir=tmp_path / "c", timeout_ms=2000)
    window = build_board_window(client, sink=RecordingSink(), announce=False)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.offline_banner.isVisible() and window.offline_banner.problem is not None, timeout=WAIT_MS)
        arabic, english = banner(window)
        assert english == f"The hub at 127.0.0.1:{port} cannot be reached"
        assert arabic == f"تعذّر الوصول إلى الخادم على 127.0.0.1:{port}"
        assert window.grab().save(str(out_dir / "board-unreachable-1920x1080.png"))
    finally:
        window.shutdown()
        client.stop()


def test_a_wrong_code_is_said_on_the_board(app, qtbot, live_hub: LiveHub, tmp_path: Path, out_dir: Path) -> None:
    """A board started with a wrong --enroll-code says the hub refused the code, and what to do."""
    client = HubClient(live_hub.url, device_name="display-all-wrong", kind="display", enroll_code="nope-0000",
                       config_dir=tmp_path / "c")
    window = build_board_window(client, sink=RecordingSink(), announce=False, language="en")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.offline_banner.isVisible() and window.offline_banner.problem is not None, timeout=WAIT_MS)
        assert banner(window) == ("رفض الخادم رمز التسجيل", "The hub refused the enrollment code")
        assert not window.message_bar.isVisible()  # one explanation, not two that disagree
        assert window.grab().save(str(out_dir / "board-refused-code-1366x768.png"))
    finally:
        window.shutdown()
        client.stop()


def test_another_board_name_keeps_the_enrollment(qapp, qtbot, live_hub: LiveHub, tmp_path: Path) -> None:
    """Enrolled as the board for floor1, started for floor2 without a code: the same device, no code asked."""
    first = HubClient(live_hub.url, device_name=device_name_for("floor1", "pc7"), kind="display",
                      enroll_code=live_hub.enroll_code, config_dir=tmp_path / "c", adopt_enrolled=True)
    with qtbot.waitSignal(first.enrolled, timeout=WAIT_MS):
        first.start()
    first.stop()
    second = HubClient(live_hub.url, device_name=device_name_for("floor2", "pc7"), kind="display",
                       config_dir=tmp_path / "c", adopt_enrolled=True)
    try:
        assert second.device_token == first.device_token
        second.start()
        qtbot.waitUntil(lambda: second.online, timeout=WAIT_MS)
    finally:
        second.stop()

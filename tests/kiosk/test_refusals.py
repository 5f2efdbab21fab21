"""A kiosk that cannot join says why (for the staff, in both languages); its code entry has letters and is masked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from qt_common.i18n import strip_bidi
from tests.kiosk.conftest import WAIT_MS
from tests.support import LiveHub, free_port


def press(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_wrong_code_at_start_is_explained_on_the_code_screen(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Started with a wrong --enroll-code, the kiosk asks for the code and says the hub refused the one it had."""
    window = make_kiosk(demo_hub, enroll_code="wrong-1234", wait_home=False, name="kiosk-wrong-start")
    qtbot.waitUntil(lambda: window.screen_name == "enroll" and window.enroll.message_label.isVisible(), timeout=WAIT_MS)
    assert strip_bidi(window.enroll.message_label.text()).startswith("رفض الخادم رمز التسجيل")
    window.set_language("en")
    assert window.enroll.message_label.text().startswith("The hub refused the enrollment code. Use the code")
    window.set_language("ar")


def test_the_code_is_typed_with_letters_and_masked(make_kiosk, demo_hub: LiveHub, qtbot, tmp_path: Path) -> None:
    """Codes with capitals, small letters, digits, '-' and '_' are typed on the screen's keyboard, shown as dots, and enroll."""
    from launcher.embedded import EmbeddedHub

    code = "Ab7-x_Q9"
    hub = EmbeddedHub(tmp_path / "hub.sqlite", enroll_code=code, simulated_clerks=0).start()
    try:
        window = make_kiosk(hub, enroll_code=None, wait_home=False, name="kiosk-letters")
        qtbot.waitUntil(lambda: window.screen_name == "enroll", timeout=WAIT_MS)
        field, pad = window.enroll.field, window.enroll.pad
        assert field.echoMode() == QLineEdit.EchoMode.Password
        for char in code:
            if char.isalpha() and char.isupper() != pad.upper:
                press(qtbot, pad.case_button)
            press(qtbot, pad.buttons[char.lower()])
        assert field.text() == code
        assert field.displayText() != code and code not in field.displayText()
        press(qtbot, pad.delete_button)
        assert field.text() == code[:-1]
        press(qtbot, pad.buttons["9"])
        press(qtbot, window.enroll.submit_button)
        qtbot.waitUntil(lambda: window.screen_name == "home", timeout=WAIT_MS)
        assert window.client.is_enrolled
    finally:
        window.shutdown()
        window.client.stop()
        hub.stop()


def test_an_unreachable_hub_is_named_for_the_staff(make_kiosk, qtbot, tmp_path: Path) -> None:
    """Nothing at --hub: the unavailable screen keeps its apology and adds, in both languages, the address that failed."""
    port = free_port()

    class Nowhere:
        url = f"http://127.0.0.1:{port}"
        enroll_code = "x"

    window = make_kiosk(Nowhere(), wait_home=False, name="kiosk-nowhere")
    qtbot.waitUntil(lambda: window.unavailable.problem is not None, timeout=WAIT_MS)
    assert window.screen_name == "unavailable"
    labels = window.unavailable.problem_labels
    assert all(label.isVisible() for label in labels.values())
    english = next(label.text() for language, label in labels.items() if language.value == "en")
    assert english.startswith(f"The hub at 127.0.0.1:{port} cannot be reached.")


def test_code_and_unavailable_screens_fit(make_kiosk, qtbot, tmp_path: Path, out_dir: Path) -> None:
    """The code keyboard and the refusal lines fit 1366×768 and 1920×1080 in both languages (screenshots in out/kiosk/)."""
    port = free_port()

    class Nowhere:
        url = f"http://127.0.0.1:{port}"
        enroll_code = None

    window = make_kiosk(Nowhere(), enroll_code=None, wait_home=False, name="kiosk-shots")
    qtbot.waitUntil(lambda: window.unavailable.problem is not None or window.screen_name == "enroll", timeout=WAIT_MS)
    for screen in ("enroll", "unavailable"):
        window.show_screen(screen)
        if screen == "enroll":
            window.enroll.field.setText("Ab7x")
        for width, height in ((1366, 768), (1920, 1080)):
            window.resize(width, height)
            for language in ("ar", "en"):
                window.set_language(language)
                qtbot.wait(50)
                assert (window.width(), window.height()) == (width, height)
                page = window.screens[screen]
                for widget in page.findChildren(object):
                    if not hasattr(widget, "isVisible") or not widget.isVisible() or not hasattr(widget, "mapTo"):
                        continue
                    top_left = widget.mapTo(window, widget.rect().topLeft())
                    bottom_right = widget.mapTo(window, widget.rect().bottomRight())
                    assert top_left.x() >= 0 and top_left.y() >= 0, (screen, widget.objectName(), language, width)
                    assert bottom_right.x() <= width and bottom_right.y() <= height, (screen, widget, language, width)
                for button in [*window.enroll.pad.buttons.values(), window.enroll.pad.case_button, window.enroll.submit_button]:
                    if screen == "enroll":
                        room = button.width() - 8
                        assert button.fontMetrics().horizontalAdvance(button.text()) <= room, (button.text(), language, width)
                assert window.grab().save(str(out_dir / f"{screen}-refusal-{width}x{height}-{language}.png"))
    window.set_language("ar")


def test_a_revoked_kiosk_says_so_and_waits_for_a_new_code(make_kiosk, demo_hub: LiveHub, qtbot, out_dir: Path) -> None:
    """A supervisor revokes the kiosk: it leaves the home screen for the code screen, saying it was revoked, and does not re-enroll."""
    import httpx

    window = make_kiosk(demo_hub, name="kiosk-to-revoke")
    admin = demo_hub.enroll("admin", "kiosk-revoker")
    answer = httpx.post(f"{demo_hub.url}/api/v1/devices/{window.client.device_id}/revoke",
                        headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    qtbot.waitUntil(lambda: window.screen_name == "enroll" and window.enroll.message_label.isVisible(), timeout=WAIT_MS)
    window.set_language("en")
    assert window.enroll.message_label.text().startswith("The hub's administrator revoked this device.")
    # The prompt above the field says revoked too, never "not enrolled yet".
    assert window.enroll.prompt_label.text().startswith("This kiosk was revoked at the hub.")
    assert "not enrolled" not in window.enroll.prompt_label.text()
    window.resize(1366, 768)
    qtbot.wait(50)
    assert window.grab().save(str(out_dir / "enroll-revoked-1366x768-en.png"))
    window.set_language("ar")
    assert strip_bidi(window.enroll.message_label.text()).startswith("ألغى مسؤول النظام تسجيل هذا الجهاز")
    assert "غير مسجّل" not in window.enroll.prompt_label.text()
    assert window.grab().save(str(out_dir / "enroll-revoked-1366x768-ar.png"))
    assert not window.client.is_enrolled and window.client.enroll_code is None


def test_a_token_of_another_kind_is_explained_on_touch(make_kiosk, demo_hub: LiveHub, qtbot, tmp_path: Path) -> None:
    """The kiosk's token file holds a board's token: a touch issues nothing and the notice says the hub refuses it as a kiosk."""
    from qt_common.device_tokens import StoredDevice, TokenStore

    board_token = demo_hub.enroll("display", "kiosk-shared-name")
    TokenStore(tmp_path / "config").save(StoredDevice(demo_hub.url, "kiosk-shared-name", "display", board_token))
    window = make_kiosk(demo_hub, name="kiosk-shared-name", enroll_code=None)
    press(qtbot, window.home.service_cards[window.services[0].id])
    qtbot.waitUntil(lambda: not window.issuing, timeout=WAIT_MS)
    assert window.home.notice_label.isVisible()
    assert window.screen_name == "home" and window.current_ticket is None
    assert strip_bidi(window.home.notice_label.text()).startswith("الخادم لا يقبل هذا الجهاز ككشك تذاكر")


def test_the_connecting_line_keeps_each_ellipsis_on_its_own_side(qapp) -> None:
    """Arabic then English on one right-to-left line: "Connecting…" must not read "…Connecting"."""
    from bidi import get_display

    from kiosk.screens import UnavailableScreen

    screen = UnavailableScreen()
    screen.set_active(True)
    shown = strip_bidi(get_display(screen.status_label.text(), base_dir="R"))
    assert "Connecting…" in shown and "…Connecting" not in shown
    screen.set_active(False)

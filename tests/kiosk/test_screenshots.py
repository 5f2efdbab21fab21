"""Every kiosk screen in Arabic and English, written to out/kiosk/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from kiosk.window import KioskWindow
from tests.kiosk.conftest import SCREEN_SIZE, WAIT_MS, api, hub_services
from tests.printer.fake_printer import FakePrinter
from tests.support import LiveHub


def shoot(window: KioskWindow, qtbot, out_dir: Path, name: str, languages=("ar", "en"), size=SCREEN_SIZE) -> list[Path]:
    """Render the window in each language to `<name>-<lang>.png`; return the files.

    The window must still be the screen's size: a screen whose content does not fit would
    push the window past the glass on a real kiosk.
    """
    paths = []
    for language in languages:
        window.set_language(language)
        qtbot.wait(30)  # let the layouts settle
        assert (window.width(), window.height()) == size, f"{name} in {language} does not fit {size}"
        path = out_dir / f"{name}-{language}.png"
        assert window.grab().save(str(path))
        paths.append(path)
    window.set_language("ar")
    for path in paths:
        image = QImage(str(path))
        assert image.width() == window.width() and image.height() == window.height()
    return paths


def fill_queue(hub: LiveHub) -> None:
    """A few visitors already waiting and counters open, so counts and estimated waits show."""
    for counter in (1, 3, 6):
        hub.login(counter, username=f"clerk{min(counter, 3)}")
    token = hub.enroll("admin", "queue-filler")
    services = hub_services(hub, token)
    for code, count in (("A", 6), ("B", 2), ("E", 11)):
        for _ in range(count):
            api(hub, "POST", "/tickets", token, json={"service_id": services[code]["id"]}).raise_for_status()


def test_screenshots_of_home_priority_pin_and_unavailable(make_kiosk, demo_hub: LiveHub, qtbot, out_dir: Path) -> None:
    """Home, priority choice, priority mode, supervisor PIN and unavailable, both languages."""
    fill_queue(demo_hub)
    window = make_kiosk(demo_hub)
    qtbot.waitUntil(lambda: window.client.settled, timeout=WAIT_MS)
    shoot(window, qtbot, out_dir, "home")
    window.show_screen("priority")
    shoot(window, qtbot, out_dir, "priority")
    window.set_priority("elderly")
    shoot(window, qtbot, out_dir, "priority-home")
    window.set_priority(None)
    window.open_supervisor()
    window.pin.field.setText("12")
    window.pin.set_message(window.pin._message or None)
    shoot(window, qtbot, out_dir, "supervisor-pin")
    window.check_supervisor_pin("1234")
    qtbot.waitUntil(lambda: window.pin.submit_button.isEnabled(), timeout=WAIT_MS)
    shoot(window, qtbot, out_dir, "supervisor-pin-answer")
    window.show_screen("unavailable")
    shoot(window, qtbot, out_dir, "unavailable")
    window.show_screen("enroll")
    shoot(window, qtbot, out_dir, "enroll")
    window.go_home()
    window.resize(1080, 1920)
    qtbot.wait(30)
    shoot(window, qtbot, out_dir, "home-portrait", size=(1080, 1920))


def test_screenshots_of_groups_and_closed_services(make_kiosk, many_hub: LiveHub, qtbot, out_dir: Path) -> None:
    """The group screen and groups holding closed services (disabled, outside hours, cap reached)."""
    window = make_kiosk(many_hub)
    shoot(window, qtbot, out_dir, "groups")
    for key in ("business", "documents", "civil"):
        window.open_group(key)
        shoot(window, qtbot, out_dir, f"closed-service-{key}")
    window.go_home()


def test_screenshots_of_issuing_and_printing(make_kiosk, demo_hub: LiveHub, qtbot, out_dir: Path) -> None:
    """The number while printing, "please take your ticket", and the printer failure in both languages."""
    with FakePrinter("silent") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-shots")
        shots: list[str] = []

        def shoot_once(_ticket: object) -> None:
            if not shots:  # while the worker is still talking to the printer
                assert window.issued.phase == "printing"
                shots.extend(p.name for p in shoot(window, qtbot, out_dir, "issued-printing"))

        window.ticket_issued.connect(shoot_once)
        view = window.services[0]
        qtbot.mouseClick(window.home.service_cards[view.id], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(shots), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.issued.phase == "failed", timeout=WAIT_MS)
        shoot(window, qtbot, out_dir, "printer-failed")
        printer.mode = "ready"
        window._return_home_after_ticket()
        window.set_priority("disabled")
        qtbot.mouseClick(window.home.service_cards[window.services[2].id], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.issued.phase == "printed", timeout=WAIT_MS)
        shoot(window, qtbot, out_dir, "take-ticket")
        window.resize(800, 600)  # its share of the screen in the all-in-one demo
        qtbot.wait(30)
        shoot(window, qtbot, out_dir, "take-ticket-small", size=(800, 600))
        window._return_home_after_ticket()
        shoot(window, qtbot, out_dir, "home-small", size=(800, 600))
        window.resize(*SCREEN_SIZE)
        qtbot.wait(30)
        window.printer = None
        qtbot.mouseClick(window.home.service_cards[view.id], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
        shoot(window, qtbot, out_dir, "no-printer")


def test_screenshots_in_large_text_and_high_contrast(make_kiosk, demo_hub: LiveHub, qtbot, out_dir: Path) -> None:
    """Home and the number screen with the visitor's large text and high contrast, both languages."""
    window = make_kiosk(demo_hub, printer=None, touch_guard_ms=0)
    window.return_after_ms = 60_000
    qtbot.waitUntil(lambda: window.client.settled, timeout=WAIT_MS)
    window.set_larger_look(True)
    shoot(window, qtbot, out_dir, "large-home")
    card = next(card for card in window.home.service_cards.values() if card.isEnabled())
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    shoot(window, qtbot, out_dir, "large-issued")
    assert window.larger_look

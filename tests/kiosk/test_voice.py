"""The kiosk's complaints and suggestions box, through a real hub and the loopback TCP printer."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.voice import MAX_TEXT, clean_text
from kiosk.window import KioskWindow
from qt_common.i18n import text_of
from tests.kiosk.conftest import WAIT_MS, api
from tests.kiosk.test_screenshots import shoot
from tests.printer.fake_printer import FakePrinter, parse_commands
from tests.support import LiveHub

ARABIC = "الانتظار طويل عند الشباك 3 والمكيّف لا يعمل"


def open_form(window: KioskWindow, qtbot) -> None:
    qtbot.mouseClick(window.home.voice_button, Qt.MouseButton.LeftButton)
    assert window.screen_name == "voice"


def fill(window: KioskWindow, qtbot, kind: str | None, text: str, mobile_digits: str = "") -> None:
    screen = window.voice
    if kind is not None:
        qtbot.mouseClick(screen.kind_buttons[kind], Qt.MouseButton.LeftButton)
    screen.text_edit.setPlainText(text)
    for digit in mobile_digits:
        qtbot.mouseClick(screen.pad.buttons[digit], Qt.MouseButton.LeftButton)


def send(window: KioskWindow, qtbot) -> None:
    qtbot.mouseClick(window.voice.send_button, Qt.MouseButton.LeftButton)


def on_hub(hub: LiveHub, reference: str) -> dict:
    token = hub.enroll("admin", "voice-observer")
    answer = api(hub, "GET", f"/feedback/{reference}", token)
    answer.raise_for_status()
    return answer.json()


def feedback_count(hub: LiveHub) -> int:
    token = hub.enroll("admin", "voice-counter")
    return len(api(hub, "GET", "/feedback", token, params={"limit": 500}).json())


def test_a_complaint_filed_at_the_kiosk_shows_its_reference(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Button on the start screen → form → the hub files it as the kiosk's, with the mobile typed on the pad; the reference shows large."""
    window = make_kiosk(demo_hub, name="kiosk-voice-file")
    open_form(window, qtbot)
    fill(window, qtbot, "complaint", ARABIC, "0501234567")
    assert window.voice.mobile_field.text() == "0501234567"
    send(window, qtbot)
    qtbot.waitUntil(lambda: window.voice.showing_reference, timeout=WAIT_MS)
    reference = window.voice_desk.last_filed.reference
    assert window.voice.reference_label.number == reference and len(reference) == 10
    assert window.voice.print_phase == "none"  # no printer: the visitor is asked to note it
    stored = on_hub(demo_hub, reference)
    assert stored["kind"] == "complaint" and stored["source"] == "kiosk" and stored["status"] == "new"
    assert stored["text"] == ARABIC and stored["mobile"] == "0501234567"
    qtbot.mouseClick(window.voice.done_button, Qt.MouseButton.LeftButton)
    assert window.screen_name == "home"
    open_form(window, qtbot)
    assert window.voice.text_edit.toPlainText() == "" and window.voice.kind is None and not window.voice.showing_reference


def test_the_reference_is_printed_on_a_slip(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """With a printer, the slip (raster, then a cut) reaches the loopback printer and the screen says to take it."""
    with FakePrinter("ready") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-voice-print")
        open_form(window, qtbot)
        fill(window, qtbot, "suggestion", "Add a second kiosk near the entrance, please.")
        send(window, qtbot)
        qtbot.waitUntil(lambda: window.voice.showing_reference, timeout=WAIT_MS)
        assert window.voice.print_phase == "printing"
        qtbot.waitUntil(lambda: window.voice.print_phase != "printing", timeout=WAIT_MS)
        assert window.voice.print_phase == "printed", window.voice_desk.last_print
        assert printer.cuts == 1
        commands = [c.name for c in parse_commands(printer.received)]
        assert "raster" in commands and "cut" in commands
        assert max(i for i, name in enumerate(commands) if name == "raster") < commands.index("cut")
        (slip,) = printer.tickets()
        assert slip.width == 576 and 250 < slip.height < 1200  # a small slip, shorter than a ticket
    assert on_hub(demo_hub, window.voice_desk.last_filed.reference)["kind"] == "suggestion"


def test_a_printer_out_of_paper_leaves_the_reference_on_screen(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Paper out: nothing is cut, the reference stays large with "note the number", the staff badge shows."""
    with FakePrinter("paper_out") as printer:
        window = make_kiosk(demo_hub, printer=printer.uri, name="kiosk-voice-paper")
        open_form(window, qtbot)
        fill(window, qtbot, "thanks", "شكراً للموظفة في الشباك الأول")
        send(window, qtbot)
        qtbot.waitUntil(lambda: window.voice.print_phase == "failed", timeout=WAIT_MS)
        assert printer.cuts == 0
    assert window.voice.reference_label.number == window.voice_desk.last_filed.reference
    assert "احفظ الرقم" in window.voice.print_label.text()
    assert window.printer_trouble == "paper_out"


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (None, "no kind chosen", "اختر نوع الرسالة"),
        ("complaint", "", "اكتب رسالتك أولاً"),
        ("complaint", "   \n\t  ", "اكتب رسالتك أولاً"),
        ("complaint", "\u0001\u0002", "اكتب رسالتك أولاً"),
        ("complaint", "ا" * 10_000, "\u206610000\u2069"),
    ],
    ids=["no-kind", "empty", "blank", "control-only", "ten-thousand"],
)
def test_refused_input_says_why_and_keeps_the_form(make_kiosk, demo_hub: LiveHub, qtbot, kind, text, expected) -> None:
    """No kind, empty, blank, control characters only, 10,000 characters: a clear message, nothing filed, the form as typed."""
    window = make_kiosk(demo_hub, name="kiosk-voice-refused")
    before = feedback_count(demo_hub)
    open_form(window, qtbot)
    fill(window, qtbot, kind, text, "0555")
    send(window, qtbot)
    assert window.voice.message_label.isVisible()
    assert expected in window.voice.message_label.text()
    assert window.voice.text_edit.toPlainText() == text
    assert window.voice.mobile_field.text() == "0555" and window.voice.kind == kind
    assert not window.voice.showing_reference and window.screen_name == "voice"
    assert feedback_count(demo_hub) == before
    if len(text) > MAX_TEXT:
        window.set_language("en")
        assert "10000 characters long; at most 2000" in window.voice.message_label.text()


def test_the_hubs_refusal_of_a_bad_mobile_number_keeps_the_form(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """A number of 4 digits: the hub's own words (7 to 15 digits) above the buttons, text and number still there."""
    window = make_kiosk(demo_hub, name="kiosk-voice-mobile")
    open_form(window, qtbot)
    fill(window, qtbot, "complaint", ARABIC, "0555")
    send(window, qtbot)
    qtbot.waitUntil(lambda: window.voice.message_label.isVisible() and not window.voice.sending, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "\u20667\u2069" in window.voice.message_label.text(), timeout=WAIT_MS)
    assert window.voice.text_edit.toPlainText() == ARABIC and window.voice.mobile_field.text() == "0555"
    assert not window.voice.showing_reference


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<script>alert('x')</script><b>bold</b> &amp;", "<script>alert('x')</script><b>bold</b> &amp;"),
        ("قبل\ud800بعد \udfff end", "قبلبعد  end"),
        ("\u202egnirts desrever\u202c and \u2067RTL\u2069", "gnirts desrever and RTL"),
    ],
    ids=["html", "lone-surrogates", "bidi-controls"],
)
def test_hostile_text_is_filed_as_written(make_kiosk, demo_hub: LiveHub, qtbot, typed: str, stored: str) -> None:
    """HTML is kept as text (never markup); lone surrogates (half a character) and bidi overrides (which could reorder the inbox) are dropped, as the hub drops them."""
    window = make_kiosk(demo_hub, name="kiosk-voice-hostile")
    open_form(window, qtbot)
    window.voice.kind_buttons["complaint"].click()
    window.voice.text_edit.setPlainText(typed)
    send(window, qtbot)
    qtbot.waitUntil(lambda: window.voice.showing_reference, timeout=WAIT_MS)
    assert on_hub(demo_hub, window.voice_desk.last_filed.reference)["text"] == stored


def test_clean_text_drops_what_cannot_be_sent() -> None:
    """Lone surrogates and control characters go; line breaks, tabs and every letter stay."""
    assert clean_text(" \ud83dأهلاً\u0000\tو\nسهلاً\udc00 ") == "أهلاً\tو\nسهلاً"
    assert clean_text("😀") == "😀"


def test_nobody_touching_returns_to_the_start_and_clears_the_form(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Idle: back to the start screen in the kiosk's own language, and the next visitor finds a blank form."""
    window = make_kiosk(demo_hub, name="kiosk-voice-idle")
    window.toggle_language()
    open_form(window, qtbot)
    window.voice_desk.idle_timer.setInterval(300)
    fill(window, qtbot, "complaint", "half written", "05")
    assert window.voice_desk.idle_timer.isActive()
    qtbot.waitUntil(lambda: window.screen_name == "home", timeout=WAIT_MS)
    assert window.language.value == "ar"
    assert window.voice.text_edit.toPlainText() == "" and window.voice.mobile_field.text() == "" and window.voice.kind is None


def test_the_reference_screen_returns_home_by_itself(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """After the reference has been shown for a while the kiosk is back at its start screen, form cleared."""
    window = make_kiosk(demo_hub, name="kiosk-voice-done")
    window.voice_desk.done_timer.setInterval(300)
    open_form(window, qtbot)
    fill(window, qtbot, "thanks", "Thank you")
    send(window, qtbot)
    qtbot.waitUntil(lambda: window.voice.showing_reference, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.screen_name == "home", timeout=WAIT_MS)
    assert window.voice.reference == "" and not window.voice.showing_reference


def test_screenshots_of_the_voice_form(make_kiosk, demo_hub: LiveHub, qtbot, out_dir: Path) -> None:
    """The start screen's button, the form with an Arabic message and an error, and the reference, both languages."""
    window = make_kiosk(demo_hub, name="kiosk-voice-shots")
    shoot(window, qtbot, out_dir, "voice-home")
    open_form(window, qtbot)
    fill(window, qtbot, "complaint", ARABIC + "\nرقم التذكرة \u2066A-105\u2069", "0501234567")
    shoot(window, qtbot, out_dir, "voice-form")
    window.voice.text_edit.setPlainText("")
    send(window, qtbot)
    shoot(window, qtbot, out_dir, "voice-refused")
    window.voice.text_edit.setPlainText(ARABIC)
    send(window, qtbot)
    qtbot.waitUntil(lambda: window.voice.showing_reference, timeout=WAIT_MS)
    shoot(window, qtbot, out_dir, "voice-reference")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_form_and_the_reference_fit_every_screen_size(make_kiosk, demo_hub: LiveHub, qtbot, language: str) -> None:
    """The start screen with its button, the filled form with a message, and the reference: nothing cut or overlapping."""
    from tests.fit import OUT_DIR, SCREENS, fit_problems, settle
    from tests.fit import shoot as shoot_fit

    window = make_kiosk(demo_hub, language=language, name=f"kiosk-voice-fit-{language}")
    problems: list[str] = []
    for screen in SCREENS:
        window.resize(*screen)
        window.go_home()
        settle(60)
        problems += [f"home-{screen}: {p}" for p in fit_problems(window)]
        open_form(window, qtbot)
        fill(window, qtbot, "suggestion", ARABIC, "0501234567")
        window.voice.set_message(text_of("kiosk.voice.empty"))
        settle(60)
        shoot_fit(window, f"voice-form-{language}-{screen[0]}x{screen[1]}", OUT_DIR / "kiosk")
        problems += [f"form-{screen}: {p}" for p in fit_problems(window)]
        window.voice.show_reference("9WS4YR4CRR", printing=True)
        settle(60)
        problems += [f"reference-{screen}: {p}" for p in fit_problems(window)]
        assert (window.width(), window.height()) == screen
        window.voice_desk.leave()
    assert not problems, "\n".join(problems)


def test_the_text_box_reads_the_way_its_text_starts(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """Arabic typed on the English screen stands at the right, English on the Arabic screen at the left; empty follows the language."""
    window = make_kiosk(demo_hub, name="kiosk-voice-direction")
    open_form(window, qtbot)
    option = window.voice.text_edit.document().defaultTextOption
    assert option().textDirection() == Qt.LayoutDirection.RightToLeft
    window.voice.text_edit.setPlainText("  (12) Hello")
    assert option().textDirection() == Qt.LayoutDirection.LeftToRight
    window.set_language("en")
    window.voice.text_edit.setPlainText("")
    assert option().textDirection() == Qt.LayoutDirection.LeftToRight
    window.voice.text_edit.setPlainText("3 الانتظار")
    assert option().textDirection() == Qt.LayoutDirection.RightToLeft
    assert option().alignment() & Qt.AlignmentFlag.AlignRight


def test_a_hub_out_of_reach_keeps_the_form_and_a_later_send_files_it(make_kiosk, qtbot, tmp_path: Path) -> None:
    """The hub goes down while a visitor writes: the form stays (not the "unavailable" screen), sending says
    to try again, nothing is lost; once the hub is back the same form is filed."""
    hub = LiveHub(tmp_path / "hub").start()
    try:
        window = make_kiosk(hub, name="kiosk-voice-offline")
        open_form(window, qtbot)
        fill(window, qtbot, "complaint", ARABIC, "0501234567")
        hub.kill()
        qtbot.waitUntil(lambda: not window.client.online, timeout=WAIT_MS)
        qtbot.wait(window._offline_timer.interval() + 200)
        assert window.screen_name == "voice"
        send(window, qtbot)
        qtbot.waitUntil(lambda: not window.voice.sending, timeout=WAIT_MS)
        assert "تعذّر الإرسال" in window.voice.message_label.text()
        assert window.voice.text_edit.toPlainText() == ARABIC and window.voice.mobile_field.text() == "0501234567"
        hub.start()
        qtbot.waitUntil(lambda: window.client.online, timeout=WAIT_MS)
        send(window, qtbot)
        qtbot.waitUntil(lambda: window.voice.showing_reference, timeout=WAIT_MS)
        assert on_hub(hub, window.voice_desk.last_filed.reference)["text"] == ARABIC
    finally:
        hub.stop()

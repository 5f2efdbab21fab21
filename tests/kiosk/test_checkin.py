"""The kiosk's "I have an appointment": a scanner's keys on the start screen check a booking in
and print its appointment ticket on a TCP printer; typed codes, too-early and late bookings, a
remote ticket's arrival and refused codes each get their screen, in Arabic and English."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core import commands
from core.commands import open_store
from core.config import parse_config
from qt_common.appointments import clock_text
from qt_common.i18n import Language
from tests.kiosk.conftest import SCREEN_SIZE, WAIT_MS
from tests.kiosk.test_screenshots import shoot
from tests.printer.fake_printer import FakePrinter
from tests.support import LiveHub, demo_config_text, rollover_away_from_now

ON_TIME, SECOND, EARLY, LATE, CANCELLED, TOMORROW = (
    "SCAN222222", "TYPE333333", "SNNN444444", "RATE555555", "GXNE666666", "NEXT777777",
)


def _prepare(tx) -> str:
    """Today's bookings around now (as the booking store writes them) and one remote ticket; its code."""
    service_id = tx.catalogue.services_by_code["A"].id
    for code, offset, status, day in (
        (ON_TIME, 600, "booked", tx.business_day),
        (SECOND, 300, "booked", tx.business_day),
        (EARLY, 3 * 3600, "booked", tx.business_day),
        (LATE, -40 * 60, "booked", tx.business_day),
        (CANCELLED, 900, "cancelled", tx.business_day),
        (TOMORROW, 86_400, "booked", "2099-01-01"),
    ):
        tx.conn.execute(
            "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, status, source, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 15, '0500000000', ?, 'web', ?, ?)",
            (code, service_id, day, tx.now + offset, status, tx.now, tx.now),
        )
    return commands.issue_remote_ticket(tx, service_id, 5)["code"]


@pytest.fixture(scope="module")
def booked_hub(tmp_path_factory) -> Iterator[tuple[LiveHub, str]]:
    """A hub whose database holds today's bookings and a remote ticket (its code comes along)."""
    hub = LiveHub(tmp_path_factory.mktemp("kiosk-checkin-hub"), config_text=rollover_away_from_now(demo_config_text()))
    with open_store(hub.db_path, parse_config(hub.config_text, "centre.toml")) as store:
        remote_code = store.call(_prepare)
    hub.start()
    yield hub, remote_code
    hub.stop()


def scan(window, qtbot, text: str) -> None:
    """What a keyboard-wedge scanner does: the QR code's text as keys, then Enter."""
    qtbot.keyClicks(window, text)
    qtbot.keyClick(window, Qt.Key.Key_Return)


def test_a_scan_on_the_start_screen_prints_the_appointment_ticket(make_kiosk, booked_hub, qtbot, out_dir: Path):
    """Keys typed as a scanner types them, no touch: the hub checks in, the printer gets the ticket with its mark and slot time."""
    hub, _remote = booked_hub
    previews = []
    with FakePrinter("ready") as printer:
        window = make_kiosk(hub, printer=printer.uri, name="kiosk-scan", on_printed=lambda image, outcome: previews.append(image))
        assert window.screen_name == "home"
        scan(window, qtbot, f"http://192.168.1.10:8470/book/{ON_TIME}")
        qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.issued.phase == "printed", timeout=WAIT_MS)
        assert printer.cuts == 1
        (printed,) = printer.tickets()
    ticket = window.current_ticket.ticket
    assert ticket.priority.value == "appointment" and ticket.slot_start is not None and ticket.booking_id is not None
    # The badge on screen names the slot's time, its digits left to right inside the Arabic.
    assert window.issued.priority_label.text() == f"موعد \u2068{clock_text(ticket.slot_start, Language.AR)}\u2069"
    # The bytes the printer received are the kiosk's own drawing of this ticket...
    (drawn,) = previews
    assert printed.convert("1").tobytes() == drawn.convert("1").tobytes()
    # ...which carries the mark and this slot's time: without them, or an hour later, it differs.
    from printer.layout import render_ticket
    from printer.ticket import TicketPrint

    state = window.client.state
    service = state.service(ticket.service_id).to_dict()
    as_printed = TicketPrint.from_hub(ticket.to_dict(), service=service, centre=state.centre.to_dict(), hub_url=None)
    slot = datetime.fromisoformat(ticket.slot_start)
    without = render_ticket(dataclasses.replace(as_printed, slot_start=None, priority="normal")).tobytes()
    later = render_ticket(dataclasses.replace(as_printed, slot_start=slot.replace(hour=(slot.hour + 1) % 24))).tobytes()
    with_mark = render_ticket(as_printed).tobytes()
    assert with_mark not in (without, later)
    assert printed.height == drawn.height
    drawn.save(out_dir / "checkin-printed-ticket-ar.png")
    render_ticket(dataclasses.replace(as_printed, language="en")).save(out_dir / "checkin-printed-ticket-en.png")
    shoot(window, qtbot, out_dir, "checkin-issued")


def test_typing_on_the_keys_checks_in(make_kiosk, booked_hub, qtbot):
    """The on-screen keys type the code (small letters and hyphens are fine): the appointment ticket is issued."""
    hub, _remote = booked_hub
    window = make_kiosk(hub, printer=None, name="kiosk-typed")
    qtbot.mouseClick(window.home.appointment_button, Qt.MouseButton.LeftButton)
    assert window.screen_name == "checkin" and window.check_in.screen.page == "entry"
    pad = window.check_in.screen.pad
    pad.set_upper(False)
    for key in SECOND.lower()[:4] + "-" + SECOND.lower()[4:]:
        qtbot.mouseClick(pad.buttons[key], Qt.MouseButton.LeftButton)
    assert window.check_in.screen.field.text() == "type-333333"
    qtbot.mouseClick(window.check_in.screen.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    assert window.current_ticket.ticket.slot_start is not None


def test_too_early_says_when_to_come_back(make_kiosk, booked_hub, qtbot, out_dir: Path):
    """Three hours early: the slot and the opening time, numbers kept in order inside the Arabic; nothing issued."""
    hub, _remote = booked_hub
    window = make_kiosk(hub, printer=None, name="kiosk-early")
    qtbot.mouseClick(window.home.appointment_button, Qt.MouseButton.LeftButton)
    shoot(window, qtbot, out_dir, "checkin-scan-prompt")
    screen = window.check_in.screen
    qtbot.keyClicks(screen.field, EARLY)
    qtbot.keyClick(screen.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.page == "answer", timeout=WAIT_MS)
    assert screen.outcome == "too_early" and window.current_ticket is None
    answer = screen._answer
    opens = clock_text(answer.opens_at, Language.AR)
    assert f"\u2068{opens}\u2069" in screen.answer_detail.text()
    assert f"\u2068{clock_text(answer.slot_start, Language.AR)}\u2069" in screen.answer_detail.text()
    shoot(window, qtbot, out_dir, "checkin-too-early")
    window.set_language("en")
    assert clock_text(answer.opens_at, Language.EN) in screen.answer_detail.text()
    window.set_language("ar")


def test_late_is_offered_a_normal_ticket(make_kiosk, booked_hub, qtbot, out_dir: Path):
    """Forty minutes late: the offer; a touch on it issues a normal ticket."""
    hub, _remote = booked_hub
    window = make_kiosk(hub, printer=None, name="kiosk-late")
    scan(window, qtbot, LATE)
    screen = window.check_in.screen
    qtbot.waitUntil(lambda: screen.page == "answer", timeout=WAIT_MS)
    assert screen.outcome == "late" and screen.walk_in_button.isVisible()
    shoot(window, qtbot, out_dir, "checkin-late-offer")
    qtbot.mouseClick(screen.walk_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    ticket = window.current_ticket.ticket
    assert ticket.priority.value == "normal" and ticket.slot_start is None and ticket.booking_id is not None


def test_a_remote_tickets_code_says_welcome(make_kiosk, booked_hub, qtbot, out_dir: Path):
    """The phone's QR (its page's address) scanned: "welcome, you're in the queue" with the number."""
    hub, remote_code = booked_hub
    window = make_kiosk(hub, printer=None, name="kiosk-arrival")
    scan(window, qtbot, f"http://192.168.1.10:8470/t/{remote_code}")
    screen = window.check_in.screen
    qtbot.waitUntil(lambda: screen.page == "answer", timeout=WAIT_MS)
    assert screen.outcome == "arrived" and screen.answer_title.text() == "أهلاً بك، أنت في الدور"
    assert screen.answer_number.isVisible() and screen.answer_number.number.startswith("A-")
    shoot(window, qtbot, out_dir, "checkin-arrived")


@pytest.mark.parametrize(("code", "words"), [
    (CANCELLED, "تم إلغاء هذا الحجز"), (TOMORROW, "\u206601/01/2099\u2069"), ("ZZZZ999999", "لا يوجد حجز"), ("'; DROP TABLE bookings;--", "لا يوجد حجز"),  # the scan field keeps code characters only
])
def test_refused_codes_are_explained(make_kiosk, booked_hub, qtbot, out_dir: Path, code: str, words: str):
    """Cancelled, another day's, unknown and hostile codes: the hub's words, a way to try again, nothing issued."""
    hub, _remote = booked_hub
    window = make_kiosk(hub, printer=None, name=f"kiosk-refused-{code[:4]}")
    scan(window, qtbot, code)
    screen = window.check_in.screen
    qtbot.waitUntil(lambda: screen.page == "answer", timeout=WAIT_MS)
    assert screen.outcome == "refused" and words in screen.answer_detail.text()
    assert screen.again_button.isVisible() and window.current_ticket is None
    if code == CANCELLED:
        shoot(window, qtbot, out_dir, "checkin-refused")
    qtbot.mouseClick(screen.again_button, Qt.MouseButton.LeftButton)
    assert screen.page == "entry" and screen.field.text() == ""


def test_a_long_burst_of_keys_is_cut_and_stray_keys_are_forgotten(make_kiosk, booked_hub, qtbot):
    """A stuck scanner sending 10 KB is cut at the scan limit; keys without Enter are dropped after a pause."""
    hub, _remote = booked_hub
    window = make_kiosk(hub, printer=None, name="kiosk-burst")
    listener = window.check_in.listener
    qtbot.keyClicks(window, "X" * 1000)
    assert len(listener.buffer) == 300 and window.screen_name == "home"
    listener._quiet.setInterval(50)
    qtbot.keyClicks(window, "Y")
    qtbot.waitUntil(lambda: listener.buffer == "", timeout=WAIT_MS)
    assert window.screen_name == "home" and (window.width(), window.height()) == SCREEN_SIZE


def test_space_and_a_lone_enter_stay_a_keyboard_users(make_kiosk, booked_hub, qtbot):
    """Space (press the focused card) and Enter with nothing scanned are not taken by the scan field."""
    hub, _remote = booked_hub
    window = make_kiosk(hub, printer=None, name="kiosk-keyboard")
    listener = window.check_in.listener
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert listener.buffer == "" and window.screen_name == "home"


def test_the_check_in_screen_returns_home_when_left(make_kiosk, booked_hub, qtbot):
    """Left on the check-in screen the kiosk goes back to the start screen; typing keeps it there meanwhile."""
    hub, _remote = booked_hub
    window = make_kiosk(hub, printer=None, name="kiosk-idle")
    window._idle_timer.setInterval(400)
    qtbot.mouseClick(window.home.appointment_button, Qt.MouseButton.LeftButton)
    screen = window.check_in.screen
    for key in "ABCD":
        qtbot.wait(250)
        qtbot.mouseClick(screen.pad.buttons[key.lower()], Qt.MouseButton.LeftButton)
        assert window.screen_name == "checkin"
    assert screen.field.text() == "ABCD"
    qtbot.waitUntil(lambda: window.screen_name == "home", timeout=WAIT_MS)

"""An appointment ticket's call on the board names its slot ("موعد 4:30 م · Appointment 4:30 PM")
in place of "Number", both languages at once, digits kept in order; walk-ins' calls are unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from pytestqt.qtbot import QtBot

from qt_common.appointments import clock_text
from qt_common.i18n import Language
from tests.display_board.board_support import WAIT_MS, Hall, MakeBoard, wait_caught_up


def next_slot() -> str:
    """The demo centre's next 15-minute slot, in its own time (check-in opens 30 minutes before)."""
    now = datetime.now(ZoneInfo("Asia/Riyadh")).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return (now + timedelta(minutes=-now.minute % 15)).strftime("%Y-%m-%dT%H:%M")


def test_an_appointment_call_names_its_slot(qtbot: QtBot, board_hall: Hall, make_board: MakeBoard, out_dir: Path) -> None:
    """Booked at /book, checked in at the kiosk, called at counter 7: the board's caption gives the slot in both languages."""
    hall = board_hall
    booked = httpx.post(f"{hall.hub.url}/api/v1/public/bookings", timeout=15,
                        json={"service_id": hall.services["F"], "slot_start": next_slot(), "mobile": "0551234567"})
    assert booked.status_code == 201, booked.text
    checked_in = hall.api("POST", "/check-in", hall.kiosk, json={"code": booked.json()["code"]})
    assert checked_in.status_code == 200 and checked_in.json()["outcome"] == "ticket", checked_in.text
    ticket = checked_in.json()["ticket"]
    board = make_board(hall.hub, "board-appointment")
    wait_caught_up(qtbot, board, hall.hub)
    token, counter_id = hall.hub.login(7, "super")
    called = hall.api("POST", f"/counters/{counter_id}/call-next", token)
    assert called.status_code == 200 and called.json()["id"] == ticket["id"], called.text
    latest = board.window.latest
    qtbot.waitUntil(lambda: latest.call is not None and latest.call.ticket_id == ticket["id"], timeout=WAIT_MS)
    slot = ticket["slot_start"]
    assert latest.caption.text() == (
        f"موعد \u2068{clock_text(slot, Language.AR)}\u2069 · Appointment {clock_text(slot, Language.EN)}"
    )
    assert board.window.grab().save(str(out_dir / "board-appointment-ar.png"))
    english = make_board(hall.hub, "board-appointment-en", language="en")
    wait_caught_up(qtbot, english, hall.hub)
    qtbot.waitUntil(lambda: english.window.latest.call is not None and english.window.latest.call.ticket_id == ticket["id"],
                    timeout=WAIT_MS)
    assert english.window.latest.caption.text().startswith(f"Appointment {clock_text(slot, Language.EN)} · موعد")
    assert english.window.grab().save(str(out_dir / "board-appointment-en.png"))
    # A walk-in's call keeps the usual caption.
    hall.issue("A")
    walk_in = hall.call_next(1)
    qtbot.waitUntil(lambda: latest.call is not None and latest.call.ticket_id == walk_in["id"], timeout=WAIT_MS)
    assert "موعد" not in latest.caption.text()

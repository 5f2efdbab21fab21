"""Appointment tickets at the counter: the queue list and the called ticket show the slot's time
beside the number, in Arabic (digits kept in order) and English, against a real hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from core.commands import open_store
from core.config import parse_config
from qt_common.appointments import clock_text
from qt_common.i18n import Language, set_language
from tests.counter_ui.conftest import Hall, shoot, wait_for
from tests.support import LiveHub, demo_config_text, rollover_away_from_now

BOOKED = "CNTR222222"


def _add_booking(tx) -> None:
    tx.conn.execute(
        "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, source, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 15, '0500000000', 'web', ?, ?)",
        (BOOKED, tx.catalogue.services_by_code["A"].id, tx.business_day, tx.now - 60, tx.now, tx.now),
    )


@pytest.fixture
def booked_hall(tmp_path: Path, qapp: QApplication) -> Iterator[Hall]:
    """A hub with a booking whose slot began a minute ago, and a kiosk."""
    hub = LiveHub(tmp_path / "hub", config_text=rollover_away_from_now(demo_config_text()))
    with open_store(hub.db_path, parse_config(hub.config_text, "centre.toml")) as store:
        store.call(_add_booking)
    hub.start()
    hall = Hall(hub, tmp_path / "config")
    yield hall
    hall.close()
    hub.stop()


def test_the_queue_and_the_called_ticket_show_the_slot(app, booked_hall: Hall, qtbot, out_dir: Path):
    """Checked in at the kiosk: "موعد h:mm" in the queue row and on the called ticket; it is called before an earlier walk-in."""
    hall = booked_hall
    walk_in = hall.issue("A")
    answer = hall.api("POST", "/check-in", json={"code": BOOKED})
    assert answer.status_code == 200, answer.text
    appointment = answer.json()["ticket"]
    window = hall.window(qtbot, counter=1)
    panel = window.queue_panel
    wait_for(qtbot, lambda: panel.list.count() == 2)
    slot_ar = clock_text(appointment["slot_start"], Language.AR)
    rows = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert any(appointment["number"] in row and f"موعد \u2068{slot_ar}\u2069" in row for row in rows), rows
    assert not any("موعد" in row for row in rows if walk_in["number"] in row)
    shoot(window, out_dir, "appointment-queue-ar")
    set_language(app, Language.EN)
    wait_for(qtbot, lambda: any(f"Appointment {clock_text(appointment['slot_start'], Language.EN)}" in panel.list.item(i).text()
                                for i in range(panel.list.count())))
    shoot(window, out_dir, "appointment-queue-en")
    set_language(app, Language.AR)
    window.actions.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    assert window.model.ticket.id == appointment["id"], "its slot has begun: called before the earlier walk-in"
    badge = window.ticket_card.priority_badge
    wait_for(qtbot, lambda: badge.isVisible() and badge.text() == f"موعد \u2068{slot_ar}\u2069")
    shoot(window, out_dir, "appointment-called-ar")
    set_language(app, Language.EN)
    wait_for(qtbot, lambda: badge.text() == f"Appointment {clock_text(appointment['slot_start'], Language.EN)}")
    shoot(window, out_dir, "appointment-called-en")
    set_language(app, Language.AR)

"""The counter's queue tells remote tickets apart, and follows their visitor's arrival live."""

from __future__ import annotations

import httpx

from qt_common.i18n import Language, set_language, strip_bidi, tr_in
from tests.counter_ui.conftest import shoot, wait_for


def item_texts(window) -> list[str]:
    panel = window.queue_panel
    return [strip_bidi(panel.list.item(i).text()) for i in range(panel.list.count())]


def test_queue_marks_remote_tickets_and_their_arrival(app, hall, qtbot, out_dir):
    """A phone's ticket shows "remote, not here yet" until the kiosk's scan, then "remote,
    arrived", without a reload; a walk-in shows neither. Both languages."""
    window = hall.window(qtbot, counter=5)
    walk_in = hall.issue("C")
    taken = httpx.post(f"{hall.hub.url}/api/v1/public/remote-tickets", json={"service_id": hall.service_id("C")}, timeout=10)
    assert taken.status_code == 201, taken.text
    remote = taken.json()
    wait_for(qtbot, lambda: len(window.model.queue()) == 2)
    wait_for(qtbot, lambda: window.queue_panel.list.count() == 2)
    away = strip_bidi(tr_in(Language.AR, "counter_ui.queue.remote"))
    here = strip_bidi(tr_in(Language.AR, "counter_ui.queue.remote_arrived"))
    texts = item_texts(window)
    assert walk_in["number"] in texts[0] and away not in texts[0] and here not in texts[0]
    assert remote["ticket"]["number"] in texts[1] and away in texts[1]
    shoot(window, out_dir, "queue-remote-away-ar")
    arrived = hall.api("POST", f"/tickets/{remote['code']}/arrived")
    assert arrived.status_code == 200, arrived.text
    wait_for(qtbot, lambda: here in item_texts(window)[1])
    assert window.model.queue()[1].arrived_at is not None
    shoot(window, out_dir, "queue-remote-arrived-ar")
    set_language(app, Language.EN)
    wait_for(qtbot, lambda: "remote: arrived" in item_texts(window)[1])
    shoot(window, out_dir, "queue-remote-arrived-en")
    set_language(app, Language.AR)


def test_skipped_remote_ticket_moves_to_the_back_of_the_queue(app, hall, qtbot):
    """Its turn came before its visitor arrived: the counter's list shows it behind the walk-in
    issued after it, from the ticket.skipped event alone."""
    window = hall.window(qtbot, counter=5)
    taken = httpx.post(f"{hall.hub.url}/api/v1/public/remote-tickets", json={"service_id": hall.service_id("C")}, timeout=10).json()
    first = hall.issue("C")
    second = hall.issue("C")
    wait_for(qtbot, lambda: len(window.model.queue()) == 3)
    assert window.model.queue()[0].number == taken["ticket"]["number"]
    window.actions.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    assert window.model.ticket.id == first["id"]
    wait_for(qtbot, lambda: [t.id for t in window.model.queue()][-1:] != [second["id"]])
    assert [t.number for t in window.model.queue()] == [second["number"], taken["ticket"]["number"]]
    assert window.model.queue()[1].remote_skips == 1

"""Robustness against a real hub: races between counters, refusals in plain words, a hub that goes away."""

from __future__ import annotations

from PySide6.QtCore import Qt

from counter_ui.strings import explain
from qt_common.hub_errors import HubError
from qt_common.i18n import Language, set_language, strip_bidi, tr_in
from tests.counter_ui.conftest import press, shoot, wait_for


def test_two_counters_racing_for_one_ticket(app, hall, qtbot):
    """Both counters press Call next at once for the only visitor: exactly one gets them, the other hears nobody waits."""
    ticket = hall.issue("A")
    first = hall.window(qtbot, counter=1, user="clerk1")
    second = hall.window(qtbot, counter=2, user="clerk2")
    # Both requests leave in the same turn of the event loop, before either answer is read.
    first.actions.call_next.click()
    second.actions.call_next.click()
    wait_for(qtbot, lambda: not first.model.busy and not second.model.busy)
    holders = [w for w in (first, second) if w.model.ticket is not None]
    assert len(holders) == 1
    loser = second if holders[0] is first else first
    assert holders[0].model.ticket.id == ticket["id"]
    assert loser.model.ticket is None
    assert strip_bidi(loser.message_bar.label.text()) == tr_in(Language.AR, "counter_ui.nobody_waiting")
    state = hall.state()
    holding = [c["number"] for c in state["counters"] if (c["current_ticket"] or {}).get("id") == ticket["id"]]
    assert holding == [holders[0].model.counter.number]
    # Both counters' live views agree on who holds it.
    wait_for(qtbot, lambda: loser.model.client.state.counter(holders[0].model.counter_id).current_ticket is not None)


def test_two_counters_racing_for_one_number(app, hall, qtbot, out_dir):
    """Both type the same number: one serves it, the other gets the hub's 409 explained in plain words, in both languages."""
    ticket = hall.issue("A")
    first = hall.window(qtbot, counter=1, user="clerk1")
    second = hall.window(qtbot, counter=2, user="clerk2")
    first.model.call_number(ticket["number"])
    second.model.call_number(ticket["number"])
    wait_for(qtbot, lambda: not first.model.busy and not second.model.busy)
    holders = [w for w in (first, second) if w.model.ticket is not None]
    assert len(holders) == 1
    loser = second if holders[0] is first else first
    error = loser.model.last_error
    assert error is not None and error.status == 409
    shown = loser.message_bar.label.text()
    assert tr_in(Language.AR, f"counter_ui.error.{error.code}") in shown
    assert error.message_ar in shown  # the hub's own detail names the ticket
    shoot(loser, out_dir, "refused-409-ar")
    set_language(app, Language.EN)
    assert tr_in(Language.EN, f"counter_ui.error.{error.code}") in loser.message_bar.label.text()
    shoot(loser, out_dir, "refused-409-en")


def test_refusal_for_a_number_of_another_service(app, hall, qtbot):
    """A number of a service this counter does not serve is refused (409 wrong_service) with its own explanation."""
    other = hall.issue("E")
    window = hall.window(qtbot, counter=1)
    window.model.call_number(other["number"])
    wait_for(qtbot, lambda: window.model.last_error is not None)
    assert window.model.last_error.code == "wrong_service"
    assert tr_in(Language.AR, "counter_ui.error.wrong_service") in window.message_bar.label.text()
    assert hall.ticket(other["id"])["status"] == "waiting"


def test_bad_numbers_are_refused_and_lose_nothing(app, hall, qtbot):
    """Empty, huge, hostile and malformed numbers get a clear message; the counter stays usable."""
    ticket = hall.issue("A")
    window = hall.window(qtbot, counter=1)
    for text in ("", "   ", "A" * 500, "\u202eA-001", "'; DROP TABLE tickets;--", "٣٣٣"):
        window.model.last_error = None
        window.model.call_number(text)
        wait_for(qtbot, lambda: window.model.last_error is not None and not window.model.busy)
        assert window.model.last_error.status in (404, 409, 422), text
        assert window.message_bar.isVisible()
    assert window.model.ticket is None
    window.actions.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    assert window.model.ticket.id == ticket["id"]


def test_explanations_exist_for_every_refusal_code():
    """Each code the hub uses for a clerk's step has its own words; unknown codes fall back, with the hub's detail."""
    for code in ("ticket_in_hand", "counter_paused", "counter_closed", "impossible_step", "wrong_counter",
                 "wrong_service", "same_service", "service_closed", "not_found", "wrong_pin", "locked_out"):
        text = explain(HubError(409, code, "detail en", "تفصيل"))
        assert text.ar.startswith(tr_in(Language.AR, f"counter_ui.error.{code}")) and text.ar.endswith("تفصيل")
        assert text.en.startswith(tr_in(Language.EN, f"counter_ui.error.{code}")) and text.en.endswith("detail en")
    odd = explain(HubError(409, "something_new", "Odd.", "غريب."))
    assert odd.en.startswith(tr_in(Language.EN, "counter_ui.error.other")) and odd.en.endswith("Odd.")
    offline = explain(HubError(0, "unreachable", "x", "y"))
    assert offline.en == tr_in(Language.EN, "counter_ui.error.unreachable")


def test_reconnect_keeps_the_ticket(app, hall, qtbot):
    """The hub stops and comes back on the same port and database: the ticket stays on screen and can be finished."""
    ticket = hall.issue("A")
    window = hall.window(qtbot, counter=1)
    window.actions.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    press(qtbot, window.actions.start)
    wait_for(qtbot, lambda: window.model.ticket.status == "serving")
    hall.hub.stop()
    wait_for(qtbot, lambda: not window.client.online)
    wait_for(qtbot, lambda: window.offline_banner.isVisible(), timeout=5000)
    assert window.model.ticket.id == ticket["id"]
    assert window.ticket_card.number.number == ticket["number"]
    window.actions.finish.click()  # refused while away: nothing is lost
    wait_for(qtbot, lambda: window.model.last_error is not None and window.model.last_error.unreachable)
    assert window.model.ticket.id == ticket["id"]
    issued_while_away = None
    hall.hub.start()
    issued_while_away = hall.issue("A")
    wait_for(qtbot, lambda: window.client.online, timeout=20_000)
    assert not window.offline_banner.isVisible()
    assert window.model.ticket.id == ticket["id"] and window.model.ticket.status == "serving"
    wait_for(qtbot, lambda: issued_while_away["id"] in window.model.waiting)
    press(qtbot, window.actions.finish)
    wait_for(qtbot, lambda: window.model.ticket is None)
    assert hall.ticket(ticket["id"])["status"] == "done"
    press(qtbot, window.actions.call_next)
    wait_for(qtbot, lambda: window.model.ticket is not None)
    assert window.model.ticket.id == issued_while_away["id"]


def test_a_restarted_counter_window_picks_up_its_ticket(app, hall, qtbot):
    """A new window at a counter whose clerk holds a ticket shows it after logging in (nothing is lost on a restart)."""
    ticket = hall.issue("A")
    window = hall.window(qtbot, counter=1)
    window.actions.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    window.client.stop()
    window.close()
    again = hall.window(qtbot, counter=1)
    wait_for(qtbot, lambda: again.model.ticket is not None)
    assert again.model.ticket.id == ticket["id"]
    assert again.actions.start.isEnabled()
    assert again.ticket_card.number.number == ticket["number"]
    assert again.layoutDirection() == Qt.LayoutDirection.RightToLeft

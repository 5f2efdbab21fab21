"""The clerk's day against a real hub: call, recall, start, finish, no-show, transfer, pause, serve a number."""

from __future__ import annotations

from PySide6.QtCore import Qt

from qt_common.i18n import Language, set_language, strip_bidi, tr_plural
from tests.counter_ui.conftest import press, shoot, wait_for


def test_full_cycle_call_recall_start_finish(app, hall, qtbot, out_dir):
    """Call next shows the ticket; recall counts; start runs the timer; finish counts in the clerk's figures."""
    first = hall.issue("A", "elderly")
    window = hall.window(qtbot, counter=1)
    model = window.model
    shoot(window, out_dir, "serving-empty-ar")
    qtbot.mouseClick(window.actions.call_next, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: model.ticket and model.ticket.id == first["id"])
    assert window.ticket_card.number.number == first["number"]
    assert window.ticket_card.priority_badge.isVisible()
    assert hall.ticket(first["id"])["status"] == "called"
    press(qtbot, window.actions.recall)
    wait_for(qtbot, lambda: model.ticket.recalls == 1)
    press(qtbot, window.actions.recall)
    wait_for(qtbot, lambda: model.ticket.recalls == 2)
    assert window.ticket_card.recalls.text() == tr_plural("counter_ui.ticket.recalls", 2)
    press(qtbot, window.actions.start)
    wait_for(qtbot, lambda: model.ticket.status == "serving")
    assert window.actions.finish.isEnabled() and not window.actions.start.isEnabled()
    wait_for(qtbot, lambda: "00:0" in strip_bidi(window.ticket_card.timer.text()))
    shoot(window, out_dir, "serving-ticket-ar")
    set_language(app, Language.EN)
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert "Service time" in window.ticket_card.timer.text()
    shoot(window, out_dir, "serving-ticket-en")
    set_language(app, Language.AR)
    press(qtbot, window.actions.finish)
    wait_for(qtbot, lambda: model.ticket is None)
    assert hall.ticket(first["id"])["status"] == "done"
    wait_for(qtbot, lambda: model.served_today == 1)
    assert "1" in window.figures_panel.served.text()
    assert model.average_service_seconds is not None


def test_no_show_clears_the_counter(app, hall, qtbot):
    """No-show marks the called visitor absent at the hub and frees the counter for the next call."""
    ticket = hall.issue("D")
    window = hall.window(qtbot, counter=2, user="clerk2")
    window.actions.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket and window.model.ticket.id == ticket["id"])
    assert window.actions.no_show.isEnabled() and not window.actions.finish.isEnabled()
    press(qtbot, window.actions.no_show)
    wait_for(qtbot, lambda: window.model.ticket is None)
    assert hall.ticket(ticket["id"])["status"] == "no_show"
    # The live event can clear the ticket before the hub's answer to the click brings the message.
    wait_for(qtbot, lambda: window.message_bar.isVisible() and ticket["number"] in strip_bidi(window.message_bar.label.text()))
    assert window.actions.call_next.isEnabled()


def test_transfer_with_search(app, hall, qtbot, out_dir):
    """Transfer (F7) opens a searchable list; the visitor lands in the chosen service's queue, live at its counter."""
    ticket = hall.issue("A")
    receiving = hall.window(qtbot, counter=3, user="clerk3")
    window = hall.window(qtbot, counter=1)
    window.activateWindow()
    window.actions.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    press(qtbot, window.actions.start)
    wait_for(qtbot, lambda: window.model.ticket.status == "serving")
    window.open_transfer()
    dialog = window.transfer_dialog
    assert dialog is not None
    codes = lambda: [dialog.list.item(i).text() for i in range(dialog.list.count())]  # noqa: E731
    assert not any(strip_bidi(text).startswith("A ") for text in codes()), "the ticket's own service is not offered"
    dialog.search.setText("ترخيص")
    assert dialog.list.count() == 0 and dialog.empty.isVisible()
    dialog.search.clear()
    dialog.search.setText("البلدية")
    assert dialog.list.count() == 1
    shoot(dialog, out_dir, "transfer-dialog-ar")
    set_language(app, Language.EN)
    dialog.search.setText("municipal")
    assert dialog.list.count() == 1 and "Municipal" in dialog.list.item(0).text()
    shoot(dialog, out_dir, "transfer-dialog-en")
    set_language(app, Language.AR)
    dialog.accept_choice()
    wait_for(qtbot, lambda: window.model.ticket is None)
    assert hall.ticket(ticket["id"])["status"] == "transferred"
    b_id = hall.service_id("B")
    wait_for(qtbot, lambda: any(t.number == ticket["number"] and t.service_id == b_id for t in receiving.model.queue()))
    panel = receiving.queue_panel
    wait_for(qtbot, lambda: any(ticket["number"] in strip_bidi(panel.list.item(i).text()) for i in range(panel.list.count())))


def test_pause_with_reason_and_resume(app, hall, qtbot, out_dir):
    """Pause asks a reason (prayer, break, back office or typed); the counter shows it and only Resume is offered."""
    window = hall.window(qtbot, counter=4, user="clerk1")
    window.open_pause()
    dialog = window.pause_dialog
    assert dialog is not None
    dialog.choose("   ")  # an empty typed reason is refused in place
    assert dialog.isVisible() and dialog.reason is None
    dialog.reason_buttons["prayer"].click()
    wait_for(qtbot, lambda: window.model.status == "paused")
    wait_for(qtbot, lambda: window.ticket_stack.currentWidget() is window.paused_card)
    assert window.paused_card.reason.text() == "وقت الصلاة"
    assert not window.actions.call_next.isEnabled()
    counter = next(c for c in hall.state()["counters"] if c["number"] == 4)
    assert counter["status"] == "paused" and counter["pause_reason"] == "prayer"
    shoot(window, out_dir, "paused-ar")
    set_language(app, Language.EN)
    assert window.paused_card.reason.text() == "Prayer time"
    shoot(window, out_dir, "paused-en")
    set_language(app, Language.AR)
    window.paused_card.resume.click()
    wait_for(qtbot, lambda: window.model.status == "open")
    assert window.ticket_stack.currentWidget() is window.ticket_card
    assert window.actions.call_next.isEnabled()
    window.open_pause()
    window.pause_dialog.other.setText("اجتماع قصير")
    window.pause_dialog.other_submit.click()
    wait_for(qtbot, lambda: window.model.pause_reason == "اجتماع قصير")
    assert "اجتماع قصير" in window.status_badge.text()


def test_serve_a_specific_number(app, hall, qtbot):
    """Typing a number (loosely written, a2) calls exactly that ticket, out of turn."""
    hall.issue("A")
    second = hall.issue("A")
    window = hall.window(qtbot, counter=1)
    qtbot.keyClicks(window.actions.number_input, "a" + str(int(second["number"].split("-")[1])))
    window.actions.call_number.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    assert window.model.ticket.id == second["id"]
    assert window.actions.number_input.text() == ""


def test_keyboard_shortcuts_drive_the_cycle(app, hall, qtbot):
    """F2 calls, F4 starts, F5 finishes: a clerk can work without the mouse."""
    ticket = hall.issue("A")
    window = hall.window(qtbot, counter=1)
    window.activateWindow()
    window.setFocus()
    window.shortcuts["call_next"].activated.emit()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    window.shortcuts["finish"].activated.emit()  # not offered while called: nothing happens
    window.shortcuts["start"].activated.emit()
    wait_for(qtbot, lambda: window.model.ticket.status == "serving")
    window.shortcuts["finish"].activated.emit()
    wait_for(qtbot, lambda: window.model.ticket is None)
    assert hall.ticket(ticket["id"])["status"] == "done"
    assert window.model.last_error is None
    assert [window.shortcuts[a].key().toString() for a in ("call_next", "start", "finish")] == ["F2", "F4", "F5"]

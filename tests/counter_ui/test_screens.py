"""Login, queue, figures, compact mode and the supervisor's hall, against a real hub, in both languages."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from counter_ui.app import CounterWindow
from qt_common.i18n import Language, set_language, strip_bidi, tr_in
from tests.counter_ui.conftest import press, shoot, wait_for


def test_login_opens_and_logout_closes_the_counter(app, hall, qtbot, out_dir):
    """A clerk logs in with user name and PIN at the chosen counter (it opens); logging out closes it."""
    window = hall.window(qtbot, counter=None, user=None)
    login = window.login_page
    wait_for(qtbot, lambda: login.counter_combo.count() == 8)
    assert login.counter_combo.isEnabled()
    shoot(window, out_dir, "login-ar")
    set_language(app, Language.EN)
    assert login.title.text() == "Clerk login"
    shoot(window, out_dir, "login-en")
    set_language(app, Language.AR)
    login.counter_combo.setCurrentIndex(login.counter_combo.findData(next(c["id"] for c in hall.state()["counters"] if c["number"] == 5)))
    qtbot.keyClicks(login.username, "clerk3")
    qtbot.keyClicks(login.pin, "1111")
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    wait_for(qtbot, lambda: window.model.logged_in)
    assert window.pages.currentWidget() is window.tabs
    assert login.pin.text() == ""
    counter = next(c for c in hall.state()["counters"] if c["number"] == 5)
    assert counter["status"] == "open" and counter["clerk"] == "clerk3"
    assert not window.tabs.tabBar().isVisible()  # a clerk has no hall tab
    window.logout_button.click()
    wait_for(qtbot, lambda: not window.model.logged_in)
    assert window.pages.currentWidget() is window.login_page
    wait_for(qtbot, lambda: next(c for c in hall.state()["counters"] if c["number"] == 5)["status"] == "closed")


def test_wrong_and_hostile_logins(app, hall, qtbot):
    """A wrong PIN, empty fields and oversized input are refused with a message; the PIN field is cleared."""
    window = hall.window(qtbot, counter=6, user=None)
    login = window.login_page
    wait_for(qtbot, lambda: login.counter_combo.count() == 8)
    assert not login.counter_combo.isEnabled()  # the device stands at counter 6
    assert login.counter_combo.currentText() == "الشباك 6"
    login.try_login()
    assert strip_bidi(window.message_bar.label.text()) == tr_in(Language.AR, "counter_ui.login.missing")
    login.username.setText("clerk1")
    login.pin.setText("0000")
    login.try_login()
    wait_for(qtbot, lambda: window.model.last_error is not None)
    assert window.model.last_error.code == "wrong_pin"
    assert tr_in(Language.AR, "counter_ui.error.wrong_pin") in window.message_bar.label.text()
    assert login.pin.text() == "" and not window.model.logged_in
    qtbot.keyClicks(login.pin, "12ab")  # the PIN field takes digits only
    assert login.pin.text() == "12"
    window.model.login("x" * 5000, "1" * 5000, 1)
    assert not window.model.busy and not window.model.logged_in


def test_unknown_counter_number_is_said(app, hall, qtbot):
    """A device set up for a counter the centre does not have says so on the login screen."""
    window = hall.window(qtbot, counter=77, user=None)
    wait_for(qtbot, lambda: window.login_page.counter_combo.count() == 8)
    assert window.login_page.counter_note.isVisible()
    assert strip_bidi(window.login_page.counter_note.text()) == strip_bidi(
        tr_in(Language.AR, "counter_ui.login.unknown_counter", number=77)
    )
    assert "77" in window.login_page.counter_note.text()


def test_queue_is_live_and_warns_past_the_target(app, hall, qtbot):
    """The queue follows issue and call events; visitors past their service's target wait are marked."""
    window = hall.window(qtbot, counter=1)
    model = window.model
    a = hall.issue("A")
    d = hall.issue("D", "pregnant")
    hall.issue("C")  # not served at counter 1
    wait_for(qtbot, lambda: [t.id for t in model.queue()] == [d["id"], a["id"]])
    wait_for(qtbot, lambda: window.queue_panel.list.count() == 2)
    assert not window.queue_panel.breaches.isVisible()
    # Twenty minutes later by the counter's clock: A's target is 15 minutes, D's 15.
    real_now = model.now()
    model._now = lambda: real_now + timedelta(minutes=20)
    window.queue_panel.refresh()
    assert window.queue_panel.breaches.isVisible()
    assert all(tr_in(Language.AR, "counter_ui.queue.breach") in window.queue_panel.list.item(i).text() for i in range(2))
    model._now = None
    hall.issue("A")
    wait_for(qtbot, lambda: len(model.queue()) == 3)
    window.actions.call_next.click()
    wait_for(qtbot, lambda: model.ticket is not None)
    assert model.ticket.id == d["id"]  # priority first, as the queue showed
    wait_for(qtbot, lambda: len(model.queue()) == 2)


def test_own_figures_count_served_and_average(app, hall, qtbot):
    """Today's served count and average service time are this clerk's alone, and survive a new window."""
    for _ in range(2):
        hall.issue("A")
    window = hall.window(qtbot, counter=1)
    for _ in range(2):
        press(qtbot, window.actions.call_next)
        wait_for(qtbot, lambda: window.model.ticket is not None and window.model.ticket.status == "called")
        press(qtbot, window.actions.start)
        wait_for(qtbot, lambda: window.model.ticket.status == "serving")
        press(qtbot, window.actions.finish)
        wait_for(qtbot, lambda: window.model.ticket is None)
    wait_for(qtbot, lambda: window.model.served_today == 2)
    other = hall.window(qtbot, counter=2, user="clerk2")
    wait_for(qtbot, lambda: other.model.figures_changed is not None)
    assert other.model.served_today == 0
    window.client.stop()
    again = hall.window(qtbot, counter=1)
    wait_for(qtbot, lambda: again.model.served_today == 2)
    assert again.model.average_service_seconds is not None and again.model.average_service_seconds >= 0
    assert "2" in again.figures_panel.served.text()


def test_compact_mode_stays_on_top_and_calls(app, hall, qtbot, out_dir):
    """Compact mode is a small always-on-top strip that still calls and serves; Full view restores the window."""
    ticket = hall.issue("A")
    hall.issue("A")
    window = hall.window(qtbot, counter=1)
    window.compact_button.click()
    assert window.compact
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.height() < 200
    window.compact_bar.call_next.click()
    wait_for(qtbot, lambda: window.model.ticket is not None)
    assert window.compact_bar.number.number == ticket["number"]
    wait_for(qtbot, lambda: window.compact_bar.step.isEnabled())  # offered once the call's answer is in
    window.compact_bar.step.click()
    wait_for(qtbot, lambda: window.model.ticket.status == "serving")
    shoot(window, out_dir, "compact-ar")
    set_language(app, Language.EN)
    assert window.compact_bar.step.text() == "Finish"
    assert window.compact_bar.layoutDirection() == Qt.LayoutDirection.LeftToRight
    shoot(window, out_dir, "compact-en")
    set_language(app, Language.AR)
    window.compact_bar.expand.click()
    assert not window.compact
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.height() > 500


def test_supervisor_sees_the_hall_and_kpis(app, hall, qtbot, out_dir):
    """A supervisor's counter has a Hall tab: waiting per service, counters and status, and /stats KPIs per service and clerk."""
    served = hall.issue("A")
    hall.issue("B")
    hall.issue("B", "elderly")
    clerk = hall.window(qtbot, counter=1)
    clerk.actions.call_next.click()
    wait_for(qtbot, lambda: clerk.model.ticket is not None and clerk.actions.start.isEnabled())
    clerk.actions.start.click()
    wait_for(qtbot, lambda: clerk.model.ticket.status == "serving" and clerk.actions.finish.isEnabled())
    clerk.actions.finish.click()
    wait_for(qtbot, lambda: clerk.model.ticket is None)
    hall.issue("A")
    wait_for(qtbot, lambda: clerk.actions.call_next.isEnabled())
    clerk.actions.call_next.click()
    wait_for(qtbot, lambda: clerk.model.ticket is not None)
    window = hall.window(qtbot, counter=8, user="super", pin="9999")
    window.open_pause()
    window.pause_dialog.reason_buttons["break"].click()
    wait_for(qtbot, lambda: window.model.status == "paused")
    assert window.tabs.tabBar().isVisible() and window.tabs.isTabVisible(1)
    window.tabs.setCurrentIndex(1)
    view = window.hall
    wait_for(qtbot, lambda: view.stats is not None)
    wait_for(qtbot, lambda: view.kpi_clerks.rowCount() >= 1)
    clerks = {view.kpi_clerks.item(r, 0).text(): strip_bidi(view.kpi_clerks.item(r, 1).text()) for r in range(view.kpi_clerks.rowCount())}
    assert clerks.get("clerk1") == "1"
    view.refresh_live()
    rows = {r.service.code: r for r in view.service_rows()}
    assert rows["B"].waiting == 2 and rows["A"].waiting == 0
    statuses = {view.counters.item(r, 0).text(): view.counters.item(r, 1).text() for r in range(view.counters.rowCount())}
    assert "متوقف" in statuses["الشباك 8 (جميع الخدمات)"]
    assert strip_bidi(view.counters.item(0, 3).text()) != "—"  # counter 1 holds a ticket
    assert served["number"] not in [strip_bidi(view.counters.item(r, 3).text()) for r in range(view.counters.rowCount())]
    window.resize(1400, 900)
    shoot(window, out_dir, "supervisor-ar")
    set_language(app, Language.EN)
    assert view.services.horizontalHeaderItem(1).text() == "Waiting"
    shoot(window, out_dir, "supervisor-en")
    set_language(app, Language.AR)
    # A clerk cannot read /stats: the model does not even ask.
    assert not clerk.model.is_supervisor
    assert isinstance(window, CounterWindow)

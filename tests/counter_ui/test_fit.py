"""The counter lays out whole on the screens counter PCs have, in both languages, in every state.

Each state is rendered at 1366×768, 1920×1080 and 3840×2160 (a maximised window: the screen
less a task bar and a title bar) into out/screens/counter/, and checked by tests/fit.py: no
label or button narrower than its text, nothing outside the window, no page that must scroll.
"""

from __future__ import annotations

import pytest

from counter_ui.app import HALL_TAB, QUEUE_TAB, CounterWindow
from qt_common.i18n import Language, Text, set_language
from tests.counter_ui.conftest import press, wait_for
from tests.fit import OUT_DIR, SCREENS, fit_problems, settle, shoot, window_size

SHOTS = OUT_DIR / "counter"


def check_at_every_size(window: CounterWindow, state: str, language: str, problems: list[str]) -> None:
    for screen in SCREENS:
        window.resize(*window_size(screen))
        settle(120)
        tag = f"{state}-{language}-{screen[0]}x{screen[1]}"
        shoot(window, tag, SHOTS)
        problems += [f"{tag}: {p}" for p in fit_problems(window)]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_counter_fits_every_screen_in_every_state(app, hall, qtbot, language):
    """Login (with enrollment and an error), called, serving, paused, hall, compact and dialogs fit at each size."""
    set_language(app, Language(language))
    problems: list[str] = []
    for _ in range(4):
        hall.issue("A")
    hall.issue("B", "elderly")

    login = hall.window(qtbot, counter=None, user=None, language=language)
    wait_for(qtbot, lambda: login.login_page.counter_combo.count() == 8)
    login.login_page.show_enrollment(True)
    login.message_bar.show_message(
        Text("الرقم السري غير صحيح. بقيت لك محاولتان قبل إيقاف الحساب مؤقتاً.",
             "Wrong PIN. Two more tries before the account is locked for a while."),
        kind="error", timeout_ms=0,
    )
    check_at_every_size(login, "login", language, problems)
    login.close()

    window = hall.window(qtbot, counter=8, user="super", pin="9999", language=language)
    model = window.model
    window.actions.call_next.click()
    wait_for(qtbot, lambda: model.ticket is not None and model.ticket.status == "called")
    check_at_every_size(window, "called", language, problems)
    press(qtbot, window.actions.start)
    wait_for(qtbot, lambda: model.ticket.status == "serving")
    check_at_every_size(window, "serving", language, problems)
    window.offline_banner.show()  # what a dropped network adds on top
    check_at_every_size(window, "offline", language, problems)
    window.offline_banner.hide()

    window.resize(*window_size(SCREENS[0]))
    window.open_transfer()
    wait_for(qtbot, lambda: window.transfer_dialog is not None and window.transfer_dialog.isVisible())
    settle(120)
    shoot(window.transfer_dialog, f"transfer-{language}", SHOTS)
    problems += [f"transfer dialog: {p}" for p in fit_problems(window.transfer_dialog)]
    window.transfer_dialog.reject()

    window.tabs.setCurrentIndex(HALL_TAB)
    wait_for(qtbot, lambda: window.hall.stats is not None)
    check_at_every_size(window, "hall", language, problems)
    window.tabs.setCurrentIndex(0)

    window.set_compact(True)
    settle(120)
    shoot(window, f"compact-{language}", SHOTS)
    problems += [f"compact: {p}" for p in fit_problems(window)]
    assert window.width() <= SCREENS[0][0], "the compact strip is wider than the smallest screen"
    window.set_compact(False)

    press(qtbot, window.actions.finish)
    wait_for(qtbot, lambda: model.ticket is None)
    window.open_pause()
    wait_for(qtbot, lambda: window.pause_dialog is not None and window.pause_dialog.isVisible())
    settle(120)
    shoot(window.pause_dialog, f"pause-{language}", SHOTS)
    problems += [f"pause dialog: {p}" for p in fit_problems(window.pause_dialog)]
    window.pause_dialog.choose("prayer")
    wait_for(qtbot, lambda: model.status == "paused")
    check_at_every_size(window, "paused", language, problems)
    window.paused_card.resume.click()
    wait_for(qtbot, lambda: model.status == "open")
    assert not problems, "\n".join(problems)


def test_a_narrow_window_moves_the_queue_to_a_tab(app, hall, qtbot):
    """Below 1000 px the queue and the clerk's figures leave the page for a Queue tab with the count; wide again, they return."""
    hall.issue("A")
    hall.issue("A")
    window = hall.window(qtbot, counter=1)
    assert not window.tabs.tabBar().isVisible()  # a clerk on a wide screen: one page, no tabs
    window.resize(860, 700)
    settle(200)
    assert window.narrow and window.tabs.isTabVisible(QUEUE_TAB) and window.tabs.tabBar().isVisible()
    assert window.queue_panel.parentWidget() is window.queue_page
    wait_for(qtbot, lambda: "2" in window.tabs.tabText(QUEUE_TAB))
    window.tabs.setCurrentIndex(QUEUE_TAB)
    settle(120)
    assert fit_problems(window) == []
    shoot(window, "narrow-queue-ar", SHOTS)
    window.resize(1366, 688)
    settle(200)
    assert not window.narrow and not window.tabs.isTabVisible(QUEUE_TAB)
    assert window.tabs.currentIndex() == 0 and window.queue_panel.parentWidget() is window.serving_page
    assert fit_problems(window) == []


def test_minimum_size_says_what_the_page_needs(app, hall, qtbot):
    """`minimum_size_at` is the size below which the page would scroll: at it nothing scrolls, a little less does."""
    window = hall.window(qtbot, counter=1)
    needed = window.minimum_size_at(860, 600)
    window.resize(needed.width(), needed.height())
    settle(200)
    assert fit_problems(window) == []
    window.resize(needed.width(), needed.height() - 40)
    settle(200)
    assert any("has to scroll vertically" in p for p in fit_problems(window))

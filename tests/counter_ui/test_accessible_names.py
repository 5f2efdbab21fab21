"""Every button of every counter screen has an accessible name, in Arabic and in English.

The name is read the way a screen reader reads it, through Qt's accessibility interface (an
explicit accessible name, else the button's text), so a button that shows only an icon or a
symbol is caught.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from qt_common.i18n import Language, set_language, strip_bidi
from tests.counter_ui.conftest import press, wait_for

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


def spoken_name(button: QAbstractButton) -> str:
    """What assistive technology announces for `button`."""
    interface = QAccessible.queryAccessibleInterface(button)
    assert interface is not None, f"{button!r} has no accessibility interface"
    return strip_bidi(interface.text(QAccessible.Text.Name) or "").replace("&", "").strip()


def problems_in(root: QWidget, view: str, language: str, skip: tuple[QAbstractButton, ...] = ()) -> tuple[int, list[str]]:
    problems, checked = [], 0
    for button in root.findChildren(QAbstractButton):
        if not button.isVisibleTo(root) or button in skip:
            continue
        checked += 1
        name = spoken_name(button)
        where = f"{view} ({language}): {type(button).__name__} {button.objectName()!r}"
        if not name or not (LATIN.search(name) or ARABIC.search(name) or len(name) <= 2):
            problems.append(f"{where} has no name ({name!r})")
        elif language == "ar" and not ARABIC.search(name) and len(name) > 2:  # a digit key is its own name
            problems.append(f"{where}: {name!r} is not Arabic")
        elif language == "en" and ARABIC.search(name) and not LATIN.search(name):
            problems.append(f"{where}: {name!r} is not English")
    return checked, problems


def test_every_counter_button_is_named_in_both_languages(app: QApplication, hall, qtbot) -> None:
    """Login, serving (with a ticket), the supervisor's hall and devices, compact mode and the
    pause and transfer dialogs: each button in sight has a name in the language shown."""
    hall.issue("A")
    hall.issue("B")
    login_window = hall.window(qtbot, counter=None, user=None)
    wait_for(qtbot, lambda: login_window.login_page.counter_combo.count() == 8)
    window = hall.window(qtbot, counter=8, user="super", pin="9999")
    press(qtbot, window.actions.call_next)
    wait_for(qtbot, lambda: window.model.ticket is not None)
    press(qtbot, window.actions.start)
    wait_for(qtbot, lambda: window.model.ticket_status == "serving")
    total, problems = 0, []
    for language in (Language.AR, Language.EN):
        set_language(app, language)
        code = language.value
        skip = (window.language_toggle, login_window.language_toggle)  # each names the language it switches to
        for view, root in (("login", login_window), ("serving", window)):
            checked, found = problems_in(root, view, code, skip)
            total, problems = total + checked, problems + found
        for index in range(window.tabs.count()):
            if window.tabs.isTabVisible(index):
                window.tabs.setCurrentIndex(index)
                checked, found = problems_in(window, f"tab {index}", code, skip)
                total, problems = total + checked, problems + found
        window.tabs.setCurrentIndex(0)
        window.open_transfer()
        wait_for(qtbot, lambda: window.transfer_dialog is not None and window.transfer_dialog.isVisible())
        checked, found = problems_in(window.transfer_dialog, "transfer", code)
        total, problems = total + checked, problems + found
        window.transfer_dialog.reject()
        wait_for(qtbot, lambda: window.transfer_dialog is None)
        window.set_compact(True)
        checked, found = problems_in(window, "compact", code, skip)
        total, problems = total + checked, problems + found
        window.set_compact(False)
    press(qtbot, window.actions.finish)
    wait_for(qtbot, lambda: window.model.ticket is None)
    for language in (Language.AR, Language.EN):
        set_language(app, language)
        window.open_pause()
        wait_for(qtbot, lambda: window.pause_dialog is not None and window.pause_dialog.isVisible())
        checked, found = problems_in(window.pause_dialog, "pause", language.value)
        total, problems = total + checked, problems + found
        window.pause_dialog.reject()
        wait_for(qtbot, lambda: window.pause_dialog is None)
    set_language(app, Language.AR)
    assert total > 40, total
    assert not problems, "\n".join(problems)

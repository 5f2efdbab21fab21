"""Every button on every kiosk screen has an accessible name, in Arabic and in English."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton

from tests.kiosk.conftest import WAIT_MS
from tests.support import LiveHub

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


def unnamed_buttons(window, view: str, language: str) -> list[str]:
    """Each button in sight (header and current screen) whose accessible name is empty or in the wrong script."""
    problems = []
    screen = window.stack.currentWidget()
    for button in window.header.findChildren(QAbstractButton) + screen.findChildren(QAbstractButton):
        if not button.isVisibleTo(window):
            continue
        name = button.accessibleName().strip()
        if button is window.header.language_button and name:
            continue  # it names the language it switches to, in that language
        if not name:
            problems.append(f"{view}: {type(button).__name__} {button.objectName()!r} {button.text()!r}")
        elif language == "ar" and not ARABIC.search(name) and len(name) > 1:  # a letter or digit key is its own name
            problems.append(f"{view}: {name!r} is not Arabic")
        elif language == "en" and ARABIC.search(name) and not LATIN.search(name):
            problems.append(f"{view}: {name!r} is not English")
    return problems


def test_every_button_of_every_screen_is_named_in_both_languages(make_kiosk, many_hub: LiveHub, qtbot) -> None:
    """A screen reader (or the speaking kiosk) can name each control in sight: the groups, a
    group's services, priority, priority mode, the PIN pads, unavailable; in Arabic, then English."""
    window = make_kiosk(many_hub)
    qtbot.waitUntil(lambda: window.client.settled, timeout=WAIT_MS)
    problems: list[str] = []
    checked = 0
    for language in ("ar", "en"):
        window.set_language(language)
        views = {
            "groups": window.go_home,
            "a group": lambda: window.open_group(window.groups[0].key),
            "priority": lambda: window.show_screen("priority"),
            "priority mode": lambda: window.set_priority("disabled"),
            "supervisor pin": window.open_supervisor,
            "enrollment": lambda: window.show_screen("enroll"),
            "unavailable": lambda: window.show_screen("unavailable"),
        }
        for view, show in views.items():
            show()
            window.set_language(language)
            checked += sum(1 for b in window.stack.currentWidget().findChildren(QAbstractButton) if b.isVisibleTo(window))
            problems += unnamed_buttons(window, f"{view} ({language})", language)
        window.set_priority(None)
        window.go_home()
    assert checked > 60
    assert not problems, "\n".join(problems)


def test_every_registered_screen_is_named_in_both_languages(make_kiosk, many_hub: LiveHub, qtbot) -> None:
    """Every screen the kiosk holds (window.screens: also the number after a ticket and any screen
    added since, such as check-in or the visitor's voice), with the speech controls on, in Arabic
    and English: each button in sight is named in the language shown."""
    window = make_kiosk(many_hub, touch_guard_ms=0)
    qtbot.waitUntil(lambda: window.client.settled, timeout=WAIT_MS)
    window.open_group(window.groups[0].key)
    card = next(c for c in window.home.service_cards.values() if c.isEnabled())
    card.click()
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    window.return_after_ms = window.failed_return_after_ms = 600_000
    window._return_timer.stop()
    problems: list[str] = []
    shown: set[str] = set()
    for language in ("ar", "en"):
        window.set_language(language)
        window.guidance.set_active(True)
        for name in list(window.screens):
            window.show_screen(name)
            window.set_language(language)
            shown.add(name)
            problems += unnamed_buttons(window, f"{name} ({language})", language)
            bar = [b for b in window.guidance.bar.buttons.values() if b.isVisibleTo(window)]
            problems += [f"speech bar ({language}): {b.text()!r}" for b in bar if not b.accessibleName()]
            assert len(bar) == 4
        window.guidance.set_active(False)
    assert {"home", "priority", "issued", "unavailable", "pin", "enroll"} <= shown
    assert not problems, "\n".join(problems)

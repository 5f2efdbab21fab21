"""Every page of the feedback screen (idle, the faces, thanks) in Arabic and in English: each
button in sight has a name, in the page's language, as a screen reader reads it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton

from feedback_screen.window import FeedbackWindow
from qt_common.hub_client import HubClient
from qt_common.i18n import strip_bidi
from tests.feedback_screen.test_feedback_window import serve_at
from tests.support import LiveHub

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


def spoken_name(button: QAbstractButton) -> str:
    interface = QAccessible.queryAccessibleInterface(button)
    return strip_bidi(interface.text(QAccessible.Text.Name) or "").strip() if interface is not None else ""


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_feedback_page_is_named_in_its_language(app, qtbot, fresh_hub: LiveHub, tmp_path: Path, lang: str) -> None:
    """On every page each button in sight has a name: the five faces in the screen's language
    (no emoji-only name), the language switch in the language it switches to."""
    client = HubClient(fresh_hub.url, device_name=f"feedback-names-{lang}", kind="feedback",
                       enroll_code=fresh_hub.enroll_code, config_dir=tmp_path / "config")
    window = FeedbackWindow(client, 1, language=lang, thanks_seconds=30)
    qtbot.addWidget(window)
    window.resize(1024, 600)
    window.show()
    client.start()
    try:
        qtbot.waitUntil(lambda: client.online, timeout=15_000)
        seen: dict[str, list[str]] = {}
        seen["idle"] = [spoken_name(b) for b in window.findChildren(QAbstractButton) if b.isVisibleTo(window)]
        serve_at(fresh_hub, 1)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.faces, timeout=10_000)
        seen["faces"] = [spoken_name(b) for b in window.findChildren(QAbstractButton) if b.isVisibleTo(window)]
        window.face_buttons[3].click()
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.thanks, timeout=10_000)
        seen["thanks"] = [spoken_name(b) for b in window.findChildren(QAbstractButton) if b.isVisibleTo(window)]
        script, other = (ARABIC, LATIN) if lang == "ar" else (LATIN, ARABIC)
        switch = window.language_button.accessibleName()
        assert switch and other.search(switch) and not script.search(switch), switch
        for page, names in seen.items():
            assert all(name for name in names), page
            assert all(script.search(name) for name in names if name != switch), (page, names)
        assert [name for name in seen["faces"] if name != switch] == [b.accessibleName() for b in window.face_buttons]
        assert len(window.face_buttons) == 5
    finally:
        window.shutdown()
        client.stop()

"""The counter-top feedback screen against a real hub: faces after a visit at its counter, a tap rates it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt

from feedback_screen.window import FeedbackWindow
from qt_common.hub_client import HubClient
from tests.support import LiveHub, bearer
from tests.web import SCREENSHOTS


def serve_at(hub: LiveHub, counter_number: int) -> dict:
    kiosk = hub.enroll("kiosk", "kiosk-fb")
    services = httpx.get(f"{hub.url}/api/v1/services", headers=bearer(kiosk), timeout=10).json()
    ticket = httpx.post(f"{hub.url}/api/v1/tickets", json={"service_id": services[0]["id"]}, headers=bearer(kiosk), timeout=10).json()
    clerk, counter_id = hub.login(counter_number)
    called = httpx.post(f"{hub.url}/api/v1/counters/{counter_id}/call", json={"number": ticket["number"]},
                        headers=bearer(clerk), timeout=10)
    assert called.status_code == 200, called.text
    for step in ("start", "finish"):
        httpx.post(f"{hub.url}/api/v1/tickets/{ticket['id']}/{step}", headers=bearer(clerk), timeout=10).raise_for_status()
    return ticket


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_faces_after_a_visit_at_its_counter_and_a_tap_rates_it(app, qtbot, fresh_hub: LiveHub, tmp_path: Path, lang: str):
    """Idle until a visit finishes at counter 1; then five named faces; a tap stores that ticket's
    rating from the feedback device, thanks the visitor, and the screen goes back to idle."""
    client = HubClient(fresh_hub.url, device_name=f"feedback-1-{lang}", kind="feedback",
                       enroll_code=fresh_hub.enroll_code, config_dir=tmp_path / "config")
    window = FeedbackWindow(client, 1, language=lang, thanks_seconds=0.5)
    qtbot.addWidget(window)
    window.resize(1024, 600)
    window.show()
    client.start()
    try:
        qtbot.waitUntil(lambda: client.online, timeout=15_000)
        assert window.pages.currentWidget() is window.idle
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SCREENSHOTS / f"feedback-idle-{lang}.png"))
        ticket = serve_at(fresh_hub, 1)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.faces, timeout=10_000)
        assert window.ticket_id == ticket["id"]
        names = [button.accessibleName() for button in window.face_buttons]
        assert names == (["سيئة جداً", "سيئة", "مقبولة", "جيدة", "ممتازة"] if lang == "ar"
                         else ["Very bad", "Bad", "Okay", "Good", "Excellent"])
        assert window.layoutDirection() == (Qt.LayoutDirection.RightToLeft if lang == "ar" else Qt.LayoutDirection.LeftToRight)
        window.grab().save(str(SCREENSHOTS / f"feedback-faces-{lang}.png"))
        qtbot.mouseClick(window.face_buttons[4], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.thanks, timeout=10_000)
        assert window.last_error is None, window.last_error
        window.grab().save(str(SCREENSHOTS / f"feedback-thanks-{lang}.png"))
        state = httpx.get(f"{fresh_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", timeout=10).json()
        assert state["rating"]["score"] == 5 and state["rating"]["source"] == "feedback"
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.idle, timeout=10_000)
        # a visit at another counter leaves this screen alone
        serve_at(fresh_hub, 2)
        fresh = fresh_hub.enroll("display", "watcher")
        last = httpx.get(f"{fresh_hub.url}/api/v1/state", headers=bearer(fresh), timeout=10).json()["seq"]
        qtbot.waitUntil(lambda: client.state.seq >= last, timeout=10_000)
        assert window.pages.currentWidget() is window.idle
    finally:
        window.shutdown()
        client.stop()


def open_screen(app, qtbot, hub: LiveHub, tmp_path: Path, name: str, **options) -> tuple[FeedbackWindow, HubClient]:
    client = HubClient(hub.url, device_name=name, kind="feedback", enroll_code=hub.enroll_code, config_dir=tmp_path / "config")
    window = FeedbackWindow(client, 1, **options)
    qtbot.addWidget(window)
    window.resize(1024, 600)
    window.show()
    client.start()
    qtbot.waitUntil(lambda: client.online, timeout=15_000)
    return window, client


def test_untouched_faces_go_back_to_idle_and_rate_nothing(app, qtbot, fresh_hub: LiveHub, tmp_path: Path):
    """Nobody taps within the faces' time (30 s on a counter; shortened here): back to idle, no rating stored, later taps ignored."""
    window, client = open_screen(app, qtbot, fresh_hub, tmp_path, "feedback-idle-test", faces_seconds=0.6)
    try:
        assert window.faces_ms == 600
        ticket = serve_at(fresh_hub, 1)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.faces, timeout=10_000)
        assert window.back_to_idle.isActive() and window.back_to_idle.interval() == 600
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.idle, timeout=10_000)
        window.rate(5)  # a tap that arrives too late
        state = httpx.get(f"{fresh_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", timeout=10).json()
        assert state["rating"] is None and state["can_rate"] is True
    finally:
        window.shutdown()
        client.stop()


def test_english_is_a_tap_away_and_the_next_visitor_gets_arabic(app, qtbot, fresh_hub: LiveHub, tmp_path: Path):
    """The switch on the faces turns words, names and direction to English and restarts the time; idle returns to Arabic."""
    window, client = open_screen(app, qtbot, fresh_hub, tmp_path, "feedback-language", thanks_seconds=0.3)
    try:
        serve_at(fresh_hub, 1)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.faces, timeout=10_000)
        assert window.language_button.text() == "English" and window.language_button.accessibleName() == "English"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
        assert window.question.text() == "How was your service today?"
        assert [b.accessibleName() for b in window.face_buttons] == ["Very bad", "Bad", "Okay", "Good", "Excellent"]
        assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert window.back_to_idle.remainingTime() > 20_000  # the visitor's 30 s start again
        window.grab().save(str(SCREENSHOTS / "feedback-faces-switched-en.png"))
        qtbot.mouseClick(window.face_buttons[3], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.thanks, timeout=10_000)
        assert window.thanks_label.text().startswith("Thank you")
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.idle, timeout=10_000)
        assert window.language == "ar" and window.idle_label.text() == "مرحباً بك"
        assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    finally:
        window.shutdown()
        client.stop()


def test_a_visit_rated_on_the_phone_first_keeps_that_rating(app, qtbot, fresh_hub: LiveHub, tmp_path: Path):
    """One rating per ticket: the phone's came first, so the screen's tap is refused by the hub, the visitor is still thanked, the phone's score stays."""
    window, client = open_screen(app, qtbot, fresh_hub, tmp_path, "feedback-second")
    try:
        ticket = serve_at(fresh_hub, 1)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.faces, timeout=10_000)
        phone = httpx.post(f"{fresh_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", json={"score": 2}, timeout=10)
        assert phone.status_code == 201
        qtbot.mouseClick(window.face_buttons[4], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.thanks, timeout=10_000)
        assert window.last_error is not None and window.last_error.code == "already_rated"
        assert window.thanks_label.text() == "شكراً لك! رأيك يساعدنا على خدمتك بشكل أفضل."
        state = httpx.get(f"{fresh_hub.url}/api/v1/public/tickets/{ticket['code']}/rating", timeout=10).json()
        assert state["rating"]["score"] == 2 and state["rating"]["source"] == "phone"
    finally:
        window.shutdown()
        client.stop()

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

"""Fixtures for the counter client: a themed application, a hub subprocess, clients and windows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from counter_ui.app import CounterWindow, build_counter_window
from qt_common.hub_client import HubClient
from tests.support import LiveHub, bearer

OUT_DIR = Path(__file__).resolve().parents[2] / "out" / "counter_ui"
WAIT_MS = 15_000


@pytest.fixture
def out_dir() -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUT_DIR


class Hall:
    """A hub subprocess of the test's own, plus a kiosk that issues tickets over plain HTTP."""

    def __init__(self, hub: LiveHub, config_dir: Path) -> None:
        self.hub = hub
        self.config_dir = config_dir
        self.kiosk_token = hub.enroll("kiosk", "test-kiosk")
        self.clients: list[HubClient] = []
        self.windows: list[CounterWindow] = []

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        with httpx.Client(base_url=self.hub.url, timeout=10) as http:
            return http.request(method, "/api/v1" + path, headers=bearer(token or self.kiosk_token), **kwargs)

    def state(self) -> dict[str, Any]:
        return self.api("GET", "/state").json()

    def service_id(self, code: str) -> int:
        return next(s["id"] for s in self.state()["services"] if s["code"] == code)

    def issue(self, code: str = "A", priority: str = "normal") -> dict[str, Any]:
        answer = self.api("POST", "/tickets", json={"service_id": self.service_id(code), "priority": priority})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        return self.api("GET", f"/tickets/{ticket_id}").json()

    def client(self, name: str) -> HubClient:
        client = HubClient(
            self.hub.url, device_name=name, kind="counter", enroll_code=self.hub.enroll_code,
            config_dir=self.config_dir, timeout_ms=5000,
        )
        self.clients.append(client)
        return client

    def window(
        self, qtbot, *, counter: int = 1, user: str | None = "clerk1", pin: str = "1111", language: str = "ar"
    ) -> CounterWindow:
        client = self.client(f"counter-{counter}")
        window = build_counter_window(
            client, counter=counter, auto_login=(user, pin) if user else None, language=language
        )
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        self.windows.append(window)
        if user:
            qtbot.waitUntil(lambda: window.model.logged_in, timeout=WAIT_MS)
            qtbot.waitUntil(lambda: client.online, timeout=WAIT_MS)
        return window

    def close(self) -> None:
        for client in self.clients:
            client.stop()


@pytest.fixture
def hall(tmp_path: Path, qapp: QApplication) -> Iterator[Hall]:
    """A fresh hub subprocess (free to stop and restart) with a kiosk; clients keep tokens under tmp_path."""
    hub = LiveHub(tmp_path / "hub").start()
    hall = Hall(hub, tmp_path / "config")
    yield hall
    hall.close()
    hub.stop()


def shoot(widget, out_dir: Path, name: str) -> Path:
    """Render `widget` to out/counter_ui/<name>.png and return the path (after coalesced redraws have run)."""
    QTest.qWait(300)
    path = out_dir / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path


def wait_for(qtbot, condition: Callable[[], Any], timeout: int = WAIT_MS) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)


def press(qtbot, button) -> None:
    """Click `button` once it is offered: the clerk's previous press may still be on its way (the
    event can show its outcome before the hub's answer re-enables the buttons)."""
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    button.click()

"""In-process hub fixtures: the real app and store, driven through FastAPI's own client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core.store import Store
from hub.app import HubSettings, create_app
from tests.support import STAFF_FOR_ADMIN

ENROLL_CODE = "4711"


class Hall:
    """A test client with helpers to enroll devices and log clerks in."""

    def __init__(self, client: TestClient, store: Store) -> None:
        self.client = client
        self.store = store

    def enroll(self, kind: str, name: str = "device") -> dict[str, str]:
        body = {"name": name, "kind": kind, "code": ENROLL_CODE, **(STAFF_FOR_ADMIN if kind in ("admin", "integration") else {})}
        answer = self.client.post("/api/v1/devices/enroll", json=body)
        assert answer.status_code == 201, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def counter_id(self, number: int) -> int:
        return self.store.catalogue.counters_by_number[number].id

    def service_id(self, code: str) -> int:
        return self.store.catalogue.services_by_code[code].id

    def login(self, number: int, username: str = "clerk1", pin: str = "1111") -> dict[str, str]:
        device = self.enroll("counter", f"counter-{number}")
        answer = self.client.post(
            "/api/v1/sessions", json={"username": username, "pin": pin, "counter_id": self.counter_id(number)}, headers=device
        )
        assert answer.status_code == 201, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def issue(self, kiosk: dict[str, str], code: str = "A", priority: str = "normal") -> dict:
        answer = self.client.post("/api/v1/tickets", json={"service_id": self.service_id(code), "priority": priority}, headers=kiosk)
        assert answer.status_code == 201, answer.text
        return answer.json()


@pytest.fixture
def hall(store: Store, clerks) -> Iterator[Hall]:
    app = create_app(store, HubSettings(enroll_code=ENROLL_CODE))
    with TestClient(app) as client:
        yield Hall(client, store)

"""The console's live hall says how far behind the central the branch is, as /health does."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from core import commands
from hub.app import HubSettings, create_app
from hub.shipper import Shipper, ShipperSettings
from tests.central.helpers import add_branch, wait_for


def console_client(store, shipper: Shipper) -> TestClient:
    return TestClient(create_app(store, HubSettings(enroll_code="4711"), shipper))


def log_in(client: TestClient) -> None:
    form = client.get("/console/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    answer = client.post("/console/login", data={"username": "super", "pin": "9999", "csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def central_line(client: TestClient, lang: str) -> str:
    html = client.get(f"/console/hall/live?lang={lang}").text
    found = re.search(r'<p class="live-line" id="central" data-behind="([^"]*)">(.*?)</p>', html, re.S)
    assert found, html[:400]
    return found.group(1), re.sub(r"\s+", " ", found.group(2))


def issue_a_few(store, count: int = 4) -> None:
    service = next(iter(store.catalogue.services.values())).id
    for _ in range(count):
        store.call(commands.issue_ticket, service)


def test_the_hall_shows_events_the_central_has_not_taken(central, pg, store, clerks):
    """A central that refuses the branch's token leaves every event behind, and the page says so with the error."""
    add_branch(pg)
    issue_a_few(store)
    shipper = Shipper(store.path, ShipperSettings("http://testserver", "RUH-01", "not-the-token", linger=0.01), client=central)
    with console_client(store, shipper) as client:
        log_in(client)
        wait_for(lambda: shipper.lag()["error"] is not None, timeout=30)
        behind, text = central_line(client, "en")
        assert behind == "" and "has not acknowledged anything yet" in text and "last error" in text
        behind, text = central_line(client, "ar")
        assert "لم يؤكد الخادم المركزي الاستلام بعد" in text


def test_the_hall_shows_a_branch_caught_up(central, pg, store, clerks):
    token = add_branch(pg)
    issue_a_few(store)
    shipper = Shipper(store.path, ShipperSettings("http://testserver", "RUH-01", token, linger=0.01), client=central)
    with console_client(store, shipper) as client:
        log_in(client)
        wait_for(lambda: shipper.lag()["behind"] == 0, timeout=60)
        behind, text = central_line(client, "en")
        assert behind == "0" and "every event has arrived" in text
        assert "كل الأحداث وصلت" in central_line(client, "ar")[1]


def test_a_hub_that_ships_nowhere_shows_no_central_line(store, clerks):
    with TestClient(create_app(store, HubSettings(enroll_code="4711"))) as client:
        log_in(client)
        assert 'id="central"' not in client.get("/console/hall/live").text

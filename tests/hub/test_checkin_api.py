"""`POST /api/v1/check-in` over a real socket: a kiosk checks a booking in, early and on time;
only kiosks (and admin devices) may; wrong, huge and hostile bodies get a clear error and
change nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from core.commands import open_store
from core.config import parse_config
from tests.support import LiveHub, bearer, demo_config_text, rollover_away_from_now

ON_TIME, EARLY = "KKKK222222", "KKKK333333"


def _add_bookings(tx) -> None:
    service_id = tx.catalogue.services_by_code["A"].id
    for code, slot_start in ((ON_TIME, tx.now + 600), (EARLY, tx.now + 3 * 3600)):
        tx.conn.execute(
            "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, source, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 15, '0500000000', 'web', ?, ?)",
            (code, service_id, tx.business_day, slot_start, tx.now, tx.now),
        )


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[LiveHub]:
    """A hub whose database holds two bookings for today: one ten minutes ahead, one in three hours."""
    hub = LiveHub(tmp_path_factory.mktemp("checkin-hub"), config_text=rollover_away_from_now(demo_config_text()))
    with open_store(hub.db_path, parse_config(hub.config_text, "centre.toml")) as store:
        store.call(_add_bookings)
    hub.start()
    yield hub
    hub.stop()


def post(hub: LiveHub, token: str | None, **kwargs) -> httpx.Response:
    return httpx.post(f"{hub.url}/api/v1/check-in", headers=bearer(token) if token else {}, timeout=10, **kwargs)


def waiting_count(hub: LiveHub, token: str) -> int:
    return len(httpx.get(f"{hub.url}/api/v1/tickets?status=waiting", headers=bearer(token), timeout=10).json())


def test_a_kiosk_checks_in_early_and_on_time(hub: LiveHub):
    """Three hours early: when to come back; ten minutes before: an appointment ticket with its slot."""
    kiosk = hub.enroll("kiosk", "kiosk-checkin")
    early = post(hub, kiosk, json={"code": EARLY})
    assert early.status_code == 200 and early.json()["outcome"] == "too_early" and early.json()["ticket"] is None
    answer = post(hub, kiosk, json={"code": ON_TIME.lower()})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["outcome"] == "ticket" and body["ticket"]["priority"] == "appointment"
    assert body["ticket"]["slot_start"] == body["slot_start"] and body["ticket"]["booking_id"] is not None
    again = post(hub, kiosk, json={"code": ON_TIME}).json()
    assert again["outcome"] == "already" and again["ticket"]["id"] == body["ticket"]["id"]


def test_only_kiosks_and_admin_devices_check_in(hub: LiveHub):
    """A board or a counter device cannot check anyone in; without a token nobody can."""
    display = hub.enroll("display", "board-checkin")
    assert post(hub, display, json={"code": EARLY}).status_code == 403
    assert post(hub, None, json={"code": EARLY}).status_code == 401


BAD_BODIES = [
    {"code": ""}, {"code": "x" * 10_240}, {"code": "ABC\u0000DEF12"}, {"code": "'; DROP TABLE bookings;--"},
    {"code": "<img src=x onerror=alert(1)>"}, {"code": 1234567890}, {"code": None}, {"code": ["KKKK222222"]},
    {"code": EARLY, "walk_in": "yes"}, {"code": EARLY, "extra": 1}, {}, {"code": "\u202eKKKK333333"},
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_wrong_and_hostile_bodies_are_refused_clearly(hub: LiveHub, body):
    """Each gets a 4xx with a message in both languages, and no ticket is issued."""
    kiosk = hub.enroll("kiosk", f"kiosk-hostile-{len(str(body))}-{time.monotonic_ns()}")
    admin = hub.enroll("admin", f"admin-hostile-{time.monotonic_ns()}")
    before = waiting_count(hub, admin)
    answer = post(hub, kiosk, json=body)
    assert 400 <= answer.status_code < 500, answer.text
    error = answer.json()
    assert error["message_ar"] and error["message"]
    assert waiting_count(hub, admin) == before


def test_a_body_that_is_not_json_is_refused(hub: LiveHub):
    """Bytes that are not JSON, and a 2 MB body, are refused before the store sees them."""
    kiosk = hub.enroll("kiosk", "kiosk-not-json")
    headers = {**bearer(kiosk), "Content-Type": "application/json"}
    url = f"{hub.url}/api/v1/check-in"
    assert httpx.post(url, content=b"\xff\xfe not json", headers=headers, timeout=10).status_code in (400, 422)
    huge = httpx.post(url, content=b'{"code": "' + b"A" * 2_000_000 + b'"}', headers=headers, timeout=10)
    assert huge.status_code == 413


def test_unknown_code_is_a_clear_404(hub: LiveHub):
    """A well-formed code nobody holds: 404 unknown_code, in both languages."""
    kiosk = hub.enroll("kiosk", "kiosk-unknown")
    answer = post(hub, kiosk, json={"code": "ZZZZ999999"})
    assert answer.status_code == 404 and answer.json()["error"] == "unknown_code"


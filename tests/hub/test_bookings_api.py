"""Booking over the hub's API: book, see, move and cancel by code; hostile input; the portal's
integration token, refused everywhere but bookings; limits on lookups; and 50 visitors at once
for three places over real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core import commands
from core.commands import open_store
from core.security import hash_pin
from hub.app import HubSettings, create_app
from tests.hub.conftest import ENROLL_CODE, Hall
from tests.support import CLERKS, Clock, LiveHub, bearer, demo_config, demo_config_text

RIYADH = ZoneInfo("Asia/Riyadh")
TUESDAY = date(2026, 11, 24)  # the clock fixture's day, 10:00
WEDNESDAY = "2026-11-25"


def open_hall(tmp_path: Path, clock: Clock, **hub_settings: object) -> Iterator[Hall]:
    with open_store(tmp_path / "tabour.sqlite", demo_config(**hub_settings), clock=clock) as store:
        for name, (pin, role) in CLERKS.items():
            store.call(commands.add_clerk, name, role, hash_pin(pin))
        with TestClient(create_app(store, HubSettings(enroll_code=ENROLL_CODE))) as client:
            yield Hall(client, store)


@pytest.fixture
def hall(tmp_path: Path, clock: Clock) -> Iterator[Hall]:
    """The demo centre (service F: 15-minute slots, 2 places, half of each hour for walk-ins),
    with the per-address limits opened up."""
    yield from open_hall(tmp_path, clock, bookings_per_minute=100_000, booking_lookups_per_minute=100_000)


def book(hall: Hall, slot: str, mobile: str = "0501234567", headers: dict | None = None, code: str = "F") -> httpx.Response:
    return hall.client.post("/api/v1/public/bookings", headers=headers,
                            json={"service_id": hall.service_id(code), "slot_start": slot, "mobile": mobile})


def test_book_see_move_and_cancel_by_code(hall: Hall):
    """A visitor books with no token, finds the booking by its code in any form, moves it and cancels it."""
    slots = hall.client.get(f"/api/v1/public/services/{hall.service_id('F')}/slots", params={"day": WEDNESDAY}).json()
    assert slots["hijri_day"] == "1448-06-15"
    assert len(slots["slots"]) == 96 and {s["free"] for s in slots["slots"]} == {2}
    made = book(hall, f"{WEDNESDAY}T09:15")
    assert made.status_code == 201, made.text
    booking = made.json()
    assert booking["source"] == "web" and booking["mobile"] == "05•••••567" and booking["status"] == "booked"
    code = booking["code"]
    grouped = "-".join(code[i:i + 4] for i in range(0, 10, 4)).lower()
    assert hall.client.get(f"/api/v1/public/bookings/{grouped}").json()["id"] == booking["id"]
    moved = hall.client.post(f"/api/v1/public/bookings/{code}/reschedule", json={"slot_start": f"{WEDNESDAY}T11:30:00+03:00"})
    assert moved.status_code == 200 and moved.json()["slot_start"] == "2026-11-25T11:30:00.000+03:00"
    free = {s["start"]: s["free"] for s in hall.client.get(
        f"/api/v1/public/services/{hall.service_id('F')}/slots", params={"day": WEDNESDAY}).json()["slots"]}
    assert free["2026-11-25T09:15:00+03:00"] == 2 and free["2026-11-25T11:30:00+03:00"] == 1
    cancelled = hall.client.delete(f"/api/v1/public/bookings/{code}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = hall.client.post(f"/api/v1/public/bookings/{code}/reschedule", json={"slot_start": f"{WEDNESDAY}T12:00"})
    assert again.status_code == 409 and again.json()["error"] == "booking_cancelled"
    types = [e.type for e in hall.store.events_after(0) if e.type.startswith("booking.")]
    assert types == ["booking.made", "booking.changed", "booking.changed"]


def test_the_walk_in_share_and_capacity_answer_slot_full(hall: Hall):
    """Service F's hour takes four bookings (half of 4 slots × 2); the fifth is "slot full" in both languages."""
    for n, minute in enumerate((0, 0, 15, 15)):
        assert book(hall, f"{WEDNESDAY}T09:{minute:02d}", f"05500000{n:02d}").status_code == 201
    for minute in (0, 30, 45):
        full = book(hall, f"{WEDNESDAY}T09:{minute:02d}", "0559999999")
        assert full.status_code == 409 and full.json()["error"] == "slot_full", full.text
        assert full.json()["message_ar"] == "هذا الموعد ممتلئ؛ اختر موعداً آخر."
    assert book(hall, f"{WEDNESDAY}T10:00", "0559999999").status_code == 201


@pytest.mark.parametrize("slot, error", [
    ("2026-11-24T09:45", "slot_past"),
    ("2026-11-25T09:07", "no_such_slot"),
    ("2026-12-25T09:00", "day_not_bookable"),
    ("2026-11-23T09:00", "day_not_bookable"),
])
def test_past_off_grid_and_far_slots_are_refused(hall: Hall, slot: str, error: str):
    """A slot begun, off the grid, or outside the booking window: 409 with its reason, nothing stored."""
    refused = book(hall, slot)
    assert refused.status_code == 409 and refused.json()["error"] == error and refused.json()["message_ar"]
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM bookings").fetchone()[0] == 0


def test_a_service_without_appointments_and_unknown_ones(hall: Hall):
    """Service A takes walk-ins only; an unknown service is 404, on booking and on its slots."""
    walk_ins = book(hall, f"{WEDNESDAY}T09:00", code="A")
    assert walk_ins.status_code == 409 and walk_ins.json()["error"] == "no_appointments"
    assert hall.client.get(f"/api/v1/public/services/{hall.service_id('A')}/slots").json()["error"] == "no_appointments"
    unknown = hall.client.post("/api/v1/public/bookings", json={"service_id": 9999, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "0501234567"})
    assert unknown.status_code == 404
    assert hall.client.get("/api/v1/public/services/9999/slots").status_code == 404
    assert hall.client.get(f"/api/v1/public/services/{hall.service_id('F')}/slots?day=tomorrow").status_code == 422


HOSTILE_BODIES = [
    {"service_id": "F", "slot_start": f"{WEDNESDAY}T09:00", "mobile": "0501234567"},
    {"service_id": True, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "0501234567"},
    {"service_id": 6, "slot_start": "tomorrow morning", "mobile": "0501234567"},
    {"service_id": 6, "slot_start": 1764050400, "mobile": "0501234567"},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "<img src=x onerror=alert(1)>"},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "9" * 10_000},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "+14155550123"},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "0112345678"},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00", "mobile": ""},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "0501234567", "status": "checked_in"},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00"},
    {"service_id": 6, "slot_start": f"{WEDNESDAY}T09:00", "mobile": "0501234567", "notes": "x" * 10_000},
    ["0501234567"],
    "0501234567",
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_bodies_get_a_clear_refusal_and_store_nothing(hall: Hall, body: object):
    """Wrong types, HTML, 10 KB values, foreign or landline numbers, extra fields: 4xx in both languages, no row."""
    if isinstance(body, dict) and body.get("service_id") == 6:
        body = {**body, "service_id": hall.service_id("F")}
    refused = hall.client.post("/api/v1/public/bookings", json=body)
    assert 400 <= refused.status_code < 500, refused.text
    assert refused.json()["message"] and refused.json()["message_ar"]
    assert "<img" not in refused.json()["message"]
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM bookings").fetchone()[0] == 0


def test_a_huge_body_is_refused_before_it_is_read(hall: Hall):
    """A body past the hub's limit: 413, nothing stored."""
    huge = '{"service_id": 6, "slot_start": "2026-11-25T09:00", "mobile": "' + "5" * 100_000 + '"}'
    refused = hall.client.post("/api/v1/public/bookings", content=huge, headers={"Content-Type": "application/json"})
    assert refused.status_code == 413


@pytest.mark.parametrize("code", ["ABC", "0O1IL0O1IL", "%3Cscript%3E", "A" * 65, "ABCDEFGHJK%27%20OR%201%3D1"])
def test_bad_codes_are_refused_on_every_route(hall: Hall, code: str):
    """Codes of the wrong shape: 422 `bad_code` (or 404 from routing) for view, cancel and reschedule alike."""
    for method, path, body in (("GET", f"/api/v1/public/bookings/{code}", None),
                               ("DELETE", f"/api/v1/public/bookings/{code}", None),
                               ("POST", f"/api/v1/public/bookings/{code}/reschedule", {"slot_start": f"{WEDNESDAY}T09:00"})):
        refused = hall.client.request(method, path, json=body)
        assert refused.status_code in (404, 422), (method, refused.text)
        if refused.status_code == 422:
            assert refused.json()["error"] in ("bad_code", "validation_error")
    unknown = hall.client.get("/api/v1/public/bookings/ABCD-EFGH-JK")
    assert unknown.status_code == 404 and unknown.json()["error"] == "no_such_booking"


def test_lookups_by_code_are_limited_per_address(tmp_path: Path, clock: Clock):
    """Past 30 lookups a minute from one address the hub answers 429 with Retry-After, right code or not."""
    for hall in open_hall(tmp_path, clock):
        code = book(hall, f"{WEDNESDAY}T09:00").json()["code"]
        answers = [hall.client.get("/api/v1/public/bookings/ABCD-EFGH-JK").status_code for _ in range(30)]
        assert answers == [404] * 30
        limited = hall.client.get(f"/api/v1/public/bookings/{code}")
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["message_ar"]


def test_an_integration_token_books_views_and_cancels_and_nothing_else(hall: Hall):
    """A portal's token books (source `portal`), views and cancels; every other call is 403, its socket closes."""
    staffless = hall.client.post("/api/v1/devices/enroll", json={"name": "portal", "kind": "integration", "code": ENROLL_CODE})
    assert staffless.status_code == 403 and staffless.json()["error"] == "staff_pin_required"
    portal = hall.enroll("integration", "ministry-portal")
    made = book(hall, f"{WEDNESDAY}T09:00", headers=portal)
    assert made.status_code == 201 and made.json()["source"] == "portal"
    with hall.store.read() as conn:
        assert conn.execute("SELECT device_id FROM bookings").fetchone()[0] is not None
    code = made.json()["code"]
    assert hall.client.get(f"/api/v1/public/bookings/{code}", headers=portal).status_code == 200
    assert hall.client.delete(f"/api/v1/public/bookings/{code}", headers=portal).json()["status"] == "cancelled"
    ticket_from_kiosk = hall.issue(hall.enroll("kiosk", "kiosk"))
    for method, path, body in (
        ("GET", "/api/v1/state", None),
        ("GET", "/api/v1/services", None),
        ("POST", "/api/v1/tickets", {"service_id": hall.service_id("A")}),
        ("GET", f"/api/v1/tickets/{ticket_from_kiosk['id']}", None),
        ("GET", "/api/v1/tickets", None),
        ("POST", f"/api/v1/tickets/{ticket_from_kiosk['id']}/cancel", None),
        ("POST", "/api/v1/devices/status", {"status": {"printer": "ok"}}),
        ("GET", "/api/v1/devices", None),
        ("GET", "/api/v1/stats", None),
        ("GET", "/api/v1/feedback", None),
        ("POST", "/api/v1/supervisor/check-pin", {"pin": "9999"}),
        ("POST", "/api/v1/sessions", {"username": "clerk1", "pin": "1111", "counter_id": hall.counter_id(1)}),
    ):
        refused = hall.client.request(method, path, json=body, headers=portal)
        assert refused.status_code == 403, (method, path, refused.text)
        assert refused.json()["error"] == "integration_only_bookings"
    with pytest.raises(WebSocketDisconnect) as closed:
        with hall.client.websocket_connect(f"/api/v1/events?since=0&token={portal['Authorization'][7:]}") as socket:
            socket.receive_json()
    assert closed.value.code == 4403


def test_a_revoked_portal_token_is_refused_at_once(hall: Hall):
    """Once a supervisor revokes the portal's device, its next booking is 401 revoked_device and stores nothing."""
    portal = hall.enroll("integration", "ministry-portal")
    assert book(hall, f"{WEDNESDAY}T09:00", headers=portal).status_code == 201
    admin = hall.enroll("admin", "admin")
    device_id = next(d["id"] for d in hall.client.get("/api/v1/devices", headers=admin).json() if d["name"] == "ministry-portal")
    assert hall.client.post(f"/api/v1/devices/{device_id}/revoke", headers=admin).status_code == 200
    refused = book(hall, f"{WEDNESDAY}T09:15", "0559876543", headers=portal)
    assert refused.status_code == 401 and refused.json()["error"] == "revoked_device"
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM bookings").fetchone()[0] == 1


def test_other_device_kinds_may_not_book_but_staff_may(hall: Hall):
    """A kiosk or display token is refused on the booking routes; an admin device books as `console`."""
    for kind in ("kiosk", "display", "counter"):
        refused = book(hall, f"{WEDNESDAY}T09:00", headers=hall.enroll(kind, kind))
        assert refused.status_code == 403, kind
    staff = book(hall, f"{WEDNESDAY}T09:00", headers=hall.enroll("admin", "admin"))
    assert staff.status_code == 201 and staff.json()["source"] == "console"


def test_fifty_at_once_over_real_sockets_give_exactly_three(tmp_path: Path):
    """50 visitors POST the same slot of capacity 3 at once to a real hub: 3 get a code, 47 a clear "slot full"."""
    config = demo_config_text(bookings_per_minute=1_000_000).replace(
        "capacity = 2\ndays_ahead = 14\nwalk_in_share = 0.5", "capacity = 3\ndays_ahead = 14\nwalk_in_share = 0")
    assert "capacity = 3" in config
    hub = LiveHub(tmp_path / "hub", config_text=config).start()
    try:
        kiosk = hub.enroll("kiosk")
        state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
        service_id = next(s["id"] for s in state["services"] if s["code"] == "F")
        tomorrow = (datetime.now(RIYADH) + timedelta(days=1)).date().isoformat()
        slot = f"{tomorrow}T10:00"

        async def everyone() -> list[httpx.Response]:
            limits = httpx.Limits(max_connections=60, max_keepalive_connections=0)
            async with httpx.AsyncClient(base_url=hub.url, timeout=60, limits=limits) as client:
                return await asyncio.gather(*(
                    client.post("/api/v1/public/bookings",
                                json={"service_id": service_id, "slot_start": slot, "mobile": f"055{n:07d}"})
                    for n in range(50)
                ))

        answers = asyncio.run(everyone())
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [201] * 3 + [409] * 47
        assert {a.json()["error"] for a in answers if a.status_code == 409} == {"slot_full"}
        codes = {a.json()["code"] for a in answers if a.status_code == 201}
        assert len(codes) == 3
        free = httpx.get(f"{hub.url}/api/v1/public/services/{service_id}/slots", params={"day": tomorrow}, timeout=10).json()
        assert next(s["free"] for s in free["slots"] if s["start"].startswith(slot)) == 0
        # one of the three cancels through the real hub: its place is free again, and bookable
        code = codes.pop()
        assert httpx.delete(f"{hub.url}/api/v1/public/bookings/{code}", timeout=10).json()["status"] == "cancelled"
        again = httpx.post(f"{hub.url}/api/v1/public/bookings", timeout=10,
                           json={"service_id": service_id, "slot_start": slot, "mobile": "0561234567"})
        assert again.status_code == 201, again.text
        moved = httpx.post(f"{hub.url}/api/v1/public/bookings/{again.json()['code']}/reschedule", timeout=10,
                           json={"slot_start": f"{tomorrow}T10:15"})
        assert moved.status_code == 200 and moved.json()["slot_start"].startswith(f"{tomorrow}T10:15")
    finally:
        hub.stop()

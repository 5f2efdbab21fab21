"""The hub's real answers and real events match core/contract.py exactly.

A whole day of the hall is driven through the real app (every route, every event type); each
answer is parsed into the model its route declares, and each frame of the event socket by its
type. Nothing the hub sends may carry a field the models lack (`unknown_fields`), and parsing
then writing again gives back the very JSON the hub sent, so no field is dropped or bent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from core import audit, commands, contract
from tests.support import STAFF_FOR_ADMIN, Clock, demo_config

# Routes whose answer is not JSON, or empty: their shape is their status code.
NOT_JSON = {
    ("get", "/api/v1/centre/logo"),  # an image
    ("get", "/api/v1/public/tickets/{code}/stream"),  # server-sent events of PublicTicket
    ("get", "/api/v1/public/tickets/{code}/feedback/stream"),  # server-sent events of [PublicFeedback]
    ("get", "/api/v1/public/feedback/{reference}/stream"),  # server-sent events of PublicFeedback
    ("get", "/f/{reference}"),  # the page a reference opens, HTML
    ("get", "/t/{code}"),  # the phone page, HTML
    ("get", "/join"),  # the remote queue's page, HTML
    ("post", "/join"),  # its form: 303 to the phone page
    ("get", "/join/poster"),  # its printable poster, HTML
    ("get", "/sounds/nearly-due.wav"),  # the phone page's warning sound
    ("post", "/api/v1/devices/status"),  # 204
    ("delete", "/api/v1/sessions/current"),  # 204
}


def _add_booking(tx, code: str, service_id: int) -> None:
    """A booking for a slot ten minutes from now, as the booking store writes it."""
    tx.conn.execute(
        "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, source, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 15, '0500000000', 'web', ?, ?)",
        (code, service_id, tx.business_day, tx.now + 600, tx.now, tx.now),
    )


def exact(adapter: TypeAdapter, data: Any) -> Any:
    """`data` parsed by `adapter`, after checking it has no unknown field and survives a round trip."""
    parsed = adapter.validate_python(data)
    assert contract.unknown_fields(parsed) == [], contract.unknown_fields(parsed)
    again = adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True)
    assert again == data
    return parsed


def declared(schema: dict[str, Any], method: str, template: str) -> str | None:
    """The contract model `/openapi.json` gives for the success of `method template`: "Ticket", "list[Ticket]"."""
    responses = schema["paths"][template][method]["responses"]
    success = next(body for status, body in responses.items() if status.startswith("2") and "content" in body)
    described = success["content"].get("application/json", {}).get("schema", {})
    if "$ref" in described:
        return described["$ref"].rsplit("/", 1)[-1]
    if described.get("type") == "array" and "$ref" in described.get("items", {}):
        return f"list[{described['items']['$ref'].rsplit('/', 1)[-1]}]"
    return None


def model_name(model: Any) -> str:
    arguments = getattr(model, "__args__", None)
    return f"list[{arguments[0].__name__}]" if arguments else model.__name__


class Checker:
    """Sends requests through the in-process hub and checks each answer against its model."""

    def __init__(self, hall) -> None:
        self.hall = hall
        self.covered: set[tuple[str, str]] = set()
        self.schema = hall.client.get("/openapi.json").json()

    def __call__(self, method: str, template: str, model: Any, headers=None, status: int = 200, **kwargs) -> Any:
        body = kwargs.pop("json", None)
        path = template.format(**kwargs)
        answer = self.hall.client.request(method.upper(), path, json=body, headers=headers)
        assert answer.status_code == status, (method, path, answer.text)
        self.covered.add((method, template))
        if model is None:
            assert not answer.content
            return None
        assert declared(self.schema, method, template) == model_name(model), (method, template)
        return exact(TypeAdapter(model), answer.json())


def test_every_answer_and_every_event_matches_the_contract(hall, clock: Clock):
    """A day through every route: answers parse exactly into their models, frames into their event's."""
    check = Checker(hall)
    client = hall.client
    code = {"code": "4711"}
    check("get", "/api/v1/health", contract.Health)
    check("get", "/", contract.HubHome, {"Accept": "application/json"})
    kiosk_answer = check("post", "/api/v1/devices/enroll", contract.Enrollment, status=201,
                         json={"name": "kiosk-1", "kind": "kiosk", **code})
    kiosk = {"Authorization": f"Bearer {kiosk_answer.token}"}
    admin_answer = check("post", "/api/v1/devices/enroll", contract.Enrollment, status=201,
                         json={"name": "admin-1", "kind": "admin", **code, **STAFF_FOR_ADMIN})
    admin = {"Authorization": f"Bearer {admin_answer.token}"}
    display = hall.enroll("display", "board-1")
    token = display["Authorization"].split()[1]
    with client.websocket_connect(f"/api/v1/events?since=0&token={token}") as socket:
        # the hall: tickets of every kind, a clerk working through them
        a, b = hall.service_id("A"), hall.service_id("B")
        first = check("post", "/api/v1/tickets", contract.Ticket, kiosk, 201, json={"service_id": a})
        elderly = check("post", "/api/v1/tickets", contract.Ticket, kiosk, 201, json={"service_id": a, "priority": "elderly"})
        spare = check("post", "/api/v1/tickets", contract.Ticket, kiosk, 201, json={"service_id": b})
        check("post", "/api/v1/tickets/{ticket_id}/cancel", contract.Ticket, kiosk, ticket_id=spare.id)
        counter_device = hall.enroll("counter", "counter-1")
        counter = hall.counter_id(1)
        session = check("post", "/api/v1/sessions", contract.Session, counter_device, 201,
                        json={"username": "clerk1", "pin": "1111", "counter_id": counter})
        clerk = {"Authorization": f"Bearer {session.token}"}
        check("get", "/api/v1/sessions/current", contract.CurrentSession, clerk)
        clock.advance(60)
        called = check("post", "/api/v1/counters/{counter_id}/call-next", contract.Ticket, clerk, counter_id=counter)
        assert called.id == elderly.id
        check("post", "/api/v1/tickets/{ticket_id}/recall", contract.Ticket, clerk, ticket_id=called.id)
        check("post", "/api/v1/tickets/{ticket_id}/start", contract.Ticket, clerk, ticket_id=called.id)
        clock.advance(120)
        check("post", "/api/v1/tickets/{ticket_id}/transfer", contract.Ticket, clerk, ticket_id=called.id, json={"service_id": b})
        check("post", "/api/v1/counters/{counter_id}/call", contract.Ticket, clerk, counter_id=counter, json={"number": first.number})
        check("post", "/api/v1/tickets/{ticket_id}/no-show", contract.Ticket, clerk, ticket_id=first.id)
        check("post", "/api/v1/counters/{counter_id}/call", contract.Ticket, clerk, counter_id=counter, json={"number": first.number})
        check("post", "/api/v1/tickets/{ticket_id}/start", contract.Ticket, clerk, ticket_id=first.id)
        check("post", "/api/v1/tickets/{ticket_id}/finish", contract.Ticket, clerk, ticket_id=first.id)
        # the visitor's voice: a rating from the phone and one from the counter-top screen, a complaint
        check("get", "/api/v1/public/tickets/{code}/rating", contract.RatingState, code=first.code)
        check("post", "/api/v1/public/tickets/{code}/rating", contract.Rating, None, 201, code=first.code,
              json={"score": 4, "comment": "سريع"})
        filed = check("post", "/api/v1/public/feedback", contract.PublicFeedback, None, 201,
                      json={"kind": "complaint", "text": "long wait", "mobile": "0501234567", "ticket_code": first.code})
        check("get", "/api/v1/public/feedback/{reference}", contract.PublicFeedback, reference=filed.reference)
        check("get", "/api/v1/public/tickets/{code}/feedback", list[contract.PublicFeedback], code=first.code)
        rated = check("post", "/api/v1/tickets", contract.Ticket, kiosk, 201, json={"service_id": a})
        assert check("post", "/api/v1/counters/{counter_id}/call-next", contract.Ticket, clerk, counter_id=counter).id == rated.id
        check("post", "/api/v1/tickets/{ticket_id}/start", contract.Ticket, clerk, ticket_id=rated.id)
        check("post", "/api/v1/tickets/{ticket_id}/finish", contract.Ticket, clerk, ticket_id=rated.id)
        screen = hall.enroll("feedback", "feedback-1")
        check("post", "/api/v1/tickets/{ticket_id}/rating", contract.Rating, screen, 201, ticket_id=rated.id, json={"score": 5})
        check("get", "/api/v1/sessions/current/scorecard", contract.MyScorecard, clerk)
        check("post", "/api/v1/counters/{counter_id}/call-next", None, clerk, 204, counter_id=counter)  # A and D are empty
        # the remote queue: a phone's ticket confirmed at the kiosk, and one whose visitor never came
        check("get", "/api/v1/public/remote-services", list[contract.JoinService])
        taken = check("post", "/api/v1/public/remote-tickets", contract.RemoteTicket, None, 201, json={"service_id": a})
        remote = {"code": taken.code, "id": client.get("/api/v1/tickets?status=waiting", headers=display).json()[-1]["id"]}
        assert check("get", "/api/v1/public/tickets/{code}", contract.PublicTicket, code=taken.code).remote
        assert check("post", "/api/v1/tickets/{code}/arrived", contract.Ticket, kiosk, code=remote["code"]).arrived_at
        assert check("post", "/api/v1/counters/{counter_id}/call-next", contract.Ticket, clerk, counter_id=counter).remote
        check("post", "/api/v1/tickets/{ticket_id}/start", contract.Ticket, clerk, ticket_id=remote["id"])
        check("post", "/api/v1/tickets/{ticket_id}/finish", contract.Ticket, clerk, ticket_id=remote["id"])
        hall.store.call(commands.issue_remote_ticket, a, 5)
        check("post", "/api/v1/counters/{counter_id}/call-next", None, clerk, 204, counter_id=counter)  # skipped, then absent
        check("post", "/api/v1/counters/{counter_id}/pause", contract.Counter, clerk, counter_id=counter, json={"reason": "prayer"})
        check("post", "/api/v1/counters/{counter_id}/resume", contract.Counter, clerk, counter_id=counter)
        check("post", "/api/v1/counters/{counter_id}/close", contract.Counter, clerk, counter_id=counter)
        check("post", "/api/v1/counters/{counter_id}/open", contract.Counter, clerk, counter_id=counter)
        # what every device reads
        check("get", "/api/v1/state", contract.State, display)
        check("get", "/api/v1/services", list[contract.Service], display)
        check("get", "/api/v1/tickets", list[contract.Ticket], display)
        check("get", "/api/v1/tickets/{ticket_id}", contract.TicketWithHistory, display, ticket_id=called.id)
        check("get", "/api/v1/public/tickets/{code}", contract.PublicTicket, code=first.code)
        waiting = client.get("/api/v1/tickets?status=waiting", headers=display).json()
        check("get", "/api/v1/public/tickets/{code}", contract.PublicTicket, code=waiting[0]["code"])
        # devices and clerks, as a supervisor or an admin does it
        check("post", "/api/v1/devices/status", None, kiosk, 204, json={"status": {"printer": "paper_out"}})
        devices = check("get", "/api/v1/devices", list[contract.Device], admin)
        check("post", "/api/v1/devices/{device_id}/rename", contract.Device, admin, device_id=devices[0].id, json={"name": "kiosk-hall"})
        spare_device = hall.enroll("kiosk", "kiosk-spare")
        spare_id = next(d.id for d in TypeAdapter(list[contract.Device]).validate_python(
            client.get("/api/v1/devices", headers=admin).json()) if d.name == "kiosk-spare")
        assert client.get("/api/v1/state", headers=spare_device).status_code == 200
        check("post", "/api/v1/devices/{device_id}/revoke", contract.Device, admin, device_id=spare_id)
        check("post", "/api/v1/supervisor/check-pin", contract.PinCheck, kiosk, json={"pin": "9999"})
        check("get", "/api/v1/clerks", list[contract.Clerk], admin)
        noura = check("post", "/api/v1/clerks", contract.EnlistedClerk, admin, 201, json={"username": "noura", "pin": "4927"})
        check("post", "/api/v1/clerks/{clerk_id}/reset-pin", contract.Clerk, admin, clerk_id=noura.id, json={"pin": "7306"})
        check("post", "/api/v1/clerks/{clerk_id}/remove", contract.Clerk, admin, clerk_id=noura.id)
        check("get", "/api/v1/stats", contract.Stats, admin)
        check("get", "/api/v1/stats/league", contract.League, admin)
        check("get", "/api/v1/feedback", list[contract.Feedback], admin)
        check("patch", "/api/v1/feedback/{reference}", contract.Feedback, admin, reference=filed.reference,
              json={"answer": "We opened a second counter."})
        check("get", "/api/v1/feedback/{reference}", contract.Feedback, admin, reference=filed.reference)
        check("delete", "/api/v1/feedback/{reference}/personal", contract.Feedback, admin, reference=filed.reference)
        stats = client.get("/api/v1/stats?group_by=", headers=admin).json()
        assert "by_service" not in stats
        exact(TypeAdapter(contract.Stats), stats)
        # refusals are the one Error model
        for method, path, headers in (
            ("get", "/api/v1/state", {}),
            ("post", f"/api/v1/tickets/{first.id}/finish", clerk),
            ("get", "/api/v1/tickets/999999", display),
            ("post", "/api/v1/tickets", display),
        ):
            answer = client.request(method.upper(), path, headers=headers, json={"service_id": a})
            assert answer.status_code >= 400
            exact(TypeAdapter(contract.Error), answer.json())
        # a booking made, moved and cancelled (service F takes appointments in the demo centre)
        appointments = hall.service_id("F")
        day = check("get", "/api/v1/public/services/{service_id}/slots", contract.DaySlots, service_id=appointments)
        first_slot, later_slot = day.slots[:2]
        booked = check("post", "/api/v1/public/bookings", contract.Booking, None, 201,
                       json={"service_id": appointments, "slot_start": first_slot.start, "mobile": "0501234567"})
        portal = hall.enroll("integration", "ministry-portal")
        check("get", "/api/v1/public/bookings/{code}", contract.Booking, portal, code=booked.code)
        check("post", "/api/v1/public/bookings/{code}/reschedule", contract.Booking, code=booked.code,
              json={"slot_start": later_slot.start})
        check("delete", "/api/v1/public/bookings/{code}", contract.Booking, code=booked.code)
        # the rest of the event types: presence, a new config, the business day's end
        hall.store.call(commands.announce_presence, devices[0].id, False)
        hall.store.call(commands.announce_presence, devices[0].id, True)
        hall.store.call(commands.apply_config, demo_config(kiosk_issue_per_minute=999_999))
        hall.store.call(audit.record, audit.Actor("super", "supervisor"), "ticker.set", "boards", None, {"en": "Closing at 2"})
        third = check("post", "/api/v1/tickets", contract.Ticket, kiosk, 201, json={"service_id": a})
        check("post", "/api/v1/counters/{counter_id}/call-next", contract.Ticket, clerk, counter_id=counter)
        check("post", "/api/v1/tickets/{ticket_id}/start", contract.Ticket, clerk, ticket_id=third.id)
        check("post", "/api/v1/tickets", contract.Ticket, kiosk, 201, json={"service_id": a})
        second = hall.login(2, "clerk2")
        check("post", "/api/v1/counters/{counter_id}/call-next", contract.Ticket, second, counter_id=hall.counter_id(2))
        third_clerk = hall.login(3, "clerk3")
        check("delete", "/api/v1/sessions/current", None, third_clerk, 204)
        # past the rollover: counter 1's visitor is closed as served, counter 2's as absent,
        # the transferred visitor waiting in B expires
        clock.advance(24 * 3600)
        check("post", "/api/v1/tickets", contract.Ticket, kiosk, 201, json={"service_id": a})
        # the kiosk's scan field: a booking's code gives an appointment ticket with its slot
        hall.store.call(_add_booking, "CHECK22222", a)
        checked_in = check("post", "/api/v1/check-in", contract.CheckIn, kiosk, json={"code": "CHECK22222"})
        assert checked_in.outcome == "ticket" and checked_in.ticket.slot_start is not None
        last = hall.store.last_seq
        frames = []
        while not frames or frames[-1]["seq"] < last:
            frames.append(json.loads(socket.receive_text()))
    assert [frame["seq"] for frame in frames] == list(range(1, last + 1))
    seen = set()
    for frame in frames:
        event = contract.parse_event(frame)
        assert not isinstance(event, contract.UnknownEvent), frame["type"]
        assert contract.unknown_fields(event) == [], (frame["type"], contract.unknown_fields(event))
        assert event.model_dump(mode="json", by_alias=True, exclude_unset=True) == frame
        seen.add(event.type)
    assert seen == set(contract.EVENT_TYPES), set(contract.EVENT_TYPES) - seen
    events = [contract.parse_event(frame) for frame in frames]
    assert any(isinstance(e, contract.TicketFinished) and e.closed_at_rollover for e in events)
    assert any(isinstance(e, contract.TicketNoShow) and e.closed_at_rollover for e in events)
    operations = {
        (method, path) for path, methods in client.get("/openapi.json").json()["paths"].items() for method in methods
    }
    assert operations - NOT_JSON - check.covered == set()


def test_every_json_answer_is_described_in_the_schema(hall):
    """`/openapi.json` names a contract model for the success of every operation that answers JSON."""
    schema = hall.client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    undescribed = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if (method, path) not in NOT_JSON
        and (declared(schema, method, path) or "?").removeprefix("list[").removesuffix("]") not in components
    ]
    assert undescribed == []
    for name in ("State", "Ticket", "Service", "Counter", "Stats", "PublicTicket", "Error"):
        assert components[name]["properties"], name


def test_an_answer_is_checked_against_its_model_before_it_is_sent(hall):
    """What the hub sends passes through its model unchanged; a wrong or incomplete shape is
    refused (the request then ends as the logged 500 `internal`, never a half-right body)."""
    from hub.routes.common import encode

    kiosk = hall.enroll("kiosk")
    ticket = hall.issue(kiosk)
    assert json.loads(encode(contract.Ticket, ticket)) == ticket
    with pytest.raises(ValidationError):
        encode(contract.Ticket, {**ticket, "status": "lost"})
    with pytest.raises(ValidationError):
        encode(contract.Ticket, {key: value for key, value in ticket.items() if key != "number"})
    with pytest.raises(ValidationError):
        encode(contract.Stats, {"from": "2026-01-01", "to": "2026-01-01"})  # totals, days, precision missing

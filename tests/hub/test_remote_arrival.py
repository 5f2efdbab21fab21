"""A remote ticket's visitor confirms at the kiosk that they are here, through the hub's
`POST /tickets/{code}/arrived`; one who never does is skipped to the back once, then absent."""

from __future__ import annotations

import json

import pytest

from core import commands
from tests.support import Clock


def ticket_events(hall, ticket_id: int) -> list[tuple[str, dict]]:
    with hall.store.read() as conn:
        rows = conn.execute("SELECT type, payload FROM events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)).fetchall()
    return [(row["type"], json.loads(row["payload"])) for row in rows]


def remote_ticket(hall, code: str = "A", cap: int = 5) -> dict:
    return hall.store.call(commands.issue_remote_ticket, hall.service_id(code), cap)


def test_kiosk_confirms_arrival_once(hall, clock: Clock):
    """The first scan sets arrived_at and emits ticket.arrived with the service's row; a second
    scan answers the same ticket and emits nothing more."""
    kiosk = hall.enroll("kiosk", "kiosk-door")
    ticket = remote_ticket(hall)
    assert ticket["remote"] is True and ticket["arrived_at"] is None
    clock.advance(30)
    first = hall.client.post(f"/api/v1/tickets/{ticket['code']}/arrived", headers=kiosk)
    assert first.status_code == 200, first.text
    assert first.json()["id"] == ticket["id"] and first.json()["arrived_at"] is not None
    clock.advance(30)
    again = hall.client.post(f"/api/v1/tickets/{ticket['code']}/arrived", headers=kiosk)
    assert again.status_code == 200 and again.json()["arrived_at"] == first.json()["arrived_at"]
    arrivals = [payload for kind, payload in ticket_events(hall, ticket["id"]) if kind == "ticket.arrived"]
    assert len(arrivals) == 1
    assert arrivals[0]["ticket"]["arrived_at"] == first.json()["arrived_at"]
    assert arrivals[0]["service"]["id"] == ticket["service_id"]


@pytest.mark.parametrize("kind", ["counter", "display", "feedback"])
def test_only_a_kiosk_or_admin_confirms_arrival(hall, kind: str):
    """A board, a counter's device or a feedback screen cannot mark a visitor as here."""
    ticket = remote_ticket(hall)
    answer = hall.client.post(f"/api/v1/tickets/{ticket['code']}/arrived", headers=hall.enroll(kind, f"{kind}-1"))
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden"
    assert hall.client.post(f"/api/v1/tickets/{ticket['code']}/arrived").status_code == 401
    with hall.store.read() as conn:
        assert conn.execute("SELECT arrived_at FROM tickets WHERE id = ?", (ticket["id"],)).fetchone()[0] is None


@pytest.mark.parametrize("code", ["x", "A" * 41, "A" * 5000, "abc%27%3B%20DROP%20TABLE%20tickets", "%E2%80%AEabcdefgh", "%00%00%00%00%00%00%00%00"])
def test_hostile_codes_are_refused_clearly(hall, code: str):
    """Text that is not a ticket code gets a 422 in both languages, and changes nothing."""
    kiosk = hall.enroll("kiosk", "kiosk-door")
    ticket = remote_ticket(hall)
    answer = hall.client.post(f"/api/v1/tickets/{code}/arrived", headers=kiosk)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "validation_error" and answer.json()["message_ar"]
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE arrived_at IS NOT NULL").fetchone()[0] == 0
    assert ticket_events(hall, ticket["id"])[-1][0] == "ticket.issued"


def test_walk_in_unknown_and_finished_codes(hall):
    """A walk-in's code and an unknown code are not found; a remote ticket that left the queue is 409."""
    kiosk = hall.enroll("kiosk", "kiosk-door")
    walk_in = hall.issue(kiosk)
    for code in (walk_in["code"], "abcdefghijklmnop"):
        answer = hall.client.post(f"/api/v1/tickets/{code}/arrived", headers=kiosk)
        assert answer.status_code == 404 and answer.json()["error"] == "not_found", answer.text
    gone = remote_ticket(hall)
    assert hall.client.post(f"/api/v1/tickets/{gone['id']}/cancel", headers=kiosk).status_code == 200
    answer = hall.client.post(f"/api/v1/tickets/{gone['code']}/arrived", headers=kiosk)
    assert answer.status_code == 409 and answer.json()["error"] == "not_waiting"


def test_unconfirmed_remote_ticket_is_skipped_then_absent_without_a_call(hall, clock: Clock):
    """Its first turn sends it to the back (ticket.skipped); its second marks it no-show, never
    called: called_at stays null and finished_at is the moment it was settled."""
    kiosk = hall.enroll("kiosk", "kiosk-door")
    clerk = hall.login(1)
    counter = hall.counter_id(1)
    remote = remote_ticket(hall)
    clock.advance(10)
    walk_in = hall.issue(kiosk)
    clock.advance(10)
    called = hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    assert called.json()["id"] == walk_in["id"]
    skipped = [payload for kind, payload in ticket_events(hall, remote["id"]) if kind == "ticket.skipped"]
    assert len(skipped) == 1 and skipped[0]["ticket"]["status"] == "waiting"
    assert skipped[0]["ticket"]["first_issued_at"] > remote["first_issued_at"]
    assert skipped[0]["service"]["waiting"] == 2  # as it went back, the walk-in was not yet taken
    assert hall.client.post(f"/api/v1/tickets/{walk_in['id']}/start", headers=clerk).status_code == 200
    clock.advance(60)
    assert hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk).status_code == 204
    kinds = [kind for kind, _ in ticket_events(hall, remote["id"])]
    assert kinds == ["ticket.issued", "ticket.skipped", "ticket.no_show"]
    absent = hall.client.get(f"/api/v1/tickets/{remote['id']}", headers=kiosk).json()
    assert absent["status"] == "no_show" and absent["called_at"] is None and absent["finished_at"] is not None
    late = hall.client.post(f"/api/v1/tickets/{remote['code']}/arrived", headers=kiosk)
    assert late.status_code == 409 and late.json()["error"] == "not_waiting"


def test_confirmed_remote_ticket_keeps_its_place(hall, clock: Clock):
    """Confirmed before its turn, it is called first, ahead of the walk-in behind it."""
    kiosk = hall.enroll("kiosk", "kiosk-door")
    clerk = hall.login(1)
    remote = remote_ticket(hall)
    clock.advance(10)
    hall.issue(kiosk)
    assert hall.client.post(f"/api/v1/tickets/{remote['code']}/arrived", headers=kiosk).status_code == 200
    called = hall.client.post(f"/api/v1/counters/{hall.counter_id(1)}/call-next", headers=clerk)
    assert called.json()["id"] == remote["id"] and called.json()["remote"] is True

"""Ingest: batches in order, idempotent on (branch, seq), refused when wrong, partitioned by month."""

from __future__ import annotations

import math

import pytest

from central import auth
from tests.central.helpers import add_branch, at, bearer, event, simple_log, ticket

ORIGIN = at()


def post(client, token: str, events: list[dict], origin: float = ORIGIN):
    return client.post("/api/v1/ingest", json={"log_origin": origin, "events": events}, headers=bearer(token))


def stored(pg, code: str = "RUH-01") -> list[int]:
    return [row[0] for row in pg.execute(
        "SELECT seq FROM events e JOIN branches b ON b.id = e.branch_id WHERE b.code = %s ORDER BY seq", (code,)
    )]


def test_a_batch_is_held_and_sending_it_again_changes_nothing(central, pg):
    """The answer names the highest seq held; the same batch twice leaves one copy of each event."""
    token = add_branch(pg)
    log = simple_log(50)
    first = post(central, token, log)
    assert first.status_code == 200, first.text
    assert first.json()["held"] == 50 and first.json()["inserted"] == 50
    again = post(central, token, log)
    assert again.status_code == 200 and again.json()["held"] == 50 and again.json()["inserted"] == 0
    overlapping = post(central, token, simple_log(60)[40:])
    assert overlapping.json() == {"branch": "RUH-01", "held": 60, "held_at": log[0]["at"] + 60 * 59, "inserted": 10}
    assert stored(pg) == list(range(1, 61))
    assert pg.execute("SELECT count(*) FROM entries").fetchone()[0] == 60


def test_a_gap_is_refused_with_what_is_held(central, pg):
    """A batch that starts past held + 1 is refused (409 gap) and tells the shipper where to start."""
    token = add_branch(pg)
    post(central, token, simple_log(10))
    answer = post(central, token, simple_log(30)[20:])
    assert answer.status_code == 409
    assert answer.json()["error"] == "gap" and answer.json()["held"] == 10
    assert "message_ar" in answer.json()
    assert stored(pg) == list(range(1, 11))


def test_the_held_seq_and_its_time_are_told_to_the_branch(central, pg):
    """GET /ingest answers what the central holds, so a restarted hub sends only what is missing."""
    token = add_branch(pg)
    assert central.get("/api/v1/ingest", headers=bearer(token)).json()["held"] == 0
    log = simple_log(5)
    post(central, token, log)
    answer = central.get("/api/v1/ingest", headers=bearer(token)).json()
    assert answer["held"] == 5 and answer["held_at"] == log[-1]["at"]


@pytest.mark.parametrize("header", [None, "Bearer nonsense-token-nonsense", "Basic abc", "Bearer " + "x" * 5000])
def test_a_wrong_or_missing_token_is_refused(central, pg, header):
    """No token, a wrong one, another scheme or a huge one: 401, and nothing is written."""
    add_branch(pg)
    headers = {"Authorization": header} if header else {}
    answer = central.post("/api/v1/ingest", json={"log_origin": ORIGIN, "events": simple_log(3)}, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"] in ("unauthorized", "bad_token") and answer.json()["message_ar"]
    assert pg.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_a_replaced_token_stops_working(central, pg):
    """`central branch token` gives a new token; the old one is refused from then on."""
    old = add_branch(pg)
    new = auth.new_branch_token(pg, "RUH-01")
    assert post(central, old, simple_log(1)).status_code == 401
    assert post(central, new, simple_log(1)).status_code == 200


def test_each_branch_writes_only_its_own_log(central, pg):
    """Two branches with the same seqs are kept apart by their tokens."""
    first, second = add_branch(pg, "RUH-01"), add_branch(pg, "JED-02")
    post(central, first, simple_log(5))
    post(central, second, simple_log(3))
    assert stored(pg, "RUH-01") == [1, 2, 3, 4, 5] and stored(pg, "JED-02") == [1, 2, 3]


def test_another_event_log_for_the_same_branch_is_refused(central, pg):
    """A batch from a different hub database (another first event) is refused: 409 log_mismatch."""
    token = add_branch(pg)
    post(central, token, simple_log(5))
    answer = post(central, token, simple_log(6)[5:], origin=ORIGIN + 1)
    assert answer.status_code == 409 and answer.json()["error"] == "log_mismatch"
    assert "--central-resend" in answer.json()["message"]


def test_restarting_the_log_forgets_the_branch_and_takes_it_again(central, pg):
    """POST /ingest/restart clears what the central holds of the branch; the log is taken from seq 1."""
    token = add_branch(pg)
    post(central, token, simple_log(5))
    assert central.post("/api/v1/ingest/restart", json={}, headers=bearer(token)).json()["held"] == 0
    assert stored(pg) == []
    assert post(central, token, simple_log(3), origin=ORIGIN + 7).json()["held"] == 3


@pytest.mark.parametrize(
    "events, field",
    [
        ([{"seq": 0, "at": ORIGIN, "type": "ticket.issued", "payload": {}}], "seq"),
        ([{"seq": -4, "at": ORIGIN, "type": "ticket.issued", "payload": {}}], "seq"),
        ([{"seq": "1", "at": ORIGIN, "type": "ticket.issued", "payload": {}}], "seq"),
        ([{"seq": 1, "at": ORIGIN, "type": "ticket.issued", "payload": []}], "payload"),
        ([{"seq": 1, "at": ORIGIN, "type": "DROP TABLE events;", "payload": {}}], "type"),
        ([{"seq": 1, "at": ORIGIN, "type": "ticket.issued"}], "payload"),
        ([{"seq": 1, "at": 1e20, "type": "ticket.issued", "payload": {}}], "at"),
        ([{"seq": 1, "at": 12.5, "type": "ticket.issued", "payload": {}}], "at"),
        ([{"seq": 1, "at": ORIGIN, "type": "ticket.issued", "payload": {"ticket": "A-001"}}], "ticket"),
        ([event(1, ORIGIN, "ticket.issued", ticket=ticket(1, day="2026-02-30"))], "business_day"),
        ([event(1, ORIGIN, "ticket.issued", ticket=ticket(1, day="1999-12-31"))], "business_day"),
        ([event(1, ORIGIN, "ticket.issued", ticket=ticket(1, status="teleported"))], "status"),
        ([event(1, ORIGIN, "ticket.issued", ticket={**ticket(1), "service_id": True})], "service_id"),
        ([event(1, ORIGIN, "ticket.issued", ticket={**ticket(1), "clerk": "x" * 500})], "clerk"),
        (simple_log(3)[:1] + simple_log(3)[2:], "consecutive"),
        (list(reversed(simple_log(3))), "consecutive"),
    ],
)
def test_hostile_events_are_refused_whole_and_nothing_is_written(central, pg, events, field):
    """A bad event refuses its whole batch (422, both languages) and leaves nothing behind."""
    token = add_branch(pg)
    answer = post(central, token, events)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert field in body["message"] and body["message_ar"]
    assert pg.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert pg.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    assert pg.execute("SELECT held_seq FROM branches").fetchone()[0] == 0


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'{"events": []}', b'{"log_origin": "x", "events": []}', b"\xff\xfe"])
def test_malformed_bodies_are_refused(central, pg, body):
    """Empty, broken or wrongly shaped bodies: 422 with a message, never a 500."""
    token = add_branch(pg)
    answer = central.post("/api/v1/ingest", content=body, headers={**bearer(token), "Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["message_ar"]


def test_a_batch_over_the_limits_is_refused(central, pg):
    """More than 5000 events, or a body over 32 MiB, is refused (422, 413) before anything is written."""
    token = add_branch(pg)
    assert post(central, token, simple_log(5001)).status_code == 422
    huge = b'{"log_origin": 1.0, "events": [' + b" " * (33 * 1024 * 1024) + b"]}"
    answer = central.post("/api/v1/ingest", content=huge, headers={**bearer(token), "Content-Type": "application/json"})
    assert answer.status_code == 413 and answer.json()["error"] == "body_too_large"


def test_not_a_number_is_not_a_time(central, pg):
    """NaN and infinity in `at` (JSON extensions some encoders write) are refused."""
    token = add_branch(pg)
    for value in (b"NaN", b"Infinity"):
        body = b'{"log_origin": %r, "events": [{"seq": 1, "at": %s, "type": "ticket.issued", "payload": {}}]}' % (ORIGIN, value)
        answer = central.post("/api/v1/ingest", content=body, headers={**bearer(token), "Content-Type": "application/json"})
        assert answer.status_code == 422
    assert not math.isnan(ORIGIN)


def test_events_and_entries_are_partitioned_by_month(central, pg):
    """A log across a month's end lands in two monthly partitions of `events` and of `entries`."""
    token = add_branch(pg)
    log = [
        event(1, at("2026-11-30", 12), "ticket.issued", ticket=ticket(1, day="2026-11-30")),
        event(2, at("2026-12-01", 12), "ticket.issued", ticket=ticket(2, day="2026-12-01")),
    ]
    assert post(central, token, log).status_code == 200
    rows = pg.execute(
        "SELECT c.relname, count(*) OVER () FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events' ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in rows] == ["events_y2026m11", "events_y2026m12"]
    assert pg.execute("SELECT count(*) FROM ONLY entries_y2026m12").fetchone()[0] == 1
    assert pg.execute("SELECT tableoid::regclass::text FROM events WHERE seq = 1").fetchone()[0] == "events_y2026m11"


def test_unknown_event_types_are_kept_for_later(central, pg):
    """An event type the central does not use yet (e.g. a future rating) is stored, not refused."""
    token = add_branch(pg)
    log = [event(1, ORIGIN, "feedback.rated", rating=5, ticket_id=1)]
    assert post(central, token, log).json()["held"] == 1
    assert pg.execute("SELECT payload->>'rating' FROM events").fetchone()[0] == "5"


def test_a_nul_character_in_a_payload_does_not_stop_the_log(central, pg):
    """JSON may escape U+0000, which PostgreSQL cannot store: it is kept as U+FFFD; an escaped backslash stays."""
    token = add_branch(pg)
    body = ('{"log_origin": %r, "events": [{"seq": 1, "at": %r, "type": "device.status", '
            '"payload": {"status": {"printer": "x\\u0000y", "path": "C:\\\\u0000dir"}}}]}' % (ORIGIN, ORIGIN)).encode()
    answer = central.post("/api/v1/ingest", content=body, headers={**bearer(token), "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    printer, path = pg.execute("SELECT payload->'status'->>'printer', payload->'status'->>'path' FROM events").fetchone()
    assert printer == "x\ufffdy" and path == "C:\\u0000dir"

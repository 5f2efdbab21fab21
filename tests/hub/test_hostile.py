"""Hostile and careless input: wrong types, huge bodies, unknown ids, SQL, Arabic and emoji."""

from __future__ import annotations

import pytest

from tests.support import Clock

SQLISH = "1; DROP TABLE tickets; --"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"service_id": "1"},
        {"service_id": 1.5},
        {"service_id": True},
        {"service_id": None},
        {"service_id": -1},
        {"service_id": 0},
        {"service_id": 10**30},
        {"service_id": [1]},
        {"service_id": 1, "priority": "vip"},
        {"service_id": 1, "priority": SQLISH},
        {"service_id": 1, "extra": "field"},
        {"service_id": SQLISH},
    ],
)
def test_issue_refuses_wrong_bodies_with_422(hall, body):
    """Every malformed ticket request is a 422 JSON error naming the field; nothing is issued."""
    kiosk = hall.enroll("kiosk")
    seq = hall.store.last_seq
    answer = hall.client.post("/api/v1/tickets", json=body, headers=kiosk)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "validation_error" and answer.json()["message"]
    assert hall.store.last_seq == seq


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1,2,3]", b"\xff\xfe", b'{"service_id": 1', b"null", b'"string"'])
def test_issue_refuses_non_json(hall, raw):
    """Bodies that are not a JSON object are refused with 422, never a 500."""
    kiosk = hall.enroll("kiosk")
    answer = hall.client.post("/api/v1/tickets", content=raw, headers={**kiosk, "Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"] == "validation_error"


def test_huge_bodies_are_refused_with_413(hall):
    """A body over the limit is refused before it is read whole, declared or chunked."""
    kiosk = hall.enroll("kiosk")
    huge = b'{"service_id": 1, "pad": "' + b"x" * 200_000 + b'"}'
    answer = hall.client.post("/api/v1/tickets", content=huge, headers={**kiosk, "Content-Type": "application/json"})
    assert answer.status_code == 413 and answer.json()["error"] == "body_too_large"

    def chunks():
        yield b'{"service_id": 1, "pad": "'
        for _ in range(100):
            yield b"y" * 10_000
        yield b'"}'

    chunked = hall.client.post("/api/v1/tickets", content=chunks(), headers={**kiosk, "Content-Type": "application/json"})
    assert chunked.status_code == 413


@pytest.mark.parametrize("path", ["/api/v1/tickets/999999", "/api/v1/tickets/0", "/api/v1/tickets/abc", f"/api/v1/tickets/{10**40}"])
def test_unknown_or_malformed_ticket_ids(hall, path):
    """Unknown ids are 404; ids that are not positive integers are 422."""
    kiosk = hall.enroll("kiosk")
    answer = hall.client.get(path, headers=kiosk)
    assert answer.status_code in (404, 422)
    assert answer.json()["error"] in ("not_found", "validation_error")


def test_unknown_ids_in_steps_and_counters(hall):
    """Steps on unknown tickets are 404; unknown counters and services too, and nothing changes."""
    clerk = hall.login(1)
    kiosk = hall.enroll("kiosk")
    seq = hall.store.last_seq
    assert hall.client.post("/api/v1/tickets/424242/finish", headers=clerk).status_code == 404
    assert hall.client.post("/api/v1/tickets/424242/transfer", json={"service_id": 1}, headers=clerk).status_code == 404
    assert hall.client.post("/api/v1/counters/9999/call-next", headers=clerk).status_code == 403  # not theirs
    assert hall.client.post("/api/v1/tickets", json={"service_id": 999}, headers=kiosk).status_code == 404
    assert hall.store.last_seq == seq


def test_sql_looking_and_unicode_strings_are_plain_data(hall):
    """SQL, Arabic, emoji and control characters in names and numbers are stored or refused, never run."""
    device = hall.client.post("/api/v1/devices/enroll", json={"name": "كشك المدخل 🎫 '; DROP TABLE devices;--", "kind": "kiosk", "code": "4711"})
    assert device.status_code == 201
    clerk = hall.login(1)
    counter = hall.counter_id(1)
    for number in (SQLISH, "١٠٥", "A-١٠٥", "🎫", "A\x00105"):
        answer = hall.client.post(f"/api/v1/counters/{counter}/call", json={"number": number}, headers=clerk)
        assert answer.status_code == 422, number
    for username in (SQLISH, "فاطمة", "👩‍💼", "' OR '1'='1"):
        answer = hall.client.post("/api/v1/sessions", json={"username": username, "pin": "1111", "counter_id": counter}, headers=hall.enroll("counter"))
        assert answer.status_code == 401
    pause = hall.client.post(f"/api/v1/counters/{counter}/pause", json={"reason": "صلاة الظهر 🕌"}, headers=clerk)
    assert pause.status_code == 200 and pause.json()["pause_reason"] == "صلاة الظهر 🕌"
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM devices").fetchone()[0] >= 3


def test_expired_session_is_refused(hall, clock: Clock):
    """A clerk session past its lifetime is a 401, and the clerk must log in again."""
    clerk = hall.login(2)
    clock.advance(13 * 3600)
    answer = hall.client.post(f"/api/v1/counters/{hall.counter_id(2)}/call-next", headers=clerk)
    assert answer.status_code == 401 and answer.json()["error"] == "bad_token"


def test_wrong_methods_and_paths_are_json(hall):
    """Unknown paths and wrong methods answer JSON errors too."""
    assert hall.client.get("/api/v1/nothing-here").json()["error"] == "not_found"
    wrong = hall.client.get("/api/v1/tickets/1/finish")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


LONE_SURROGATE = b'"caf\\udc80e"'  # valid JSON, but no valid Unicode: decodes to a lone surrogate


@pytest.mark.parametrize(
    ("path", "body", "auth"),
    [
        ("/api/v1/devices/enroll", b'{"name": ' + LONE_SURROGATE + b', "kind": "kiosk", "code": "x"}', None),
        ("/api/v1/devices/enroll", b'{"name": "kiosk", "kind": "kiosk", "code": ' + LONE_SURROGATE + b"}", None),
        ("/api/v1/devices/status", b'{"status": {"printer": ' + LONE_SURROGATE + b"}}", "kiosk"),
        ("/api/v1/devices/status", b'{"status": {' + LONE_SURROGATE + b': "ok"}}', "kiosk"),
        ("/api/v1/devices/status", b'{"status": {"deep": [[{"x": ' + LONE_SURROGATE + b"}]]}}", "kiosk"),
        ("/api/v1/sessions", b'{"username": ' + LONE_SURROGATE + b', "pin": "1111", "counter_id": 1}', "counter"),
        ("/api/v1/supervisor/check-pin", b'{"pin": ' + LONE_SURROGATE + b"}", "kiosk"),
    ],
)
def test_unencodable_text_in_a_body_is_422_never_500(hall, path, body, auth):
    """A lone surrogate anywhere in a JSON body is refused 422 with a bilingual error; nothing changes."""
    headers = {"Content-Type": "application/json", **(hall.enroll(auth) if auth else {})}
    seq = hall.store.last_seq
    answer = hall.client.post(path, content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "validation_error" and answer.json()["message_ar"]
    assert "Unicode" in answer.json()["message"]
    assert hall.store.last_seq == seq

"""The HTTP contract, in process: every call, its permissions and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.hub.conftest import Hall
from tests.support import Clock


def test_health(hall):
    """/health answers ok with the version, without a token."""
    answer = hall.client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.json()["status"] == "ok" and answer.json()["version"]


def test_enrollment_gives_a_token_and_refuses_wrong_codes(hall):
    """The right code gives a token; a wrong one is 403, and guessing is cut off with 429."""
    ok = hall.client.post("/api/v1/devices/enroll", json={"name": "kiosk 1", "kind": "kiosk", "code": "4711"})
    assert ok.status_code == 201 and len(ok.json()["token"]) >= 32
    statuses = [
        hall.client.post("/api/v1/devices/enroll", json={"name": "x", "kind": "kiosk", "code": f"{n:04d}"}).status_code
        for n in range(15)
    ]
    assert statuses[0] == 403 and statuses[-1] == 429
    bad_kind = hall.client.post("/api/v1/devices/enroll", json={"name": "x", "kind": "toaster", "code": "4711"})
    assert bad_kind.status_code == 422 and bad_kind.json()["error"] == "validation_error"


def test_state_snapshot_has_the_contract_names(hall):
    """/state carries seq, business_day, services and counters with the names clients rely on."""
    display = hall.enroll("display")
    state = hall.client.get("/api/v1/state", headers=display).json()
    assert {"seq", "business_day", "services", "counters", "recent_calls", "centre", "boards"} <= state.keys()
    assert {"id", "code", "name_ar", "name_en", "waiting", "eta_seconds"} <= state["services"][0].keys()
    assert {"id", "number", "name", "status", "current_ticket"} <= state["counters"][0].keys()
    assert len(state["counters"]) == 8


def test_services_carry_the_average_service_time(hall):
    """Each service tells its average service time; with no history it is the configured one."""
    display = hall.enroll("display")
    services = hall.client.get("/api/v1/services", headers=display).json()
    configured = {s.code: s.average_service_minutes * 60 for s in hall.store.catalogue.config.services}
    assert {s["code"]: s["average_service_seconds"] for s in services} == configured
    assert {s["code"]: s["configured_service_seconds"] for s in services} == configured


def test_tokens_are_required_and_checked(hall):
    """No token, a malformed header, an unknown or a huge token: 401 with a JSON error."""
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer nope"}, {"Authorization": "Bearer " + "x" * 5000}):
        answer = hall.client.get("/api/v1/state", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json()["error"] in ("unauthorized", "bad_token")


def test_kiosk_issues_and_the_answer_matches_the_contract(hall):
    """POST /tickets gives id, number, service_id, issued_at, ahead, eta_seconds and code."""
    kiosk = hall.enroll("kiosk")
    first = hall.issue(kiosk)
    second = hall.issue(kiosk)
    assert first["number"] == "A-001" and second["number"] == "A-002" and second["ahead"] == 1
    assert {"id", "number", "service_id", "issued_at", "ahead", "eta_seconds", "code"} <= first.keys()
    history = hall.client.get(f"/api/v1/tickets/{first['id']}", headers=kiosk).json()["history"]
    assert [h["type"] for h in history] == ["ticket.issued"]


def test_permissions_per_device_kind(hall):
    """A display only reads; a kiosk cannot call; a counter device must log a clerk in first."""
    display, kiosk, counter = hall.enroll("display"), hall.enroll("kiosk"), hall.enroll("counter")
    body = {"service_id": hall.service_id("A")}
    assert hall.client.post("/api/v1/tickets", json=body, headers=display).status_code == 403
    assert hall.client.post("/api/v1/tickets", json=body, headers=counter).status_code == 403
    ticket = hall.issue(kiosk)
    for headers in (kiosk, display, counter):
        assert hall.client.post(f"/api/v1/counters/{hall.counter_id(1)}/call-next", headers=headers).status_code == 403
        assert hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=headers).status_code == 403
    login = {"username": "clerk1", "pin": "1111", "counter_id": hall.counter_id(1)}
    assert hall.client.post("/api/v1/sessions", json=login, headers=kiosk).status_code == 403
    assert hall.client.get("/api/v1/stats", headers=kiosk).status_code == 403


def test_full_cycle_over_http(hall):
    """Call-next, recall, start, finish: each answer is the ticket, and 204 when nobody waits."""
    kiosk = hall.enroll("kiosk")
    clerk = hall.login(1)
    counter = hall.counter_id(1)
    ticket = hall.issue(kiosk)
    called = hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    assert called.status_code == 200 and called.json()["id"] == ticket["id"] and called.json()["clerk"] == "clerk1"
    assert hall.client.post(f"/api/v1/tickets/{ticket['id']}/recall", headers=clerk).json()["recalls"] == 1
    assert hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk).json()["status"] == "serving"
    assert hall.client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=clerk).json()["status"] == "done"
    assert hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk).status_code == 204


def test_impossible_step_is_409_in_both_languages(hall):
    """Finishing a waiting ticket: 409 impossible_step with English and Arabic messages."""
    kiosk = hall.enroll("kiosk")
    clerk = hall.login(1)
    ticket = hall.issue(kiosk)
    answer = hall.client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=clerk)
    assert answer.status_code == 409
    body = answer.json()
    assert body["error"] == "impossible_step" and "waiting" in body["message"] and body["message_ar"]


def test_clerk_bound_to_their_counter(hall):
    """A clerk's session acts at its own counter only: another counter's call-next is 403."""
    clerk = hall.login(1)
    answer = hall.client.post(f"/api/v1/counters/{hall.counter_id(2)}/call-next", headers=clerk)
    assert answer.status_code == 403 and answer.json()["error"] == "wrong_counter"


def test_clerk_acting_on_another_counters_ticket(hall):
    """Counter 2's clerk cannot finish, recall or transfer the ticket counter 1 holds."""
    kiosk = hall.enroll("kiosk")
    one, two = hall.login(1, "clerk1"), hall.login(2, "clerk2")
    ticket = hall.issue(kiosk)
    hall.client.post(f"/api/v1/counters/{hall.counter_id(1)}/call-next", headers=one)
    for action in ("recall", "start", "no-show"):
        answer = hall.client.post(f"/api/v1/tickets/{ticket['id']}/{action}", headers=two)
        assert answer.status_code == 403 and answer.json()["error"] == "wrong_counter"


def test_wrong_pin_and_lockout(hall):
    """Wrong PINs are 401; after five the clerk is locked out with 429 and Retry-After."""
    device = hall.enroll("counter")
    body = {"username": "clerk2", "pin": "0000", "counter_id": hall.counter_id(3)}
    codes = [hall.client.post("/api/v1/sessions", json=body, headers=device).status_code for _ in range(5)]
    assert codes == [401] * 5
    locked = hall.client.post("/api/v1/sessions", json={**body, "pin": "1111"}, headers=device)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0 and locked.json()["error"] == "locked_out"
    unknown = hall.client.post("/api/v1/sessions", json={**body, "username": "nobody"}, headers=device)
    assert unknown.status_code == 401 and unknown.json()["message"] == "Wrong user name or PIN."


def test_logout_closes_the_counter_and_ends_the_session(hall):
    """DELETE /sessions/current closes the counter; the old session token no longer works."""
    clerk = hall.login(4)
    assert hall.client.delete("/api/v1/sessions/current", headers=clerk).status_code == 204
    assert hall.client.post(f"/api/v1/counters/{hall.counter_id(4)}/call-next", headers=clerk).status_code == 401
    display = hall.enroll("display")
    counters = hall.client.get("/api/v1/state", headers=display).json()["counters"]
    assert next(c for c in counters if c["number"] == 4)["status"] == "closed"


def test_transfer_and_cancel(hall):
    """Transfer answers the new waiting entry; a kiosk may cancel a waiting ticket, not a called one."""
    kiosk = hall.enroll("kiosk")
    clerk = hall.login(8)
    counter = hall.counter_id(8)
    ticket = hall.issue(kiosk, "E")
    hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk)
    moved = hall.client.post(f"/api/v1/tickets/{ticket['id']}/transfer", json={"service_id": hall.service_id("B")}, headers=clerk)
    assert moved.status_code == 200 and moved.json()["number"] == ticket["number"] and moved.json()["status"] == "waiting"
    assert hall.client.post(f"/api/v1/tickets/{moved.json()['id']}/cancel", headers=kiosk).json()["status"] == "cancelled"
    other = hall.issue(kiosk, "E")
    hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    assert hall.client.post(f"/api/v1/tickets/{other['id']}/cancel", headers=kiosk).status_code == 409


def test_pause_resume_close_over_http(hall):
    """Pause with a reason, resume, close; a reason that is empty or too long is 422."""
    clerk = hall.login(5)
    counter = hall.counter_id(5)
    assert hall.client.post(f"/api/v1/counters/{counter}/pause", json={"reason": ""}, headers=clerk).status_code == 422
    assert hall.client.post(f"/api/v1/counters/{counter}/pause", json={"reason": "x" * 81}, headers=clerk).status_code == 422
    paused = hall.client.post(f"/api/v1/counters/{counter}/pause", json={"reason": "prayer"}, headers=clerk)
    assert paused.json()["status"] == "paused" and paused.json()["pause_reason"] == "prayer"
    assert hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk).status_code == 409
    assert hall.client.post(f"/api/v1/counters/{counter}/resume", headers=clerk).json()["status"] == "open"
    closed = hall.client.post(f"/api/v1/counters/{counter}/close", headers=clerk).json()
    assert closed["status"] == "closed" and closed["clerk"] is None
    # Nobody stands at a closed counter as far as the hall and the boards are told.
    shown = next(c for c in hall.client.get("/api/v1/state", headers=clerk).json()["counters"] if c["id"] == counter)
    assert shown["status"] == "closed" and shown["clerk"] is None
    reopened = hall.client.post(f"/api/v1/counters/{counter}/open", headers=clerk).json()
    assert reopened["status"] == "open" and reopened["clerk"] == "clerk1"


@contextmanager
def _hall_issuing(store, per_minute: int) -> Iterator[Hall]:
    """The hall over a real app whose kiosks may issue `per_minute` tickets a minute."""
    from fastapi.testclient import TestClient

    from hub.app import HubSettings, create_app

    store.catalogue.config = store.catalogue.config.model_copy(
        update={"hub": store.catalogue.config.hub.model_copy(update={"kiosk_issue_per_minute": per_minute})}
    )
    with TestClient(create_app(store, HubSettings(enroll_code="4711"))) as client:
        yield Hall(client, store)


def test_kiosk_rate_limit(store, clerks):
    """A kiosk issues as many tickets a minute as the config says, then gets 429 with Retry-After;
    another kiosk is unaffected."""
    with _hall_issuing(store, per_minute=6) as hall:
        client = hall.client
        greedy, other = hall.enroll("kiosk", "k1"), hall.enroll("kiosk", "k2")
        body = {"service_id": hall.service_id("A")}
        # "6 per minute" means six tickets in a row from rest (it refused the 2nd), then a refusal.
        codes = [client.post("/api/v1/tickets", json=body, headers=greedy).status_code for _ in range(7)]
        assert codes == [201] * 6 + [429]
        limited = client.post("/api/v1/tickets", json=body, headers=greedy)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert client.post("/api/v1/tickets", json=body, headers=other).status_code == 201


def test_a_kiosks_touches_and_scans_share_one_issuing_limit(store, clerks):
    """A scan at the check-in field may issue a ticket too, so it draws on the same per-kiosk
    bucket as a touch: three of either, then both are refused; an admin device is not held to it."""
    with _hall_issuing(store, per_minute=3) as hall:
        client = hall.client
        kiosk, admin = hall.enroll("kiosk", "k1"), hall.enroll("admin", "tools")
        body = {"service_id": hall.service_id("A")}
        scan = {"code": "KKKK999999"}  # no such booking: a 404, but the scan was taken
        assert client.post("/api/v1/tickets", json=body, headers=kiosk).status_code == 201
        assert client.post("/api/v1/check-in", json=scan, headers=kiosk).status_code == 404
        assert client.post("/api/v1/tickets", json=body, headers=kiosk).status_code == 201
        for path, sent in (("/api/v1/check-in", scan), ("/api/v1/tickets", body)):
            refused = client.post(path, json=sent, headers=kiosk)
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
            assert "too fast" in refused.json()["message"] and refused.json()["message_ar"]
        for _ in range(4):
            assert client.post("/api/v1/tickets", json=body, headers=admin).status_code == 201
        assert client.post("/api/v1/check-in", json=scan, headers=admin).status_code == 404


def test_device_status_becomes_an_event(hall):
    """A kiosk reporting its printer out of paper produces a device.status event."""
    kiosk = hall.enroll("kiosk", "kiosk-entrance")
    assert hall.client.post("/api/v1/devices/status", json={"status": {"printer": "paper_out"}}, headers=kiosk).status_code == 204
    last = hall.store.events_after(hall.store.last_seq - 1)[0]
    assert last.type == "device.status" and last.payload["status"] == {"printer": "paper_out"}
    assert last.payload["device"]["name"] == "kiosk-entrance"
    huge = {"status": {"note": "x" * 5000}}
    assert hall.client.post("/api/v1/devices/status", json=huge, headers=kiosk).status_code == 422


def test_stats_for_supervisors(hall, clock: Clock):
    """A supervisor's session gets KPIs per service and clerk; a clerk's session is refused."""
    kiosk = hall.enroll("kiosk")
    clerk = hall.login(1)
    counter = hall.counter_id(1)
    ticket = hall.issue(kiosk)
    clock.advance(300)
    hall.client.post(f"/api/v1/counters/{counter}/call-next", headers=clerk)
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk)
    clock.advance(120)
    hall.client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=clerk)
    assert hall.client.get("/api/v1/stats", headers=clerk).status_code == 403
    supervisor = hall.login(8, "super", "9999")
    stats = hall.client.get("/api/v1/stats?group_by=service,clerk", headers=supervisor).json()
    assert stats["totals"]["served"] == 1 and stats["totals"]["wait_seconds"]["mean"] == 300.0
    assert stats["by_clerk"][0]["clerk"] == "clerk1" and stats["by_clerk"][0]["service_seconds"]["median"] == 120.0
    assert hall.client.get("/api/v1/stats?group_by=colour", headers=supervisor).status_code == 422
    assert hall.client.get("/api/v1/stats?from=2026-02-30", headers=supervisor).status_code == 422
    assert hall.client.get("/api/v1/stats?from=2026-11-24&to=2026-11-01", headers=supervisor).status_code == 422


def test_events_websocket_replays_then_streams(hall):
    """WS /events?since=0 replays the log in order, then delivers new events as they happen."""
    kiosk = hall.enroll("kiosk")
    hall.issue(kiosk)
    hall.issue(kiosk)
    token = kiosk["Authorization"].split()[1]
    with hall.client.websocket_connect(f"/api/v1/events?since=0&token={token}") as socket:
        replayed = [socket.receive_json() for _ in range(3)]
        assert [e["seq"] for e in replayed] == [1, 2, 3]
        assert replayed[0]["type"] == "device.enrolled" and replayed[0]["device"]["kind"] == "kiosk"
        assert replayed[1]["type"] == "ticket.issued" and replayed[1]["ticket"]["number"] == "A-001"
        hall.issue(kiosk, "B")
        live = socket.receive_json()
        assert live["seq"] == 4 and live["ticket"]["number"] == "B-001" and live["at"].endswith("+03:00")


def test_events_websocket_refuses_bad_tokens_and_future_seq(hall):
    """A bad token closes with 4401; a since beyond the log closes with 4409 (reload /state)."""
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as refused:
        with hall.client.websocket_connect("/api/v1/events?since=0&token=nope") as socket:
            socket.receive_json()
    assert refused.value.code == 4401
    token = hall.enroll("display")["Authorization"].split()[1]
    with pytest.raises(WebSocketDisconnect) as ahead:
        with hall.client.websocket_connect(f"/api/v1/events?since=999999&token={token}") as socket:
            socket.receive_json()
    assert ahead.value.code == 4409


def test_phone_page_in_both_languages(hall):
    """/t/{code} shows the number and queue place in Arabic (RTL) and English; unknown codes 404."""
    kiosk = hall.enroll("kiosk")
    hall.issue(kiosk)
    ticket = hall.issue(kiosk)
    arabic = hall.client.get(f"/t/{ticket['code']}")
    assert arabic.status_code == 200 and 'dir="rtl"' in arabic.text and ticket["number"] in arabic.text
    assert "عدد المنتظرين قبلك" in arabic.text
    english = hall.client.get(f"/t/{ticket['code']}?lang=en")
    assert 'dir="ltr"' in english.text and "People ahead of you" in english.text
    public = hall.client.get(f"/api/v1/public/tickets/{ticket['code']}").json()
    assert public["ahead"] == 1 and "clerk" not in public and "id" not in public
    assert hall.client.get("/t/doesnotexist123").status_code == 404
    assert hall.client.get("/t/<script>alert(1)</script>").status_code in (404, 422)
    assert hall.client.get("/api/v1/public/tickets/short").status_code == 422


def test_centre_logo_is_served_to_devices(tmp_path):
    """With a logo in the config, /state names its address and devices fetch the exact bytes; without, 404."""
    from fastapi.testclient import TestClient

    from core.config import load_config
    from core.commands import open_store
    from hub.app import HubSettings, create_app
    from tests.support import demo_config_text
    from tests.core.test_config import PNG_1PX

    (tmp_path / "logo.png").write_bytes(PNG_1PX)
    config_path = tmp_path / "centre.toml"
    config_path.write_text(demo_config_text().replace("[centre]\n", '[centre]\nlogo = "logo.png"\n', 1), encoding="utf-8")
    with open_store(tmp_path / "hub.sqlite", load_config(config_path)) as store:
        with TestClient(create_app(store, HubSettings(enroll_code="4711"))) as client:
            token = client.post("/api/v1/devices/enroll", json={"name": "k", "kind": "kiosk", "code": "4711"}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert client.get("/api/v1/state", headers=headers).json()["centre"]["logo_url"] == "/api/v1/centre/logo"
            logo = client.get("/api/v1/centre/logo", headers=headers)
            assert logo.status_code == 200 and logo.content == PNG_1PX and logo.headers["content-type"] == "image/png"
            assert client.get("/api/v1/centre/logo").status_code == 401


def test_no_logo_is_404(hall):
    """The demo centre has no logo: /state says null and the logo address answers 404 as JSON."""
    kiosk = hall.enroll("kiosk")
    assert hall.client.get("/api/v1/state", headers=kiosk).json()["centre"]["logo_url"] is None
    answer = hall.client.get("/api/v1/centre/logo", headers=kiosk)
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"


def test_supervisor_pin_check_for_kiosks(hall):
    """A supervisor's PIN is recognised, a clerk's is not; nothing opens; guessing is cut off."""
    kiosk = hall.enroll("kiosk", "kiosk-pin")
    path = "/api/v1/supervisor/check-pin"
    ok = hall.client.post(path, json={"pin": "9999"}, headers=kiosk)
    assert ok.status_code == 200 and ok.json()["clerk"] == {"username": "super", "role": "supervisor"}
    clerk_pin = hall.client.post(path, json={"pin": "1111"}, headers=kiosk)
    assert clerk_pin.status_code == 401 and clerk_pin.json()["error"] == "wrong_pin" and clerk_pin.json()["message_ar"]
    state = hall.client.get("/api/v1/state", headers=kiosk).json()
    assert all(counter["status"] == "closed" for counter in state["counters"])
    for body in ({}, {"pin": ""}, {"pin": 9999}, {"pin": "9" * 13}, {"pin": "9999", "extra": 1}):
        assert hall.client.post(path, json=body, headers=kiosk).status_code == 422, body
    assert hall.client.post(path, json={"pin": "9999"}).status_code == 401
    statuses = [hall.client.post(path, json={"pin": f"{n:04d}"}, headers=kiosk).status_code for n in range(8)]
    assert statuses[-1] == 429
    limited = hall.client.post(path, json={"pin": "9999"}, headers=kiosk)
    assert limited.status_code == 429 and limited.json()["error"] == "locked_out" and "Retry-After" in limited.headers


def test_tickets_can_be_listed_for_one_clerk(hall):
    """`clerk=me` gives only the session's own tickets; a name filters; a device without a session is refused."""
    kiosk = hall.enroll("kiosk", "kiosk-clerk-filter")
    first = hall.login(1, "clerk1")
    second = hall.login(2, "clerk2")
    for _ in range(3):
        hall.issue(kiosk)
    for session, counter in ((first, 1), (second, 2), (first, 1)):
        ticket = hall.client.post(f"/api/v1/counters/{hall.counter_id(counter)}/call-next", headers=session).json()
        for step in ("start", "finish"):
            assert hall.client.post(f"/api/v1/tickets/{ticket['id']}/{step}", headers=session).status_code == 200
    mine = hall.client.get("/api/v1/tickets", params={"status": "done", "clerk": "me"}, headers=first).json()
    assert len(mine) == 2 and {t["clerk"] for t in mine} == {"clerk1"}
    named = hall.client.get("/api/v1/tickets", params={"clerk": "clerk2"}, headers=kiosk).json()
    assert len(named) == 1 and named[0]["clerk"] == "clerk2"
    assert hall.client.get("/api/v1/tickets", params={"clerk": "me"}, headers=kiosk).status_code == 403
    assert hall.client.get("/api/v1/tickets", params={"clerk": "x" * 41}, headers=kiosk).status_code == 422
    assert hall.client.get("/api/v1/tickets", params={"clerk": "' OR 1=1 --"}, headers=kiosk).json() == []

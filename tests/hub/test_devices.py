"""Devices seen and revoked: the list, rename, revoke, presence and their events, over real sockets."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import websockets

from tests.support import LiveHub, bearer, demo_config_text


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> LiveHub:
    """One hub for these tests (each uses its own device names) that announces a device offline
    one second after its last socket closes."""
    live = LiveHub(tmp_path_factory.mktemp("devices-hub"), config_text=demo_config_text(offline_after_seconds=1)).start()
    yield live
    live.stop()


def devices(hub: LiveHub, token: str) -> list[dict]:
    answer = httpx.get(f"{hub.url}/api/v1/devices", headers=bearer(token), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def next_event(socket, wanted: str, timeout: float = 15) -> dict:
    """The next frame of type `wanted` (others are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), max(0.1, deadline - time.monotonic())))
        if frame["type"] == wanted:
            return frame


def run_async(coroutine):
    """In a thread of its own: a browser test's sync driver may keep an event loop in this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def seq_now(hub: LiveHub) -> int:
    return httpx.get(f"{hub.url}/api/v1/health", timeout=10).json()["seq"]


def test_devices_are_listed_for_supervisors_only(hub: LiveHub):
    """GET /devices gives every device with the contract's fields to a supervisor or admin device; others get 403/401."""
    kiosk = hub.enroll("kiosk", "kiosk-hall")
    display = hub.enroll("display", "board-1")
    admin = hub.enroll("admin", "admin-pc")
    supervisor, _ = hub.login(1, "super")
    httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10)
    for token in (supervisor, admin):
        listed = {d["name"]: d for d in devices(hub, token)}
        assert {"kiosk-hall", "board-1", "admin-pc", "counter-1"} <= set(listed)
        kiosk_row = listed["kiosk-hall"]
        assert set(kiosk_row) == {
            "id", "name", "kind", "enrolled_at", "last_seen_at", "online", "revoked_at", "status", "status_at",
            "printer", "certificate_fingerprint",
        }
        assert kiosk_row["kind"] == "kiosk" and kiosk_row["online"] is True and kiosk_row["last_seen_at"]
        assert kiosk_row["revoked_at"] is None and kiosk_row["printer"] is None and kiosk_row["status"] is None
        assert kiosk_row["enrolled_at"].endswith("+03:00")
    for token in (display, kiosk):
        refused = httpx.get(f"{hub.url}/api/v1/devices", headers=bearer(token), timeout=10)
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden" and refused.json()["message_ar"]
    clerk, _ = hub.login(2, "clerk1")
    assert httpx.get(f"{hub.url}/api/v1/devices", headers=bearer(clerk), timeout=10).status_code == 403
    assert httpx.get(f"{hub.url}/api/v1/devices", timeout=10).status_code == 401


def test_printer_status_is_kept_from_the_last_report_that_named_one(hub: LiveHub):
    """A kiosk's paper_out shows as printer "paper_out"; a later report about something else keeps it."""
    kiosk = hub.enroll("kiosk", "kiosk-paper")
    admin = hub.enroll("admin")

    async def scenario():
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={admin}") as socket:
            httpx.post(f"{hub.url}/api/v1/devices/status", json={"status": {"printer": "paper_out"}}, headers=bearer(kiosk), timeout=10)
            return await next_event(socket, "device.status")

    event = run_async(scenario())
    assert event["status"] == {"printer": "paper_out"}
    assert event["device"]["name"] == "kiosk-paper" and event["device"]["printer"] == "paper_out" and event["device"]["status_at"]
    httpx.post(f"{hub.url}/api/v1/devices/status", json={"status": {"kiosk": "supervisor_exit"}}, headers=bearer(kiosk), timeout=10)
    row = next(d for d in devices(hub, admin) if d["name"] == "kiosk-paper")
    assert row["printer"] == "paper_out" and row["status"] == {"kiosk": "supervisor_exit"}
    for reported, shown in (("ready", "ok"), ("unreachable", "offline"), ("silent", "silent"), ("unknown", None), (42, None)):
        httpx.post(f"{hub.url}/api/v1/devices/status", json={"status": {"printer": reported}}, headers=bearer(kiosk), timeout=10)
        assert next(d for d in devices(hub, admin) if d["name"] == "kiosk-paper")["printer"] == shown, reported


def test_revoking_a_device_stops_its_token_and_closes_its_sockets_at_once(hub: LiveHub):
    """After revoke the very next request is 401 revoked_device, its open socket closes with 4401, others hear device.revoked."""
    board = hub.enroll("display", "board-lobby")
    admin = hub.enroll("admin", "admin-pc")
    supervisor, _ = hub.login(3, "super")
    board_id = next(d["id"] for d in devices(hub, supervisor) if d["name"] == "board-lobby")
    # Warm the token cache, so the revocation has to reach it.
    assert httpx.get(f"{hub.url}/api/v1/state", headers=bearer(board), timeout=10).status_code == 200

    async def scenario():
        since = seq_now(hub)
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={board}") as revoked_socket, \
                websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={admin}") as watcher:
            answer = httpx.post(f"{hub.url}/api/v1/devices/{board_id}/revoke", headers=bearer(supervisor), timeout=10)
            assert answer.status_code == 200, answer.text
            assert answer.json()["revoked_at"] and answer.json()["online"] is False
            after = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(board), timeout=10)
            assert after.status_code == 401 and after.json()["error"] == "revoked_device" and after.json()["message_ar"]
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(revoked_socket.recv(), 10)
            event = await next_event(watcher, "device.revoked")
            return closed.value, event

    closed, event = run_async(scenario())
    assert closed.rcvd.code == 4401 and closed.rcvd.reason.startswith("revoked_device:")
    assert event["device"]["id"] == board_id and event["device"]["revoked_at"]

    async def reconnect():
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since=0&token={board}") as socket:
            await asyncio.wait_for(socket.recv(), 10)

    with pytest.raises((websockets.ConnectionClosed, websockets.InvalidStatus)):
        run_async(reconnect())
    listed = devices(hub, admin)
    assert listed[-1]["id"] == board_id and listed[-1]["revoked_at"]  # revoked last
    again = httpx.post(f"{hub.url}/api/v1/devices/{board_id}/revoke", headers=bearer(admin), timeout=10)
    assert again.status_code == 409 and again.json()["error"] == "already_revoked"


def test_a_revoked_name_cannot_enroll_again_until_renamed(hub: LiveHub):
    """The revoked device's name is refused (revoked_device) so it cannot re-enroll by itself; a rename frees it."""
    hub.enroll("kiosk", "kiosk-door")
    admin = hub.enroll("admin")
    kiosk_id = next(d["id"] for d in devices(hub, admin) if d["name"] == "kiosk-door")
    httpx.post(f"{hub.url}/api/v1/devices/{kiosk_id}/revoke", headers=bearer(admin), timeout=10).raise_for_status()
    body = {"name": "KIOSK-door", "kind": "kiosk", "code": hub.enroll_code}
    refused = httpx.post(f"{hub.url}/api/v1/devices/enroll", json=body, timeout=10)
    assert refused.status_code == 403 and refused.json()["error"] == "revoked_device" and refused.json()["message_ar"]
    renamed = httpx.post(f"{hub.url}/api/v1/devices/{kiosk_id}/rename", json={"name": "kiosk-door (stolen)"}, headers=bearer(admin), timeout=10)
    assert renamed.status_code == 200 and renamed.json()["name"] == "kiosk-door (stolen)"
    assert httpx.post(f"{hub.url}/api/v1/devices/enroll", json=body, timeout=10).status_code == 201


def test_revoking_a_counter_device_ends_the_clerk_session_on_it(hub: LiveHub):
    """A session opened on a revoked counter device stops too (revoked_device), and its counter closes."""
    admin = hub.enroll("admin")
    session, counter_id = hub.login(4, "clerk2")
    device_id = next(d["id"] for d in devices(hub, admin) if d["name"] == "counter-4")
    httpx.post(f"{hub.url}/api/v1/devices/{device_id}/revoke", headers=bearer(admin), timeout=10).raise_for_status()
    answer = httpx.post(f"{hub.url}/api/v1/counters/{counter_id}/call-next", headers=bearer(session), timeout=10)
    assert answer.status_code == 401 and answer.json()["error"] == "revoked_device"
    state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(admin), timeout=10).json()
    assert next(c for c in state["counters"] if c["id"] == counter_id)["status"] == "closed"


def test_rename_is_announced_and_bad_names_are_refused(hub: LiveHub):
    """A rename answers the Device and emits device.renamed; empty, huge, non-text names and unknown ids are refused."""
    hub.enroll("display", "board-old")
    supervisor, _ = hub.login(5, "super")
    device_id = next(d["id"] for d in devices(hub, supervisor) if d["name"] == "board-old")

    async def scenario():
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={supervisor}") as socket:
            answer = httpx.post(f"{hub.url}/api/v1/devices/{device_id}/rename", json={"name": "  لوحة الانتظار  "}, headers=bearer(supervisor), timeout=10)
            assert answer.status_code == 200 and answer.json()["name"] == "لوحة الانتظار"
            return await next_event(socket, "device.renamed")

    event = run_async(scenario())
    assert event["device"]["name"] == "لوحة الانتظار" and event["previous_name"] == "board-old"
    url = f"{hub.url}/api/v1/devices/{device_id}/rename"
    for body in ({}, {"name": ""}, {"name": "   "}, {"name": "x" * 81}, {"name": 7}, {"name": "a", "x": 1}, [1]):
        answer = httpx.post(url, json=body, headers=bearer(supervisor), timeout=10)
        assert answer.status_code == 422 and answer.json()["error"] == "validation_error", body
    for path in ("/api/v1/devices/999999/rename", "/api/v1/devices/999999/revoke"):
        answer = httpx.post(f"{hub.url}{path}", json={"name": "x"}, headers=bearer(supervisor), timeout=10)
        assert answer.status_code == 404 and answer.json()["error"] == "not_found"
    for path in ("/api/v1/devices/0/revoke", "/api/v1/devices/-1/revoke", "/api/v1/devices/abc/revoke", f"/api/v1/devices/{2**60}/revoke"):
        assert httpx.post(f"{hub.url}{path}", headers=bearer(supervisor), timeout=10).status_code == 422, path


def test_a_board_whose_socket_drops_is_announced_offline_then_online(hub: LiveHub):
    """When a device's last socket closes and it stays away, device.offline; when it reconnects, device.online."""
    board = hub.enroll("display", "board-flaky")
    admin = hub.enroll("admin")

    async def scenario():
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={admin}") as watcher:
            board_socket = await websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={board}")
            listed = next(d for d in devices(hub, admin) if d["name"] == "board-flaky")
            assert listed["online"] is True
            await board_socket.close()
            offline = await next_event(watcher, "device.offline")
            assert next(d for d in devices(hub, admin) if d["name"] == "board-flaky")["online"] is False
            async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={board}"):
                online = await next_event(watcher, "device.online")
            return offline, online

    offline, online = run_async(scenario())
    assert offline["device"]["name"] == "board-flaky" and offline["device"]["online"] is False
    assert online["device"]["name"] == "board-flaky" and online["device"]["online"] is True


def test_a_quick_reconnect_is_not_announced(hub: LiveHub):
    """A socket that drops and comes back within the grace period makes no device.offline."""
    board = hub.enroll("display", "board-steady")
    prober = hub.enroll("display", "board-probe")
    admin = hub.enroll("admin")

    async def scenario():
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={admin}") as watcher:
            first = await websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={board}")
            second = await websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={board}")
            probe = await websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={prober}")
            await first.close()  # one of its two sockets: the device is still here
            await probe.close()  # the probe's grace period starts after the board's
            seen = []
            # the probe announced offline: the board's grace period has run out too, without one
            while not any(f["type"] == "device.offline" and f["device"]["name"] == "board-probe" for f in seen):
                seen.append(json.loads(await asyncio.wait_for(watcher.recv(), 15)))
            await second.close()
            return seen, None

    seen, _ = run_async(scenario())
    assert not [f for f in seen if f["type"] == "device.offline" and f["device"]["name"] == "board-steady"]


def test_last_seen_survives_a_clean_stop_without_a_write_per_request(tmp_path):
    """Requests are counted in memory; the last-seen time reaches the database by the periodic flush or the stop."""
    hub = LiveHub(tmp_path / "hub").start()
    kiosk = hub.enroll("kiosk", "kiosk-seen")
    seq = seq_now(hub)
    for _ in range(20):
        assert httpx.get(f"{hub.url}/api/v1/services", headers=bearer(kiosk), timeout=10).status_code == 200
    assert seq_now(hub) == seq  # being seen is not an event
    hub.stop()
    with sqlite3.connect(hub.db_path) as conn:
        seen, enrolled = conn.execute("SELECT last_seen_at, enrolled_at FROM devices WHERE name = 'kiosk-seen'").fetchone()
    assert seen is not None and seen >= enrolled


def test_a_device_that_does_not_come_back_after_a_restart_is_announced_offline(tmp_path):
    """After a restart, a board that was here and stays away gets device.offline; one that reconnects, or was revoked, gets none."""
    hub = LiveHub(tmp_path / "hub", config_text=demo_config_text(offline_after_seconds=4)).start()
    try:
        revoked, back, gone = (hub.enroll("display", name) for name in ("board-revoked", "board-back", "board-gone"))
        admin = hub.enroll("admin", "admin-watch")

        async def scenario():
            sockets = [
                await websockets.connect(f"{hub.ws_url}/api/v1/events?since={seq_now(hub)}&token={token}")
                for token in (revoked, back, gone)
            ]
            listed = {d["name"]: d for d in devices(hub, admin)}
            assert all(listed[name]["online"] for name in ("board-revoked", "board-back", "board-gone"))
            answer = httpx.post(f"{hub.url}/api/v1/devices/{listed['board-revoked']['id']}/revoke", headers=bearer(admin), timeout=10)
            assert answer.status_code == 200, answer.text
            hub.stop()  # with the boards' sockets open, as a hall's are
            since = sqlite3.connect(hub.db_path).execute("SELECT MAX(seq) FROM events").fetchone()[0]
            hub.start()
            async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={back}"), \
                    websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={admin}") as watcher:
                for socket in sockets:
                    await socket.close()
                offline = await next_event(watcher, "device.offline", timeout=30)
                assert next(d for d in devices(hub, admin) if d["name"] == "board-gone")["online"] is False
                hub.enroll("kiosk", "marker")  # every announcement due by now comes before its enrollment
                seen = [offline]
                while not any(f["type"] == "device.enrolled" and f["device"]["name"] == "marker" for f in seen):
                    seen.append(json.loads(await asyncio.wait_for(watcher.recv(), 10)))
                return seen

        seen = run_async(scenario())
        offline_names = [f["device"]["name"] for f in seen if f["type"] == "device.offline"]
        assert offline_names == ["board-gone"]
    finally:
        hub.stop()


def test_an_enrolled_device_is_online_and_a_first_contact_is_announced(store, clerks):
    """device.enrolled says the new device is here; a device the hub had not seen since it started
    is announced device.online at its first request, not left "offline" until it drops once."""
    from fastapi.testclient import TestClient

    from core.presence import Presence
    from hub.app import HubSettings, create_app
    from tests.hub.conftest import Hall

    with TestClient(create_app(store, HubSettings(enroll_code="4711"))) as client:
        Hall(client, store).enroll("kiosk", "kiosk-new")
        enrolled = next(e for e in reversed(store.events_after(0)) if e.type == "device.enrolled")
        assert enrolled.payload["device"]["name"] == "kiosk-new" and enrolled.payload["device"]["online"] is True
    presence = Presence()
    assert presence.seen(7, 100.0) is True  # first contact since the hub started: announce it
    assert presence.seen(7, 101.0) is False
    assert presence.socket_opened(8, 100.0) is True and presence.socket_opened(8, 101.0) is False
    presence.expect_back([9])  # here when the hub stopped: its return is not news
    assert presence.seen(9, 100.0) is False

"""The hub as a real subprocess on a loopback port: HTTP, WebSocket, concurrency and kill -9."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import httpx
import pytest
import websockets

from tests.support import LiveHub, bearer, call_many, issue_many


def service_ids(hub: LiveHub, token: str) -> dict[str, int]:
    state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(token), timeout=10).json()
    return {s["code"]: s["id"] for s in state["services"]}


def test_call_reaches_a_websocket_subscriber(live_hub: LiveHub):
    """A board subscribed over a real WebSocket receives ticket.called for a call-next."""
    kiosk = live_hub.enroll("kiosk")
    display = live_hub.enroll("display")
    session, counter_id = live_hub.login(6, "clerk3")
    services = service_ids(live_hub, kiosk)

    async def scenario():
        seq = httpx.get(f"{live_hub.url}/api/v1/state", headers=bearer(display)).json()["seq"]
        async with websockets.connect(f"{live_hub.ws_url}/api/v1/events?since={seq}&token={display}") as socket:
            async with httpx.AsyncClient(base_url=live_hub.url, timeout=10) as client:
                issued = (await client.post("/api/v1/tickets", json={"service_id": services["E"]}, headers=bearer(kiosk))).json()
                called = await client.post(f"/api/v1/counters/{counter_id}/call-next", headers=bearer(session))
                assert called.status_code == 200
            seen = []
            while not any(e["type"] == "ticket.called" for e in seen):
                seen.append(json.loads(await asyncio.wait_for(socket.recv(), 10)))
            assert [e["seq"] for e in seen] == list(range(seq + 1, seq + 1 + len(seen)))
            call = seen[-1]
            assert call["counter"]["number"] == 6
            return issued, call

    issued, call = asyncio.run(scenario())
    assert call["ticket"]["status"] == "called"
    assert call["ticket"]["service_id"] == issued["service_id"]


def test_reconnecting_client_ends_with_the_hub_state(live_hub: LiveHub):
    """A client that missed events replays them from its last seq and matches a fresh /state."""
    kiosk = live_hub.enroll("kiosk")
    display = live_hub.enroll("display")
    services = service_ids(live_hub, kiosk)
    start = httpx.get(f"{live_hub.url}/api/v1/state", headers=bearer(display)).json()
    waiting = {s["id"]: s["waiting"] for s in start["services"]}
    for code in "ABCAB":  # issued while the client is away
        httpx.post(f"{live_hub.url}/api/v1/tickets", json={"service_id": services[code]}, headers=bearer(kiosk))

    async def catch_up():
        async with websockets.connect(f"{live_hub.ws_url}/api/v1/events?since={start['seq']}&token={display}") as socket:
            events = []
            target = httpx.get(f"{live_hub.url}/api/v1/health").json()["seq"]
            while not events or events[-1]["seq"] < target:
                events.append(json.loads(await asyncio.wait_for(socket.recv(), 10)))
            return events

    for event in asyncio.run(catch_up()):
        if event["type"] == "ticket.issued":
            waiting[event["ticket"]["service_id"]] += 1
        elif event["type"] in ("ticket.called", "ticket.cancelled", "ticket.expired"):
            waiting[event["ticket"]["service_id"]] -= 1
        elif event["type"] == "ticket.transferred":
            waiting[event["new_ticket"]["service_id"]] += 1
    final = httpx.get(f"{live_hub.url}/api/v1/state", headers=bearer(display)).json()
    assert waiting == {s["id"]: s["waiting"] for s in final["services"]}


@pytest.mark.slow
def test_processes_and_threads_never_duplicate(fresh_hub: LiveHub):
    """4 kiosk processes and 6 counters in threads at once: no number twice, no ticket called twice."""
    kiosks = [fresh_hub.enroll("kiosk", f"k{n}") for n in range(4)]
    services = service_ids(fresh_hub, kiosks[0])
    counters = [fresh_hub.login(n, clerk) for n, clerk in ((1, "clerk1"), (2, "clerk2"), (8, "clerk3"))]
    counters += [fresh_hub.login(n, "super") for n in (7,)]
    with ProcessPoolExecutor(4) as processes, ThreadPoolExecutor(len(counters)) as threads:
        issuing = [processes.submit(issue_many, fresh_hub.url, token, services["A"], 60) for token in kiosks]
        calling = [threads.submit(call_many, fresh_hub.url, token, counter_id, 80) for token, counter_id in counters]
        issued = [t for f in issuing for t in f.result()]
        called = [i for f in calling for i in f.result()]
    numbers = [t["number"] for t in issued]
    assert len(issued) == 240 and len(set(numbers)) == 240
    assert len(called) == len(set(called)) and called
    with sqlite3.connect(fresh_hub.db_path) as db:
        duplicates = db.execute(
            "SELECT COUNT(*) FROM (SELECT label FROM tickets WHERE sequence IS NOT NULL GROUP BY service_id, business_day, label HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        assert duplicates == 0


@pytest.mark.slow
def test_kill_minus_nine_loses_nothing_answered(fresh_hub: LiveHub):
    """kill -9 under load: every ticket answered OK is on disk, and numbering continues without reuse."""
    kiosk = fresh_hub.enroll("kiosk")
    service = service_ids(fresh_hub, kiosk)["C"]
    answered: list[dict] = []
    stop = threading.Event()

    def load():
        with httpx.Client(base_url=fresh_hub.url, headers=bearer(kiosk), timeout=5) as client:
            while not stop.is_set():
                try:
                    response = client.post("/api/v1/tickets", json={"service_id": service})
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    answered.append(response.json())

    workers = [threading.Thread(target=load) for _ in range(6)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 20
    while len(answered) < 150 and time.monotonic() < deadline:
        time.sleep(0.02)
    fresh_hub.kill()
    stop.set()
    for worker in workers:
        worker.join()
    assert len(answered) >= 150
    fresh_hub.start()
    with sqlite3.connect(fresh_hub.db_path) as db:
        on_disk = {row[0] for row in db.execute("SELECT id FROM tickets")}
        seqs = [row[0] for row in db.execute("SELECT seq FROM events ORDER BY seq")]
    assert {t["id"] for t in answered} <= on_disk
    assert seqs == list(range(1, len(seqs) + 1)), "the event log has no gaps after the crash"
    after = httpx.post(f"{fresh_hub.url}/api/v1/tickets", json={"service_id": service}, headers=bearer(kiosk)).json()
    highest = max(int(t["number"].split("-")[1]) for t in answered)
    assert int(after["number"].split("-")[1]) > highest
    assert after["number"] not in {t["number"] for t in answered}


def test_cli_backup_while_running(live_hub: LiveHub, tmp_path):
    """`main.py backup` copies the live database while the hub keeps running."""
    import subprocess
    import sys

    from tests.support import ROOT

    target = tmp_path / "copy.sqlite"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "backup", str(target), "--db", str(live_hub.db_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT COUNT(*) FROM clerks").fetchone()[0] == 4
    again = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "backup", str(target), "--db", str(live_hub.db_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert again.returncode == 1 and "exists already" in again.stderr


def test_phone_page_stream_follows_the_ticket(live_hub: LiveHub):
    """The phone page's event stream sends the place in the queue, then the call with the counter."""
    kiosk = live_hub.enroll("kiosk")
    session, counter_id = live_hub.login(5, "clerk2")
    services = service_ids(live_hub, kiosk)
    httpx.post(f"{live_hub.url}/api/v1/counters/{counter_id}/close", headers=bearer(session))
    httpx.post(f"{live_hub.url}/api/v1/counters/{counter_id}/open", headers=bearer(session))
    ticket = httpx.post(f"{live_hub.url}/api/v1/tickets", json={"service_id": services["C"]}, headers=bearer(kiosk)).json()
    updates = []
    with httpx.stream("GET", f"{live_hub.url}/api/v1/public/tickets/{ticket['code']}/stream", timeout=30) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data: "):
                continue
            updates.append(json.loads(line[6:]))
            if len(updates) == 1:
                assert updates[0]["status"] == "waiting" and updates[0]["number"] == ticket["number"]
                # Serve whoever is ahead at this counter until our visitor is called.
                while True:
                    called = httpx.post(f"{live_hub.url}/api/v1/counters/{counter_id}/call-next", headers=bearer(session)).json()
                    if called["id"] == ticket["id"]:
                        break
                    httpx.post(f"{live_hub.url}/api/v1/tickets/{called['id']}/no-show", headers=bearer(session))
            if updates[-1]["status"] == "called":
                break
    assert updates[-1]["counter_number"] == 5 and updates[-1]["counter_name_ar"]
    page = httpx.get(f"{live_hub.url}/t/{ticket['code']}").text
    assert "حان دورك" in page

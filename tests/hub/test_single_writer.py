"""One writer, truly: a second hub refuses, a dead one's lock is taken over, and the command line
changes clerks and devices through the live hub, so every change takes effect at once."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import websockets

from tests.support import ROOT, LiveHub, bearer, free_port


def tabour(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], input=stdin, capture_output=True, text=True, timeout=90, cwd=ROOT
    )


@pytest.fixture
def hub(tmp_path) -> LiveHub:
    live = LiveHub(tmp_path / "hub").start()
    yield live
    live.stop()


def second_hub(hub: LiveHub) -> subprocess.CompletedProcess:
    return tabour(
        "hub", "--config", str(hub.config_path), "--db", str(hub.db_path), "--port", str(free_port()),
        "--enroll-code", hub.enroll_code,
    )


def test_a_second_hub_on_the_same_database_refuses_naming_the_holder(hub: LiveHub):
    """While a hub runs, another on its database exits 2 naming host, PID and since; the holder file is 0600."""
    result = second_hub(hub)
    assert result.returncode == 2
    assert f"PID {hub.process.pid}" in result.stderr and socket.gethostname() in result.stderr and "since 20" in result.stderr
    holder = hub.db_path.with_name(hub.db_path.name + ".writer")
    assert stat.S_IMODE(holder.stat().st_mode) == 0o600
    assert json.loads(holder.read_text())["pid"] == hub.process.pid


def test_a_killed_hubs_lock_is_taken_over(hub: LiveHub):
    """After kill -9 the lock file still names the dead hub; the next hub takes over and says so."""
    dead = hub.process.pid
    hub.kill()
    holder = hub.db_path.with_name(hub.db_path.name + ".writer")
    assert json.loads(holder.read_text())["pid"] == dead
    hub.start()
    log = hub.log_path.read_text(encoding="utf-8", errors="replace")
    assert f"took over the database from the hub on {socket.gethostname()} (PID {dead}" in log
    assert "event=hub.lock_taken_over" in log
    assert json.loads(holder.read_text())["pid"] == hub.process.pid
    hub.stop()
    assert not holder.exists()  # a clean stop leaves no claim behind


def test_a_claim_from_another_host_is_not_taken_over(tmp_path):
    """A lock last taken on another PC (a database on a share) is refused, naming that PC and how to clear it."""
    hub = LiveHub(tmp_path / "hub")
    holder = hub.db_path.with_name(hub.db_path.name + ".writer")
    holder.write_text(json.dumps({"host": "reception-pc", "pid": 4242, "since": time.time() - 3600, "role": "hub"}))
    result = second_hub(hub)
    assert result.returncode == 2
    assert "reception-pc" in result.stderr and "PID 4242" in result.stderr and str(holder) in result.stderr
    assert "network share" in result.stderr


def login(hub: LiveHub, username: str, pin: str, number: int) -> httpx.Response:
    device = hub.enroll("counter", f"counter-{number}-{username}")
    state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(device), timeout=10).json()
    counter = next(c["id"] for c in state["counters"] if c["number"] == number)
    return httpx.post(
        f"{hub.url}/api/v1/sessions", json={"username": username, "pin": pin, "counter_id": counter}, headers=bearer(device), timeout=30
    )


def test_clerk_remove_beside_a_live_hub_takes_effect_at_once(hub: LiveHub):
    """`clerk remove` ends the clerk's session, closes their socket (4401) and refuses their login, in the running hub."""
    session = login(hub, "clerk1", "1111", 1).json()["token"]

    async def scenario():
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since=0&token={session}") as socket_:
            removed = await asyncio.to_thread(tabour, "clerk", "remove", "clerk1", "--db", str(hub.db_path))
            assert removed.returncode == 0, removed.stderr
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(socket_.recv(), 10)
            return closed.value

    # A fresh thread: a browser test's sync driver may keep an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        closed = thread.submit(asyncio.run, scenario()).result()
    assert closed.rcvd.code == 4401 and closed.rcvd.reason.startswith("bad_token:")
    assert httpx.get(f"{hub.url}/api/v1/sessions/current", headers=bearer(session), timeout=10).status_code == 401
    refused = login(hub, "clerk1", "1111", 2)
    assert refused.status_code == 401 and refused.json()["error"] == "wrong_pin"
    listed = tabour("clerk", "list", "--db", str(hub.db_path))
    assert "clerk1\tclerk\tremoved" in listed.stdout


def test_reset_pin_never_revives_and_add_restores_a_removed_clerk(hub: LiveHub):
    """reset-pin on a removed clerk is refused and they stay out; `clerk add` brings the same account back with the new PIN."""
    assert tabour("clerk", "remove", "clerk2", "--db", str(hub.db_path)).returncode == 0
    reset = tabour("clerk", "reset-pin", "clerk2", "--db", str(hub.db_path), stdin="4829\n")
    assert reset.returncode == 1 and "was removed" in reset.stderr and "clerk add" in reset.stderr
    assert login(hub, "clerk2", "4829", 3).status_code == 401
    added = tabour("clerk", "add", "clerk2", "--role", "supervisor", "--db", str(hub.db_path), stdin="7391\n")
    assert added.returncode == 0 and "restored supervisor clerk2" in added.stdout
    assert login(hub, "clerk2", "1111", 3).status_code == 401
    answer = login(hub, "clerk2", "7391", 4)
    assert answer.status_code == 201 and answer.json()["clerk"]["role"] == "supervisor"
    again = tabour("clerk", "add", "CLERK2", "--db", str(hub.db_path), stdin="7391\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    weak = tabour("clerk", "add", "newcomer", "--db", str(hub.db_path), stdin="1234\n")
    assert weak.returncode == 2 and "too easy to guess" in weak.stderr


def test_reset_pin_beside_a_live_hub_lifts_the_lockout(hub: LiveHub):
    """A clerk locked out in the running hub logs in with the new PIN right after `clerk reset-pin`."""
    for _ in range(5):
        login(hub, "clerk3", "0000", 5)
    device_answer = login(hub, "clerk3", "1111", 5)
    assert device_answer.status_code in (201, 429)  # a new device: its own count
    assert tabour("clerk", "reset-pin", "clerk3", "--db", str(hub.db_path), stdin="5820\n").returncode == 0
    assert login(hub, "clerk3", "5820", 5).status_code == 201


def test_device_commands_go_through_the_live_hub(hub: LiveHub):
    """`device list` shows online devices; `device rename` and `revoke` act in the running hub at once."""
    board = hub.enroll("display", "board-cli")
    assert httpx.get(f"{hub.url}/api/v1/state", headers=bearer(board), timeout=10).status_code == 200
    listed = tabour("device", "list", "--db", str(hub.db_path))
    assert listed.returncode == 0, listed.stderr
    row = next(line.split("\t") for line in listed.stdout.splitlines() if "\tboard-cli\t" in line)
    device_id, online = row[0], row[5]
    assert online == "yes" and row[2] == "display"
    renamed = tabour("device", "rename", device_id, "لوحة الاستقبال", "--db", str(hub.db_path))
    assert renamed.returncode == 0 and "لوحة الاستقبال" in renamed.stdout
    revoked = tabour("device", "revoke", device_id, "--db", str(hub.db_path))
    assert revoked.returncode == 0, revoked.stderr
    answer = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(board), timeout=10)
    assert answer.status_code == 401 and answer.json()["error"] == "revoked_device"
    twice = tabour("device", "revoke", device_id, "--db", str(hub.db_path))
    assert twice.returncode == 1 and "revoked already" in twice.stderr
    for args in (("rename", "99999", "x"), ("revoke", "99999"), ("rename", device_id, " "), ("rename", device_id, "x" * 81)):
        bad = tabour("device", *args, "--db", str(hub.db_path))
        assert bad.returncode == 1 and bad.stderr.startswith("error:"), args
    assert tabour("device", "revoke", "abc", "--db", str(hub.db_path)).returncode == 2


def test_device_commands_without_a_hub_write_as_the_single_writer(tmp_path):
    """With no hub running, `device revoke` takes the lock, revokes, and logs device.revoked in the event log."""
    hub = LiveHub(tmp_path / "hub").start()
    hub.enroll("kiosk", "kiosk-offline")
    hub.stop()
    listed = tabour("device", "list", "--db", str(hub.db_path))
    assert "kiosk-offline" in listed.stdout and "nothing is online" in listed.stdout
    device_id = next(line.split("\t")[0] for line in listed.stdout.splitlines() if "kiosk-offline" in line)
    assert tabour("device", "revoke", device_id, "--db", str(hub.db_path)).returncode == 0
    with sqlite3.connect(hub.db_path) as conn:
        assert conn.execute("SELECT revoked_at FROM devices WHERE id = ?", (device_id,)).fetchone()[0] is not None
        last = conn.execute("SELECT type FROM events ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert last == "device.revoked"
    assert not hub.db_path.with_name(hub.db_path.name + ".writer").exists()

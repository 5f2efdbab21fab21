"""WebSockets cannot exhaust the hub: caps, refusals after the handshake, dropped non-readers.

Against the real uvicorn server (a hub subprocess): the test client of FastAPI would not show
that a refusal before the handshake reaches a client as a bare HTTP 403.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from core import commands
from core.models import DeviceKind
from core.commands import open_store
from hub.events import MAX_SOCKETS_PER_OWNER, Broadcaster, TooManySockets
from hub.routes.events import GATE_AFTER_REFUSALS, MAX_REPLAY_EVENTS
from hub.server import UpgradeGate
from tests.support import LiveHub, bearer, demo_config, run_async


async def close_code_of(url: str) -> tuple[int, str]:
    """Open the socket (the handshake must succeed) and return the close code and reason it gets."""
    async with websockets.connect(url, open_timeout=10) as ws:
        try:
            await asyncio.wait_for(ws.recv(), 10)
        except ConnectionClosed:
            pass
        await asyncio.wait_for(ws.wait_closed(), 10)
        return ws.close_code, ws.close_reason


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("ws-limits")
    started = LiveHub(workdir)
    # A log longer than any replay the hub will send, written before the hub starts.
    with open_store(started.db_path, demo_config(), synchronous="NORMAL") as store:
        device = store.call(commands.enroll_device, "kiosk-history", DeviceKind.KIOSK)["device_id"]
        for index in range(MAX_REPLAY_EVENTS + 100):
            store.call(commands.report_device_status, device, {"printer": "ready", "n": index})
    started.start()
    yield started
    started.stop()


def seq_of(hub: LiveHub, token: str) -> int:
    return httpx.get(f"{hub.url}/api/v1/state", headers=bearer(token), timeout=10).json()["seq"]


@pytest.mark.parametrize(
    ("query", "code", "reason"),
    [
        ("since=0&token=nope", 4401, "bad_token"),
        ("since=99999999999&token={token}", 4409, "reload"),
        ("since=abc&token={token}", 4409, "reload"),
        ("since=-5&token={token}", 4409, "reload"),
        ("since=" + "9" * 400 + "&token={token}", 4409, "reload"),
        ("since=0&token={token}", 4409, "too far behind"),
    ],
)
def test_refusals_come_as_close_codes_after_the_handshake(hub: LiveHub, query: str, code: int, reason: str):
    """Bad token 4401; since not a number, ahead, or too far behind 4409: all after a real handshake."""
    token = hub.enroll("display", "board-refusals")
    url = f"{hub.ws_url}/api/v1/events?{query.format(token=token)}"
    got_code, got_reason = run_async(close_code_of(url))
    assert (got_code, reason in got_reason) == (code, True)


def test_a_recent_since_replays_and_goes_live(hub: LiveHub):
    """A since within the replay limit gets the missed events in order."""
    token = hub.enroll("display", "board-recent")
    since = seq_of(hub, token) - 5

    async def first_six() -> list[int]:
        async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={token}") as ws:
            return [json.loads(await asyncio.wait_for(ws.recv(), 10))["seq"] for _ in range(5)]

    assert run_async(first_six()) == list(range(since + 1, since + 6))


def test_one_device_gets_a_few_sockets_and_then_4429(hub: LiveHub):
    """A display token holds MAX_SOCKETS_PER_OWNER sockets; the next is refused 4429; others still connect."""
    greedy = hub.enroll("display", "board-greedy")
    other = hub.enroll("display", "board-other")

    async def scenario() -> tuple[tuple[int, str], bool, bool]:
        since = seq_of(hub, greedy)
        held = [
            await websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={greedy}")
            for _ in range(MAX_SOCKETS_PER_OWNER)
        ]
        try:
            refused = await close_code_of(f"{hub.ws_url}/api/v1/events?since={since}&token={greedy}")
            async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={other}") as fine:
                other_ok = fine.close_code is None
            await held[0].close()
            freed_ok = False
            for _ in range(2):  # one retry: a third refusal in a row would close the gate
                # A round trip through the hub's event loop: by its answer the closed socket's
                # handler has, all but always, ended and given its place back.
                await asyncio.to_thread(httpx.get, f"{hub.url}/api/v1/health", timeout=10)
                async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={greedy}") as again:
                    try:
                        await asyncio.wait_for(again.recv(), 1)
                    except asyncio.TimeoutError:
                        freed_ok = again.close_code is None  # open and quiet: accepted
                    except ConnectionClosed:
                        assert again.close_code == 4429, again.close_code
                if freed_ok:
                    break
        finally:
            for ws in held:
                await ws.close()
        return refused, other_ok, freed_ok

    refused, other_ok, freed_ok = run_async(scenario())
    assert refused[0] == 4429 and "too_many_sockets" in refused[1]
    assert other_ok and freed_ok


def open_raw_websocket(hub: LiveHub, token: str, since: int) -> socket.socket:
    """A WebSocket handshake over a raw socket with a tiny receive buffer, then never read again."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", hub.port))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        (
            f"GET /api/v1/events?since={since} HTTP/1.1\r\nHost: hub\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n"
        ).encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += raw.recv(1)  # read the handshake's answer only, byte by byte
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return raw


def test_readers_that_stop_reading_are_dropped(hub: LiveHub, tmp_path: Path):
    """Twenty sockets that never read are dropped once their unsent frames pass the budget."""
    boards = [hub.enroll("display", f"board-silent-{index}") for index in range(5)]
    kiosk = hub.enroll("kiosk", "kiosk-noisy")
    since = seq_of(hub, kiosk)
    silent = [open_raw_websocket(hub, token, since) for token in boards for _ in range(4)]
    status = {"printer": "ready", "note": "x" * 1900}  # frames of about 2 KiB
    dropped = 0
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=hub.url, headers=bearer(kiosk), timeout=10) as client:
        while time.monotonic() < deadline:
            for _ in range(100):
                assert client.post("/api/v1/devices/status", json={"status": status}).status_code == 204
            dropped = hub.log_path.read_text(errors="replace").count("event=ws.dropped")
            if dropped >= len(silent):
                break
    for raw in silent:
        raw.close()
    assert dropped >= len(silent), f"only {dropped} of {len(silent)} silent sockets were dropped"


def test_the_hub_wide_cap_refuses_past_its_total():
    """Past the hub-wide total a new subscriber is refused even for a new owner; leaving frees a place."""

    async def scenario() -> None:
        broadcaster = Broadcaster(asyncio.get_running_loop(), str, max_sockets=3, max_per_owner=2)
        first = broadcaster.subscribe("a")
        broadcaster.subscribe("a")
        with pytest.raises(TooManySockets) as owner_full:
            broadcaster.subscribe("a")
        assert owner_full.value.scope == "owner"
        broadcaster.subscribe("b")
        with pytest.raises(TooManySockets) as hub_full:
            broadcaster.subscribe("c")
        assert hub_full.value.scope == "hub"
        broadcaster.unsubscribe(first)
        broadcaster.unsubscribe(first)  # twice is harmless
        broadcaster.subscribe("c")
        assert broadcaster.subscriber_count == 3

    run_async(scenario())


def test_a_subscriber_past_its_byte_budget_is_aborted():
    """Frames queued for a subscriber count against its budget; past it the socket is aborted once."""
    from core.store import Event

    async def scenario() -> None:
        aborted = []
        broadcaster = Broadcaster(asyncio.get_running_loop(), lambda event: "y" * 1000, byte_budget=5000)
        slow = broadcaster.subscribe("board", abort=lambda: aborted.append(1))
        quick = broadcaster.subscribe("other")
        for seq in range(1, 4):
            broadcaster._deliver([(seq, "y" * 1000, Event(seq, "x", 0.0, {})) for seq in [seq]])
            await quick.queue.get()
            quick.sent("y" * 1000)
        assert not slow.overflowed and slow.pending_bytes == 3000
        broadcaster._deliver([(seq, "y" * 1000, Event(seq, "x", 0.0, {})) for seq in range(4, 8)])
        assert slow.overflowed and aborted == [1]
        assert not quick.overflowed

    run_async(scenario())


def test_a_device_that_keeps_opening_past_its_cap_is_refused_before_the_handshake(hub: LiveHub):
    """Told 4429 three times in a row, a token gets a bare HTTP 429 (cheaper) for a while; one log line."""
    token = hub.enroll("display", "board-flood")
    other = hub.enroll("display", "board-flood-neighbour")

    async def flood() -> tuple[list[object], bool]:
        since = seq_of(hub, token)
        held = [await websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={token}") for _ in range(MAX_SOCKETS_PER_OWNER)]
        outcomes: list[object] = []
        try:
            for _ in range(GATE_AFTER_REFUSALS + 3):
                try:
                    outcomes.append((await close_code_of(f"{hub.ws_url}/api/v1/events?since={since}&token={token}"))[0])
                except websockets.exceptions.InvalidStatus as refused:
                    outcomes.append(f"HTTP {refused.response.status_code}")
            async with websockets.connect(f"{hub.ws_url}/api/v1/events?since={since}&token={other}") as fine:
                neighbour_ok = fine.close_code is None
        finally:
            for ws in held:
                await ws.close()
        return outcomes, neighbour_ok

    before = hub.log_path.read_text(errors="replace").count("event=ws.refused code=4429")
    outcomes, neighbour_ok = run_async(flood())
    assert outcomes == [4429] * GATE_AFTER_REFUSALS + ["HTTP 429"] * 3
    assert neighbour_ok, "another device is not affected"
    after = hub.log_path.read_text(errors="replace").count("event=ws.refused code=4429")
    assert after - before <= 1, "one log line a minute per client and code, not one per refusal"


def test_the_upgrade_gate_opens_again_after_its_time():
    """A gated token is refused until its time is up, then let through; other tokens never are."""
    gate = UpgradeGate()
    gate.close_for("flooder", 10, now=100.0)
    assert gate.is_closed("flooder", now=105.0) and not gate.is_closed("honest", now=105.0)
    assert not gate.is_closed("flooder", now=110.5) and not gate.is_closed(None, now=0)

"""The phone page's stream against a real hub: pushed from the event batch, every step, no polling."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import LiveHub, bearer, demo_config_text, run_async

FRAME_TIMEOUT = 10  # seconds a test waits for one frame before it fails
PROMPT = 1.5  # a change reaches an open stream well within this (the old stream slept 2 s per change)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A hub of this module's own: counter 6 alone serves E, and E is empty to begin with."""
    text = demo_config_text().replace("daily_cap = 900", "daily_cap = 9999").replace("range = [1, 999]", "range = [1, 9999]")
    hub = LiveHub(tmp_path_factory.mktemp("phone-stream"), config_text=text).start()
    kiosk = hub.enroll("kiosk", "phone-kiosk")
    session, counter_id = hub.login(6, "clerk1")
    state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(kiosk), timeout=10).json()
    yield {
        "hub": hub,
        "kiosk": kiosk,
        "session": session,
        "counter_id": counter_id,
        "services": {s["code"]: s["id"] for s in state["services"]},
    }
    hub.stop()


class Phone:
    """One open stream, read frame by frame."""

    def __init__(self, client: httpx.AsyncClient, code: str) -> None:
        self.client, self.code = client, code
        self.frames: list[dict] = []
        self.retry: int | None = None

    async def __aenter__(self) -> "Phone":
        self._context = self.client.stream("GET", f"/api/v1/public/tickets/{self.code}/stream")
        self.answer = await self._context.__aenter__()
        assert self.answer.status_code == 200, await self.answer.aread()
        assert self.answer.headers["content-type"].startswith("text/event-stream")
        self._lines = self.answer.aiter_lines()
        return self

    async def __aexit__(self, *exc) -> None:
        await self._context.__aexit__(*exc)

    async def next(self, timeout: float = FRAME_TIMEOUT) -> dict | None:
        """The next frame, or None when the hub ended the stream."""

        async def read() -> dict | None:
            async for line in self._lines:
                if line.startswith("retry: "):
                    self.retry = int(line[7:])
                if line.startswith("data: "):
                    frame = json.loads(line[6:])
                    self.frames.append(frame)
                    return frame
            return None

        return await asyncio.wait_for(read(), timeout)


def issue(client: httpx.AsyncClient, hall: dict, code: str = "E", priority: str = "normal"):
    return client.post(
        "/api/v1/tickets", json={"service_id": hall["services"][code], "priority": priority}, headers=bearer(hall["kiosk"])
    )


async def issued(client: httpx.AsyncClient, hall: dict, code: str = "E", priority: str = "normal") -> dict:
    answer = await issue(client, hall, code, priority)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def clerk(client: httpx.AsyncClient, hall: dict, path: str) -> httpx.Response:
    answer = await client.post(path, headers=bearer(hall["session"]))
    assert answer.status_code in (200, 204), answer.text
    return answer


async def empty_queue(client: httpx.AsyncClient, hall: dict) -> None:
    """Counter 6 serves whoever waits (and whoever it holds) until E is empty."""
    while True:
        called = await clerk(client, hall, f"/api/v1/counters/{hall['counter_id']}/call-next")
        if called.status_code == 204:
            return
        await clerk(client, hall, f"/api/v1/tickets/{called.json()['id']}/no-show")


def test_a_phone_sees_every_step_of_its_place_then_its_call(hall: dict):
    """Three ahead, then two, one, none, then called with the counter: each pushed promptly."""

    async def scenario() -> tuple[list[dict], list[float], dict | None]:
        async with httpx.AsyncClient(base_url=hall["hub"].url, timeout=10) as client:
            await empty_queue(client, hall)
            ahead = [await issued(client, hall) for _ in range(3)]
            mine = await issued(client, hall)
            waits = []
            async with Phone(client, mine["code"]) as phone:
                first = await phone.next()
                assert first["status"] == "waiting" and first["ahead"] == 3 and first["number"] == mine["number"]
                for ticket in [*ahead, mine]:
                    started = time.monotonic()
                    called = await clerk(client, hall, f"/api/v1/counters/{hall['counter_id']}/call-next")
                    assert called.json()["id"] == ticket["id"]
                    await phone.next()
                    waits.append(time.monotonic() - started)
                    if ticket is not mine:
                        await clerk(client, hall, f"/api/v1/tickets/{ticket['id']}/no-show")
                await clerk(client, hall, f"/api/v1/tickets/{mine['id']}/start")
                serving = await phone.next()
                await clerk(client, hall, f"/api/v1/tickets/{mine['id']}/finish")
                done = await phone.next()
                end = await phone.next()
            return phone.frames, waits, end

    frames, waits, end = run_async(scenario())
    assert [f["ahead"] for f in frames[:4]] == [3, 2, 1, 0]
    assert all(f["eta_seconds"] is not None for f in frames[:4])
    called = frames[4]
    assert called["status"] == "called" and called["counter_number"] == 6 and called["counter_name_ar"]
    assert called["ahead"] is None and called["eta_seconds"] is None
    assert [f["status"] for f in frames[5:]] == ["serving", "done"]
    assert end is None, "the stream ends once the visit is over"
    assert max(waits) < PROMPT, waits


def test_the_place_matches_the_database_through_priorities_transfers_and_counters(hall: dict):
    """Streams on a mixed line keep the place and estimate the hub's own count gives, as priority
    visitors arrive, one is transferred in, and the only counter closes (no estimate) and opens."""

    async def scenario() -> list[tuple[dict, dict]]:
        async with httpx.AsyncClient(base_url=hall["hub"].url, timeout=10) as client:
            await empty_queue(client, hall)
            line = [await issued(client, hall, priority=p) for p in ("normal", "elderly", "normal", "pregnant", "normal")]
            phones = [Phone(client, ticket["code"]) for ticket in line]
            for phone in phones:
                await phone.__aenter__()
                await phone.next()
            try:
                async def settled() -> list[tuple[dict, dict]]:
                    """Each stream's newest frame beside what the hub's database says now."""
                    pairs = []
                    for phone in phones:
                        truth = (await client.get(f"/api/v1/public/tickets/{phone.code}")).json()
                        while phone.frames[-1] != truth:
                            await phone.next()
                        pairs.append((phone.frames[-1], truth))
                    return pairs

                checks = await settled()
                await issued(client, hall, priority="disabled")  # ahead of every normal visitor
                checks += await settled()
                other = await issued(client, hall, code="A")  # waits in A, then is sent on to E
                session, counter_a = hall["hub"].login(1, "clerk2")
                while True:
                    called = (await client.post(f"/api/v1/counters/{counter_a}/call-next", headers=bearer(session))).json()
                    if called["id"] == other["id"]:
                        break
                    await client.post(f"/api/v1/tickets/{called['id']}/no-show", headers=bearer(session))
                await client.post(f"/api/v1/tickets/{other['id']}/start", headers=bearer(session))
                moved = await client.post(
                    f"/api/v1/tickets/{other['id']}/transfer", json={"service_id": hall["services"]["E"]}, headers=bearer(session)
                )
                assert moved.status_code == 200, moved.text
                await client.post(f"/api/v1/counters/{counter_a}/close", headers=bearer(session))
                checks += await settled()
                await clerk(client, hall, f"/api/v1/counters/{hall['counter_id']}/close")
                closed = await settled()
                assert all(frame["eta_seconds"] is None for frame, _ in closed if frame["status"] == "waiting")
                await clerk(client, hall, f"/api/v1/counters/{hall['counter_id']}/open")
                checks += closed + await settled()
                await clerk(client, hall, f"/api/v1/tickets/{line[1]['id']}/cancel")
                checks += await settled()
            finally:
                for phone in phones:
                    await phone.__aexit__(None, None, None)
            return checks

    checks = run_async(scenario())
    assert len(checks) == 5 * 6
    for frame, truth in checks:
        assert frame == truth
    assert {frame["ahead"] for frame, _ in checks if frame["status"] == "waiting"} >= {0, 1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("no-such-ticket-code", 404),
        ("short", 422),
        ("x" * 41, 422),
        ("x" * 5000, 422),
        ("abc%27%3B--drop", 422),
        ("%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404),  # the decoded "/" leaves no route
    ],
)
def test_an_unknown_or_malformed_code_is_refused_in_both_languages(hall: dict, code: str, status: int):
    answer = httpx.get(f"{hall['hub'].url}/api/v1/public/tickets/{code}/stream", timeout=10)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] and body["message"] and body["message_ar"]


def test_a_finished_visit_gets_its_last_frame_and_the_stream_ends(hall: dict):
    """A cancelled ticket's stream says so once, tells the browser to wait before asking again, and ends."""

    async def scenario() -> Phone:
        async with httpx.AsyncClient(base_url=hall["hub"].url, timeout=10) as client:
            ticket = await issued(client, hall)
            await clerk(client, hall, f"/api/v1/tickets/{ticket['id']}/cancel")
            async with Phone(client, ticket["code"]) as phone:
                assert (await phone.next())["status"] == "cancelled"
                assert await phone.next() is None
            return phone

    phone = run_async(scenario())
    assert phone.retry is not None and phone.retry >= 10_000


def test_many_streams_on_one_ticket_all_get_the_call_and_past_the_cap_are_refused(hall: dict):
    async def scenario() -> tuple[list[dict], httpx.Response, int]:
        async with httpx.AsyncClient(base_url=hall["hub"].url, timeout=10) as client:
            await empty_queue(client, hall)
            ticket = await issued(client, hall)
            phones = [Phone(client, ticket["code"]) for _ in range(8)]
            for phone in phones:
                await phone.__aenter__()
                await phone.next()
            refused = await client.get(f"/api/v1/public/tickets/{ticket['code']}/stream")
            await phones.pop().__aexit__(None, None, None)
            async def admitted() -> int:
                # The hub lets the ninth in once it has noticed the closed one (it may take a moment).
                while True:
                    async with client.stream("GET", f"/api/v1/public/tickets/{ticket['code']}/stream") as again:
                        if again.status_code == 200:
                            return again.status_code
            again = await asyncio.wait_for(admitted(), FRAME_TIMEOUT)
            await clerk(client, hall, f"/api/v1/counters/{hall['counter_id']}/call-next")
            calls = [await phone.next() for phone in phones]
            await clerk(client, hall, f"/api/v1/tickets/{ticket['id']}/no-show")
            for phone in phones:
                await phone.__aexit__(None, None, None)
            return calls, refused, again

    calls, refused, again = run_async(scenario())
    assert len(calls) == 7 and all(c["status"] == "called" and c["counter_number"] == 6 for c in calls)
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_streams"
    assert refused.json()["message_ar"] and refused.headers["retry-after"]
    assert again == 200


def open_silent_stream(hub: LiveHub, code: str) -> socket.socket:
    """A stream over a raw socket with a tiny receive buffer, its answer's head read, then never read again."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", hub.port))
    raw.sendall(f"GET /api/v1/public/tickets/{code}/stream HTTP/1.1\r\nHost: hub\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += raw.recv(1)
    assert head.startswith(b"HTTP/1.1 200"), head
    return raw


def test_a_stream_that_never_reads_is_dropped_and_the_others_keep_up(hall: dict, tmp_path: Path):
    """Position changes pile up unread on one stream until the hub drops it; a phone reading the
    same ticket gets every change meanwhile (a priority visitor arrives ahead, then cancels:
    the place at the front goes out with each batch)."""
    hub: LiveHub = hall["hub"]

    async def scenario() -> tuple[int, dict, int, bool]:
        async with httpx.AsyncClient(base_url=hub.url, timeout=10) as client:
            await empty_queue(client, hall)
            mine = await issued(client, hall)
            silent = open_silent_stream(hub, mine["code"])
            try:
                async with Phone(client, mine["code"]) as phone:
                    await phone.next()
                    dropped = False
                    ahead, before = 0, None
                    for count in range(1, 1600):
                        if before is None:
                            before, ahead = await issued(client, hall, priority="elderly"), 1
                        else:
                            cancelled = await client.post(f"/api/v1/tickets/{before['id']}/cancel", headers=bearer(hall["kiosk"]))
                            assert cancelled.status_code == 200, cancelled.text
                            before, ahead = None, 0
                        frame = await phone.next()
                        assert frame["ahead"] == ahead
                        if count % 20 == 0 and "event=phone.dropped" in hub.log_path.read_text(errors="replace"):
                            dropped = True
                            break
                    return count, frame, ahead, dropped
            finally:
                silent.close()

    count, frame, ahead, dropped = run_async(scenario())
    assert dropped, f"the silent stream was not dropped after {count} changes"
    assert frame["ahead"] == ahead


def test_the_hub_counts_its_snapshot_reads_and_phones_cost_none(hall: dict):
    """`/health` counts `GET /state` answers; a phone following its ticket through a call reads none."""
    url = hall["hub"].url

    async def scenario() -> tuple[int, int, int]:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            await empty_queue(client, hall)
            start = (await client.get("/api/v1/health")).json()["snapshot_reads"]
            assert (await client.get("/api/v1/state", headers=bearer(hall["kiosk"]))).status_code == 200
            after_one = (await client.get("/api/v1/health")).json()["snapshot_reads"]
            ticket = await issued(client, hall)
            async with Phone(client, ticket["code"]) as phone:
                await phone.next()
                await clerk(client, hall, f"/api/v1/counters/{hall['counter_id']}/call-next")
                assert (await phone.next())["status"] == "called"
                await clerk(client, hall, f"/api/v1/tickets/{ticket['id']}/no-show")
                await phone.next()
            end = (await client.get("/api/v1/health")).json()["snapshot_reads"]
            return start, after_one, end

    start, after_one, end = run_async(scenario())
    assert after_one == start + 1
    assert end == after_one

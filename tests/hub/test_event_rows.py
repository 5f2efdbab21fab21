"""Events say what changed: the rows they carry are what `GET /state` says right after them.

Against a real hub subprocess over real sockets: after each step of a clerk's day, the event
socket's frames up to the snapshot's `seq` are read; the last row each frame gave of a
service (`service`, `new_service`, a counter event's `services`) and of a counter must equal
that service's and that counter's entry in the snapshot. So a device that applies the events
in order has `/state` without fetching it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets

from core import contract
from tests.support import LiveHub, bearer

ROW_EVENTS = {"ticket", "counter"}


def rows_of(frame: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The service rows and the counter a frame carries."""
    event = contract.parse_event(frame)
    services: list[contract.Service] = []
    counter = None
    if isinstance(event, contract.TicketEvent):
        services = [event.service] if event.service is not None else []
        if isinstance(event, contract.TicketTransferred) and event.new_service is not None:
            services.append(event.new_service)
    elif isinstance(event, contract.CounterEvent):
        services = list(event.services)
        counter = event.counter.to_dict()
    return [row.to_dict() for row in services], counter


class Follower:
    """A board's event socket, read up to the snapshot's seq after each step."""

    def __init__(self, hub: LiveHub, token: str, socket) -> None:
        self.hub, self.token, self.socket = hub, token, socket
        self.last = 0
        self.steps = 0

    async def state(self, client: httpx.AsyncClient) -> dict[str, Any]:
        answer = await client.get("/api/v1/state", headers=bearer(self.token))
        assert answer.status_code == 200
        return answer.json()

    async def check(self, client: httpx.AsyncClient, *, expect: set[str]) -> list[dict[str, Any]]:
        """Read the frames of the step just taken; their last rows equal the snapshot's."""
        state = await self.state(client)
        frames = []
        while self.last < state["seq"]:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), 10))
            assert frame["seq"] == self.last + 1
            self.last = frame["seq"]
            frames.append(frame)
        kinds = {frame["type"] for frame in frames}
        assert expect <= kinds, (expect, kinds)
        services: dict[int, dict[str, Any]] = {}
        counters: dict[int, dict[str, Any]] = {}
        for frame in frames:
            rows, counter = rows_of(frame)
            if frame["type"].split(".")[0] in ROW_EVENTS:
                assert rows, f"{frame['type']} carries no service row"
            services.update((row["id"], row) for row in rows)
            if counter is not None:
                counters[counter["id"]] = counter
        in_state = {row["id"]: row for row in state["services"]}
        for service_id, row in services.items():
            assert row == in_state[service_id], (service_id, row, in_state[service_id])
        in_state_counters = {row["id"]: row for row in state["counters"]}
        for counter_id, counter in counters.items():
            assert counter == in_state_counters[counter_id]
        self.steps += 1
        return frames


def test_every_event_row_equals_the_snapshot_after_it(fresh_hub: LiveHub):
    """Issue, call, recall, serve, transfer, cancel, no-show, pause, resume, close, open, log out:
    each step's rows are exactly `/state`'s, and the waiting count and estimate move with them."""
    hub = fresh_hub
    kiosk = hub.enroll("kiosk")
    display = hub.enroll("display")
    counter_device = hub.enroll("counter", "counter-1")
    first_state = httpx.get(f"{hub.url}/api/v1/state", headers=bearer(display), timeout=10).json()
    services = {row["code"]: row["id"] for row in first_state["services"]}
    counter_id = next(c["id"] for c in first_state["counters"] if c["number"] == 1)

    async def day() -> Follower:
        url = f"{hub.ws_url}/api/v1/events?since={first_state['seq']}&token={display}"
        async with websockets.connect(url) as socket, httpx.AsyncClient(base_url=hub.url, timeout=10) as client:
            follow = Follower(hub, display, socket)
            follow.last = first_state["seq"]

            async def post(path: str, token: str, body: dict | None = None, status: int = 200) -> dict[str, Any]:
                answer = await client.post(path, json=body, headers=bearer(token))
                assert answer.status_code == status, answer.text
                return answer.json() if answer.content else {}

            async def issue(code: str, priority: str = "normal") -> dict[str, Any]:
                return await post("/api/v1/tickets", kiosk, {"service_id": services[code], "priority": priority}, 201)

            first = await issue("A")
            frames = await follow.check(client, expect={"ticket.issued"})
            issued = contract.parse_event(frames[-1])
            assert issued.service.waiting >= 1 and issued.service.open_counters == 0 and issued.service.eta_seconds is None
            second = await issue("A", "elderly")
            await issue("D")
            await follow.check(client, expect={"ticket.issued"})
            login = await post(
                "/api/v1/sessions", counter_device, {"username": "clerk1", "pin": "1111", "counter_id": counter_id}, 201
            )
            clerk = login["token"]
            frames = await follow.check(client, expect={"counter.opened"})
            opened = contract.parse_event(frames[-1])
            assert {row.code for row in opened.services} == {"A", "D"}
            assert all(row.open_counters == 1 and row.eta_seconds is not None for row in opened.services)
            called = await post(f"/api/v1/counters/{counter_id}/call-next", clerk)
            assert called["id"] == second["id"]
            await follow.check(client, expect={"ticket.called"})
            await post(f"/api/v1/tickets/{called['id']}/recall", clerk)
            await follow.check(client, expect={"ticket.recalled"})
            await post(f"/api/v1/tickets/{called['id']}/start", clerk)
            await follow.check(client, expect={"ticket.started"})
            await post(f"/api/v1/tickets/{called['id']}/transfer", clerk, {"service_id": services["B"]})
            frames = await follow.check(client, expect={"ticket.transferred"})
            transferred = contract.parse_event(frames[-1])
            assert (transferred.service.code, transferred.new_service.code) == ("A", "B")
            # call-next finishes nobody here, then takes the first normal ticket
            taken = await post(f"/api/v1/counters/{counter_id}/call-next", clerk)
            assert taken["id"] == first["id"]
            await follow.check(client, expect={"ticket.called"})
            await post(f"/api/v1/tickets/{first['id']}/start", clerk)
            await follow.check(client, expect={"ticket.started"})
            # serving: the next call finishes this visitor first (two events, one write)
            await issue("A")
            await follow.check(client, expect={"ticket.issued"})
            held = await post(f"/api/v1/counters/{counter_id}/call-next", clerk)
            await follow.check(client, expect={"ticket.finished", "ticket.called"})
            await post(f"/api/v1/tickets/{held['id']}/no-show", clerk)
            await follow.check(client, expect={"ticket.no_show"})
            spare = await issue("D")
            await post(f"/api/v1/tickets/{spare['id']}/cancel", kiosk)
            await follow.check(client, expect={"ticket.cancelled"})
            await post(f"/api/v1/counters/{counter_id}/pause", clerk, {"reason": "prayer"})
            frames = await follow.check(client, expect={"counter.paused"})
            assert all(row.open_counters == 0 and row.eta_seconds is None for row in contract.parse_event(frames[-1]).services)
            await post(f"/api/v1/counters/{counter_id}/resume", clerk)
            await follow.check(client, expect={"counter.resumed"})
            await post(f"/api/v1/counters/{counter_id}/close", clerk)
            await follow.check(client, expect={"counter.closed"})
            await post(f"/api/v1/counters/{counter_id}/open", clerk)
            await follow.check(client, expect={"counter.opened"})
            answer = await client.delete("/api/v1/sessions/current", headers=bearer(clerk))
            assert answer.status_code == 204
            await follow.check(client, expect={"counter.closed"})
            return follow

    follow = asyncio.run(day())
    assert follow.steps == 18

"""The live event stream: replay from `since`, then every committed event, in order.

Every refusal is sent after the WebSocket handshake, as a close code with a reason: a refusal
before it reaches the client as a bare HTTP 403 that no client library tells apart from
another (the Qt client forgets its token only on 4401).

- 4401 the token is unknown, revoked or expired: enroll or log in again;
- 4409 reload `GET /state` and reconnect from its `seq`: `since` is not a number, is ahead of
  the hub, or so far behind that the replay would be huge (`MAX_REPLAY_EVENTS`);
- 4429 too many sockets: for this device (`MAX_SOCKETS_PER_OWNER`) or for the hub;
- 1013 the socket fell too far behind and was dropped (see hub/events.py); reconnect.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from core.logs import SummarisedLog
from core.models import DeviceKind
from core.store import Store
from core.views import iso
from core.queries import Refusal
from hub.events import TooManySockets, encode_frame
from hub.routes.common import REFUSAL_REASONS, HubContext, token_from
from hub.server import ABORT_SCOPE_KEY, UPGRADE_GATE, WRITE_SCOPE_KEY

log = logging.getLogger("tabour.hub.events")

router = APIRouter(prefix="/api/v1")

WS_BAD_TOKEN = 4401
WS_FORBIDDEN = 4403
WS_RELOAD = 4409
WS_TOO_MANY = 4429
WS_DROPPED = 1013
# A device refused 4429 this many times in a row that still opens sockets is flooding: for
# GATE_SECONDS the server answers its upgrades 429 itself, before the handshake (hub/server.py).
GATE_AFTER_REFUSALS = 3
GATE_SECONDS = 10.0
_over_cap_refusals: dict[str, int] = {}
# One log line per client and refusal code a minute, with the count since: a flood of refused
# sockets must not become a flood of log lines.
_REFUSALS_LOG = SummarisedLog()
# Events a reconnecting client may ask to be replayed (a board back after an hour's outage in
# a busy hall is well under this); past it, the snapshot is far cheaper than the replay
# (100,000 tickets' events were 212 MiB and 50 s).
MAX_REPLAY_EVENTS = 2000


def _log_refusal(client: str | None, code: int, reason: str) -> None:
    level = logging.WARNING if code != WS_RELOAD else logging.INFO
    _REFUSALS_LOG.log(log, (client, code), "ws.refused", level, code=code, reason=reason, client=client)


async def _refuse(websocket: WebSocket, code: int, reason: str) -> None:
    _log_refusal(websocket.client.host if websocket.client else None, code, reason)
    try:
        await websocket.accept()
        await websocket.close(code=code, reason=reason)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass


@router.websocket("/events")
async def events(websocket: WebSocket, since: str = "0", token: str | None = None) -> None:
    hub: HubContext = websocket.app.state.hub
    store = hub.store
    bearer = token or token_from(websocket.headers.get("authorization"))
    who = hub.principals.lookup(bearer) if bearer and len(bearer) <= 200 else Refusal.BAD_TOKEN
    if isinstance(who, Refusal):
        await _refuse(websocket, WS_BAD_TOKEN, REFUSAL_REASONS[who])
        return
    if who.kind is DeviceKind.INTEGRATION:
        await _refuse(websocket, WS_FORBIDDEN, "integration_only_bookings: an integration token may only book appointments")
        return
    last_seq = store.last_seq
    position = int(since) if since.isascii() and since.isdigit() and len(since) <= 20 else None
    if position is None or position > last_seq:
        # A client ahead of the log (a restored backup?) or with no usable position.
        await _refuse(websocket, WS_RELOAD, "reload: since is not a position in the hub's log; reload /state")
        return
    if last_seq - position > MAX_REPLAY_EVENTS:
        await _refuse(websocket, WS_RELOAD, "reload: since is too far behind; reload /state and reconnect from its seq")
        return
    owner = ("device", who.device_id) if who.device_id is not None else ("session", who.session_id)
    broadcaster = hub.broadcaster
    try:
        subscriber = broadcaster.subscribe(
            owner, abort=websocket.scope.get(ABORT_SCOPE_KEY), write=websocket.scope.get(WRITE_SCOPE_KEY),
        )
    except TooManySockets as refusal:
        if refusal.scope == "owner":
            refused = _over_cap_refusals.get(bearer, 0) + 1
            if len(_over_cap_refusals) > 10_000:
                _over_cap_refusals.clear()
            _over_cap_refusals[bearer] = refused
            if refused >= GATE_AFTER_REFUSALS:
                UPGRADE_GATE.close_for(bearer, GATE_SECONDS, asyncio.get_running_loop().time())
                _over_cap_refusals.pop(bearer, None)
        which = "this device" if refusal.scope == "owner" else "the hub"
        await _refuse(websocket, WS_TOO_MANY, f"too_many_sockets: {which} holds all the event sockets it may")
        return
    _over_cap_refusals.pop(bearer, None)
    try:
        await websocket.accept()
    except (WebSocketDisconnect, RuntimeError, OSError):
        broadcaster.unsubscribe(subscriber)
        return
    hub.socket_opened(subscriber, bearer, who)
    closed = asyncio.Event()

    async def watch_close() -> None:
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
        except (WebSocketDisconnect, RuntimeError):
            pass
        closed.set()
        if not subscriber.queue.full():
            subscriber.queue.put_nowait(None)  # wake the sender so it can finish

    watcher = asyncio.create_task(watch_close())
    last = position
    try:
        last = await _replay(websocket, store, last)
        while not closed.is_set():
            # Caught up: the broadcaster writes the next frames itself, all sockets in one pass
            # (hub/events.py); the queue then only wakes this sender to close, or hands it a
            # frame after a gap, to replay from.
            subscriber.go_live(last)
            item = await subscriber.queue.get()
            if item is None or subscriber.overflowed or subscriber.close_code is not None:
                break
            if subscriber.live:  # never queued while live; nothing to do but wait again
                continue
            last = max(last, subscriber.last)
            seq, text = item
            subscriber.sent(text)
            if seq <= last:
                continue
            if seq != last + 1:
                last = await _replay(websocket, store, last)
                if seq <= last:
                    continue
            await websocket.send_text(text)
            last = seq
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        broadcaster.unsubscribe(subscriber)
        hub.socket_closed(subscriber, who)
        watcher.cancel()
        if not closed.is_set():
            code = subscriber.close_code or (WS_DROPPED if subscriber.overflowed else 1000)
            try:
                await websocket.close(code=code, reason=subscriber.close_reason)
            except (RuntimeError, OSError):
                pass


async def _replay(websocket: WebSocket, store: Store, last: int) -> int:
    """Send every logged event after `last`, in order; return the last seq sent."""
    while True:
        batch = await run_in_threadpool(store.events_after, last, 500)
        if not batch:
            return last
        for event in batch:
            await websocket.send_text(encode_frame(event, lambda at: iso(at, store.catalogue)))
            last = event.seq

"""The live event stream: replay from `since`, then every committed event, in order."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from core.store import Store
from core.views import iso
from hub.events import encode_frame
from hub.routes.common import HubContext, token_from

router = APIRouter(prefix="/api/v1")


@router.websocket("/events")
async def events(websocket: WebSocket, since: int = 0, token: str | None = None) -> None:
    hub: HubContext = websocket.app.state.hub
    store = hub.store
    bearer = token or token_from(websocket.headers.get("authorization"))
    who = hub.principals.get(bearer) if bearer and len(bearer) <= 200 else None
    if who is None:
        await websocket.close(code=4401, reason="unknown or expired token")
        return
    if since < 0 or since > store.last_seq:
        # A client ahead of the log (a restored backup?) must reload the snapshot.
        await websocket.close(code=4409, reason="since is ahead of the hub; reload /state")
        return
    await websocket.accept()
    broadcaster = hub.broadcaster
    subscriber = broadcaster.subscribe()
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
    last = since
    try:
        last = await _replay(websocket, store, last)
        while not closed.is_set():
            item = await subscriber.queue.get()
            if item is None or subscriber.overflowed:
                break
            seq, text = item
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
        watcher.cancel()
        if not closed.is_set():
            try:
                await websocket.close(code=1013 if subscriber.overflowed else 1000)
            except RuntimeError:
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

"""Fan-out of committed events to WebSocket subscribers on the hub's event loop.

The store calls `publish` on its writer thread after each commit; the frames are encoded once
and handed to the loop, which drops them into every subscriber's queue. A subscriber that
falls far behind is cut off (it will reconnect and resync from the log) rather than letting
one slow TV grow the hub's memory without bound.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from core.store import Event

log = logging.getLogger(__name__)

SUBSCRIBER_BACKLOG = 10_000


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue[tuple[int, str] | None] = field(default_factory=lambda: asyncio.Queue(SUBSCRIBER_BACKLOG))
    overflowed: bool = False


class Broadcaster:
    def __init__(self, loop: asyncio.AbstractEventLoop, encode: Callable[[Event], str]) -> None:
        self._loop = loop
        self._encode = encode
        self._subscribers: set[Subscriber] = set()
        self.watchers: set[Callable[[list[tuple[int, str, dict]]], None]] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> Subscriber:
        subscriber = Subscriber()
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    def publish(self, events: list[Event]) -> None:
        """Called on the writer thread."""
        frames = [(event.seq, self._encode(event), event) for event in events]
        try:
            self._loop.call_soon_threadsafe(self._deliver, frames)
        except RuntimeError:
            pass  # the loop has closed: the hub is shutting down

    def _deliver(self, frames: list[tuple[int, str, Event]]) -> None:
        for subscriber in list(self._subscribers):
            if subscriber.overflowed:
                continue
            for seq, text, _ in frames:
                try:
                    subscriber.queue.put_nowait((seq, text))
                except asyncio.QueueFull:
                    subscriber.overflowed = True
                    log.warning("an event subscriber fell %d events behind; closing it", SUBSCRIBER_BACKLOG)
                    break
        for watcher in list(self.watchers):
            try:
                watcher([(seq, event.type, event.payload) for seq, _, event in frames])
            except Exception:
                log.exception("event watcher failed")

    def close_all(self) -> None:
        for subscriber in list(self._subscribers):
            subscriber.overflowed = True
            try:
                subscriber.queue.put_nowait(None)
            except asyncio.QueueFull:
                pass


def encode_frame(event: Event, iso: Callable[[float], str]) -> str:
    return json.dumps(event.frame(iso(event.at)), ensure_ascii=False, separators=(",", ":"))

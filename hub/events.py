"""Fan-out of committed events to WebSocket subscribers on the hub's event loop.

The store calls `publish` on its writer thread after each commit; the frames are encoded once
and handed to the loop. A subscriber that is caught up (its replay sent, nothing queued) is
*live*: the loop writes the batch's WebSocket frames, built and joined once for all of them,
straight to every live socket in one pass, one write (one system call) a socket, with no task
switch per socket; a subscriber still replaying,
or one without a direct writer, gets the frame in its queue and its sender sends it. Only then
are the watchers (the phones, hub/phones.py) told: boards and devices go first. A subscriber
whose unsent frames (queued, or in its socket's write buffer) pass `SUBSCRIBER_BYTE_BUDGET` (a
board that stopped reading) is dropped at once (it will reconnect and resync from the log)
rather than letting one slow TV grow the hub's memory without bound. Sockets are capped per device and in all (`MAX_SOCKETS_PER_OWNER`,
`MAX_SOCKETS`): one display token once held 19,735 sockets and new clients were refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from websockets.frames import Frame, Opcode

from core.logs import log_event
from core.store import Event

log = logging.getLogger(__name__)

SUBSCRIBER_BACKLOG = 10_000
# Unsent frames one socket may hold: a burst of a few hundred events (a frame is ~1-2 KiB).
SUBSCRIBER_BYTE_BUDGET = 1024 * 1024
# A board, a counter or a kiosk needs one socket; a few more cover a restart whose old socket
# has not timed out yet. A hall has ~150 devices; phones follow their turn without a socket.
MAX_SOCKETS_PER_OWNER = 4
MAX_SOCKETS = 1000


class TooManySockets(Exception):
    """The owner (or the hub) holds all the sockets it may; the new one is refused with 4429."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope  # "owner" or "hub"


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue[tuple[int, str] | None] = field(default_factory=lambda: asyncio.Queue(SUBSCRIBER_BACKLOG))
    overflowed: bool = False
    owner: Hashable | None = None
    pending_bytes: int = 0  # queued for this socket and not yet handed to the server
    abort: Callable[[], None] | None = None  # drops the connection without a closing handshake
    close_code: int | None = None  # set by `end`: the socket is to be closed with this code
    close_reason: str = ""
    # Writes one encoded frame to the socket now; returns the bytes its transport holds unsent,
    # or None when the socket takes no more frames (hub/server.py). None: frames go by the queue.
    write: Callable[[bytes], int | None] | None = None
    live: bool = False  # caught up: the broadcaster writes its frames itself (`go_live`)
    last: int = 0  # the last seq written to the socket while live

    def go_live(self, last: int) -> bool:
        """The sender has sent everything up to `last` and its queue is empty: from now on the
        broadcaster writes this socket's frames as they are committed. False without a writer."""
        if self.write is None or self.overflowed or self.close_code is not None or not self.queue.empty():
            return False
        self.live, self.last = True, last
        return True

    def sent(self, text: str) -> None:
        self.pending_bytes = max(0, self.pending_bytes - len(text))

    def drop(self, why: str) -> None:
        """Cut this subscriber off: its socket is aborted (a peer that does not read would never
        take a close frame), and its sender wakes to clean up."""
        if self.overflowed:
            return
        self.overflowed = True
        log_event(log, "ws.dropped", logging.WARNING, reason=why, owner=str(self.owner), pending_bytes=self.pending_bytes)
        if self.abort is not None:
            self.abort()
        try:
            self.queue.put_nowait(None)
        except asyncio.QueueFull:
            pass

    def end(self, code: int, reason: str) -> None:
        """Ask the socket's sender to close it (e.g. 4401 when its token was revoked)."""
        self.close_code, self.close_reason = code, reason
        try:
            self.queue.put_nowait(None)
        except asyncio.QueueFull:
            pass  # the sender checks close_code after every frame


class Broadcaster:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        encode: Callable[[Event], str],
        *,
        max_sockets: int = MAX_SOCKETS,
        max_per_owner: int = MAX_SOCKETS_PER_OWNER,
        byte_budget: int = SUBSCRIBER_BYTE_BUDGET,
    ) -> None:
        self._loop = loop
        self._encode = encode
        self._subscribers: set[Subscriber] = set()
        self._per_owner: Counter[Hashable] = Counter()
        self.max_sockets = max_sockets
        self.max_per_owner = max_per_owner
        self.byte_budget = byte_budget
        self.watchers: set[Callable[[list[tuple[int, str, dict]]], None]] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(
        self, owner: Hashable | None = None, abort: Callable[[], None] | None = None,
        write: Callable[[bytes], int | None] | None = None,
    ) -> Subscriber:
        """A new subscriber for `owner` (a device or a session); TooManySockets past the caps."""
        if owner is not None and self._per_owner[owner] >= self.max_per_owner:
            raise TooManySockets("owner")
        if len(self._subscribers) >= self.max_sockets:
            raise TooManySockets("hub")
        subscriber = Subscriber(owner=owner, abort=abort, write=write)
        self._subscribers.add(subscriber)
        if owner is not None:
            self._per_owner[owner] += 1
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.discard(subscriber)
            if subscriber.owner is not None:
                self._per_owner[subscriber.owner] -= 1
                if self._per_owner[subscriber.owner] <= 0:
                    del self._per_owner[subscriber.owner]

    def publish(self, events: list[Event]) -> None:
        """Called on the writer thread."""
        frames = [(event.seq, self._encode(event), event) for event in events]
        try:
            self._loop.call_soon_threadsafe(self._deliver, frames)
        except RuntimeError:
            pass  # the loop has closed: the hub is shutting down

    def _deliver(self, frames: list[tuple[int, str, Event]]) -> None:
        wire: list[bytes] | None = None  # each frame as the socket carries it, built once for every live socket
        runs: dict[tuple[int, int], bytes] = {}  # frames start…stop as one write, joined once for every socket
        for subscriber in list(self._subscribers):
            if subscriber.overflowed or subscriber.close_code is not None:
                continue
            start = 0
            if subscriber.live:
                if wire is None:
                    wire = [websocket_text_frame(text) for _, text, _ in frames]
                start = self._write(subscriber, frames, wire, runs)
            if not subscriber.live:
                self._enqueue(subscriber, frames[start:])
        for watcher in list(self.watchers):
            try:
                watcher([(seq, event.type, event.payload) for seq, _, event in frames])
            except Exception:
                log.exception("event watcher failed")

    def _write(
        self, subscriber: Subscriber, frames: list[tuple[int, str, Event]], wire: list[bytes], runs: dict[tuple[int, int], bytes],
    ) -> int:
        """Write the frames that follow a live subscriber's last to its socket now, in one write
        (one system call for the whole batch, not one a frame); the index of the first frame left
        for its queue (a gap in the seqs: its sender replays the missing ones)."""
        first = stop = None
        last = subscriber.last
        for index, (seq, _, _) in enumerate(frames):
            if seq <= last:
                continue
            if seq != last + 1:
                stop = index
                break
            if first is None:
                first = index
            last = seq
        end = len(frames) if stop is None else stop
        if first is not None:
            data = runs.get((first, end))
            if data is None:
                data = runs[(first, end)] = wire[first] if end - first == 1 else b"".join(wire[first:end])
            unsent = subscriber.write(data)  # type: ignore[misc]  # a live subscriber has a writer
            if unsent is None:  # the socket is closing: its sender wakes to clean up
                subscriber.live = False
                try:
                    subscriber.queue.put_nowait(None)
                except asyncio.QueueFull:
                    pass
                return len(frames)
            subscriber.last = last
            if unsent > self.byte_budget:
                subscriber.pending_bytes = unsent
                subscriber.drop("byte_budget")
                return len(frames)
        if stop is not None:
            subscriber.live = False
            return stop
        return len(frames)

    def _enqueue(self, subscriber: Subscriber, frames: list[tuple[int, str, Event]]) -> None:
        for seq, text, _ in frames:
            if subscriber.pending_bytes + len(text) > self.byte_budget:
                subscriber.drop("byte_budget")
                break
            try:
                subscriber.queue.put_nowait((seq, text))
            except asyncio.QueueFull:
                subscriber.drop("backlog")
                break
            subscriber.pending_bytes += len(text)

    def close_all(self) -> None:
        for subscriber in list(self._subscribers):
            subscriber.overflowed = True
            try:
                subscriber.queue.put_nowait(None)
            except asyncio.QueueFull:
                pass


def encode_frame(event: Event, iso: Callable[[float], str]) -> str:
    return event.frame_json(iso(event.at))


def websocket_text_frame(text: str) -> bytes:
    """`text` as one unmasked WebSocket text frame, as a server sends it (no extension: the hub
    turns compression off, hub/server.py): the same bytes for every socket."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)

"""The visitors' phones: each open phone stream is pushed its ticket's place from the event batch.

`PhoneWatch` takes every committed batch from the broadcaster (hub/events.py) and keeps in
memory what a phone's view needs: every live ticket (waiting, called, serving) by its public
code, each service's waiting line in call order (`WaitingLine`, one per service), and which
counters are open for which service. A ticket's place changes only when its service's line,
open counters or recent service time do, so a batch recomputes the phones of the services it
touched and of the tickets it changed, and sends a frame only to those whose view changed. No
database read per phone or per event: the database is read once at start and again after
`day.rolled` or `config.changed` (a whole new catalogue), with the events that arrive meanwhile
applied on top.

The phones hear of a batch only after its frames are written to every board and device
(hub/events.py). Their work then runs in slices, one per turn of the loop: `WAKE_SLICE` streams
woken (their sends run in the next turn), or, in a turn free of sends, frames worked out for at
most `TURN_SECONDS`; phones whose own ticket changed (called, say) go first. So a batch that moves a thousand phones holds the boards' next event
for one slice (~0.5 ms), never behind all their frames and sends. A place near the front of its line
(`FRONT_PLACES` or fewer ahead) goes out with the batch that moved it; a place further back, and
a change of the estimate alone (a visit finished, a counter opened or closed), go out after
`LATER_DELAY`, many moves and finishes in one frame. In a hall calling a visitor every few
seconds per service, that is what keeps a thousand phones from costing the hub a frame each
per call (most of them are far back, where a place that lags a second or two tells the visitor
nothing less).

The place is the rank in the line, as `core.views.ahead_of` counts it: priority tickets first,
then first issue, then id. First issue times come from events to the millisecond; two entries
issued in the same millisecond are ordered by id.

A phone that stops reading is dropped like an event socket that does (hub/events.py): its
frames are coalesced (a phone needs only the newest view), so what it can hold is the server's
write buffer, bounded to `PHONE_BYTE_BUDGET` here and in the kernel (a frame is ~500 bytes, so
that is dozens of unread changes). A stream whose previous frame still waits on the transport
when the next is due has stopped reading, and its connection is aborted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
from fastapi.concurrency import run_in_threadpool

from core.eta import estimate_wait_seconds
from core.logs import log_event
from core.models import Priority
from core.store import Store
from core.views import TICKET_SELECT, average_service_seconds, public_ticket_view, ticket_view

log = logging.getLogger("tabour.hub.phones")

# Entries memory follows: a visitor marked absent today may still be called back.
LIVE = frozenset({"waiting", "called", "serving", "no_show"})
# What the database alone can say is still moving; anything else ends the stream after one frame.
MOVING = frozenset({"waiting", "called", "serving"})
RELOAD_EVENTS = frozenset({"day.rolled", "config.changed"})
# A visitor's phone, a companion's, a tab left open: a ticket needs a few streams. A page that
# reloads closes its old stream first.
MAX_STREAMS_PER_TICKET = 8
# A hall's 1,000 phones following their turn, and headroom.
MAX_STREAMS = 2000
KEEP_ALIVE_SECONDS = 25.0
# Streams woken per turn of the event loop, and how long one turn may work out frames: a batch
# that moves a thousand phones must not hold back the boards' next call behind all of their
# frames and sends (each send ~50 µs, each frame ~20 µs): a turn costs about 0.5 ms.
WAKE_SLICE = 8
TURN_SECONDS = 0.0004
# A visitor this close to the front watches every step: their place goes out with the batch.
FRONT_PLACES = 10
# A place further back, or a change of the estimate alone (a visit finished, a counter opened or
# closed), waits this long, so the moves and estimates of many calls and finishes go out as one
# frame per phone. With 1,000 phones and a call every few seconds per service, pushing every
# move was ~2.5 frames a second per phone and half the hub's CPU in a busy hall.
LATER_DELAY = 2.0
PHONE_BYTE_BUDGET = 16 * 1024
# Sent with a stream's last frame: the browser's EventSource reconnects by itself when a stream
# ends; a visit that is over need not be asked about again every three seconds.
FINAL_RETRY_MS = 60_000

Key = tuple[int, int, int]  # (0 priority | 1 normal, first issue in ms, id): the call order


def _ms(iso_time: str) -> int:
    return int(datetime.fromisoformat(iso_time).timestamp() * 1000)


def line_key(ticket: dict[str, Any]) -> Key:
    normal = 0 if Priority(ticket["priority"]).is_priority else 1
    return (normal, _ms(ticket["first_issued_at"]), ticket["id"])


class TooManyStreams(Exception):
    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope  # "ticket" or "hub"


@dataclass
class WaitingLine:
    """One service's waiting entries in the order they will be called."""

    keys: list[Key] = field(default_factory=list)
    by_id: dict[int, Key] = field(default_factory=dict)

    def add(self, ticket: dict[str, Any]) -> bool:
        if ticket["id"] in self.by_id:
            return False
        key = line_key(ticket)
        self.by_id[ticket["id"]] = key
        insort(self.keys, key)
        return True

    def remove(self, ticket_id: int) -> bool:
        key = self.by_id.pop(ticket_id, None)
        if key is None:
            return False
        index = bisect_left(self.keys, key)
        del self.keys[index]
        return True

    def ahead(self, ticket_id: int) -> int | None:
        key = self.by_id.get(ticket_id)
        return None if key is None else bisect_left(self.keys, key)


@dataclass(eq=False)
class PhoneStream:
    """One open stream: the newest frame it has not been handed yet, and how its sending goes."""

    code: str
    abort: Callable[[], None] | None = None
    latest: str | None = None
    sent: str | None = None
    sending: bool = False  # a frame is with the server, which has not taken it yet
    finished: bool = False  # the ticket's visit is over: end after the last frame
    dropped: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def push(self, text: str, final: bool = False) -> bool:
        """Make `text` the next frame; True when the stream's sender must be woken for it."""
        if self.dropped or self.finished:
            return False
        if final:
            self.finished = True
        if text == (self.latest if self.latest is not None else self.sent):
            return final
        if self.sending:
            self.drop("not_reading")
            return False
        self.latest = text
        return True

    def end(self) -> None:
        """End the stream without another frame (the page reconnects and reloads the ticket)."""
        self.finished = True
        self.wake.set()

    def drop(self, why: str) -> None:
        if self.dropped:
            return
        self.dropped = True
        log_event(log, "phone.dropped", logging.WARNING, reason=why)
        if self.abort is not None:
            self.abort()
        self.wake.set()

    def take(self) -> str | None:
        text, self.latest = self.latest, None
        if text is not None:
            self.sent = text
        self.wake.clear()
        return text

    @property
    def last(self) -> bool:
        """The frame just taken is the stream's last."""
        return self.finished and self.latest is None


@dataclass
class _Snapshot:
    seq: int
    tickets: dict[str, dict[str, Any]]
    counters: dict[int, tuple[str, frozenset[int]]]


def _load(store: Store) -> _Snapshot:
    """Live tickets and counters as of one committed position of the log."""
    with store.read() as conn:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        rows = conn.execute(
            f"{TICKET_SELECT} WHERE t.status IN ('waiting', 'called', 'serving') "
            "OR (t.status = 'no_show' AND t.business_day = ?) ORDER BY t.id",
            (store.current_business_day,),
        ).fetchall()
        tickets = {row["code"]: ticket_view(store, conn, row, place=False) for row in rows}
        counter_rows = conn.execute("SELECT id, status FROM counters WHERE in_config = 1").fetchall()
    catalogue = store.catalogue
    counters = {
        row["id"]: (row["status"], frozenset(catalogue.counters[row["id"]].service_ids))
        for row in counter_rows
        if row["id"] in catalogue.counters
    }
    return _Snapshot(seq, tickets, counters)


class StreamBook:
    """The open streams of one watch, by the code they follow, within two bounds: `max_per_ticket`
    on one code, `max_streams` in all. The visits' phones (`PhoneWatch`) and the pages following
    their complaints (hub.visit_feedback) keep their streams in one of these."""

    def __init__(self, *, max_streams: int, max_per_ticket: int) -> None:
        self.max_streams = max_streams
        self.max_per_ticket = max_per_ticket  # the name the stream refusal reads
        self.phones: dict[str, set[PhoneStream]] = {}  # code → its open streams
        self.stream_count = 0

    def check_room(self, code: str) -> None:
        """Raise `TooManyStreams` when one more stream on `code` would pass a bound."""
        if len(self.phones.get(code, ())) >= self.max_per_ticket:
            raise TooManyStreams("ticket")
        if self.stream_count >= self.max_streams:
            raise TooManyStreams("hub")

    def _add(self, code: str, abort: Callable[[], None] | None) -> PhoneStream:
        phone = PhoneStream(code, abort)
        self.phones.setdefault(code, set()).add(phone)
        self.stream_count += 1
        return phone

    def leave(self, phone: PhoneStream) -> bool:
        """Forget `phone` (again is harmless); True when it was its code's last stream."""
        phones = self.phones.get(phone.code)
        if phones is None or phone not in phones:
            return False
        phones.discard(phone)
        self.stream_count -= 1
        if phones:
            return False
        del self.phones[phone.code]
        return True

    def _end_streams(self) -> None:
        for phones in self.phones.values():
            for phone in phones:
                phone.end()


class PhoneWatch(StreamBook):
    """Every phone stream of one hub, fed by its event batches (see the module's docstring)."""

    def __init__(self, store: Store, *, max_streams: int = MAX_STREAMS, max_per_ticket: int = MAX_STREAMS_PER_TICKET) -> None:
        super().__init__(max_streams=max_streams, max_per_ticket=max_per_ticket)
        self.store = store
        self.tickets: dict[str, dict[str, Any]] = {}  # code → its live entry's ticket view
        self.lines: dict[int, WaitingLine] = {}  # service id → its waiting line
        self.counters: dict[int, tuple[str, frozenset[int]]] = {}  # counter id → (status, services)
        self.watched: dict[int, set[str]] = {}  # service id → codes with streams whose entry waits there
        self.ready = asyncio.Event()
        self._seq = 0
        self._loading = False
        self._pending: list[tuple[int, str, dict]] = []
        self._reload_again = False
        self._task: asyncio.Task | None = None
        # Codes whose phones need a new frame, in the order marked (dicts as ordered sets), and
        # the last view of those whose visit ended; then the streams to wake for their frames.
        self._dirty_urgent: dict[str, None] = {}  # their own ticket changed: worked out first
        self._dirty_others: dict[str, None] = {}
        self._finals: dict[str, dict[str, Any]] = {}
        self._urgent: deque[PhoneStream] = deque()  # streams whose own ticket changed: woken first
        self._others: deque[PhoneStream] = deque()
        self._turning = False
        self._woke = False  # the last turn woke streams: their sends run in this one
        self._later: set[int] = set()  # services whose places or estimates moved, pushed after LATER_DELAY
        self._later_timer: asyncio.TimerHandle | None = None

    # ── loading ─────────────────────────────────────────────────────────────────────────

    def start(self) -> None:
        self._reload()

    def _reload(self) -> None:
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        self._task = asyncio.ensure_future(self._load_and_install())

    async def _load_and_install(self) -> None:
        while True:
            self._reload_again = False
            try:
                snapshot = await run_in_threadpool(_load, self.store)
            except Exception:
                log.exception("could not load the live tickets for the phones; retrying")
                await asyncio.sleep(1)
                continue
            self._install(snapshot)
            pending, self._pending = self._pending, []
            self._loading = False
            self.ready.set()
            self._apply([event for event in pending if event[0] > snapshot.seq], after_reload=True)
            if not self._reload_again:
                return
            self._loading = True

    def _install(self, snapshot: _Snapshot) -> None:
        self._seq = snapshot.seq
        self.tickets = snapshot.tickets
        self.counters = snapshot.counters
        self.lines = {service_id: WaitingLine() for service_id in self.store.catalogue.services}
        for ticket in self.tickets.values():
            if ticket["status"] == "waiting":
                self._line(ticket["service_id"]).add(ticket)
        self.watched = {}
        for code in self.phones:
            ticket = self.tickets.get(code)
            if ticket is not None:
                self.watched.setdefault(ticket["service_id"], set()).add(code)

    def _line(self, service_id: int) -> WaitingLine:
        line = self.lines.get(service_id)
        if line is None:
            line = self.lines[service_id] = WaitingLine()
        return line

    # ── events ──────────────────────────────────────────────────────────────────────────

    def on_events(self, batch: list[tuple[int, str, dict]]) -> None:
        """The broadcaster's watcher, on the loop once per committed batch. The phones' work waits
        its turn behind the event sockets' sends the same batch just woke: boards go first."""
        asyncio.get_running_loop().call_soon(self._receive, batch)

    def _receive(self, batch: list[tuple[int, str, dict]]) -> None:
        if self._loading:
            self._pending.extend(batch)
            if any(kind in RELOAD_EVENTS for _, kind, _ in batch):
                self._reload_again = True
            return
        self._apply(batch)

    def _apply(self, batch: list[tuple[int, str, dict]], after_reload: bool = False) -> None:
        dirty_services: set[int] = set()
        estimates: set[int] = set()
        dirty_codes: set[str] = set()
        finals: dict[str, dict[str, Any]] = {}
        reload = False
        for seq, kind, payload in batch:
            if seq <= self._seq:
                continue
            self._seq = seq
            if kind in RELOAD_EVENTS:
                reload = True
            elif kind.startswith("ticket."):
                self._ticket_event(kind, payload, dirty_services, estimates, dirty_codes, finals)
            elif kind.startswith("counter."):
                counter = payload.get("counter") or {}
                before = self.counters.get(counter.get("id"), ("closed", frozenset()))
                after = (counter.get("status", "closed"), frozenset(counter.get("service_ids") or ()))
                if counter.get("id") is not None:
                    self.counters[counter["id"]] = after
                estimates |= before[1] | after[1]
        if reload:
            self._reload()
        if after_reload:
            dirty_codes |= set(self.phones)
            for code in [code for code in self.phones if code not in self.tickets and code not in finals and code not in self._finals]:
                for phone in list(self.phones[code]):
                    phone.end()  # its visit ended before the reload; the page reloads its ticket
        self._push(dirty_services, dirty_codes, finals, front_only=not after_reload)
        later = estimates | dirty_services  # the places further back, and every estimate, go out together
        if later and not after_reload:
            self._later |= later
            if self._later_timer is None:
                self._later_timer = asyncio.get_running_loop().call_later(LATER_DELAY, self._push_later)

    def _front_places(self, service_id: int) -> int:
        """How near the front a place goes out with its batch: `FRONT_PLACES`, or further where the
        service's remote tickets warn their visitor earlier (`remote_warn_places`)."""
        catalogue = self.store.catalogue
        service = catalogue.services.get(service_id)
        settings = next((s for s in catalogue.config.services if service is not None and s.code == service.code), None)
        if settings is not None and settings.remote:
            return max(FRONT_PLACES, settings.remote_warn_places)
        return FRONT_PLACES

    def _push_later(self) -> None:
        self._later_timer = None
        services, self._later = self._later, set()
        if not self._loading:  # else the reload recomputes every phone
            self._push(services, set(), {})

    def _ticket_event(
        self, kind: str, payload: dict, dirty_services: set[int], estimates: set[int], dirty_codes: set[str],
        finals: dict[str, dict[str, Any]],
    ) -> None:
        ticket = payload.get("ticket")
        if not isinstance(ticket, dict) or not ticket.get("code"):
            return
        code = ticket["code"]
        if self._line(ticket["service_id"]).remove(ticket["id"]):
            dirty_services.add(ticket["service_id"])
        if kind == "ticket.finished":
            estimates.add(ticket["service_id"])  # its recent service time, so every estimate, moved
        new = payload.get("new_ticket") if kind == "ticket.transferred" else None
        if isinstance(new, dict):
            ticket = new  # the visit goes on in the other service, under the same code
        previous = self.tickets.get(code)
        if ticket["status"] in LIVE:
            self.tickets[code] = ticket
            if ticket["status"] == "waiting" and self._line(ticket["service_id"]).add(ticket):
                dirty_services.add(ticket["service_id"])
            finals.pop(code, None)
            self._finals.pop(code, None)
        else:
            self.tickets.pop(code, None)
            finals[code] = ticket
        if code in self.phones:
            dirty_codes.add(code)
            if previous is not None and previous["service_id"] != ticket["service_id"]:
                self.watched.get(previous["service_id"], set()).discard(code)
            if ticket["status"] in LIVE:
                self.watched.setdefault(ticket["service_id"], set()).add(code)
            else:
                self.watched.get(ticket["service_id"], set()).discard(code)

    # ── views and frames ────────────────────────────────────────────────────────────────

    def open_counters(self, service_id: int) -> int:
        return sum(1 for status, services in self.counters.values() if status == "open" and service_id in services)

    def view(self, ticket: dict[str, Any], figures: dict[int, tuple[float, int]] | None = None) -> dict[str, Any]:
        """The phone's view of a ticket view, its place worked out from the line in memory;
        `figures` keeps each service's (average service time, open counters) for one batch."""
        ahead = eta = None
        if ticket["status"] == "waiting":
            service_id = ticket["service_id"]
            ahead = self._line(service_id).ahead(ticket["id"])
            if ahead is not None:
                known = figures.get(service_id) if figures is not None else None
                if known is None:
                    known = (average_service_seconds(self.store, service_id), self.open_counters(service_id))
                    if figures is not None:
                        figures[service_id] = known
                eta = estimate_wait_seconds(ahead, *known)
        return public_ticket_view(self.store.catalogue, {**ticket, "ahead": ahead, "eta_seconds": eta})

    def live_view(self, code: str) -> dict[str, Any] | None:
        ticket = self.tickets.get(code)
        return None if ticket is None else self.view(ticket)

    def _push(
        self, dirty_services: Iterable[int], dirty_codes: set[str], finals: dict[str, dict[str, Any]], *,
        front_only: bool = False,
    ) -> None:
        """Mark for new frames the phones of `dirty_codes` (their tickets changed: first in line)
        and of `dirty_services` (their places or estimates moved; with `front_only`, only the
        phones `FRONT_PLACES` or fewer from the front: the rest wait for `_push_later`). The frames
        are worked out and the streams woken a slice per turn of the loop (`_turn`)."""
        urgent = set(dirty_codes)
        for service_id in dirty_services:
            watched = self.watched.get(service_id, set())
            if not front_only:
                dirty_codes |= watched
                continue
            line, front = self._line(service_id), self._front_places(service_id)
            for code in watched:
                ticket = self.tickets.get(code)
                place = line.ahead(ticket["id"]) if ticket is not None else None
                if place is None or place <= front:
                    dirty_codes.add(code)
        self._finals.update((code, ticket) for code, ticket in finals.items() if code in self.phones)
        for code in dirty_codes:
            if code not in self.phones:
                continue
            if code in urgent:
                self._dirty_others.pop(code, None)
                self._dirty_urgent[code] = None
            elif code not in self._dirty_urgent:
                self._dirty_others[code] = None
        self._schedule_turn()

    @property
    def busy(self) -> bool:
        """Frames are still to be worked out, or streams to be woken, in the coming turns of the loop."""
        return self._turning or bool(self._dirty_urgent or self._dirty_others or self._urgent or self._others)

    def _schedule_turn(self) -> None:
        if not self._turning and (self._dirty_urgent or self._dirty_others or self._urgent or self._others):
            self._turning = True
            asyncio.get_running_loop().call_soon(self._turn)

    def _turn(self) -> None:
        """One slice of the phones' work, so a turn of the loop holds a board's next event for
        ~0.5 ms at most: wake the next `WAKE_SLICE` streams whose frames are ready (their sends
        run in the next turn), or, in a turn with no sends from the last one, work out frames
        for `TURN_SECONDS` at most. Changed tickets go first: their frames are worked out in
        any turn. A frame worked out late is the newest view."""
        self._turning = False
        sends_now, self._woke = self._woke, False
        for _ in range(WAKE_SLICE):
            queue = self._urgent or self._others
            if not queue:
                break
            queue.popleft().wake.set()
            self._woke = True
        deadline = time.perf_counter() + TURN_SECONDS
        figures: dict[int, tuple[float, int]] = {}
        while self._dirty_urgent or (self._dirty_others and not sends_now and not self._woke):
            pending, queue = (self._dirty_urgent, self._urgent) if self._dirty_urgent else (self._dirty_others, self._others)
            code = next(iter(pending))
            del pending[code]
            self._frame(code, queue, figures)
            if time.perf_counter() >= deadline:
                break
        self._schedule_turn()

    def _frame(self, code: str, queue: deque[PhoneStream], figures: dict[int, tuple[float, int]]) -> None:
        """The newest frame of `code`'s phones, in `queue` to be woken for it."""
        phones = self.phones.get(code)
        ticket = self.tickets.get(code)
        final = ticket is None
        if final:
            ticket = self._finals.pop(code, None)
        if not phones or ticket is None:
            return
        try:
            text = frame(self.view(ticket, figures))
        except KeyError:  # a service or counter the catalogue no longer has: the reload follows
            return
        for phone in phones:
            if phone.push(text, final):
                queue.append(phone)

    # ── streams ─────────────────────────────────────────────────────────────────────────

    def join(self, code: str, first: dict[str, Any], abort: Callable[[], None] | None = None) -> PhoneStream:
        """A new stream on `code` (the caller checked `check_room`), whose first frame is `first`
        (read from the database) unless memory knows the ticket."""
        phone = self._add(code, abort)
        ticket = self.tickets.get(code)
        if ticket is not None:
            self.watched.setdefault(ticket["service_id"], set()).add(code)
            phone.push(frame(self.view(ticket)))
        else:
            phone.push(frame(first), final=first["status"] not in MOVING)
        phone.wake.set()
        return phone

    def leave(self, phone: PhoneStream) -> bool:
        last = super().leave(phone)
        if last:
            for codes in self.watched.values():
                codes.discard(phone.code)
        return last

    async def frames(self, phone: PhoneStream):
        """The stream's text: each new view as a server-sent event, a comment when nothing moves."""
        while not phone.dropped:
            text = phone.take()
            if text is None:
                if phone.finished:
                    return
                try:
                    async with asyncio.timeout(KEEP_ALIVE_SECONDS):
                        await phone.wake.wait()
                    continue
                except TimeoutError:
                    chunk = ": keep-alive\n\n"
            elif phone.last:
                chunk = f"retry: {FINAL_RETRY_MS}\ndata: {text}\n\n"
            else:
                chunk = f"data: {text}\n\n"
            phone.sending = True
            yield chunk
            phone.sending = False

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._later_timer is not None:
            self._later_timer.cancel()
        self._end_streams()


_encode = msgspec.json.Encoder().encode


def frame(view: dict[str, Any]) -> str:
    """The view as one line of JSON (msgspec: a tenth of json.dumps's time, which a hall's
    phones make a hub's main cost per event)."""
    return _encode(view).decode()

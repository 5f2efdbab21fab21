"""What the board knows, without any widget: which calls it shows, which it announces.

`BoardModel` takes the hub client's snapshots and events and answers two questions:
what is on the board (the latest calls, newest first, filtered to this board's counters
and services) and which calls must be spoken now. The rules (docs/decisions/board-resync.md):

- a live `ticket.called` / `ticket.recalled` event is shown and announced once; an event
  whose `seq` the board has already handled (a replay) is ignored;
- the first snapshot is the starting point: what it holds is shown, nothing is spoken
  (those calls were made before the board was there to hear them);
- a later snapshot (after a reconnect) shows what it holds and announces the calls the
  board has not handled yet, but only those made in the last `recent_seconds` (a visitor
  called an hour ago is not called again) and only while the visitor is still awaited
  (the ticket is its counter's current ticket, status "called"): a visitor already at the
  counter is not called again either. A counter's awaited ticket older than the snapshot's
  short list of recent calls is found in the snapshot's counters and announced too;
- a snapshot whose `seq` is below what the board has handled means a new hub log (a new
  database): the board starts over from it.

The hub's clock and the board's may differ; the age of a call is measured against the
hub's clock as estimated from live events (`at` of an event against the moment it
arrived), so a board whose clock is minutes off still announces the right calls.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from core.contract import (
    Board, Centre, Counter, CounterBrief, DayRolled, EventBase, Service, State, Ticket, TicketCalled, TicketRecalled, handler_for,
)
from core.errors import BilingualError
from core.models import TicketStatus
from display_board.announcer import Call, InvalidCallError
from qt_common.dates import parse_hub_time
from qt_common.i18n import strip_bidi

log = logging.getLogger(__name__)

DEFAULT_RECENT_SECONDS = 120.0
DEFAULT_HISTORY = 12
MAX_BOARD_NAME = 64
_BOARD_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_CLOCK_SAMPLES = 20
_SEEN_TICKETS = 5000
_TICKET_LETTERS = re.compile(r"^([A-Z]{1,3})-?[0-9]")


class BoardError(BilingualError, ValueError):
    """A board setting that cannot be used, in both languages."""


def check_board_name(name: object) -> str | None:
    """A `[boards]` key as given on the command line; None (all counters) stays None."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise BoardError(f"the board name must be text, not {type(name).__name__}", "اسم اللوحة يجب أن يكون نصًا")
    stripped = name.strip()
    if not _BOARD_NAME.match(stripped):
        raise BoardError(
            f"the board name {name[:80]!r} is not a [boards] key (1-{MAX_BOARD_NAME} letters, digits, '_', '-', '.')",
            "اسم اللوحة غير صالح؛ استخدم اسمًا من قسم [boards] في الإعدادات",
        )
    return stripped


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class BoardCall:
    """One call as the board shows and speaks it."""

    seq: int
    at: datetime | None
    ticket_id: int
    number: str
    service_id: int | None
    service_code: str | None
    business_day: str | None
    counter_number: int
    counter_name_ar: str | None
    counter_name_en: str | None
    recall: bool
    slot_start: str | None = None  # an appointment ticket's slot (the hub's ISO time); None: a walk-in

    def announcement(self) -> Call:
        """The announcer's Call; InvalidCallError when a value cannot be spoken."""
        return Call(
            self.number,
            self.counter_number,
            counter_name_ar=self.counter_name_ar,
            counter_name_en=self.counter_name_en,
            recall=self.recall,
        )


def _text(value: Any, limit: int = 120) -> str | None:
    """Text from the hub, without direction controls (the board adds its own), trimmed."""
    if not isinstance(value, str):
        return None
    value = strip_bidi(value).strip()
    return value[:limit] if value else None


def parse_call(
    seq: int,
    at: str | None,
    ticket: Ticket,
    counter: CounterBrief | Counter | None,
    services: Mapping[int, Service],
    *,
    recall: bool | None = None,
) -> BoardCall | None:
    """A call from an event or a snapshot's recent call; None when the board cannot show it
    (no counter, a counter number no board can draw, a ticket number that is only controls).

    A snapshot's calls carry no type (`recall` None): a ticket recalled at least once is a recall.
    """
    number = _text(ticket.number, 16)
    if counter is None or number is None or not 1 <= counter.number <= 9999:
        return None
    moment: datetime | None = None
    if at is not None:
        try:
            moment = parse_hub_time(at)
        except ValueError:
            moment = None
    service = services.get(ticket.service_id)
    code = _text(service.code, 8) if service is not None else None
    if code is None:
        match = _TICKET_LETTERS.match(number)
        code = match.group(1) if match else None
    return BoardCall(
        seq=seq,
        at=moment,
        ticket_id=ticket.id,
        number=number,
        service_id=ticket.service_id,
        service_code=code,
        business_day=_text(ticket.business_day, 16),
        counter_number=counter.number,
        counter_name_ar=_text(counter.name_ar),
        counter_name_en=_text(counter.name),
        recall=ticket.recalls > 0 if recall is None else recall,
        slot_start=_slot(ticket.slot_start),
    )


def _slot(value: Any) -> str | None:
    """An appointment ticket's slot time as the hub sent it, if it reads as one."""
    text = _text(value, 40)
    if text is None:
        return None
    try:
        parse_hub_time(text)
    except ValueError:
        return None
    return text


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """Which calls a board shows: empty sets mean every counter / every service."""

    counters: frozenset[int] = frozenset()
    services: frozenset[str] = frozenset()
    name: str | None = None
    name_ar: str | None = None
    name_en: str | None = None

    @classmethod
    def from_config(cls, name: str, config: Board) -> BoardFilter:
        """From `/state`'s `boards[name]` (counter numbers, service codes, its names)."""
        return cls(frozenset(config.counters), frozenset(config.services), name, _text(config.name_ar), _text(config.name_en))

    def matches(self, call: BoardCall) -> bool:
        if self.counters and call.counter_number not in self.counters:
            return False
        if self.services and call.service_code not in self.services:
            return False
        return True


class BoardModel:
    """The calls on the board and the ones to announce; see the module's docstring."""

    def __init__(
        self,
        board: str | None = None,
        *,
        history: int = DEFAULT_HISTORY,
        recent_seconds: float = DEFAULT_RECENT_SECONDS,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.board = check_board_name(board)
        if isinstance(history, bool) or not isinstance(history, int) or not 1 <= history <= 100:
            raise ValueError(f"history must be 1-100 calls, got {history!r}")
        if isinstance(recent_seconds, bool) or not isinstance(recent_seconds, int | float) or not 0 <= recent_seconds <= 24 * 3600:
            raise ValueError(f"recent_seconds must be 0-86400, got {recent_seconds!r}")
        self.recent = timedelta(seconds=recent_seconds)
        self._now = now
        self.filter = BoardFilter(name=self.board)
        #: the board's name is not among the hub's boards (shown as a warning; every call is shown)
        self.unknown_board = False
        #: this board's `[boards.NAME]` entry as the hub last sent it (its look and call signals)
        self.config: Board | None = None
        self.calls: deque[BoardCall] = deque(maxlen=history)
        self.business_day: str | None = None
        self.centre: Centre | None = None
        #: highest seq handled (shown or deliberately skipped); events at or below it are replays
        self.handled_seq = 0
        #: calls announced from a snapshot because the board missed their events (after a reconnect)
        self.missed_announced = 0
        self._loaded = False
        self._services: dict[int, Service] = {}
        self._clock_offsets: deque[timedelta] = deque(maxlen=_CLOCK_SAMPLES)
        # tickets already put on the board (bounded: a day's calls at most)
        self._seen_tickets: deque[int] = deque(maxlen=_SEEN_TICKETS)
        self._seen_ticket_set: set[int] = set()

    # --- clock --------------------------------------------------------------------------

    def hub_now(self) -> datetime:
        """The hub's clock as estimated from live events (this machine's clock before any)."""
        now = self._now()
        if self._clock_offsets:
            # The smallest offset is the event that travelled fastest: the truest reading.
            now -= min(self._clock_offsets)
        return now

    def is_recent(self, call: BoardCall) -> bool:
        if call.at is None:
            return False
        return self.hub_now() - call.at <= self.recent

    # --- snapshots ----------------------------------------------------------------------

    def apply_snapshot(self, snapshot: State) -> list[BoardCall]:
        """Rebuild from `/state`; returns the calls to announce (oldest first)."""
        seq = snapshot.seq
        if seq < 0:
            raise ValueError(f"the snapshot's seq is not a count: {seq!r}")
        self._services = {service.id: service for service in snapshot.services}
        self.centre = snapshot.centre
        self.business_day = snapshot.business_day
        self._apply_boards(snapshot.boards)
        first = not self._loaded
        if seq < self.handled_seq:
            log.warning("the hub's event log restarted (seq %d < %d); starting over", seq, self.handled_seq)
            first = True
            self.handled_seq = 0
            self._seen_tickets.clear()
            self._seen_ticket_set.clear()
        parsed = [parse_call(item.seq, item.at, item.ticket, item.counter, self._services) for item in snapshot.recent_calls]
        calls = sorted((c for c in parsed if c is not None), key=lambda c: c.seq)
        awaited = _awaited_tickets(snapshot.counters)
        # A counter's awaited visitor whose call is older than the short list of recent calls.
        listed = {c.ticket_id for c in calls}
        older = [
            call
            for call in (self._call_from_counter(ticket, counter) for ticket, counter in (awaited or {}).values())
            if call is not None and call.ticket_id not in listed
        ]
        older.sort(key=lambda c: (c.at is None, c.at or datetime.min.replace(tzinfo=timezone.utc)))
        shown = [c for c in older + calls if self._on_board(c)]
        to_announce: list[BoardCall] = []
        if not first:
            for call in shown:
                new = call.seq > self.handled_seq if call.seq > 0 else call.ticket_id not in self._seen_ticket_set
                still_awaited = call.ticket_id in awaited if awaited is not None else True
                if new and still_awaited and self.is_recent(call):
                    to_announce.append(call)
        self.calls.clear()
        # The calls about to be spoken go on top, in the order they will be heard.
        for call in [c for c in shown if c not in to_announce] + to_announce:
            self._push(call)
        self.handled_seq = max(self.handled_seq, seq, calls[-1].seq if calls else 0)
        self._loaded = True
        self.missed_announced += len(to_announce)
        return to_announce

    def _call_from_counter(self, ticket: Ticket, counter: Counter) -> BoardCall | None:
        """The call behind a counter's current ticket; its seq is unknown, so it gets a negative
        placeholder (unique per ticket) that no event can ever match."""
        call = parse_call(1, ticket.called_at, ticket, counter, self._services)
        return replace(call, seq=-call.ticket_id) if call is not None else None

    def _apply_boards(self, boards: Mapping[str, Board]) -> None:
        self.config = boards.get(self.board) if self.board is not None else None
        if self.board is None:
            self.filter = BoardFilter()
            self.unknown_board = False
            return
        config = boards.get(self.board)
        if config is None:
            self.filter = BoardFilter(name=self.board)
            self.unknown_board = True
            return
        self.filter = BoardFilter.from_config(self.board, config)
        self.unknown_board = False

    def _on_board(self, call: BoardCall) -> bool:
        if self.business_day is not None and call.business_day is not None and call.business_day != self.business_day:
            return False  # yesterday's calls
        return self.filter.matches(call)

    # --- events -------------------------------------------------------------------------

    def apply_event(self, event: EventBase) -> BoardCall | None:
        """A live event (any type: each one's seq is handled); returns the call to show and announce, or None."""
        seq = event.seq
        if seq <= self.handled_seq:
            return None  # a replay: already shown, already announced
        self.handled_seq = seq
        self._note_clock(event.at)
        # By the event model's name, as the Qt clients dispatch (core/contract.py's handler_for):
        # `_on_ticket_called`…; a type the board has no use for only moves `handled_seq`.
        handler = getattr(self, f"_{handler_for(event)}", None)
        return handler(event) if handler is not None else None

    def _on_day_rolled(self, event: DayRolled) -> None:
        self.business_day = event.business_day
        self.calls.clear()

    def _on_ticket_called(self, event: TicketCalled) -> BoardCall | None:
        return self._apply_call(event, recall=False)

    def _on_ticket_recalled(self, event: TicketRecalled) -> BoardCall | None:
        return self._apply_call(event, recall=True)

    def _apply_call(self, event: TicketCalled | TicketRecalled, *, recall: bool) -> BoardCall | None:
        seq = event.seq
        call = parse_call(seq, event.at, event.ticket, event.counter, self._services, recall=recall)
        if call is None:
            log.warning("a %s event (seq %d) without a usable ticket or counter; not shown", event.type, seq)
            return None
        if not self._on_board(call):
            return None
        self._push(call)
        return call

    def _push(self, call: BoardCall) -> None:
        # A recalled ticket moves to the top instead of appearing twice.
        for existing in list(self.calls):
            if existing.ticket_id == call.ticket_id:
                self.calls.remove(existing)
        self.calls.appendleft(call)
        if call.ticket_id not in self._seen_ticket_set:
            if len(self._seen_tickets) == self._seen_tickets.maxlen:
                self._seen_ticket_set.discard(self._seen_tickets[0])
            self._seen_tickets.append(call.ticket_id)
            self._seen_ticket_set.add(call.ticket_id)

    def _note_clock(self, at: str) -> None:
        try:
            moment = parse_hub_time(at)
        except ValueError:
            return
        self._clock_offsets.append(self._now() - moment)

    # --- reading ------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """Whether a snapshot has been applied."""
        return self._loaded

    @property
    def latest(self) -> BoardCall | None:
        return self.calls[0] if self.calls else None

    def previous(self, count: int) -> list[BoardCall]:
        """The calls after the latest, newest first."""
        return list(self.calls)[1 : 1 + max(0, count)]


def _awaited_tickets(counters: list[Counter]) -> dict[int, tuple[Ticket, Counter]] | None:
    """Ticket id → (ticket, counter) for every counter whose current ticket is still being
    called (the visitor has not arrived); None when the snapshot carries no counters."""
    if not counters:
        return None
    return {
        counter.current_ticket.id: (counter.current_ticket, counter)
        for counter in counters
        if counter.current_ticket is not None and counter.current_ticket.status is TicketStatus.CALLED
    }


def announcements(calls: Iterable[BoardCall]) -> list[tuple[BoardCall, Call]]:
    """Each call with its announcer Call.

    A counter name that cannot be spoken (a symbol, too long) is dropped and the counter
    announced by its number; a call whose ticket number cannot be spoken is logged and left
    out (it is still on screen).
    """
    result = []
    for call in calls:
        try:
            result.append((call, call.announcement()))
            continue
        except InvalidCallError as error:
            if error.field_name not in ("counter_name_ar", "counter_name_en"):
                log.warning("call %s at counter %d cannot be announced: %s", call.number, call.counter_number, error)
                continue
            log.warning("counter %d's name cannot be spoken (%s); announcing its number", call.counter_number, error)
        try:
            result.append((call, Call(call.number, call.counter_number, recall=call.recall)))
        except InvalidCallError as error:
            log.warning("call %s at counter %d cannot be announced: %s", call.number, call.counter_number, error)
    return result

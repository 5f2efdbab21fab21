"""The local copy of the hub's state, kept current by events: pure, no Qt, no network.

`HubState` is what `GET /state` returned, parsed once into the contract's models
(core/contract.py), plus every event applied after it, the way the resync rule of
docs/api.md asks: a client loads the snapshot, then applies each event whose `seq` is the
next one. Events carry what changed (a ticket event its service's row, a counter event the
counter and its services' rows), so applying them leaves the state exact: `apply` says when
it cannot (a new day, a new configuration, an event from a hub older than those rows), and
only then does a client fetch `/state` again.

The Qt client (qt_common/hub_client.py) owns one and feeds it; tests and tools may too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from core.contract import (
    Board,
    Centre,
    CounterBrief,
    CounterEvent,
    Counter,
    DayRolled,
    DeviceStatus,
    EventBase,
    KioskPlacement,
    RecentCall,
    Rules,
    Service,
    State,
    Ticket,
    TicketCalled,
    TicketCancelled,
    TicketEvent,
    TicketExpired,
    TicketFinished,
    TicketIssued,
    TicketNoShow,
    TicketRecalled,
    TicketStarted,
    TicketTransferred,
    handler_for,
)
from core.models import EventType, TicketStatus

RECENT_CALLS_KEPT = 12
#: events after which only a fresh /state is exact: a new business day (every queue restarts)
#: or a new configuration (services, counters, boards); every other event carries what changed
RELOAD_EVENTS = frozenset({EventType.DAY_ROLLED.value, EventType.CONFIG_CHANGED.value})
_TICKET_STATUSES_KEPT = 50_000  # a day's worth is far less; never grow without bound


def parse_state(snapshot: Any) -> State:
    """`/state`'s JSON (decoded or text) as the contract's `State`; a ValueError when it is not one."""
    if isinstance(snapshot, State):
        return snapshot
    try:
        if isinstance(snapshot, (str, bytes)):
            return State.model_validate_json(snapshot)
        return State.model_validate(snapshot)
    except ValidationError as error:
        raise ValueError(f"the state is not the contract's: {error.errors(include_url=False)[:3]}") from None


@dataclass
class HubState:
    """What `GET /state` returned, kept current by events.

    `services` and `counters` are the contract's models keyed by id (in the hub's order);
    `recent_calls` is newest first. `device_statuses` keeps the last `device.status` event
    of each device, which /state does not carry. Models are replaced, never changed in
    place, so a view may keep one it was handed.
    """

    seq: int = 0
    business_day: str | None = None
    centre: Centre | None = None
    services: dict[int, Service] = field(default_factory=dict)
    counters: dict[int, Counter] = field(default_factory=dict)
    recent_calls: list[RecentCall] = field(default_factory=list)
    boards: dict[str, Board] = field(default_factory=dict)
    rules: Rules | None = None
    kiosk: KioskPlacement | None = None
    other: dict[str, Any] = field(default_factory=dict)
    device_statuses: dict[int, DeviceStatus] = field(default_factory=dict)
    recent_calls_kept: int = RECENT_CALLS_KEPT
    # last status seen per ticket id: tells a waiting ticket's call from a no-show's recall
    _ticket_status: dict[int, TicketStatus] = field(default_factory=dict, repr=False)

    @classmethod
    def from_snapshot(cls, snapshot: Any, *, recent_calls_kept: int = RECENT_CALLS_KEPT) -> HubState:
        """A state from `/state` (a `State`, or its JSON); a ValueError when it is not the contract's."""
        parsed = parse_state(snapshot)
        state = cls(
            seq=parsed.seq,
            business_day=parsed.business_day,
            centre=parsed.centre,
            services={service.id: service for service in parsed.services},
            counters={counter.id: counter for counter in parsed.counters},
            recent_calls=list(parsed.recent_calls),
            boards=dict(parsed.boards),
            rules=parsed.rules,
            kiosk=parsed.kiosk,
            other=dict(parsed.model_extra or {}),
            recent_calls_kept=max(recent_calls_kept, len(parsed.recent_calls)),
        )
        for counter in state.counters.values():
            if counter.current_ticket is not None:
                state._ticket_status[counter.current_ticket.id] = counter.current_ticket.status
        return state

    @property
    def loaded(self) -> bool:
        """Whether a snapshot was adopted (an empty state has no centre)."""
        return self.centre is not None and self.rules is not None

    def to_snapshot(self) -> State:
        """The state as `/state`'s model (to compare with the hub's, or to hand to a view)."""
        if self.centre is None or self.rules is None or self.business_day is None:
            raise ValueError("no snapshot was loaded yet")
        return State(
            seq=self.seq,
            business_day=self.business_day,
            centre=self.centre,
            services=list(self.services.values()),
            counters=list(self.counters.values()),
            recent_calls=list(self.recent_calls),
            boards=dict(self.boards),
            rules=self.rules,
            kiosk=self.kiosk if self.kiosk is not None else KioskPlacement(),
            **self.other,
        )

    # lookups the views need
    def service(self, service_id: int | None) -> Service | None:
        return self.services.get(service_id) if service_id is not None else None

    def service_by_code(self, code: str) -> Service | None:
        return next((s for s in self.services.values() if s.code == code), None)

    def counter(self, counter_id: int | None) -> Counter | None:
        return self.counters.get(counter_id) if counter_id is not None else None

    def counter_by_number(self, number: int) -> Counter | None:
        return next((c for c in self.counters.values() if c.number == number), None)

    def time_zone(self) -> str | None:
        return self.centre.time_zone if self.centre is not None else None

    def adopt_counter(self, counter: Counter) -> None:
        """A counter as an answer gave it (a login, a pause): newer than what the events said so far."""
        if counter.id in self.counters:
            self.counters[counter.id] = counter

    # applying events
    def apply(self, event: EventBase) -> bool:
        """Apply one event (the caller has checked it is the next `seq`).

        True when the event carried what changed; False when it came from a hub that does not
        yet send the rows of what changed (the waiting counts are then derived meanwhile, and
        only a fresh `/state` has the estimates). A new business day or configuration
        (`RELOAD_EVENTS`) always needs a fresh `/state`, whatever this says.

        Each event goes to the `on_<name>` method of its type (core/contract.py's `handler_for`),
        as the Qt views' handlers do; any other event (a type this version does not know) changes
        nothing here.
        """
        handler = getattr(self, handler_for(event), None)
        exact = handler(event) if handler is not None else True
        self.seq = event.seq
        return exact is not False

    def on_ticket_issued(self, event: TicketIssued) -> bool:
        self._derive_service(event.ticket.service_id, event.service, waiting=+1, issued_today=+1)
        return self._ticket_seen(event)

    def on_ticket_called(self, event: TicketCalled) -> bool:
        ticket = event.ticket
        self._derive_service(ticket.service_id, event.service, waiting=-1 if self._was_waiting(ticket) else 0)
        self._set_counter_ticket(ticket, event.counter)
        self._add_recent_call(event.seq, event.at, ticket, event.counter)
        return self._ticket_seen(event)

    def on_ticket_recalled(self, event: TicketRecalled) -> bool:
        ticket = event.ticket
        self._derive_service(ticket.service_id, event.service)
        self._set_counter_ticket(ticket, event.counter)
        self._add_recent_call(event.seq, event.at, ticket, event.counter)
        return self._ticket_seen(event)

    def on_ticket_started(self, event: TicketStarted) -> bool:
        self._derive_service(event.ticket.service_id, event.service)
        self._set_counter_ticket(event.ticket, None)
        return self._ticket_seen(event)

    def on_ticket_finished(self, event: TicketFinished | TicketNoShow) -> bool:
        self._derive_service(event.ticket.service_id, event.service)
        self._clear_counter_ticket(event.ticket)
        return self._ticket_seen(event)

    on_ticket_no_show = on_ticket_finished

    def on_ticket_cancelled(self, event: TicketCancelled | TicketExpired) -> bool:
        ticket = event.ticket
        self._derive_service(ticket.service_id, event.service, waiting=-1 if self._was_waiting(ticket) else 0)
        self._clear_counter_ticket(ticket)
        return self._ticket_seen(event)

    on_ticket_expired = on_ticket_cancelled

    def on_ticket_transferred(self, event: TicketTransferred) -> bool:
        ticket = event.ticket
        self._derive_service(ticket.service_id, event.service)
        self._clear_counter_ticket(ticket)
        self._derive_service(event.new_ticket.service_id, event.new_service, waiting=+1)
        self._note_status(event.new_ticket)
        return self._ticket_seen(event) and event.new_service is not None

    def on_ticket_arrived(self, event: TicketEvent) -> bool:
        """A remote visitor confirmed they are here, or (skipped) went to the back: still waiting."""
        self._derive_service(event.ticket.service_id, event.service)
        return self._ticket_seen(event)

    on_ticket_skipped = on_ticket_arrived

    def on_counter_opened(self, event: CounterEvent) -> bool:
        self.counters[event.counter.id] = event.counter
        for service in event.services:
            self.services[service.id] = service
        # a hub older than the rows sends none, though the counter serves some
        return bool(event.services) or not event.counter.service_ids

    on_counter_paused = on_counter_resumed = on_counter_closed = on_counter_opened

    def on_day_rolled(self, event: DayRolled) -> None:
        self.business_day = event.business_day
        self.services = {key: s.model_copy(update={"issued_today": 0}) for key, s in self.services.items()}
        self._ticket_status.clear()

    def on_device_status(self, event: DeviceStatus) -> None:
        self.device_statuses[event.device.id] = event

    def _was_waiting(self, ticket: Ticket) -> bool:
        """Whether the ticket waited before this event (unknown to this state: it did)."""
        return self._ticket_status.get(ticket.id) in (None, TicketStatus.WAITING)

    def _ticket_seen(self, event: TicketEvent) -> bool:
        self._note_status(event.ticket)
        return event.service is not None

    def _derive_service(self, service_id: int, row: Service | None, **deltas: int) -> None:
        """Take the event's row of the service; without one (an older hub) derive the counts."""
        if row is not None:
            self.services[row.id] = row
            return
        service = self.services.get(service_id)
        if service is None or not any(deltas.values()):
            return
        update = {key: max(0, getattr(service, key) + delta) for key, delta in deltas.items()}
        self.services[service_id] = service.model_copy(update=update)

    def _note_status(self, ticket: Ticket) -> None:
        self._ticket_status[ticket.id] = ticket.status
        if len(self._ticket_status) > _TICKET_STATUSES_KEPT:
            self._ticket_status.pop(next(iter(self._ticket_status)))

    def _set_counter_ticket(self, ticket: Ticket, brief: CounterBrief | None) -> None:
        counter_id = ticket.counter_id if ticket.counter_id is not None else (brief.id if brief else None)
        counter = self.counters.get(counter_id) if counter_id is not None else None
        if counter is not None:
            self.counters[counter.id] = counter.model_copy(update={"current_ticket": ticket})

    def _clear_counter_ticket(self, ticket: Ticket) -> None:
        for counter in list(self.counters.values()):
            if counter.current_ticket is not None and counter.current_ticket.id == ticket.id:
                self.counters[counter.id] = counter.model_copy(update={"current_ticket": None})

    def _add_recent_call(self, seq: int, at: str, ticket: Ticket, counter: CounterBrief | None) -> None:
        self.recent_calls.insert(0, RecentCall(seq=seq, at=at, ticket=ticket, counter=counter))
        del self.recent_calls[self.recent_calls_kept :]

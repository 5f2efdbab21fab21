"""The local copy of the hub's state, kept current by events: pure, no Qt, no network.

`HubState` is what `GET /state` returned plus every event applied after it, the way the
resync rule of docs/api.md asks: a client loads the snapshot, then applies each event whose
`seq` is the next one. `check_event` checks the fields every event frame carries.
The Qt client (qt_common/hub_client.py) owns one and feeds it; tests and tools may too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.models import EventType

RECENT_CALLS_KEPT = 12


def _event_ticket(event: Mapping[str, Any], key: str = "ticket") -> dict[str, Any] | None:
    ticket = event.get(key)
    return ticket if isinstance(ticket, dict) and isinstance(ticket.get("id"), int) else None


@dataclass
class HubState:
    """What `GET /state` returned, kept current by events.

    `services` and `counters` are the hub's JSON objects keyed by id (in the hub's order);
    `recent_calls` is newest first. `device_statuses` collects `device.status` events,
    which /state does not carry.
    """

    seq: int = 0
    business_day: str | None = None
    centre: dict[str, Any] = field(default_factory=dict)
    services: dict[int, dict[str, Any]] = field(default_factory=dict)
    counters: dict[int, dict[str, Any]] = field(default_factory=dict)
    recent_calls: list[dict[str, Any]] = field(default_factory=list)
    boards: dict[str, Any] = field(default_factory=dict)
    other: dict[str, Any] = field(default_factory=dict)
    device_statuses: dict[int, dict[str, Any]] = field(default_factory=dict)
    recent_calls_kept: int = RECENT_CALLS_KEPT
    # last status seen per ticket id: tells a waiting ticket's call from a no-show's recall by number
    _ticket_status: dict[int, str] = field(default_factory=dict, repr=False)

    _KNOWN_KEYS = ("seq", "business_day", "centre", "services", "counters", "recent_calls", "boards")

    @classmethod
    def from_snapshot(cls, snapshot: Any, *, recent_calls_kept: int = RECENT_CALLS_KEPT) -> HubState:
        """A state from `/state`'s JSON; a ValueError when its shape is not the contract's."""
        if not isinstance(snapshot, dict):
            raise ValueError("the state is not a JSON object")
        seq = snapshot.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise ValueError(f"the state's seq is not a count: {seq!r}")
        services = snapshot.get("services", [])
        counters = snapshot.get("counters", [])
        recent = snapshot.get("recent_calls", [])
        for name, items in (("services", services), ("counters", counters)):
            if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), int) for i in items):
                raise ValueError(f"the state's {name} are not a list of objects with ids")
        if not isinstance(recent, list) or not all(isinstance(call, dict) for call in recent):
            raise ValueError("the state's recent_calls are not a list of objects")
        state = cls(
            seq=seq,
            business_day=snapshot.get("business_day"),
            centre=dict(snapshot.get("centre") or {}),
            services={service["id"]: dict(service) for service in services},
            counters={counter["id"]: dict(counter) for counter in counters},
            recent_calls=[dict(call) for call in recent],
            boards=dict(snapshot.get("boards") or {}),
            other={key: value for key, value in snapshot.items() if key not in cls._KNOWN_KEYS},
            recent_calls_kept=max(recent_calls_kept, len(recent)),
        )
        for counter in state.counters.values():
            ticket = counter.get("current_ticket")
            if isinstance(ticket, dict) and isinstance(ticket.get("id"), int):
                state._ticket_status[ticket["id"]] = str(ticket.get("status"))
        return state

    def to_snapshot(self) -> dict[str, Any]:
        """The state in `/state`'s shape (to compare with the hub's, or to hand to a view)."""
        snapshot: dict[str, Any] = {
            "seq": self.seq,
            "business_day": self.business_day,
            "centre": self.centre,
            "services": list(self.services.values()),
            "counters": list(self.counters.values()),
            "recent_calls": list(self.recent_calls),
            "boards": self.boards,
        }
        snapshot.update(self.other)
        return snapshot

    # lookups the views need
    def service(self, service_id: int) -> dict[str, Any] | None:
        return self.services.get(service_id)

    def service_by_code(self, code: str) -> dict[str, Any] | None:
        return next((s for s in self.services.values() if s.get("code") == code), None)

    def counter(self, counter_id: int) -> dict[str, Any] | None:
        return self.counters.get(counter_id)

    def counter_by_number(self, number: int) -> dict[str, Any] | None:
        return next((c for c in self.counters.values() if c.get("number") == number), None)

    # applying events
    def apply(self, event: Mapping[str, Any]) -> None:
        """Apply one event (the caller has checked it is the next `seq`)."""
        kind = event.get("type")
        ticket = _event_ticket(event)
        previous = self._ticket_status.get(ticket["id"]) if ticket else None
        if kind == EventType.TICKET_ISSUED.value and ticket:
            self._adjust_service(ticket.get("service_id"), waiting=+1, issued_today=+1)
        elif kind == EventType.TICKET_CALLED.value and ticket:
            if previous in (None, "waiting"):
                self._adjust_service(ticket.get("service_id"), waiting=-1)
            self._set_counter_ticket(ticket, event)
            self._add_recent_call(event, ticket)
        elif kind == EventType.TICKET_RECALLED.value and ticket:
            self._set_counter_ticket(ticket, event)
            self._add_recent_call(event, ticket)
        elif kind == EventType.TICKET_STARTED.value and ticket:
            self._set_counter_ticket(ticket, event)
        elif kind in (EventType.TICKET_FINISHED.value, EventType.TICKET_NO_SHOW.value) and ticket:
            self._clear_counter_ticket(ticket)
        elif kind in (EventType.TICKET_CANCELLED.value, EventType.TICKET_EXPIRED.value) and ticket:
            if previous in (None, "waiting"):
                self._adjust_service(ticket.get("service_id"), waiting=-1)
            self._clear_counter_ticket(ticket)
        elif kind == EventType.TICKET_TRANSFERRED.value and ticket:
            self._clear_counter_ticket(ticket)
            new_ticket = _event_ticket(event, "new_ticket")
            if new_ticket:
                self._adjust_service(new_ticket.get("service_id"), waiting=+1)
                self._ticket_status[new_ticket["id"]] = str(new_ticket.get("status"))
        elif kind in (
            EventType.COUNTER_OPENED.value,
            EventType.COUNTER_PAUSED.value,
            EventType.COUNTER_RESUMED.value,
            EventType.COUNTER_CLOSED.value,
        ):
            counter = event.get("counter")
            if isinstance(counter, dict) and counter.get("id") in self.counters:
                self.counters[counter["id"]].update(counter)
        elif kind == EventType.DAY_ROLLED.value:
            if isinstance(event.get("business_day"), str):
                self.business_day = event["business_day"]
            for service in self.services.values():
                service["issued_today"] = 0
            self._ticket_status.clear()
        elif kind == EventType.DEVICE_STATUS.value:
            device = event.get("device")
            if isinstance(device, dict) and isinstance(device.get("id"), int):
                self.device_statuses[device["id"]] = {"device": device, "status": event.get("status"), "at": event.get("at")}
        if ticket:
            self._ticket_status[ticket["id"]] = str(ticket.get("status"))
            if len(self._ticket_status) > 50_000:  # a day's worth is far less; never grow without bound
                self._ticket_status.pop(next(iter(self._ticket_status)))
        self.seq = int(event["seq"])

    def _adjust_service(self, service_id: Any, **deltas: int) -> None:
        service = self.services.get(service_id) if isinstance(service_id, int) else None
        if service is None:
            return
        for key, delta in deltas.items():
            if isinstance(service.get(key), int):
                service[key] = max(0, service[key] + delta)

    def _counter_of(self, ticket: Mapping[str, Any], event: Mapping[str, Any]) -> dict[str, Any] | None:
        counter_id = ticket.get("counter_id")
        if counter_id is None and isinstance(event.get("counter"), dict):
            counter_id = event["counter"].get("id")
        return self.counters.get(counter_id) if isinstance(counter_id, int) else None

    def _set_counter_ticket(self, ticket: dict[str, Any], event: Mapping[str, Any]) -> None:
        counter = self._counter_of(ticket, event)
        if counter is not None:
            counter["current_ticket"] = ticket

    def _clear_counter_ticket(self, ticket: dict[str, Any]) -> None:
        for counter in self.counters.values():
            current = counter.get("current_ticket")
            if isinstance(current, dict) and current.get("id") == ticket["id"]:
                counter["current_ticket"] = None

    def _add_recent_call(self, event: Mapping[str, Any], ticket: dict[str, Any]) -> None:
        counter = event.get("counter")
        self.recent_calls.insert(
            0, {"seq": event["seq"], "at": event.get("at"), "ticket": ticket, "counter": counter if isinstance(counter, dict) else None}
        )
        del self.recent_calls[self.recent_calls_kept :]


def check_event(event: Any) -> dict[str, Any]:
    """A decoded frame that has the fields every event carries; a ValueError otherwise."""
    if not isinstance(event, dict):
        raise ValueError("an event is not a JSON object")
    seq = event.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValueError(f"an event's seq is not a positive count: {seq!r}")
    kind = event.get("type")
    if not isinstance(kind, str) or not re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", kind) or len(kind) > 64:
        raise ValueError(f"an event's type is not a dotted name: {str(kind)[:64]!r}")
    return event

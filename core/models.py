"""The domain's vocabulary: typed ids, enums and the small value objects the rules work on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import NewType

TicketId = NewType("TicketId", int)
ServiceId = NewType("ServiceId", int)
CounterId = NewType("CounterId", int)
ClerkId = NewType("ClerkId", int)
DeviceId = NewType("DeviceId", int)
Seq = NewType("Seq", int)


class Priority(str, Enum):
    NORMAL = "normal"
    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    APPOINTMENT = "appointment"

    @property
    def is_priority(self) -> bool:
        return self is not Priority.NORMAL


class TicketStatus(str, Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_active(self) -> bool:
        """Still in the hall's hands: waiting, or with a counter."""
        return self in (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class CounterStatus(str, Enum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class CallMode(str, Enum):
    FIFO = "fifo"
    ORDERED = "ordered"


class Role(str, Enum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class DeviceKind(str, Enum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    DISPLAY = "display"
    ADMIN = "admin"
    FEEDBACK = "feedback"  # the counter-top screen facing the visitor, for the rating after a visit
    INTEGRATION = "integration"  # a ministry portal booking for visitors: the booking routes only


class EventType(str, Enum):
    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_FINISHED = "ticket.finished"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_EXPIRED = "ticket.expired"
    TICKET_ARRIVED = "ticket.arrived"
    TICKET_SKIPPED = "ticket.skipped"
    COUNTER_OPENED = "counter.opened"
    COUNTER_PAUSED = "counter.paused"
    COUNTER_RESUMED = "counter.resumed"
    COUNTER_CLOSED = "counter.closed"
    DAY_ROLLED = "day.rolled"
    CONFIG_CHANGED = "config.changed"
    DEVICE_STATUS = "device.status"
    DEVICE_ENROLLED = "device.enrolled"
    DEVICE_RENAMED = "device.renamed"
    DEVICE_REVOKED = "device.revoked"
    DEVICE_ONLINE = "device.online"
    DEVICE_OFFLINE = "device.offline"
    AUDIT_RECORDED = "audit.recorded"
    RATING_RECORDED = "rating.recorded"
    FEEDBACK_FILED = "feedback.filed"
    FEEDBACK_CHANGED = "feedback.changed"
    BOOKING_MADE = "booking.made"
    BOOKING_CHANGED = "booking.changed"

    @property
    def handler_name(self) -> str:
        """`ticket.called` → `on_ticket_called`: the name clients give their handler."""
        return "on_" + self.value.replace(".", "_")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A waiting ticket as the call-next rule sees it."""

    ticket_id: TicketId
    service_id: ServiceId
    priority: Priority
    queued_at: float  # first issue time (epoch seconds): a transfer keeps its place
    max_wait_seconds: int | None  # past this a normal ticket is promoted; None: never
    slot_start: float | None = None  # an appointment ticket's slot (epoch seconds); None: a walk-in

    @property
    def is_appointment(self) -> bool:
        return self.slot_start is not None

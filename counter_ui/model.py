"""What one counter knows and does, without widgets: the clerk's session, the ticket in hand,
the queue of the counter's services, and the clerk's figures of the day.

Everything comes from the hub client: the live state (`/state` plus events), the answers
to the clerk's own requests, and `/tickets` lists. The views only read this object and
listen to its signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.contract import (
    ConfigChanged,
    Counter,
    CounterEvent,
    DayRolled,
    EventBase,
    Service,
    Session,
    State,
    Ticket,
    TicketEvent,
    TicketFinished,
    TicketTransferred,
)
from core.models import CounterStatus, Priority, Role, TicketStatus
from qt_common.dates import parse_hub_time
from qt_common.hub_client import HubClient, HubError, HubEventHandlers, TicketAction
from qt_common.i18n import Language, Text, both
from qt_common.refusals import explain as explain_refusal
from qt_common.widgets import zone_from_name

from counter_ui.strings import explain

log = logging.getLogger(__name__)

ACTIVE_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)
_STATUS_RANK = {TicketStatus.WAITING: 0, TicketStatus.CALLED: 1, TicketStatus.SERVING: 2}
MAX_WAITING_LISTED = 5000
PAUSE_REASONS = ("prayer", "break", "back_office")


def parse_time(text: Any) -> datetime | None:
    """An ISO time from the hub, or None when absent or unreadable (never an exception)."""
    try:
        return parse_hub_time(text)
    except ValueError:
        return None


def seconds_between(start: Any, end: datetime) -> float | None:
    moment = parse_time(start)
    return max(0.0, (end - moment).total_seconds()) if moment is not None else None


def _rank(ticket: Ticket) -> int:
    return _STATUS_RANK.get(ticket.status, 3)


# What a waiting list on its way must replay once it arrives: the tickets events brought, in
# order, or WAITING_CLEARED where a day rolled over.
WAITING_CLEARED = None


class CounterModel(QObject, HubEventHandlers):
    """One counter's session and work; `now` replaces the clock in tests.

    Hub events reach the `on_<name>` handler of their type (`HubEventHandlers`), each with its
    contract model: a ticket event updates the waiting list and the ticket in hand, a counter
    event this counter's status, a new day or configuration the clerk's figures."""

    session_changed = Signal(object)  # the login answer (contract.Session) or None
    counter_changed = Signal()  # status, pause reason, name
    ticket_changed = Signal(object)  # the ticket in hand (contract.Ticket), or None
    queue_changed = Signal()  # the waiting tickets changed (ours or any service's)
    figures_changed = Signal()
    busy_changed = Signal(bool)
    message = Signal(object, str)  # Text in both languages, "info" or "error"
    stats_loaded = Signal(object)  # /stats answer for today (contract.Stats), or a HubError
    scorecard_loaded = Signal(object)  # the clerk's own month (contract.MyScorecard), or a HubError

    def __init__(
        self,
        client: HubClient,
        *,
        counter_number: int | None = None,
        now: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if counter_number is not None and (
            isinstance(counter_number, bool) or not isinstance(counter_number, int) or not 1 <= counter_number <= 100_000
        ):
            raise ValueError(f"counter number must be a positive whole number, got {counter_number!r}")
        self.client = client
        self.counter_number = counter_number
        self._now = now
        self.counter_id: int | None = None
        self.session: Session | None = None
        self.ticket: Ticket | None = None
        self.waiting: dict[int, Ticket] = {}
        # the tickets events brought while a waiting list is on its way (WAITING_CLEARED: a new day)
        self._waiting_buffer: list[tuple[Ticket, ...] | None] | None = None
        self._waiting_generation = 0
        self._closed: dict[int, str | None] = {}  # ticket id → called_at of a call that ended here
        self._served: dict[int, float | None] = {}  # ticket id → service seconds, this clerk, today
        self._figures_generation = 0
        self._busy = 0
        self.last_error: HubError | None = None
        self.last_message: Text | None = None
        client.state_loaded.connect(self._on_state_loaded)
        client.connected.connect(self._on_connected)
        client.event_received.connect(self._on_event)
        client.session_changed.connect(self._on_client_session)

    # ---- reading -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._now() if self._now is not None else datetime.now().astimezone()

    def centre_time(self, moment: datetime) -> datetime:
        """`moment` on the centre's clock (its `time_zone` in /state), whatever this PC's own zone is."""
        zone = self.client.state.time_zone()
        if zone is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(zone_from_name(zone))
        except ValueError:
            return moment

    @property
    def logged_in(self) -> bool:
        return self.session is not None

    @property
    def busy(self) -> bool:
        return self._busy > 0

    @property
    def username(self) -> str | None:
        return self.session.clerk.username if self.session is not None else None

    @property
    def is_supervisor(self) -> bool:
        return self.session is not None and self.session.clerk.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def counter(self) -> Counter | None:
        return self.client.state.counter(self.counter_id)

    @property
    def status(self) -> str:
        """The counter's status ("open", "paused", "closed"), "closed" before it is known."""
        counter = self.counter
        return (counter.status if counter else CounterStatus.CLOSED).value

    @property
    def pause_reason(self) -> str | None:
        counter = self.counter
        return counter.pause_reason if counter else None

    @property
    def service_ids(self) -> list[int]:
        counter = self.counter
        return list(counter.service_ids) if counter else []

    def counters(self) -> list[Counter]:
        return sorted(self.client.state.counters.values(), key=lambda c: (c.number, c.id))

    def service(self, service_id: int | None) -> Service | None:
        return self.client.state.service(service_id)

    def queue(self) -> list[Ticket]:
        """This counter's waiting visitors: priority first, then by arrival (as the hub would call them, roughly)."""
        mine = set(self.service_ids)
        tickets = [t for t in self.waiting.values() if t.service_id in mine]
        return sorted(tickets, key=lambda t: (t.priority is Priority.NORMAL, t.first_issued_at, t.id))

    def waited_seconds(self, ticket: Ticket) -> float:
        """How long the visitor has waited in this service (since arriving in it), up to the call or now."""
        end = parse_time(ticket.called_at) if ticket.status is not TicketStatus.WAITING else None
        waited = seconds_between(ticket.issued_at, end or self.now())
        return waited or 0.0

    def is_breach(self, ticket: Ticket) -> bool:
        """A waiting visitor past the target wait of their service."""
        service = self.service(ticket.service_id)
        target = service.target_wait_seconds if service else 0
        return target > 0 and self.waited_seconds(ticket) > target

    @property
    def ticket_status(self) -> str | None:
        """The status of the ticket in hand ("called", "serving"), None without one."""
        return self.ticket.status.value if self.ticket is not None else None

    def service_seconds(self) -> float | None:
        """The running service time of the ticket in hand (from start), or None before the start."""
        if self.ticket is None or self.ticket.status is not TicketStatus.SERVING:
            return None
        return seconds_between(self.ticket.started_at, self.now())

    def since_call_seconds(self) -> float | None:
        if self.ticket is None:
            return None
        return seconds_between(self.ticket.called_at, self.now())

    @property
    def served_today(self) -> int:
        return len(self._served)

    @property
    def average_service_seconds(self) -> float | None:
        durations = [d for d in self._served.values() if d is not None]
        return sum(durations) / len(durations) if durations else None

    # ---- session -------------------------------------------------------------------------

    def resolve_counter(self) -> int | None:
        """The id of the counter this device was started for (`--counter N`), once the state is known."""
        if self.counter_number is None:
            return None
        counter = self.client.state.counter_by_number(self.counter_number)
        return counter.id if counter else None

    def login(self, username: str, pin: str, counter_id: int, on_done: Callable[[HubError | None], None] | None = None) -> None:
        username = username.strip() if isinstance(username, str) else ""
        pin = pin.strip() if isinstance(pin, str) else ""
        if not username or not pin or len(username) > 40 or len(pin) > 12:
            self.say(both("counter_ui.login.missing"), "error")
            if on_done:
                on_done(HubError(422, "validation_error", "", ""))
            return

        def done(answer: Session | None, error: HubError | None) -> None:
            self._end_busy()
            if error is None and answer is not None:
                self.counter_id = counter_id
                self.session = answer  # the client has put its counter into the state already
                self._adopt_counter_ticket()
                self.session_changed.emit(answer)
                self.counter_changed.emit()
                self.reload_waiting()
                self.reload_figures()
            elif error is not None and error.status == 403 and error.code == "forbidden":
                # Only the device's kind is refused at login: this PC's token is not a counter's.
                self.last_error = error
                refusal = explain_refusal(error, self.client.hub_url, "counter")
                log.warning("login refused: %s", refusal.log_line())
                self.say(Text(refusal.text(Language.AR), refusal.text(Language.EN)), "error")
            elif error is not None:
                self.refuse(error)
            if on_done:
                on_done(error)

        self._begin_busy()
        self.client.login(username, pin, counter_id, done)

    def logout(self) -> None:
        def done(_answer: Any, error: HubError | None) -> None:
            self._end_busy()
            if error is not None and not error.unreachable:
                self.refuse(error)
            else:
                self.say(both("counter_ui.logged_out"), "info")

        if self.ticket is not None:
            self.refuse(HubError(409, "ticket_in_hand", "", ""))
            return
        self._begin_busy()
        self.client.logout(done)

    def _on_client_session(self, session: Any) -> None:
        if session is None and self.session is not None:
            self.session = None
            self.ticket = None
            self.session_changed.emit(None)
            self.ticket_changed.emit(None)

    # ---- actions -------------------------------------------------------------------------

    def call_next(self) -> None:
        if not self._ready():
            return

        def done(answer: Ticket | None, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
            elif answer is None:
                # The call-next finished the visitor being served, if any; nobody else waits.
                self._set_ticket(None, force=True)
                self.say(both("counter_ui.nobody_waiting"), "info")
            else:
                self._take(answer)

        self._begin_busy()
        self.client.call_next(self.counter_id, done)

    def call_number(self, number: str) -> None:
        text = number.strip() if isinstance(number, str) else ""
        if not text or len(text) > 12 or not text.isprintable():
            self.refuse(HubError(422, "validation_error", "Give a ticket number like A-105.", "أدخل رقم تذكرة مثل A-105."))
            return
        if not self._ready():
            return

        def done(answer: Ticket | None, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
            elif answer is not None:
                self._take(answer)

        self._begin_busy()
        self.client.call_number(self.counter_id, text, done)

    def recall(self) -> None:
        self._ticket_step(TicketAction.RECALL)

    def start(self) -> None:
        self._ticket_step(TicketAction.START)

    def finish(self) -> None:
        self._ticket_step(TicketAction.FINISH)

    def no_show(self) -> None:
        self._ticket_step(TicketAction.NO_SHOW)

    def transfer(self, service_id: int) -> None:
        ticket = self.ticket
        if ticket is None or not self._ready():
            return
        target = self.service(service_id)

        def done(answer: Ticket | None, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
                return
            if self.ticket is not None and self.ticket.id == ticket.id:
                self._set_ticket(None, force=True)
            name = Text(target.name_ar, target.name_en) if target is not None else Text("?", "?")
            self.say(
                Text(
                    both("counter_ui.transferred", number=ticket.number, service=name.ar).ar,
                    both("counter_ui.transferred", number=ticket.number, service=name.en).en,
                ),
                "info",
            )
            if answer is not None and answer.status is TicketStatus.WAITING:
                self._add_waiting(answer)

        self._begin_busy()
        self.client.transfer(ticket.id, service_id, done)

    def pause(self, reason: str) -> None:
        text = reason.strip() if isinstance(reason, str) else ""
        if not text or len(text) > 80 or not text.isprintable():
            self.say(both("counter_ui.pause.invalid"), "error")
            return
        if not self._ready():
            return
        self._counter_step(lambda done: self.client.pause_counter(self.counter_id, text, done))

    def resume(self) -> None:
        if not self._ready():
            return
        self._counter_step(lambda done: self.client.resume_counter(self.counter_id, done))

    def _counter_step(self, send: Callable[[Callable[[Any, HubError | None], None]], Any]) -> None:
        def done(_answer: Counter | None, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
                return
            self.counter_changed.emit()  # the client has put the answer's counter into the state

        self._begin_busy()
        send(done)

    def _ticket_step(self, action: TicketAction) -> None:
        ticket = self.ticket
        if ticket is None or not self._ready():
            return

        def done(answer: Ticket | None, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
                return
            if answer is None:
                return
            if answer.status in ACTIVE_STATUSES:
                self._set_ticket(answer)
            else:
                # The event may have cleared the ticket already; the clerk still hears the outcome.
                if self.ticket is not None and self.ticket.id == answer.id:
                    self._set_ticket(None, force=True)
                key = "counter_ui.finished" if answer.status is TicketStatus.DONE else "counter_ui.marked_no_show"
                self.say(both(key, number=answer.number), "info")
            if answer.status is TicketStatus.DONE:
                self._count_served(answer)

        self._begin_busy()
        self.client.ticket_action(ticket.id, action, done)

    def _ready(self) -> bool:
        if self.counter_id is None or self.session is None:
            self.refuse(HubError(403, "session_required", "", ""))
            return False
        return not self.busy

    def _take(self, ticket: Ticket) -> None:
        self.waiting.pop(ticket.id, None)
        self._set_ticket(ticket, force=True)
        self.queue_changed.emit()

    # ---- the ticket in hand --------------------------------------------------------------

    def _set_ticket(self, ticket: Ticket | None, *, force: bool = False) -> None:
        """Adopt `ticket` unless it is an older picture of the one already held (an event arriving late)."""
        current = self.ticket
        if ticket is not None and ticket.status not in ACTIVE_STATUSES:
            self._remember_closed(ticket)
            ticket = None
        if ticket is None and current is not None:
            self._remember_closed(current)
        if not force and ticket is not None and current is not None and current.id == ticket.id:
            if _rank(ticket) < _rank(current) or (_rank(ticket) == _rank(current) and ticket.recalls < current.recalls):
                return
        if ticket == current:
            return
        self.ticket = ticket
        self.ticket_changed.emit(ticket)

    def _remember_closed(self, ticket: Ticket) -> None:
        """A ticket that left this counter: late events of that same call must not bring it back."""
        self._closed[ticket.id] = ticket.called_at
        while len(self._closed) > 500:
            self._closed.pop(next(iter(self._closed)))

    def _is_closed_call(self, ticket: Ticket) -> bool:
        # A visitor marked absent and called back later is a new call: it has a new called_at.
        return ticket.id in self._closed and self._closed[ticket.id] == ticket.called_at

    def _adopt_counter_ticket(self) -> None:
        counter = self.counter
        self._set_ticket(counter.current_ticket if counter else None, force=True)

    # ---- live updates --------------------------------------------------------------------

    def _on_state_loaded(self, _snapshot: State) -> None:
        """A snapshot replaced the client's state: a first load, a resync, or a periodic refresh.

        A refresh may be older than the answer to the clerk's last press, so it may move the
        ticket in hand forward but never take it away; events do that.
        """
        if self.counter_id is not None:
            counter = self.counter
            current = counter.current_ticket if counter else None
            if current is not None and not self._is_closed_call(current):
                if self.ticket is None or self.ticket.id == current.id:
                    self._set_ticket(current)
        self.counter_changed.emit()

    def _on_connected(self) -> None:
        """The event socket (re)opened after a full load of /state: the hub's word on everything."""
        if self.counter_id is None or self.session is None:
            return
        self._adopt_counter_ticket()
        self.counter_changed.emit()
        self.reload_waiting()
        self.reload_figures()

    def _on_event(self, event: EventBase) -> None:
        self.dispatch_hub_event(event)

    # ---- events, by type (`on_<name>`, as core/contract.py names them) --------------------

    def on_ticket_issued(self, event: TicketEvent) -> None:
        self._ticket_event(event)

    def on_ticket_called(self, event: TicketEvent) -> None:
        self._ticket_event(event, called=True)

    def on_ticket_recalled(self, event: TicketEvent) -> None:
        self._ticket_event(event)

    def on_ticket_started(self, event: TicketEvent) -> None:
        self._ticket_event(event)

    def on_ticket_finished(self, event: TicketFinished) -> None:
        self._ticket_event(event)
        self._count_served(event.ticket)

    def on_ticket_no_show(self, event: TicketEvent) -> None:
        self._ticket_event(event)

    def on_ticket_cancelled(self, event: TicketEvent) -> None:
        self._ticket_event(event)

    def on_ticket_expired(self, event: TicketEvent) -> None:
        self._ticket_event(event)

    def on_ticket_arrived(self, event: TicketEvent) -> None:
        self._ticket_event(event)  # a remote visitor confirmed they are here: still waiting

    def on_ticket_skipped(self, event: TicketEvent) -> None:
        self._ticket_event(event)  # a remote visitor not here yet went to the back of the line

    def on_ticket_transferred(self, event: TicketTransferred) -> None:
        self._ticket_event(event, also=event.new_ticket)  # the visit goes on as a new entry

    def on_counter_opened(self, event: CounterEvent) -> None:
        self._counter_event(event)

    def on_counter_paused(self, event: CounterEvent) -> None:
        self._counter_event(event)

    def on_counter_resumed(self, event: CounterEvent) -> None:
        self._counter_event(event)

    def on_counter_closed(self, event: CounterEvent) -> None:
        self._counter_event(event)

    def on_day_rolled(self, event: DayRolled) -> None:
        self._waiting_seen(WAITING_CLEARED)
        self.reload_figures()

    def on_config_changed(self, event: ConfigChanged) -> None:
        self.reload_figures()

    def _counter_event(self, event: CounterEvent) -> None:
        if event.counter.id == self.counter_id:
            self.counter_changed.emit()

    def _ticket_event(self, event: TicketEvent, *, called: bool = False, also: Ticket | None = None) -> None:
        """A ticket changed: the waiting list, and the ticket in hand when it is this counter's.
        A call takes the place of whatever was in hand; other steps move only that ticket."""
        ticket = event.ticket
        self._waiting_seen((ticket,) if also is None else (ticket, also))
        if self.counter_id is not None and ticket.counter_id == self.counter_id:
            if ticket.status in ACTIVE_STATUSES and not self._is_closed_call(ticket):
                if self.ticket is None or self.ticket.id == ticket.id or called:
                    self._set_ticket(ticket)
            elif self.ticket is not None and self.ticket.id == ticket.id:
                self._set_ticket(None, force=True)

    def _waiting_seen(self, tickets: tuple[Ticket, ...] | None) -> None:
        """Tickets as an event brought them (WAITING_CLEARED: a new day): kept for the list on its
        way, if one is, and applied to the list now."""
        if self._waiting_buffer is not None:
            self._waiting_buffer.append(tickets)
        if self._apply_waiting(tickets):
            self.queue_changed.emit()

    def _apply_waiting(self, tickets: tuple[Ticket, ...] | None) -> bool:
        """A waiting ticket is in the list as it is now, any other is not; WAITING_CLEARED empties
        it. Idempotent, so replaying is harmless. True when the list changed."""
        if tickets is WAITING_CLEARED:
            changed = bool(self.waiting)
            self.waiting.clear()
            return changed
        changed = False
        for ticket in tickets:
            if ticket.status is TicketStatus.WAITING:
                changed = changed or self.waiting.get(ticket.id) != ticket
                self.waiting[ticket.id] = ticket
            else:
                changed = self.waiting.pop(ticket.id, None) is not None or changed
        return changed

    def _add_waiting(self, ticket: Ticket, *, emit: bool = True) -> bool:
        self.waiting[ticket.id] = ticket
        if emit:
            self.queue_changed.emit()
        return True

    def reload_waiting(self) -> None:
        """Fetch every waiting ticket of today, then keep the list current from events."""
        self._waiting_generation += 1
        generation = self._waiting_generation
        self._waiting_buffer = []

        def done(answer: list[Ticket] | None, error: HubError | None) -> None:
            if generation != self._waiting_generation:
                return
            buffered, self._waiting_buffer = self._waiting_buffer or [], None
            if error is not None or answer is None:
                log.info("the waiting list could not be loaded: %s", error)
                return
            self.waiting = {t.id: t for t in answer if t.status is TicketStatus.WAITING}
            for tickets in buffered:
                self._apply_waiting(tickets)
            self.queue_changed.emit()

        self.client.list_tickets("waiting", on_done=done, limit=MAX_WAITING_LISTED)

    # ---- the clerk's figures -------------------------------------------------------------

    def reload_figures(self) -> None:
        """Today's served tickets of this clerk, from `/tickets?status=done&clerk=me` (clerks may not read /stats)."""
        username = self.username
        if username is None:
            return
        self._figures_generation += 1
        generation = self._figures_generation

        def done(answer: list[Ticket] | None, error: HubError | None) -> None:
            if generation != self._figures_generation or error is not None or answer is None:
                return
            self._served = {ticket.id: self._duration(ticket) for ticket in answer if ticket.clerk == username}
            self.figures_changed.emit()

        self.client.list_tickets("done", on_done=done, clerk="me", limit=MAX_WAITING_LISTED)

    @staticmethod
    def _duration(ticket: Ticket) -> float | None:
        end = parse_time(ticket.finished_at)
        return seconds_between(ticket.started_at, end) if end is not None else None

    def _count_served(self, ticket: Ticket) -> None:
        if self.username is None or ticket.clerk != self.username:
            return
        if ticket.id not in self._served:
            self._served[ticket.id] = self._duration(ticket)
            self.figures_changed.emit()

    # ---- supervisor ----------------------------------------------------------------------

    def load_stats(self) -> None:
        day = self.client.state.business_day
        if day is None or not self.is_supervisor:
            return

        def done(answer: Any, error: HubError | None) -> None:
            self.stats_loaded.emit(error if error is not None else answer)

        self.client.stats(day, day, "service,clerk", done)

    def load_scorecard(self, month: str | None = None) -> None:
        """Ask the hub for the logged-in clerk's own scorecard of `month` (YYYY-MM; None: this month)."""
        if not self.logged_in:
            return

        def done(answer: Any, error: HubError | None) -> None:
            self.scorecard_loaded.emit(error if error is not None else answer)

        self.client.my_scorecard(month, done)

    # ---- messages ------------------------------------------------------------------------

    def refuse(self, error: HubError) -> None:
        """Explain a refusal (the hub's or our own) to the clerk in plain words."""
        self.last_error = error
        self.say(explain(error), "error")

    def say(self, text: Text, kind: str) -> None:
        """Show `text` (both languages) to the clerk: "info" or "error"."""
        self.last_message = text
        self.message.emit(text, kind)

    def _begin_busy(self) -> None:
        self._busy += 1
        if self._busy == 1:
            self.busy_changed.emit(True)

    def _end_busy(self) -> None:
        self._busy = max(0, self._busy - 1)
        if self._busy == 0:
            self.busy_changed.emit(False)

"""What one counter knows and does, without widgets: the clerk's session, the ticket in hand,
the queue of the counter's services, and the clerk's figures of the day.

Everything comes from the hub client: the live state (`/state` plus events), the answers
to the clerk's own requests, and `/tickets` lists. The views only read this object and
listen to its signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from qt_common.dates import parse_hub_time
from qt_common.hub_client import HubClient, HubError, TicketAction
from qt_common.i18n import Language, Text, both
from qt_common.refusals import explain as explain_refusal
from qt_common.widgets import zone_from_name

from counter_ui.strings import explain

log = logging.getLogger(__name__)

ACTIVE_STATUSES = ("called", "serving")
_STATUS_RANK = {"waiting": 0, "called": 1, "serving": 2}
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


def _rank(ticket: Mapping[str, Any]) -> int:
    return _STATUS_RANK.get(str(ticket.get("status")), 3)


class CounterModel(QObject):
    """One counter's session and work; `now` replaces the clock in tests."""

    session_changed = Signal(object)  # the login answer (clerk, counter) or None
    counter_changed = Signal()  # status, pause reason, name
    ticket_changed = Signal(object)  # the ticket in hand, or None
    queue_changed = Signal()  # the waiting tickets changed (ours or any service's)
    figures_changed = Signal()
    busy_changed = Signal(bool)
    message = Signal(object, str)  # Text in both languages, "info" or "error"
    stats_loaded = Signal(object)  # /stats answer for today, or a HubError

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
        self.session: dict[str, Any] | None = None
        self.ticket: dict[str, Any] | None = None
        self.waiting: dict[int, dict[str, Any]] = {}
        self._waiting_buffer: list[dict[str, Any]] | None = None  # events seen while a list is on its way
        self._waiting_generation = 0
        self._closed: dict[int, Any] = {}  # ticket id → called_at of a call that ended here
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
        zone = self.client.state.centre.get("time_zone")
        if not isinstance(zone, str) or moment.tzinfo is None:
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
        clerk = (self.session or {}).get("clerk") or {}
        return clerk.get("username")

    @property
    def is_supervisor(self) -> bool:
        clerk = (self.session or {}).get("clerk") or {}
        return clerk.get("role") in ("supervisor", "admin")

    @property
    def counter(self) -> dict[str, Any] | None:
        return self.client.state.counter(self.counter_id) if self.counter_id is not None else None

    @property
    def status(self) -> str:
        counter = self.counter
        return str(counter.get("status")) if counter else "closed"

    @property
    def pause_reason(self) -> str | None:
        counter = self.counter
        return counter.get("pause_reason") if counter else None

    @property
    def service_ids(self) -> list[int]:
        counter = self.counter
        ids = counter.get("service_ids") if counter else None
        return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []

    def counters(self) -> list[dict[str, Any]]:
        return sorted(self.client.state.counters.values(), key=lambda c: (c.get("number") or 0, c["id"]))

    def service(self, service_id: Any) -> dict[str, Any] | None:
        return self.client.state.service(service_id) if isinstance(service_id, int) else None

    def queue(self) -> list[dict[str, Any]]:
        """This counter's waiting visitors: priority first, then by arrival (as the hub would call them, roughly)."""
        mine = set(self.service_ids)
        tickets = [t for t in self.waiting.values() if t.get("service_id") in mine]
        return sorted(tickets, key=lambda t: (t.get("priority") == "normal", str(t.get("first_issued_at") or ""), t["id"]))

    def waited_seconds(self, ticket: Mapping[str, Any]) -> float:
        """How long the visitor has waited in this service (since arriving in it), up to the call or now."""
        end = parse_time(ticket.get("called_at")) if ticket.get("status") != "waiting" else None
        waited = seconds_between(ticket.get("issued_at"), end or self.now())
        return waited or 0.0

    def is_breach(self, ticket: Mapping[str, Any]) -> bool:
        """A waiting visitor past the target wait of their service."""
        service = self.service(ticket.get("service_id"))
        target = service.get("target_wait_seconds") if service else None
        return isinstance(target, int | float) and target > 0 and self.waited_seconds(ticket) > target

    def service_seconds(self) -> float | None:
        """The running service time of the ticket in hand (from start), or None before the start."""
        if self.ticket is None or self.ticket.get("status") != "serving":
            return None
        return seconds_between(self.ticket.get("started_at"), self.now())

    def since_call_seconds(self) -> float | None:
        if self.ticket is None:
            return None
        return seconds_between(self.ticket.get("called_at"), self.now())

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
        return counter["id"] if counter else None

    def login(self, username: str, pin: str, counter_id: int, on_done: Callable[[HubError | None], None] | None = None) -> None:
        username = username.strip() if isinstance(username, str) else ""
        pin = pin.strip() if isinstance(pin, str) else ""
        if not username or not pin or len(username) > 40 or len(pin) > 12:
            self.say(both("counter_ui.login.missing"), "error")
            if on_done:
                on_done(HubError(422, "validation_error", "", ""))
            return

        def done(answer: Any, error: HubError | None) -> None:
            self._end_busy()
            if error is None and isinstance(answer, dict):
                self.counter_id = counter_id
                self.session = answer
                counter = answer.get("counter")
                if isinstance(counter, dict) and counter.get("id") in self.client.state.counters:
                    self.client.state.counters[counter["id"]].update(counter)
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

        def done(answer: Any, error: HubError | None) -> None:
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

        def done(answer: Any, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
            else:
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

        def done(answer: Any, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
                return
            if self.ticket is not None and self.ticket.get("id") == ticket["id"]:
                self._set_ticket(None, force=True)
            name = Text((target or {}).get("name_ar") or "?", (target or {}).get("name_en") or "?")
            self.say(
                Text(
                    both("counter_ui.transferred", number=ticket.get("number"), service=name.ar).ar,
                    both("counter_ui.transferred", number=ticket.get("number"), service=name.en).en,
                ),
                "info",
            )
            if isinstance(answer, dict) and answer.get("status") == "waiting":
                self._add_waiting(answer)

        self._begin_busy()
        self.client.transfer(ticket["id"], service_id, done)

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
        def done(answer: Any, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
                return
            if isinstance(answer, dict) and answer.get("id") in self.client.state.counters:
                self.client.state.counters[answer["id"]].update(answer)
            self.counter_changed.emit()

        self._begin_busy()
        send(done)

    def _ticket_step(self, action: TicketAction) -> None:
        ticket = self.ticket
        if ticket is None or not self._ready():
            return

        def done(answer: Any, error: HubError | None) -> None:
            self._end_busy()
            if error is not None:
                self.refuse(error)
                return
            if not isinstance(answer, dict):
                return
            if answer.get("status") in ACTIVE_STATUSES:
                self._set_ticket(answer)
            else:
                # The event may have cleared the ticket already; the clerk still hears the outcome.
                if self.ticket is not None and self.ticket.get("id") == answer.get("id"):
                    self._set_ticket(None, force=True)
                key = "counter_ui.finished" if answer.get("status") == "done" else "counter_ui.marked_no_show"
                self.say(both(key, number=answer.get("number")), "info")
            if answer.get("status") == "done":
                self._count_served(answer)

        self._begin_busy()
        self.client.ticket_action(ticket["id"], action, done)

    def _ready(self) -> bool:
        if self.counter_id is None or self.session is None:
            self.refuse(HubError(403, "session_required", "", ""))
            return False
        return not self.busy

    def _take(self, ticket: Any) -> None:
        if isinstance(ticket, dict) and isinstance(ticket.get("id"), int):
            self.waiting.pop(ticket["id"], None)
            self._set_ticket(ticket, force=True)
            self.queue_changed.emit()

    # ---- the ticket in hand --------------------------------------------------------------

    def _set_ticket(self, ticket: dict[str, Any] | None, *, force: bool = False) -> None:
        """Adopt `ticket` unless it is an older picture of the one already held (an event arriving late)."""
        current = self.ticket
        if ticket is not None and ticket.get("status") not in ACTIVE_STATUSES:
            self._remember_closed(ticket)
            ticket = None
        if ticket is None and current is not None:
            self._remember_closed(current)
        if not force and ticket is not None and current is not None and current.get("id") == ticket.get("id"):
            if _rank(ticket) < _rank(current) or (
                _rank(ticket) == _rank(current) and (ticket.get("recalls") or 0) < (current.get("recalls") or 0)
            ):
                return
        if ticket == current:
            return
        self.ticket = ticket
        self.ticket_changed.emit(ticket)

    def _remember_closed(self, ticket: Mapping[str, Any]) -> None:
        """A ticket that left this counter: late events of that same call must not bring it back."""
        if isinstance(ticket.get("id"), int):
            self._closed[ticket["id"]] = ticket.get("called_at")
            while len(self._closed) > 500:
                self._closed.pop(next(iter(self._closed)))

    def _is_closed_call(self, ticket: Mapping[str, Any]) -> bool:
        # A visitor marked absent and called back later is a new call: it has a new called_at.
        return ticket.get("id") in self._closed and self._closed[ticket["id"]] == ticket.get("called_at")

    def _adopt_counter_ticket(self) -> None:
        counter = self.counter
        current = counter.get("current_ticket") if counter else None
        self._set_ticket(current if isinstance(current, dict) else None, force=True)

    # ---- live updates --------------------------------------------------------------------

    def _on_state_loaded(self, _snapshot: Any) -> None:
        """A snapshot replaced the client's state: a first load, a resync, or a periodic refresh.

        A refresh may be older than the answer to the clerk's last press, so it may move the
        ticket in hand forward but never take it away; events do that.
        """
        if self.counter_id is not None:
            counter = self.counter
            current = counter.get("current_ticket") if counter else None
            if isinstance(current, dict) and not self._is_closed_call(current):
                if self.ticket is None or self.ticket.get("id") == current.get("id"):
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

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = str(event.get("type"))
        ticket = event.get("ticket") if isinstance(event.get("ticket"), dict) else None
        if self._waiting_buffer is not None:
            self._waiting_buffer.append(event)
        self._apply_waiting(event)
        if ticket is not None and self.counter_id is not None and ticket.get("counter_id") == self.counter_id:
            if ticket.get("status") in ACTIVE_STATUSES and not self._is_closed_call(ticket):
                if self.ticket is None or self.ticket.get("id") == ticket.get("id") or kind == "ticket.called":
                    self._set_ticket(ticket)
            elif self.ticket is not None and self.ticket.get("id") == ticket.get("id"):
                self._set_ticket(None, force=True)
        if kind == "ticket.finished" and ticket is not None:
            self._count_served(ticket)
        if kind.startswith("counter.") and isinstance(event.get("counter"), dict):
            if event["counter"].get("id") == self.counter_id:
                self.counter_changed.emit()
        if kind in ("day.rolled", "config.changed"):
            self.reload_figures()

    def _apply_waiting(self, event: Mapping[str, Any]) -> bool:
        """Keep the waiting list current from one event; idempotent, so replaying is harmless."""
        kind = event.get("type")
        ticket = event.get("ticket") if isinstance(event.get("ticket"), dict) else None
        changed = False
        if kind == "ticket.issued" and ticket and ticket.get("status") == "waiting":
            changed = self._add_waiting(ticket, emit=False)
        elif kind == "ticket.transferred":
            new = event.get("new_ticket")
            if isinstance(new, dict) and isinstance(new.get("id"), int) and new.get("status") == "waiting":
                changed = self._add_waiting(new, emit=False)
        elif ticket and isinstance(ticket.get("id"), int) and ticket.get("status") != "waiting":
            changed = self.waiting.pop(ticket["id"], None) is not None
        elif kind == "day.rolled":
            changed = bool(self.waiting)
            self.waiting.clear()
        if changed:
            self.queue_changed.emit()
        return changed

    def _add_waiting(self, ticket: dict[str, Any], *, emit: bool = True) -> bool:
        if not isinstance(ticket.get("id"), int):
            return False
        self.waiting[ticket["id"]] = ticket
        if emit:
            self.queue_changed.emit()
        return True

    def reload_waiting(self) -> None:
        """Fetch every waiting ticket of today, then keep the list current from events."""
        self._waiting_generation += 1
        generation = self._waiting_generation
        self._waiting_buffer = []

        def done(answer: Any, error: HubError | None) -> None:
            if generation != self._waiting_generation:
                return
            buffered, self._waiting_buffer = self._waiting_buffer or [], None
            if error is not None or not isinstance(answer, list):
                log.info("the waiting list could not be loaded: %s", error)
                return
            self.waiting = {t["id"]: t for t in answer if isinstance(t, dict) and isinstance(t.get("id"), int) and t.get("status") == "waiting"}
            for event in buffered:
                self._apply_waiting(event)
            self.queue_changed.emit()

        self.client.get("/tickets", done, params={"status": "waiting", "limit": MAX_WAITING_LISTED})

    # ---- the clerk's figures -------------------------------------------------------------

    def reload_figures(self) -> None:
        """Today's served tickets of this clerk, from `/tickets?status=done&clerk=me` (clerks may not read /stats)."""
        username = self.username
        if username is None:
            return
        self._figures_generation += 1
        generation = self._figures_generation

        def done(answer: Any, error: HubError | None) -> None:
            if generation != self._figures_generation or error is not None or not isinstance(answer, list):
                return
            served: dict[int, float | None] = {}
            for ticket in answer:
                if isinstance(ticket, dict) and ticket.get("clerk") == username and isinstance(ticket.get("id"), int):
                    served[ticket["id"]] = self._duration(ticket)
            self._served = served
            self.figures_changed.emit()

        self.client.get("/tickets", done, params={"status": "done", "clerk": "me", "limit": MAX_WAITING_LISTED})

    @staticmethod
    def _duration(ticket: Mapping[str, Any]) -> float | None:
        end = parse_time(ticket.get("finished_at"))
        return seconds_between(ticket.get("started_at"), end) if end is not None else None

    def _count_served(self, ticket: Mapping[str, Any]) -> None:
        if ticket.get("clerk") != self.username or self.username is None or not isinstance(ticket.get("id"), int):
            return
        if ticket["id"] not in self._served:
            self._served[ticket["id"]] = self._duration(ticket)
            self.figures_changed.emit()

    # ---- supervisor ----------------------------------------------------------------------

    def load_stats(self) -> None:
        day = self.client.state.business_day
        if not isinstance(day, str) or not self.is_supervisor:
            return

        def done(answer: Any, error: HubError | None) -> None:
            self.stats_loaded.emit(error if error is not None else answer)

        self.client.stats(day, day, "service,clerk", done)

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

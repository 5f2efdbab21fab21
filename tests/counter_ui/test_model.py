"""The counter model's rules for crossing answers and events, and for the live waiting list, fed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pydantic import BaseModel

from core.contract import EventBase, Session, Ticket, parse_event
from core.live_state import HubState
from counter_ui.model import CounterModel, parse_time
from qt_common.hub_client import HubClient
from tests.contract_samples import AT, counter_brief_json, counter_json, service_json, state_json, ticket_json

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=3)))


def iso(moment: datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def model(qapp, tmp_path: Path):
    """A model on a client that never connects, with one counter (id 5, services 1 and 2) and a session."""
    client = HubClient("http://127.0.0.1:9", device_name="counter-x", kind="counter", config_dir=tmp_path)
    counter = counter_json(5, 3, service_ids=[1, 2])
    client.state = HubState.from_snapshot(
        state_json(
            10,
            services=[
                service_json(1, "A", name_ar="أ", name_en="A", target_wait_seconds=900),
                service_json(2, "B", name_ar="ب", name_en="B", target_wait_seconds=600),
                service_json(3, "C", name_ar="ج", name_en="C", target_wait_seconds=600),
            ],
            counters=[counter],
        )
    )
    made = CounterModel(client, counter_number=3, now=lambda: NOW)
    made.counter_id = 5
    made.session = Session.model_validate({"token": "", "clerk": {"username": "clerk1", "role": "clerk"}, "counter": counter})
    yield made
    client.stop()


def ticket(ticket_id: int, status: str, *, service_id: int = 1, called_at: str | None = "c1", recalls: int = 0, **extra) -> Ticket:
    fields = {"status": status, "counter_id": 5 if status not in ("waiting",) else None, "called_at": called_at,
              "recalls": recalls, "issued_at": iso(NOW - timedelta(minutes=5)), "first_issued_at": iso(NOW - timedelta(minutes=5))}
    return Ticket.model_validate(ticket_json(ticket_id, f"A-{ticket_id:03d}", service_id, **{**fields, **extra}))


def event(kind: str, seq: int, payload: Ticket, **extra: object) -> EventBase:
    fields = {key: value.to_dict() if isinstance(value, BaseModel) else value for key, value in extra.items()}
    if kind in ("ticket.called", "ticket.recalled"):
        fields.setdefault("counter", counter_brief_json(payload.counter_id or 5, 3))
    return parse_event({"seq": seq, "type": kind, "at": AT, "ticket": payload.to_dict(), **fields})


def test_late_events_never_bring_a_finished_ticket_back(model):
    """Events of a call that already ended here (answers came first) do not put the ticket back on screen."""
    model._take(ticket(7, "called"))
    model._set_ticket(ticket(7, "serving"))
    model._set_ticket(None, force=True)  # the finish answer
    for kind, status in (("ticket.called", "called"), ("ticket.started", "serving")):
        model._on_event(event(kind, 11, ticket(7, status)))
        assert model.ticket is None, kind


def test_a_no_show_called_back_is_a_new_call(model):
    """A visitor marked absent and served later by number shows again (a new called_at)."""
    model._take(ticket(8, "called", called_at="c1"))
    model._on_event(event("ticket.no_show", 11, ticket(8, "no_show", called_at="c1")))
    assert model.ticket is None
    model._on_event(event("ticket.called", 12, ticket(8, "called", called_at="c2")))
    assert model.ticket is not None and model.ticket.called_at == "c2"


def test_an_older_picture_never_moves_the_ticket_back(model):
    """A late `called` event after the Start answer, or a smaller recall count, is ignored."""
    model._take(ticket(9, "called", recalls=2))
    model._on_event(event("ticket.recalled", 11, ticket(9, "called", recalls=1)))
    assert model.ticket.recalls == 2
    model._set_ticket(ticket(9, "serving", recalls=2))
    model._on_event(event("ticket.called", 12, ticket(9, "called")))
    assert model.ticket.status == "serving"


def test_a_periodic_snapshot_never_takes_the_ticket_away(model):
    """A refetched /state older than the last answer (no ticket at the counter yet) leaves the ticket shown."""
    model._take(ticket(10, "called"))
    model._on_state_loaded(model.client.state.to_snapshot())
    assert model.ticket is not None and model.ticket.id == 10


def test_another_counters_events_do_not_touch_this_one(model):
    """A ticket called at another counter never appears here."""
    other = ticket(11, "called", counter_id=6)
    model._on_event(event("ticket.called", 11, other))
    assert model.ticket is None


def test_waiting_list_follows_events_and_replays_safely(model):
    """Issue adds, call removes, transfer adds the new entry; replaying the same events changes nothing."""
    events = [
        event("ticket.issued", 11, ticket(20, "waiting", called_at=None)),
        event("ticket.issued", 12, ticket(21, "waiting", called_at=None, service_id=3)),
        event("ticket.issued", 13, ticket(22, "waiting", called_at=None, priority="elderly")),
        event("ticket.called", 14, ticket(20, "called")),
        event("ticket.transferred", 15, ticket(30, "transferred"), new_ticket=ticket(31, "waiting", service_id=2, called_at=None)),
    ]
    for item in events:
        model._on_event(item)
    assert sorted(model.waiting) == [21, 22, 31]
    assert [t.id for t in model.queue()] == [22, 31]  # service 3 is not served here; priority first
    for item in events:
        model._on_event(item)
    assert sorted(model.waiting) == [21, 22, 31]
    model._on_event(parse_event({"seq": 16, "type": "day.rolled", "at": AT, "business_day": "2026-11-25",
                                 "previous_business_day": "2026-11-24", "expired": 2, "closed_at_rollover": 0}))
    assert model.waiting == {}


def test_every_ticket_and_counter_event_has_its_own_handler(model):
    """Events reach `on_<name>` handlers by their type's name: every ticket, counter, day and
    configuration event of the contract has one (an event without one would be ignored)."""
    from core.contract import EVENT_MODELS, handler_for

    followed = [name for name in EVENT_MODELS if name.split(".")[0] in ("ticket", "counter", "day", "config")]
    assert len(followed) >= 17
    for name in followed:
        handler = EVENT_MODELS[name].handler_name
        assert callable(getattr(model, handler, None)), f"{name}: no {handler}"
    called = event("ticket.called", 11, ticket(60, "called"))
    assert handler_for(called) == "on_ticket_called"
    model._on_event(called)
    assert model.ticket is not None and model.ticket.id == 60


def test_events_while_the_waiting_list_loads_are_replayed_onto_it(model):
    """A list asked for before an issue and a call arrives after them: the issue and the call
    are applied on top of it once it comes, not lost under it."""
    asked: list = []
    model.client.list_tickets = lambda status, on_done, **options: asked.append(on_done)  # the answer comes later
    model.reload_waiting()
    model._on_event(event("ticket.issued", 20, ticket(70, "waiting", called_at=None)))
    model._on_event(event("ticket.called", 21, ticket(71, "called")))
    asked[0]([ticket(71, "waiting", called_at=None), ticket(72, "waiting", called_at=None)], None)
    assert sorted(model.waiting) == [70, 72]


def test_breach_is_past_the_services_target(model):
    """A visitor is marked once their wait in this service passes its target (B: 10 min)."""
    fresh = ticket(40, "waiting", service_id=2, called_at=None)
    old = fresh.model_copy(update={"id": 41, "issued_at": iso(NOW - timedelta(minutes=11))})
    assert not model.is_breach(fresh)
    assert model.is_breach(old)
    assert not model.is_breach(old.model_copy(update={"service_id": 99}))  # unknown service: no target, no warning


def test_hostile_times_do_not_break_the_model(model):
    """Missing, malformed, naive and huge time texts read as unknown, never as an exception."""
    for text in (None, "", "yesterday", "2026-11-24T10:00:00", "9" * 10_000, 42):
        assert parse_time(text) is None
    assert model.waited_seconds(ticket(60, "waiting", issued_at="nonsense")) == 0.0


def test_figures_count_only_this_clerks_finished_tickets(model):
    """Finished events of this clerk count once each with their service time; other clerks' do not count."""
    done = ticket(50, "done", clerk="clerk1", started_at=iso(NOW - timedelta(minutes=4)), finished_at=iso(NOW))
    model._on_event(event("ticket.finished", 11, done))
    model._on_event(event("ticket.finished", 11, done))
    model._on_event(event("ticket.finished", 12, done.model_copy(update={"id": 51, "clerk": "clerk2"})))
    assert model.served_today == 1
    assert model.average_service_seconds == 240


def test_invalid_inputs_to_actions_are_refused_in_place(model, qtbot):
    """Empty or oversized numbers and pause reasons never reach the hub; the clerk gets a message."""
    messages = []
    model.message.connect(lambda text, kind: messages.append(kind))
    model.call_number("")
    model.call_number("A" * 13)
    model.pause("")
    model.pause("x" * 81)
    model.pause("tab\there")
    assert messages == ["error"] * 5
    assert not model.busy
    with pytest.raises(ValueError):
        CounterModel(model.client, counter_number=0)

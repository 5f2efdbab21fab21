"""The state model without Qt: a /state snapshot parsed into the contract's models, typed events applied."""

from __future__ import annotations

import pytest

from core import contract
from core.live_state import HubState, parse_state
from core.models import CounterStatus, TicketStatus
from tests.contract_samples import counter_brief_json, counter_json, event, service_json, state_json, ticket_json


@pytest.mark.parametrize(
    "snapshot",
    [None, [], "", "not json", {"seq": -1}, {**state_json(), "seq": "five"}, {**state_json(), "seq": [1]},
     {**state_json(), "services": {}}, {**state_json(), "services": [{"code": "A"}]}, {**state_json(), "counters": [1, 2]},
     {**state_json(), "recent_calls": "x"}, {**state_json(), "centre": None}],
)
def test_state_refuses_shapes_off_the_contract(snapshot: object) -> None:
    """A /state that is not the contract's shape is refused with a ValueError, whatever is wrong."""
    with pytest.raises(ValueError):
        HubState.from_snapshot(snapshot)


def test_state_round_trips_the_snapshot() -> None:
    """A snapshot read and written back is the same JSON, including keys this version does not know."""
    snapshot = state_json(
        3, services=[service_json(2, "B", waiting=1), service_json(1, "A")],
        counters=[counter_json(1)], lane_count=4,
    )
    state = HubState.from_snapshot(snapshot)
    assert state.to_snapshot().to_dict() == snapshot
    assert state.other == {"lane_count": 4}
    b = state.service_by_code("B")
    assert isinstance(b, contract.Service) and b.id == 2 and b.waiting == 1
    assert state.counter_by_number(1) is state.counter(1)
    assert parse_state(state.to_snapshot().to_json()) == state.to_snapshot()


def test_an_empty_state_has_no_snapshot() -> None:
    """Before a load there is nothing to hand to a view."""
    state = HubState()
    assert not state.loaded and state.service(1) is None and state.counter(None) is None
    with pytest.raises(ValueError):
        state.to_snapshot()


def _hall() -> HubState:
    return HubState.from_snapshot(state_json(
        10, services=[service_json(1, "A", waiting=2, eta_seconds=600), service_json(2, "B")],
        counters=[counter_json(1, service_ids=[1, 2]), counter_json(2, service_ids=[2])],
    ))


def test_ticket_events_take_their_services_row() -> None:
    """A ticket event's service row replaces the local one: waiting, estimate and open counters all exact."""
    state = _hall()
    row = service_json(1, "A", waiting=3, eta_seconds=900, issued_today=3, open_counters=2)
    assert state.apply(event(11, "ticket.issued", ticket=ticket_json(5), service=row)) is True
    assert state.service(1).to_dict() == row and state.seq == 11
    called = ticket_json(5, status="called", counter_id=1, counter_number=1)
    after = service_json(1, "A", waiting=2, eta_seconds=500)
    assert state.apply(event(12, "ticket.called", ticket=called, counter=counter_brief_json(1), service=after)) is True
    assert state.service(1).eta_seconds == 500
    assert state.counter(1).current_ticket.id == 5 and state.recent_calls[0].ticket.number == "A-005"


def test_a_transfer_takes_both_services_rows() -> None:
    """A transfer changes two queues; both rows come with it, and the counter is free again."""
    state = _hall()
    state.apply(event(11, "ticket.started", ticket=ticket_json(5, status="serving", counter_id=1), service=service_json(1, "A")))
    assert state.counter(1).current_ticket.status is TicketStatus.SERVING
    exact = state.apply(event(
        12, "ticket.transferred", ticket=ticket_json(5, status="transferred", counter_id=1), service=service_json(1, "A", waiting=2),
        new_ticket=ticket_json(6, "A-005", service_id=2), new_service=service_json(2, "B", waiting=1, eta_seconds=120),
    ))
    assert exact is True
    assert state.service(2).waiting == 1 and state.service(2).eta_seconds == 120
    assert state.counter(1).current_ticket is None


def test_events_without_rows_are_derived_and_say_so() -> None:
    """An older hub's events carry no rows: waiting counts are derived, and apply says a refetch is due."""
    state = _hall()
    assert state.apply(event(11, "ticket.issued", ticket=ticket_json(5))) is False
    assert state.service(1).waiting == 3 and state.service(1).issued_today == 1
    called = ticket_json(5, status="called", counter_id=1)
    assert state.apply(event(12, "ticket.called", ticket=called, counter=counter_brief_json(1))) is False
    assert state.service(1).waiting == 2
    # A recall of the same call does not take another visitor off the queue.
    state.apply(event(13, "ticket.recalled", ticket={**called, "recalls": 1}, counter=counter_brief_json(1)))
    assert state.service(1).waiting == 2
    assert state.apply(event(14, "counter.paused", counter=counter_json(2, service_ids=[2], status="paused"))) is False
    assert state.counter(2).status is CounterStatus.PAUSED


def test_counter_events_take_the_counter_and_its_services() -> None:
    """A counter's step carries the counter and the rows of what it serves (their open counters changed)."""
    state = _hall()
    paused = counter_json(2, service_ids=[2], status="paused", pause_reason="prayer")
    assert state.apply(event(11, "counter.paused", counter=paused, services=[service_json(2, "B", open_counters=0, eta_seconds=None)]))
    assert state.counter(2).pause_reason == "prayer"
    assert state.service(2).open_counters == 0 and state.service(2).eta_seconds is None


def test_day_rolled_and_unknown_events() -> None:
    """A new day restarts the counts; an unknown type changes nothing but its seq."""
    state = _hall()
    state.apply(event(11, "day.rolled", business_day="2026-11-25", previous_business_day="2026-11-24", expired=2, closed_at_rollover=0))
    assert state.business_day == "2026-11-25" and all(s.issued_today == 0 for s in state.services.values())
    before = state.to_snapshot().model_copy(update={"seq": 12})
    unknown = contract.parse_event({"seq": 12, "type": "visit.rated", "at": "x", "stars": 5})
    assert isinstance(unknown, contract.UnknownEvent)
    assert state.apply(unknown) is True and state.seq == 12 and state.to_snapshot() == before


def test_every_event_that_changes_the_state_has_its_own_handler() -> None:
    """`apply` dispatches by the event model's name: every ticket, counter and day event of the
    contract reaches an `on_<name>` method of the state (one without would change nothing)."""
    followed = [name for name in contract.EVENT_MODELS if name.split(".")[0] in ("ticket", "counter", "day")]
    assert len(followed) >= 16
    state = HubState()
    for name in followed + ["device.status"]:
        handler = contract.EVENT_MODELS[name].handler_name
        assert callable(getattr(state, handler, None)), f"{name}: no {handler}"

"""The state model without Qt: a /state snapshot read and written back, events checked before they apply."""

from __future__ import annotations

import pytest

from core.live_state import HubState, check_event


@pytest.mark.parametrize(
    "snapshot",
    [None, [], {"seq": -1}, {"seq": "5"}, {"seq": True}, {"seq": 1, "services": {}},
     {"seq": 1, "services": [{"code": "A"}]}, {"seq": 1, "counters": [1, 2]}, {"seq": 1, "recent_calls": "x"}],
)
def test_state_refuses_shapes_off_the_contract(snapshot: object) -> None:
    """A /state that is not the contract's shape is refused with a ValueError."""
    with pytest.raises(ValueError):
        HubState.from_snapshot(snapshot)


def test_state_round_trips_the_snapshot() -> None:
    """A snapshot read and written back is the same JSON, including keys the client does not know."""
    snapshot = {
        "seq": 3, "business_day": "2026-11-24", "centre": {"name_en": "X"},
        "services": [{"id": 2, "code": "B", "waiting": 1}, {"id": 1, "code": "A", "waiting": 0}],
        "counters": [{"id": 1, "number": 1, "current_ticket": None}], "recent_calls": [], "boards": {},
        "rules": {"priority_streak_limit": 2},
    }
    state = HubState.from_snapshot(snapshot)
    assert state.to_snapshot() == snapshot
    assert state.service_by_code("B") == {"id": 2, "code": "B", "waiting": 1}
    assert state.counter_by_number(1) is state.counter(1)


@pytest.mark.parametrize(
    "frame",
    [None, [], {"type": "ticket.issued"}, {"seq": 0, "type": "x"}, {"seq": True, "type": "x"},
     {"seq": 1}, {"seq": 1, "type": "Ticket Issued"}, {"seq": 1, "type": "x" * 100}, {"seq": 1, "type": "__init__"}],
)
def test_malformed_events_are_refused(frame: object) -> None:
    """Frames without a positive seq and a dotted type are refused."""
    if frame == {"seq": 1, "type": "__init__"}:
        assert check_event(frame)["type"] == "__init__"  # well-formed; dispatch guards names instead
        return
    with pytest.raises(ValueError):
        check_event(frame)

"""core/contract.py on its own: parsing events by type, forward compatibility, handler names."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import ValidationError

from core import contract
from core.models import EventType

TICKET = {
    "id": 7, "number": "A-007", "service_id": 1, "business_day": "2026-11-24", "priority": "normal",
    "status": "called", "code": "abcdefgh12", "issued_at": "2026-11-24T10:00:00.000+03:00",
    "first_issued_at": "2026-11-24T10:00:00.000+03:00", "called_at": "2026-11-24T10:05:00.000+03:00",
    "started_at": None, "finished_at": None, "counter_id": 3, "counter_number": 3, "clerk": "fatimah",
    "recalls": 0, "transferred_from_service_id": None, "ahead": None, "eta_seconds": None,
}
BRIEF = {"id": 3, "number": 3, "name": "Counter 3", "name_ar": "الشباك 3"}


def test_every_event_type_has_one_model_named_after_it():
    """`ticket.called` is TicketCalled, handled by on_ticket_called; every EventType has its model."""
    assert set(contract.EVENT_TYPES) == {kind.value for kind in EventType}
    for kind in EventType:
        model = contract.EVENT_MODELS[kind.value]
        expected = "".join(part.capitalize() for part in kind.value.replace(".", "_").split("_"))
        assert model.__name__ == expected
        assert model.handler_name == kind.handler_name and model.type_name == kind.value


def test_an_event_model_names_its_type_once_and_it_must_be_an_event_type():
    """The `type` Literal alone gives a model its EventType and handler; an unknown name is refused."""

    class TicketNoted(contract.TicketEvent):
        type: Literal["ticket.called"]

    assert TicketNoted.event_type is EventType.TICKET_CALLED and TicketNoted.handler_name == "on_ticket_called"
    assert contract.TicketEvent.event_type is None and contract.TicketEvent.type_name == ""
    with pytest.raises(TypeError, match="'ticket.noted' is no EventType"):

        class TicketMistyped(contract.TicketEvent):
            type: Literal["ticket.noted"]


def test_parse_event_picks_the_model_by_type_from_text_or_dict():
    """A frame's `type` decides its model, whether the frame is text or already decoded."""
    frame = {"seq": 12, "type": "ticket.called", "at": "2026-11-24T10:05:00.000+03:00", "ticket": TICKET, "counter": BRIEF}
    for given in (frame, json.dumps(frame), json.dumps(frame).encode()):
        event = contract.parse_event(given)
        assert isinstance(event, contract.TicketCalled)
        assert event.ticket.number == "A-007" and event.counter.number == 3 and event.service is None
        assert contract.handler_for(event) == "on_ticket_called"
    rolled = contract.parse_event(
        {"seq": 13, "type": "day.rolled", "at": "x", "business_day": "2026-11-25", "previous_business_day": "2026-11-24",
         "expired": 2, "closed_at_rollover": 1}
    )
    assert isinstance(rolled, contract.DayRolled) and rolled.expired == 2


def test_unknown_fields_and_types_are_kept_not_refused():
    """A newer hub's extra field is kept in model_extra; an unknown event type still gives its seq."""
    event = contract.parse_event({"seq": 3, "type": "ticket.called", "at": "x", "ticket": {**TICKET, "lane": 2}, "counter": BRIEF, "why": "x"})
    assert contract.unknown_fields(event) == ["why", "ticket.lane"]
    future = contract.parse_event('{"seq": 4, "type": "visit.rated", "at": "x", "stars": 5}')
    assert isinstance(future, contract.UnknownEvent) and future.seq == 4 and future.type == "visit.rated"
    assert future.model_extra == {"stars": 5} and future.handler_name == "on_unknown_event"


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "ticket.called", "at": "x", "ticket": TICKET, "counter": BRIEF},  # no seq
        {"seq": 0, "type": "config.changed", "at": "x"},  # seq counts from 1
        {"seq": [7], "type": "config.changed", "at": "x"},  # seq not a number
        {"seq": 5, "type": "ticket.called", "at": "x", "counter": BRIEF},  # no ticket
        {"seq": 5, "type": "ticket.called", "at": "x", "ticket": {**TICKET, "status": "asleep"}, "counter": BRIEF},
        {"seq": 5, "at": "x"},  # no type
        [],
        "not json",
        "",
        '{"seq": 1e999, "type": "config.changed", "at": "x"}',
    ],
)
def test_malformed_frames_are_refused(frame):
    """Frames without seq, type or a required field, or with wrong types, raise ValidationError."""
    with pytest.raises(ValidationError):
        contract.parse_event(frame)


def test_a_huge_frame_parses_without_trouble():
    """A frame with a 1 MB field and many extras parses (the hub caps frames; the parser need not)."""
    frame = {"seq": 9, "type": "device.status", "at": "x", "status": {"note": "x" * 1_000_000},
             "device": {"id": 1, "name": "k", "kind": "kiosk", "enrolled_at": "x", "last_seen_at": None, "online": True,
                        "revoked_at": None, "status": None, "status_at": None, "printer": None,
                        "certificate_fingerprint": None}}
    frame.update({f"x{n}": n for n in range(1000)})
    event = contract.parse_event(json.dumps(frame))
    assert isinstance(event, contract.DeviceStatus) and len(event.status["note"]) == 1_000_000


def test_stats_keeps_its_from_name():
    """Stats' `from` (a Python keyword) reads and writes as `from`."""
    figures = {"issued": 0, "served": 0, "no_show": 0, "cancelled": 0, "expired": 0, "transferred": 0, "waiting": 0,
               "in_service": 0, "wait_seconds": {"count": 0, "mean": None, "median": None, "p90": None},
               "service_seconds": {"count": 0, "mean": None, "median": None, "p90": None}, "service_seconds_total": 0,
               "within_target_share": None}
    body = {"from": "2026-11-01", "to": "2026-11-24", "totals": {**figures, "wait_distribution": []},
            "days": {"summarised": 0, "live": 1},
            "precision": {"quantile_step_seconds": 10, "quantile_step_below_seconds": 14400, "coarse_step_seconds": 600,
                          "coarse_step_below_seconds": 86400, "quantile_rule": "nearest rank"}}
    stats = contract.Stats.model_validate(body)
    assert stats.from_ == "2026-11-01" and json.loads(stats.to_json())["from"] == "2026-11-01"
    assert stats.model_dump(mode="json", by_alias=True, exclude_unset=True) == body

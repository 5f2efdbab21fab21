"""The board's rules without widgets: filtering, replays, resync windows, the hub's clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from core.contract import Board, CounterBrief, EventBase, State, Ticket, parse_event
from display_board.model import BoardError, BoardFilter, BoardModel, announcements, check_board_name, parse_call
from tests.contract_samples import counter_brief_json, counter_json, service_json, state_json, ticket_json

RIYADH = timezone(timedelta(hours=3))
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=RIYADH)
DAY = "2026-11-24"
SERVICES = [service_json(1, "A"), service_json(2, "B"), service_json(3, "C")]
BOARDS = {
    "hall": {"name_ar": "الصالة", "name_en": "Hall", "counters": [], "services": []},
    "floor1": {"name_ar": "الدور الأول", "name_en": "First floor", "counters": [1, 2], "services": []},
    "licences": {"counters": [], "services": ["B"]},
}


class FakeClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


class JsonBoardModel(BoardModel):
    """The board's model fed the hub's JSON, parsed into the contract as the client does."""

    def apply_event(self, event: dict[str, Any] | EventBase):  # type: ignore[override]
        return super().apply_event(event if isinstance(event, EventBase) else parse_event(event))

    def apply_snapshot(self, snapshot: dict[str, Any] | State):  # type: ignore[override]
        return super().apply_snapshot(snapshot if isinstance(snapshot, State) else State.model_validate(snapshot))


def ticket(ticket_id: int, number: str, service_id: int, recalls: int = 0, day: str = DAY) -> dict[str, Any]:
    return ticket_json(ticket_id, number, service_id, business_day=day, recalls=recalls, status="called")


def counter(number: int) -> dict[str, Any]:
    return counter_brief_json(number + 10, number)


def call_event(seq: int, ticket_data: dict[str, Any], counter_number: int, at: datetime, kind: str = "ticket.called") -> dict[str, Any]:
    return {"seq": seq, "type": kind, "at": at.isoformat(), "ticket": ticket_data, "counter": counter(counter_number)}


def snapshot(seq: int, calls: list[dict[str, Any]], boards: dict[str, Any] | None = None, day: str = DAY) -> dict[str, Any]:
    recent = [{"seq": c["seq"], "at": c["at"], "ticket": c["ticket"], "counter": c["counter"]} for c in sorted(calls, key=lambda c: -c["seq"])]
    return state_json(seq, business_day=day, services=SERVICES, recent_calls=recent, boards=BOARDS if boards is None else boards)


def test_first_snapshot_is_shown_but_not_announced() -> None:
    """Calls made before the board started are on screen, newest first, and not spoken."""
    clock = FakeClock(NOON)
    model = JsonBoardModel(now=clock)
    calls = [call_event(5, ticket(1, "A-001", 1), 1, NOON - timedelta(seconds=10)), call_event(7, ticket(2, "B-001", 2), 3, NOON)]
    assert model.apply_snapshot(snapshot(9, calls)) == []
    assert [c.number for c in model.calls] == ["B-001", "A-001"]
    assert model.handled_seq == 9


def test_live_calls_are_announced_once_and_replays_ignored() -> None:
    """A live call is returned once; the same seq again (a replay) is ignored."""
    model = JsonBoardModel(now=FakeClock(NOON))
    model.apply_snapshot(snapshot(3, []))
    event = call_event(4, ticket(1, "A-001", 1), 1, NOON)
    first = model.apply_event(event)
    assert first is not None and first.number == "A-001" and not first.recall
    assert model.apply_event(event) is None
    assert model.apply_event(dict(event, seq=2)) is None
    assert [c.number for c in model.calls] == ["A-001"]


def test_resync_announces_only_recent_unhandled_calls() -> None:
    """After a reconnect: missed calls of the last two minutes are announced, older ones only shown."""
    clock = FakeClock(NOON)
    model = JsonBoardModel(now=clock, recent_seconds=120)
    seen = call_event(4, ticket(1, "A-001", 1), 1, NOON)
    model.apply_snapshot(snapshot(3, []))
    model.apply_event(seen)
    clock.moment = NOON + timedelta(minutes=10)
    old_missed = call_event(6, ticket(2, "A-002", 1), 2, NOON + timedelta(minutes=2))
    recent_missed = [
        call_event(8, ticket(3, "B-001", 2), 3, NOON + timedelta(minutes=9)),
        call_event(9, ticket(4, "C-001", 3), 4, NOON + timedelta(minutes=9, seconds=30)),
    ]
    announced = model.apply_snapshot(snapshot(10, [seen, old_missed, *recent_missed]))
    assert [c.number for c in announced] == ["B-001", "C-001"]
    assert [c.number for c in model.calls] == ["C-001", "B-001", "A-002", "A-001"]
    # The same snapshot again (a second reconnect) announces nothing more.
    assert model.apply_snapshot(snapshot(10, [seen, old_missed, *recent_missed])) == []


def test_age_is_measured_on_the_hubs_clock() -> None:
    """A board whose clock runs 10 minutes fast still announces a call missed a minute ago."""
    hub_time = NOON
    clock = FakeClock(hub_time + timedelta(minutes=10))  # this machine is 10 minutes ahead
    model = JsonBoardModel(now=clock, recent_seconds=120)
    model.apply_snapshot(snapshot(1, []))
    model.apply_event(call_event(2, ticket(1, "A-001", 1), 1, hub_time))  # live: teaches the offset
    assert model.hub_now() == hub_time
    missed = call_event(3, ticket(2, "A-002", 1), 2, hub_time + timedelta(seconds=30))
    clock.moment += timedelta(seconds=90)
    assert [c.number for c in model.apply_snapshot(snapshot(3, [missed]))] == ["A-002"]


def test_a_new_hub_log_starts_the_board_over() -> None:
    """A snapshot whose seq went backwards (a new database) resets the replay guard."""
    model = JsonBoardModel(now=FakeClock(NOON))
    model.apply_snapshot(snapshot(500, []))
    assert model.apply_snapshot(snapshot(2, [call_event(2, ticket(1, "A-001", 1), 1, NOON)])) == []
    assert model.handled_seq == 2
    assert model.apply_event(call_event(3, ticket(2, "A-002", 1), 1, NOON)) is not None


def test_board_shows_only_its_counters() -> None:
    """Board floor1 (counters 1 and 2) keeps counter 1's call and drops counter 3's."""
    model = JsonBoardModel("floor1", now=FakeClock(NOON))
    model.apply_snapshot(snapshot(1, []))
    assert model.filter.counters == frozenset({1, 2}) and model.filter.name_en == "First floor"
    assert model.apply_event(call_event(2, ticket(1, "A-001", 1), 1, NOON)) is not None
    assert model.apply_event(call_event(3, ticket(2, "B-001", 2), 3, NOON)) is None
    assert [c.number for c in model.calls] == ["A-001"]
    assert model.handled_seq == 3  # skipped, but handled: a replay of it stays silent


def test_board_shows_only_its_services() -> None:
    """Board licences (service B) keeps B calls at any counter."""
    model = JsonBoardModel("licences", now=FakeClock(NOON))
    model.apply_snapshot(snapshot(1, []))
    assert model.apply_event(call_event(2, ticket(1, "A-001", 1), 1, NOON)) is None
    assert model.apply_event(call_event(3, ticket(2, "B-001", 2), 8, NOON)) is not None


def test_unknown_board_is_flagged_and_shows_everything() -> None:
    """A board name the hub does not know is reported; no call is lost meanwhile."""
    model = JsonBoardModel("floor9", now=FakeClock(NOON))
    model.apply_snapshot(snapshot(1, []))
    assert model.unknown_board
    assert model.apply_event(call_event(2, ticket(1, "A-001", 1), 5, NOON)) is not None


def test_recall_moves_the_ticket_to_the_top_once() -> None:
    """A recalled ticket is marked as a recall and is listed once, at the top."""
    model = JsonBoardModel(now=FakeClock(NOON))
    model.apply_snapshot(snapshot(1, []))
    model.apply_event(call_event(2, ticket(1, "A-001", 1), 1, NOON))
    model.apply_event(call_event(3, ticket(2, "A-002", 1), 2, NOON))
    recall = model.apply_event(call_event(4, ticket(1, "A-001", 1, recalls=1), 1, NOON, kind="ticket.recalled"))
    assert recall is not None and recall.recall
    assert [c.number for c in model.calls] == ["A-001", "A-002"]
    assert recall.announcement().recall


def test_yesterdays_calls_and_a_new_day_clear_the_board() -> None:
    """Calls of another business day are not shown; day.rolled empties the board."""
    model = JsonBoardModel(now=FakeClock(NOON))
    yesterday = call_event(2, ticket(1, "A-099", 1, day="2026-11-23"), 1, NOON - timedelta(days=1))
    today = call_event(3, ticket(2, "A-001", 1), 1, NOON)
    model.apply_snapshot(snapshot(3, [yesterday, today]))
    assert [c.number for c in model.calls] == ["A-001"]
    model.apply_event({"seq": 4, "type": "day.rolled", "at": NOON.isoformat(), "business_day": "2026-11-25",
                       "previous_business_day": DAY, "expired": 0, "closed_at_rollover": 0})
    assert list(model.calls) == [] and model.business_day == "2026-11-25"


def test_history_is_bounded() -> None:
    """A board that runs for months keeps a fixed number of calls."""
    model = JsonBoardModel(now=FakeClock(NOON), history=5)
    model.apply_snapshot(snapshot(0, []))
    for seq in range(1, 1001):
        model.apply_event(call_event(seq, ticket(seq, f"A-{seq % 999 + 1:03d}", 1), 1, NOON))
    assert len(model.calls) == 5 and model.handled_seq == 1000


@pytest.mark.parametrize(
    ("ticket_data", "counter_data"),
    [
        (ticket(1, "A-001", 1), None),
        (ticket(1, "A-001", 1), counter_brief_json(3, 10**9)),
        (ticket(1, "A-001", 1), counter_brief_json(3, 0)),
        (ticket(1, "", 1), counter(1)),
        (ticket(1, "\u202e\u2066 ", 1), counter(1)),
    ],
)
def test_calls_the_board_cannot_draw_are_skipped(ticket_data: dict[str, Any], counter_data: dict[str, Any] | None) -> None:
    """A call without a counter, with an absurd counter number or an empty ticket number is left out."""
    brief = CounterBrief.model_validate(counter_data) if counter_data is not None else None
    assert parse_call(7, NOON.isoformat(), Ticket.model_validate(ticket_data), brief, {}) is None


@pytest.mark.parametrize(
    "frame",
    [
        {"seq": "7", "type": "ticket.called", "ticket": ticket(1, "A-001", 1), "counter": counter(1)},
        {"seq": 7, "type": "ticket.called", "at": "x", "ticket": None, "counter": counter(1)},
        {"seq": 7, "type": "ticket.called", "at": "x", "ticket": ticket(1, "A-001", 1), "counter": {"number": "three"}},
        {"seq": 7, "type": "ticket.called", "at": "x", "ticket": {"id": True, "number": "A-001"}, "counter": counter(1)},
        {"seq": 7, "type": "ticket.called", "at": "x", "ticket": ["not", "a", "dict"], "counter": counter(1)},
    ],
)
def test_malformed_call_frames_never_reach_the_board(frame: dict[str, Any]) -> None:
    """Wrong-typed fields are refused by the contract's parse, before any board logic runs."""
    with pytest.raises(ValueError):
        parse_event(frame)


def test_hostile_values_are_shown_but_not_spoken() -> None:
    """A number that cannot be spoken is still shown; announcements() leaves it out."""
    model = JsonBoardModel(now=FakeClock(NOON))
    model.apply_snapshot(snapshot(1, []))
    bad = model.apply_event(call_event(2, ticket(1, "A-001\u202e<script>" * 3, 1), 1, NOON))
    good = model.apply_event(call_event(3, ticket(2, "A-002", 1), 1, NOON))
    assert bad is not None and good is not None
    assert len(bad.number) <= 16
    assert [spoken.ticket_number for _, spoken in announcements([bad, good])] == ["A-002"]


def test_unspeakable_counter_name_falls_back_to_the_number() -> None:
    """A counter name with a symbol is not spoken; the call still is, with the counter's number."""
    model = JsonBoardModel(now=FakeClock(NOON))
    model.apply_snapshot(snapshot(1, []))
    event = call_event(2, ticket(1, "A-001", 1), 4, NOON)
    event["counter"] = dict(event["counter"], name_ar="الشباك ★ الذهبي", name="Gold ★ desk")
    call = model.apply_event(event)
    assert call is not None and call.counter_name_ar == "الشباك ★ الذهبي"
    [(_, spoken)] = announcements([call])
    assert (spoken.ticket_number, spoken.counter_number, spoken.counter_name_ar, spoken.counter_name_en) == ("A-001", 4, None, None)


def test_bad_time_is_not_recent() -> None:
    """A call whose time cannot be read is never announced on a resync."""
    model = JsonBoardModel(now=FakeClock(NOON))
    model.apply_snapshot(snapshot(1, []))
    broken = call_event(2, ticket(1, "A-001", 1), 1, NOON)
    broken["at"] = "yesterday-ish"
    assert model.apply_snapshot(snapshot(2, [broken])) == []
    assert [c.number for c in model.calls] == ["A-001"]


@pytest.mark.parametrize("name", ["", " ", "a" * 65, "floor 1", "../etc", "فرع", "x\ny", 7])
def test_bad_board_names_are_refused(name: object) -> None:
    """Board names that cannot be a [boards] key are refused in both languages."""
    with pytest.raises(BoardError) as caught:
        check_board_name(name)
    assert caught.value.message_ar and caught.value.message_en


def test_bad_board_config_is_refused() -> None:
    """A boards entry whose counters are not numbers is not the contract's: the snapshot is refused whole."""
    model = JsonBoardModel("floor1", now=FakeClock(NOON))
    for bad in ({"counters": ["one"]}, "floor"):
        with pytest.raises(ValueError):
            model.apply_snapshot(snapshot(1, [], boards={"floor1": bad}))
    assert not model.loaded
    board = BoardFilter.from_config("floor1", Board(name_ar="الأول", name_en="First", counters=[1, 2], services=["A"]))
    assert (board.counters, board.services, board.name_ar) == (frozenset({1, 2}), frozenset({"A"}), "الأول")


@pytest.mark.parametrize("snapshot_value", [{"seq": -1}, {"seq": "5"}, {}, {**state_json(), "seq": -1}])
def test_unusable_snapshot_is_refused(snapshot_value: dict[str, Any]) -> None:
    """A snapshot without a proper seq raises ValueError and changes nothing."""
    model = JsonBoardModel(now=FakeClock(NOON))
    with pytest.raises(ValueError):
        model.apply_snapshot(snapshot_value)
    assert model.handled_seq == 0


def counter_holding(number: int, held: dict[str, Any] | None, called_at: datetime | None = None) -> dict[str, Any]:
    current = dict(held, called_at=called_at.isoformat()) if held is not None and called_at is not None else held
    return counter_json(number + 10, number, current_ticket=current)


def test_resync_skips_visitors_already_at_the_counter() -> None:
    """After a reconnect a missed call is said only while its visitor is still awaited (status called)."""
    clock = FakeClock(NOON)
    model = JsonBoardModel(now=clock)
    model.apply_snapshot(snapshot(1, []))
    served = ticket(1, "A-001", 1)
    awaited = ticket(2, "B-001", 2)
    calls = [call_event(2, served, 1, NOON), call_event(3, awaited, 3, NOON)]
    state = snapshot(5, calls)
    state["counters"] = [
        counter_holding(1, dict(served, status="serving"), NOON),
        counter_holding(3, dict(awaited, status="called"), NOON),
    ]
    clock.moment = NOON + timedelta(seconds=30)
    assert [c.number for c in model.apply_snapshot(state)] == ["B-001"]
    assert [c.number for c in model.calls] == ["B-001", "A-001"]


def test_resync_finds_an_awaited_visitor_older_than_the_recent_list() -> None:
    """A counter's called ticket that fell off the 12 recent calls is still shown and announced."""
    clock = FakeClock(NOON)
    model = JsonBoardModel(now=clock)
    model.apply_snapshot(snapshot(1, []))
    forgotten = ticket(100, "E-001", 3)
    recent = [call_event(10 + i, ticket(i + 1, f"A-{i + 1:03d}", 1), 1, NOON + timedelta(seconds=i)) for i in range(12)]
    state = snapshot(30, recent)
    state["counters"] = [
        counter_holding(6, dict(forgotten, status="called"), NOON - timedelta(seconds=5)),
        counter_holding(1, dict(recent[-1]["ticket"], status="called"), NOON + timedelta(seconds=11)),
    ]
    clock.moment = NOON + timedelta(seconds=40)
    announced = model.apply_snapshot(state)
    assert [c.number for c in announced] == ["E-001", "A-012"]
    assert announced[0].seq < 0 and announced[0].counter_number == 6
    assert [c.number for c in model.calls][:2] == ["A-012", "E-001"]  # on top while being called
    # The same state again: nothing more to say.
    assert model.apply_snapshot(state) == []

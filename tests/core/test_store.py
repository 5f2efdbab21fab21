"""The store: numbering, the lifecycle through real SQLite, rollover, the event log, lockout."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from pathlib import Path

import pytest

from core import commands, queries
from core.errors import BadInput, Forbidden, ImpossibleStep, NotFound, RateLimited, Unauthorized
from core.models import Priority
from core.store import Event, Store
from core.commands import open_store
from tests.support import Clock, demo_config


def login(store: Store, clerks: dict[str, int], counter_number: int, username: str = "clerk1") -> int:
    counter_id = store.catalogue.counters_by_number[counter_number].id
    result = store.call(commands.record_login, username, True, counter_id, None)
    assert not isinstance(result, Exception)
    return counter_id


def service_id(store: Store, code: str) -> int:
    return store.catalogue.services_by_code[code].id


def test_numbers_are_sequential_per_service(store: Store):
    """Each service numbers its own tickets from the start of its range."""
    a, b = service_id(store, "A"), service_id(store, "B")
    labels = [store.call(commands.issue_ticket, a)["number"] for _ in range(3)]
    labels.append(store.call(commands.issue_ticket, b)["number"])
    assert labels == ["A-001", "A-002", "A-003", "B-001"]


def test_issue_answer_has_the_contract_fields(store: Store):
    """An issued ticket carries id, number, service, day, priority, status, code, ahead and ETA."""
    ticket = store.call(commands.issue_ticket, service_id(store, "C"), Priority.ELDERLY)
    for key in ("id", "number", "service_id", "business_day", "priority", "status", "code", "issued_at", "ahead", "eta_seconds"):
        assert key in ticket
    assert ticket["priority"] == "elderly" and ticket["status"] == "waiting" and ticket["ahead"] == 0
    assert len(ticket["code"]) >= 16 and ticket["issued_at"].endswith("+03:00")


def test_daily_cap_and_disabled_service_are_refused(tmp_path: Path, clock: Clock):
    """The cap refuses the ticket after the last allowed one; a disabled service refuses at once."""
    config = demo_config()
    services = [s.model_copy(update={"daily_cap": 2}) if s.code == "A" else s for s in config.services]
    services = [s.model_copy(update={"enabled": False}) if s.code == "B" else s for s in services]
    with open_store(tmp_path / "db.sqlite", config.model_copy(update={"services": services}), clock=clock) as store:
        a = service_id(store, "A")
        store.call(commands.issue_ticket, a)
        store.call(commands.issue_ticket, a)
        with pytest.raises(ImpossibleStep) as capped:
            store.call(commands.issue_ticket, a)
        assert capped.value.code == "daily_cap_reached"
        with pytest.raises(ImpossibleStep) as disabled:
            store.call(commands.issue_ticket, service_id(store, "B"))
        assert disabled.value.code == "service_closed"
        reasons = {s["code"]: s["closed_reason"] for s in queries.get_services(store)}
        assert reasons["A"] == "daily_cap_reached" and reasons["B"] == "disabled" and reasons["C"] is None


def test_unknown_service_is_not_found(store: Store):
    """Issuing for a service that does not exist is a 404, not a crash."""
    with pytest.raises(NotFound):
        store.call(commands.issue_ticket, 9999)


def test_full_cycle_records_every_time(store: Store, clerks, clock: Clock):
    """call → start → finish stamps called, started and finished times and frees the counter."""
    counter = login(store, clerks, 1)
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    clock.advance(120)
    called = store.call(commands.call_next, counter, clerks["clerk1"])
    assert called["id"] == ticket["id"] and called["status"] == "called" and called["counter_number"] == 1
    clock.advance(30)
    assert store.call(commands.start, ticket["id"], counter)["status"] == "serving"
    clock.advance(300)
    done = store.call(commands.finish, ticket["id"], counter)
    assert done["status"] == "done" and done["clerk"] == "clerk1"
    snapshot = queries.state_snapshot(store)
    assert next(c for c in snapshot["counters"] if c["number"] == 1)["current_ticket"] is None
    assert store.recent_service_seconds[ticket["service_id"]][-1] == pytest.approx(300)


def test_impossible_steps_are_refused(store: Store, clerks):
    """Finishing a waiting ticket or starting a finished one is refused with 409 and changes nothing."""
    counter = login(store, clerks, 1)
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    seq = store.last_seq
    with pytest.raises(ImpossibleStep):
        store.call(commands.finish, ticket["id"], counter)
    assert store.last_seq == seq, "a refused step logs no event"
    assert queries.get_ticket(store, ticket["id"])["status"] == "waiting"


def test_call_next_while_serving_finishes_the_current(store: Store, clerks):
    """Pressing call-next while serving finishes that visitor and calls the next."""
    counter = login(store, clerks, 1)
    first = store.call(commands.issue_ticket, service_id(store, "A"))
    second = store.call(commands.issue_ticket, service_id(store, "A"))
    store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.start, first["id"], counter)
    assert store.call(commands.call_next, counter, clerks["clerk1"])["id"] == second["id"]
    assert queries.get_ticket(store, first["id"])["status"] == "done"


def test_call_next_while_called_is_refused(store: Store, clerks):
    """A called but unserved visitor must be started or marked absent before the next call."""
    counter = login(store, clerks, 1)
    store.call(commands.issue_ticket, service_id(store, "A"))
    store.call(commands.issue_ticket, service_id(store, "A"))
    store.call(commands.call_next, counter, clerks["clerk1"])
    with pytest.raises(ImpossibleStep) as refused:
        store.call(commands.call_next, counter, clerks["clerk1"])
    assert refused.value.code == "ticket_in_hand"


def test_recall_counts_and_no_show(store: Store, clerks):
    """Recall keeps the ticket called and counts; no-show ends it and frees the counter."""
    counter = login(store, clerks, 1)
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.recall, ticket["id"], counter)
    recalled = store.call(commands.recall, ticket["id"], counter)
    assert recalled["recalls"] == 2 and recalled["status"] == "called"
    assert store.call(commands.no_show, ticket["id"], counter)["status"] == "no_show"
    assert store.call(commands.call_next, counter, clerks["clerk1"]) is None


def test_missed_visitor_can_be_served_by_number(store: Store, clerks):
    """A visitor marked absent who comes back can be called again by their number."""
    counter = login(store, clerks, 1)
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.no_show, ticket["id"], counter)
    again = store.call(commands.call_number, counter, clerks["clerk1"], "a 1")
    assert again["id"] == ticket["id"] and again["status"] == "called"


def test_call_number_refusals(store: Store, clerks):
    """Unknown numbers, other services' numbers and gibberish each get their own clear refusal."""
    counter = login(store, clerks, 1)  # serves A and D
    store.call(commands.issue_ticket, service_id(store, "B"))
    with pytest.raises(NotFound):
        store.call(commands.call_number, counter, clerks["clerk1"], "A-500")
    with pytest.raises(ImpossibleStep) as wrong:
        store.call(commands.call_number, counter, clerks["clerk1"], "B-001")
    assert wrong.value.code == "wrong_service"
    for junk in ["", "'; DROP TABLE tickets;--", "Z-1", "A-x", "🎫"]:
        with pytest.raises(BadInput):
            store.call(commands.call_number, counter, clerks["clerk1"], junk)


def test_clerk_cannot_act_on_another_counters_ticket(store: Store, clerks):
    """A ticket held by counter 1 cannot be finished, recalled or transferred from counter 2."""
    one = login(store, clerks, 1, "clerk1")
    two = login(store, clerks, 2, "clerk2")
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    store.call(commands.call_next, one, clerks["clerk1"])
    for step in (commands.recall, commands.start, commands.no_show):
        with pytest.raises(Forbidden):
            store.call(step, ticket["id"], two)


def test_transfer_keeps_number_and_first_issue(store: Store, clerks, clock: Clock):
    """A transfer ends the entry and queues the visitor in the other service with the same number."""
    counter = login(store, clerks, 1)
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    clock.advance(600)
    store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.start, ticket["id"], counter)
    clock.advance(60)
    moved = store.call(commands.transfer, ticket["id"], counter, service_id(store, "C"))
    assert moved["number"] == ticket["number"] and moved["first_issued_at"] == ticket["issued_at"]
    assert moved["status"] == "waiting" and moved["service_id"] == service_id(store, "C")
    assert moved["transferred_from_service_id"] == ticket["service_id"] and moved["code"] == ticket["code"]
    assert queries.get_ticket(store, ticket["id"])["status"] == "transferred"
    # The visitor's phone page follows them to the new service.
    assert queries.public_ticket(store, ticket["code"])["service"]["code"] == "C"
    with pytest.raises(BadInput):
        store.call(commands.transfer, moved["id"], None, service_id(store, "C"))


def test_transferred_visitor_keeps_their_place(store: Store, clerks, clock: Clock):
    """In the new service a transfer is ordered by first issue, ahead of later arrivals."""
    one = login(store, clerks, 1, "clerk1")
    three = login(store, clerks, 3, "clerk2")  # serves B and C
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    clock.advance(60)
    later = store.call(commands.issue_ticket, service_id(store, "C"))
    store.call(commands.call_next, one, clerks["clerk1"])
    store.call(commands.start, ticket["id"], one)
    moved = store.call(commands.transfer, ticket["id"], one, service_id(store, "C"))
    assert store.call(commands.call_next, three, clerks["clerk2"])["id"] == moved["id"]
    assert later["id"] != moved["id"]


def test_priority_and_streak_through_the_store(store: Store, clerks):
    """The store applies the rule: priority first, then a normal one after two in a row."""
    counter = login(store, clerks, 1)
    a = service_id(store, "A")
    normal = store.call(commands.issue_ticket, a)
    priority = [store.call(commands.issue_ticket, a, Priority.DISABLED) for _ in range(3)]
    order = []
    for _ in range(4):
        called = store.call(commands.call_next, counter, clerks["clerk1"])
        order.append(called["id"])
        store.call(commands.start, called["id"], counter)
        store.call(commands.finish, called["id"], counter)
    assert order == [priority[0]["id"], priority[1]["id"], normal["id"], priority[2]["id"]]


def test_promotion_after_max_wait(store: Store, clerks, clock: Clock):
    """A normal visitor waiting past the max wait goes before a newly arrived priority visitor."""
    counter = login(store, clerks, 1)
    a = service_id(store, "A")
    old = store.call(commands.issue_ticket, a)
    clock.advance(31 * 60)  # the demo's A has a 30-minute max wait
    store.call(commands.issue_ticket, a, Priority.ELDERLY)
    assert store.call(commands.call_next, counter, clerks["clerk1"])["id"] == old["id"]


def test_ahead_and_eta(store: Store, clerks, clock: Clock):
    """People ahead counts priority visitors first; ETA divides by the open counters serving it."""
    a = service_id(store, "A")
    store.call(commands.issue_ticket, a)
    store.call(commands.issue_ticket, a)
    priority = store.call(commands.issue_ticket, a, Priority.PREGNANT)
    assert priority["ahead"] == 0
    assert priority["eta_seconds"] is None, "no counter open: no promise"
    login(store, clerks, 1)
    login(store, clerks, 2, "clerk2")
    last = store.call(commands.issue_ticket, a)
    assert last["ahead"] == 3
    assert last["eta_seconds"] == 3 * 7 * 60 // 2  # default 7 min for A, 2 counters open


def test_rollover_expires_waiting_and_restarts_numbering(store: Store, clerks, clock: Clock):
    """At the rollover hour waiting tickets expire and numbers start again at 001."""
    a = service_id(store, "A")
    login(store, clerks, 1)
    store.call(commands.issue_ticket, a)
    waiting = store.call(commands.issue_ticket, a)
    day_before = store.current_business_day
    clock.advance(17 * 3600 + 1)  # 10:00 → 03:00 the next morning
    fresh = store.call(commands.issue_ticket, a)
    assert fresh["number"] == "A-001" and fresh["business_day"] != day_before
    assert queries.get_ticket(store, waiting["id"])["status"] == "expired"
    types = [e.type for e in store.events_after(0, 10_000)]
    assert "day.rolled" in types and types.count("ticket.expired") == 2


def test_rollover_closes_what_the_counters_still_hold(store: Store, clerks, clock: Clock):
    """At the rollover a ticket being served is done and a called one a no-show, both at the day's end."""
    a, c = service_id(store, "A"), service_id(store, "C")
    first, third = login(store, clerks, 1), login(store, clerks, 3, "clerk2")
    serving = store.call(commands.issue_ticket, a)
    called = store.call(commands.issue_ticket, c)
    store.call(commands.call_next, first, clerks["clerk1"])
    store.call(commands.start, serving["id"], first)
    store.call(commands.call_next, third, clerks["clerk2"])
    seq_before = store.last_seq
    day_end = clock.now + 17 * 3600  # 03:00 the next morning
    clock.advance(17 * 3600 + 600)  # first command of the new day at 03:10
    store.call(commands.issue_ticket, a)
    done, absent = queries.get_ticket(store, serving["id"]), queries.get_ticket(store, called["id"])
    assert (done["status"], absent["status"]) == ("done", "no_show")
    assert done["finished_at"] == absent["finished_at"] == iso_at(store, day_end), "closed when the day ended"
    state = queries.state_snapshot(store)
    assert all(counter["current_ticket"] is None for counter in state["counters"])
    events = store.events_after(seq_before, 100)
    closing = [(e.type, e.payload["ticket"]["id"]) for e in events if e.payload.get("closed_at_rollover") is True]
    assert closing == [("ticket.finished", serving["id"]), ("ticket.no_show", called["id"])]
    rolled = next(e for e in events if e.type == "day.rolled")
    assert (rolled.payload["closed_at_rollover"], rolled.payload["expired"]) == (2, 0)


def test_a_ticket_closed_at_the_rollover_is_refused_steps_but_sent_on_once(store: Store, clerks, clock: Clock):
    """After the rollover yesterday's ticket refuses steps with a clear reason; its counter may transfer it once, into today."""
    a, b = service_id(store, "A"), service_id(store, "B")
    counter = login(store, clerks, 1)
    ticket = store.call(commands.issue_ticket, a)
    store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.start, ticket["id"], counter)
    clock.advance(17 * 3600 + 60)
    with pytest.raises(ImpossibleStep) as refused:
        store.call(commands.finish, ticket["id"], counter)
    assert refused.value.code == "closed_at_rollover" and "new ticket" in refused.value.message_en
    moved = store.call(commands.transfer, ticket["id"], counter, b)
    assert (moved["business_day"], moved["status"]) == (store.current_business_day, "waiting")
    assert queries.get_ticket(store, ticket["id"])["status"] == "done", "its own day's figures stay as closed"
    with pytest.raises(ImpossibleStep) as again:
        store.call(commands.transfer, ticket["id"], counter, service_id(store, "C"))
    assert again.value.code == "closed_at_rollover"
    assert [t["id"] for t in queries.list_tickets(store, "waiting", None)] == [moved["id"]]


def test_a_transfer_after_the_rollover_waits_on_the_new_day(store: Store, clerks, clock: Clock):
    """A transfer made after the rollover is dated on the new business day and listed as waiting."""
    a, b = service_id(store, "A"), service_id(store, "B")
    counter = login(store, clerks, 1)
    clock.advance(17 * 3600 + 60)
    ticket = store.call(commands.issue_ticket, a)
    store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.start, ticket["id"], counter)
    moved = store.call(commands.transfer, ticket["id"], counter, b)
    assert moved["business_day"] == store.current_business_day
    waiting = queries.list_tickets(store, "waiting", None)
    assert [t["id"] for t in waiting] == [moved["id"]]


def iso_at(store: Store, epoch: float) -> str:
    from core.views import iso

    return iso(epoch, store.catalogue)


def test_event_log_is_gapless_and_survives_refusals(store: Store, clerks):
    """Events are numbered 1, 2, 3 … without gaps even when commands in between are refused."""
    a = service_id(store, "A")
    for index in range(20):
        store.call(commands.issue_ticket, a)
        with pytest.raises(NotFound):
            store.call(commands.issue_ticket, 424242)
    seqs = [e.seq for e in store.events_after(0, 10_000)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) == 20


def test_listeners_have_the_events_before_the_callers_have_their_answers(store: Store):
    """The hub's boards must see a change no later than the device that made it."""
    a = service_id(store, "A")
    held, answers = threading.Event(), []
    store.submit(lambda tx: held.wait(10))  # the writer waits here while the next two are queued
    issued = [store.submit(commands.issue_ticket, a) for _ in range(2)]

    def listener(events) -> None:
        answers.append((len(events), [future.done() for future in issued]))

    store.add_listener(listener)
    try:
        held.set()
        for future in issued:
            future.result(timeout=10)
    finally:
        store.remove_listener(listener)
    assert answers == [(2, [False, False])]  # one batch, its events first, then its answers


def test_answers_awaited_on_a_loop_come_after_the_events_and_skip_who_gave_up(store: Store):
    """`submit_async`: results and refusals arrive on the caller's loop, after the listeners had
    the batch's events; a caller cancelled before its turn has its command skipped."""
    a = service_id(store, "A")
    seen: list[int] = []
    store.add_listener(lambda events: seen.extend(event.seq for event in events))

    async def scenario() -> None:
        held = threading.Event()
        store.submit(lambda tx: held.wait(10))
        issued = store.submit_async(commands.issue_ticket, a)
        refused = store.submit_async(commands.issue_ticket, 424242)
        given_up = store.submit_async(commands.issue_ticket, a)
        given_up.cancel()
        held.set()
        ticket = await issued
        assert seen, "the events reached the listener before the answer"
        assert ticket["number"] == "A-001"
        with pytest.raises(NotFound):
            await refused
        assert given_up.cancelled()
        assert (await store.submit_async(commands.issue_ticket, a))["number"] == "A-002"  # the cancelled one took no number

    asyncio.run(scenario())


def test_an_events_frame_text_is_its_frame_written_as_json(store: Store, clerks):
    """The frame reuses the payload's text as the log stored it: the same JSON as writing it anew."""
    a = service_id(store, "A")
    store.call(commands.issue_ticket, a)
    counter_id = login(store, clerks, 1)
    ticket = store.call(commands.call_next, counter_id, clerks["clerk1"])
    store.call(commands.no_show, ticket["id"], counter_id)
    store.call(commands.pause_counter, counter_id, "صلاة \"الظهر\" ☕")
    made: list[Event] = []
    store.add_listener(made.extend)
    try:
        store.call(commands.resume_counter, counter_id)
    finally:
        store.remove_listener(made.extend)
    events = [*store.events_after(0, 100), *made]
    events += [Event(1, "x.y", 0.0, {}, "{}"), Event(2, "x.y", 0.0, {"type": "own", "n": [1, {"a": None}]}, '{"type":"own","n":[1,{"a":null}]}')]
    assert any(event.payload_json for event in events) and any(event.payload_json is None for event in events)
    for event in events:
        text = event.frame_json("2026-11-24T10:00:00.000+03:00")
        assert text == json.dumps(event.frame("2026-11-24T10:00:00.000+03:00"), ensure_ascii=False, separators=(",", ":"))
        assert json.loads(text) == event.frame("2026-11-24T10:00:00.000+03:00")


def test_seq_continues_after_reopening(tmp_path: Path, clock: Clock):
    """A reopened store carries on from the last seq and the last number."""
    path = tmp_path / "db.sqlite"
    with open_store(path, demo_config(), clock=clock) as store:
        a = service_id(store, "A")
        store.call(commands.issue_ticket, a)
        last = store.last_seq
    with open_store(path, demo_config(), clock=clock) as store:
        assert store.last_seq == last
        assert store.call(commands.issue_ticket, a)["number"] == "A-002"
        assert store.last_seq == last + 1


def test_threads_never_duplicate_numbers_or_calls(store: Store, clerks):
    """Many threads issuing and eight counters calling at once: no number twice, no ticket called twice."""
    a = service_id(store, "A")
    counters = []
    for number, clerk in zip((1, 2, 7, 8), ("clerk1", "clerk2", "clerk3", "super")):
        counters.append((login(store, clerks, number, clerk), clerks[clerk]))
    issued, called, errors = [], [], []
    lock = threading.Lock()

    def issuer():
        for _ in range(50):
            ticket = store.call(commands.issue_ticket, a)
            with lock:
                issued.append(ticket["number"])

    def caller(counter_id, clerk_id):
        for _ in range(60):
            try:
                ticket = store.call(commands.call_next, counter_id, clerk_id)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
                return
            if ticket is None:
                continue
            with lock:
                called.append(ticket["id"])
            store.call(commands.start, ticket["id"], counter_id)

    threads = [threading.Thread(target=issuer) for _ in range(4)] + [threading.Thread(target=caller, args=c) for c in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(issued) == 200 and len(set(issued)) == 200
    assert len(called) == len(set(called)) > 0


def test_wrong_pin_opens_no_session(store: Store, clerks):
    """A login whose PIN was wrong answers wrong_pin and writes nothing (lockouts: tests/hub/test_pins.py)."""
    counter = store.catalogue.counters_by_number[1].id
    seq = store.last_seq
    assert isinstance(store.call(commands.record_login, "clerk1", False, counter, None), Unauthorized)
    assert isinstance(store.call(commands.record_login, "nobody", True, counter, None), Unauthorized)
    assert store.last_seq == seq
    assert store.call(commands.record_login, "clerk1", True, counter, None)["counter"]["status"] == "open"


def test_pause_resume_close(store: Store, clerks):
    """Pause needs a reason and an idle counter; a paused counter cannot call; resume reopens it."""
    counter = login(store, clerks, 1)
    with pytest.raises(BadInput):
        store.call(commands.pause_counter, counter, "  ")
    assert store.call(commands.pause_counter, counter, "prayer")["pause_reason"] == "prayer"
    with pytest.raises(ImpossibleStep) as paused:
        store.call(commands.call_next, counter, clerks["clerk1"])
    assert paused.value.code == "counter_paused"
    assert store.call(commands.resume_counter, counter)["status"] == "open"
    ticket = store.call(commands.issue_ticket, service_id(store, "A"))
    store.call(commands.call_next, counter, clerks["clerk1"])
    with pytest.raises(ImpossibleStep):
        store.call(commands.close_counter, counter)
    store.call(commands.no_show, ticket["id"], counter)
    assert store.call(commands.close_counter, counter)["status"] == "closed"


def test_one_counter_per_clerk(store: Store, clerks):
    """Logging in at a second counter ends the clerk's first session and closes that counter."""
    first = login(store, clerks, 1)
    login(store, clerks, 2)
    counters = {c["number"]: c for c in queries.state_snapshot(store)["counters"]}
    assert counters[1]["status"] == "closed" and counters[2]["status"] == "open"
    assert counters[2]["clerk"] == "clerk1" and first != counters[2]["id"]


def test_backup_is_a_complete_database(store: Store, tmp_path: Path):
    """The online backup holds every ticket and event written before it."""
    a = service_id(store, "A")
    for _ in range(10):
        store.call(commands.issue_ticket, a)
    target = tmp_path / "backup.sqlite"
    store.backup(target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 10
        assert copy.execute("SELECT MAX(seq) FROM events").fetchone()[0] == store.last_seq
    with pytest.raises(FileExistsError):
        store.backup(target)


def test_migrations_are_recorded(store: Store):
    """The schema version is a named, recorded migration."""
    with store.read() as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM migrations")]
    assert names == ["0001_initial", "0002_day_summaries", "0003_device_presence", "0004_simulated", "0005_audit_log", "0006_call_order", "0007_visitor_voice", "0008_appointments", "0010_voice_figures", "0012_remote_extra", "0013_checkin"]



def test_one_rating_per_ticket_and_scores_in_range(store: Store):
    """The schema itself refuses a second rating of a ticket and a score outside 1..5."""
    sid = service_id(store, "A")
    ticket, other = store.call(commands.issue_ticket, sid), store.call(commands.issue_ticket, sid)
    insert = (
        "INSERT INTO ratings (ticket_id, business_day, service_id, score, source, at)"
        " VALUES (?, '2026-12-01', ?, ?, 'phone', 0)"
    )
    with sqlite3.connect(store.path) as conn:
        conn.execute(insert, (ticket["id"], sid, 5))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(insert, (ticket["id"], sid, 4))
        for score in (0, 6):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(insert, (other["id"], sid, score))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO visitor_feedback (reference, kind, business_day, source, created_at, updated_at)"
                " VALUES ('R1', 'praise', '2026-12-01', 'phone', 0, 0)"
            )


def test_listed_waiting_tickets_carry_their_place_in_a_fixed_number_of_queries(store: Store, clerks, clock: Clock):
    """`GET /tickets`' places match `ahead_of` row by row, and a longer line costs no more queries."""
    from core.views import TICKET_SELECT, ahead_of

    a, b = service_id(store, "A"), service_id(store, "B")
    counter = login(store, clerks, 1)
    priorities = [Priority.NORMAL, Priority.ELDERLY, Priority.NORMAL, Priority.DISABLED, Priority.NORMAL]

    def issue(count: int) -> None:
        for n in range(count):
            clock.advance(1)
            store.call(commands.issue_ticket, (a, b)[n % 2], priorities[n % len(priorities)])

    def statements_to_list(**filters) -> tuple[int, list[dict]]:
        conn = store._reader().conn
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        try:
            listed = queries.list_tickets(store, "waiting", filters.get("service"))
        finally:
            conn.set_trace_callback(None)
        return sum(1 for sql in seen if sql.lstrip().upper().startswith("SELECT")), listed

    issue(12)
    store.call(commands.call_next, counter, clerks["clerk1"])  # the line moves: places must follow
    few, listed = statements_to_list()
    issue(40)
    many, listed_more = statements_to_list()
    assert few == many, f"{few} queries for 11 waiting, {many} for 51"
    for listed_now in (listed_more, statements_to_list(service=a)[1]):
        assert listed_now and all(t["status"] == "waiting" for t in listed_now)
        for ticket in listed_now:
            with store.read() as conn:
                row = conn.execute(f"{TICKET_SELECT} WHERE t.id = ?", (ticket["id"],)).fetchone()
                assert ticket["ahead"] == ahead_of(conn, row), ticket["number"]
            assert ticket["eta_seconds"] == queries.get_ticket(store, ticket["id"], with_history=False)["eta_seconds"]
    aheads_a = sorted(t["ahead"] for t in listed_more if t["service_id"] == a)
    assert aheads_a == list(range(len(aheads_a))), "each place in a service's line is held once"

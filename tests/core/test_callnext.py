"""The call-next rule: priority, promotion, the streak limit, fifo and ordered counters."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import commands
from core.callnext import choose_next, queue_fronts
from core.commands import open_store
from core.models import CallMode, Candidate, Priority, ServiceId, TicketId
from core.store import Tx
from tests.support import Clock, demo_config

A, B, C = ServiceId(1), ServiceId(2), ServiceId(3)
NOW = 10_000.0


def ticket(ticket_id: int, service: ServiceId = A, priority: Priority = Priority.NORMAL, waited: float = 60, max_wait: int | None = 1800) -> Candidate:
    return Candidate(TicketId(ticket_id), service, priority, NOW - waited, max_wait)


def pick(candidates, services=(A,), mode=CallMode.FIFO, streak=0, limit=2):
    return choose_next(candidates, list(services), mode, streak, limit, NOW)


def test_nobody_waiting_gives_none():
    """An empty queue, or only tickets of other services, gives no ticket."""
    assert pick([]) is None
    assert pick([ticket(1, service=B)], services=(A,)) is None


def test_fifo_takes_the_earliest_issue():
    """fifo takes the ticket issued first across the counter's services."""
    choice = pick([ticket(1, A, waited=100), ticket(2, B, waited=300), ticket(3, A, waited=200)], services=(A, B))
    assert choice.candidate.ticket_id == 2


def test_ordered_takes_the_first_service_with_someone_waiting():
    """ordered serves the first service in the counter's list before looking at the next."""
    candidates = [ticket(1, A, waited=100), ticket(2, B, waited=900)]
    assert pick(candidates, services=(A, B), mode=CallMode.ORDERED).candidate.ticket_id == 1
    assert pick(candidates, services=(B, A), mode=CallMode.ORDERED).candidate.ticket_id == 2
    assert pick([ticket(2, B, waited=900)], services=(A, B), mode=CallMode.ORDERED).candidate.ticket_id == 2


def test_priority_goes_before_earlier_normal_tickets():
    """An elderly visitor who just arrived is called before normal visitors who waited longer."""
    choice = pick([ticket(1, waited=600), ticket(2, priority=Priority.ELDERLY, waited=5)])
    assert choice.candidate.ticket_id == 2
    assert choice.priority_streak == 1


def test_streak_limit_lets_a_normal_ticket_through():
    """After K priority calls in a row, a waiting normal ticket is taken and the streak resets."""
    candidates = [ticket(1, waited=600), ticket(2, priority=Priority.DISABLED, waited=5)]
    choice = pick(candidates, streak=2, limit=2)
    assert choice.candidate.ticket_id == 1
    assert choice.priority_streak == 0


def test_streak_limit_does_not_block_priority_when_no_normal_waits():
    """With only priority visitors waiting the limit does not leave them standing."""
    choice = pick([ticket(2, priority=Priority.PREGNANT)], streak=5, limit=2)
    assert choice.candidate.ticket_id == 2
    assert choice.priority_streak == 6


def test_zero_limit_means_no_limit():
    """A limit of 0 switches the streak rule off."""
    choice = pick([ticket(1, waited=600), ticket(2, priority=Priority.ELDERLY)], streak=50, limit=0)
    assert choice.candidate.ticket_id == 2


def test_normal_ticket_past_max_wait_is_promoted():
    """A normal ticket that waited past the service's max wait ranks with priority tickets, by time."""
    overdue = ticket(1, waited=2000, max_wait=1800)
    fresh_priority = ticket(2, priority=Priority.ELDERLY, waited=10)
    choice = pick([overdue, fresh_priority, ticket(3, waited=100)])
    assert choice.candidate.ticket_id == 1
    assert choice.promoted is True
    assert choice.priority_streak == 0


def test_no_max_wait_means_no_promotion():
    """A service without a max wait never promotes."""
    choice = pick([ticket(1, waited=99_999, max_wait=None), ticket(2, priority=Priority.APPOINTMENT, waited=1)])
    assert choice.candidate.ticket_id == 2


def test_ties_are_broken_by_ticket_id():
    """Two tickets issued in the same instant go in issue order."""
    assert pick([ticket(7, waited=10), ticket(3, waited=10)]).candidate.ticket_id == 3


def appointment(ticket_id: int, service: ServiceId = A, slot_in: float = 0, checked_in_ago: float = 600) -> Candidate:
    """An appointment ticket whose slot begins `slot_in` seconds from NOW (negative: begun)."""
    return Candidate(TicketId(ticket_id), service, Priority.APPOINTMENT, NOW - checked_in_ago, 1800, NOW + slot_in)


def test_an_appointment_at_its_slot_goes_before_earlier_walk_ins():
    """Once its slot has begun the appointment is called before walk-ins who came before it."""
    choice = pick([ticket(1, waited=900), appointment(2, slot_in=-30, checked_in_ago=300)])
    assert choice.candidate.ticket_id == 2
    assert choice.priority_streak == 0 and not choice.promoted


def test_an_appointment_before_its_slot_waits_behind_walk_ins():
    """Checked in early, the appointment does not jump walk-ins before its time."""
    assert pick([ticket(1, waited=60), appointment(2, slot_in=600)]).candidate.ticket_id == 1


def test_an_idle_counter_takes_an_early_appointment():
    """With nobody else waiting, a counter does not sit idle until the slot begins."""
    assert pick([appointment(2, slot_in=600)]).candidate.ticket_id == 2


def test_a_walk_in_past_max_wait_goes_before_an_appointment():
    """Appointments never hold back a walk-in who waited past the service's max wait."""
    choice = pick([appointment(2, slot_in=-600), ticket(1, waited=1900, max_wait=1800)])
    assert choice.candidate.ticket_id == 1 and choice.promoted


def test_elderly_keep_their_place_before_appointments():
    """A priority walk-in (elderly, disabled, pregnant) is still called first."""
    assert pick([appointment(2, slot_in=-600), ticket(1, priority=Priority.ELDERLY, waited=5)]).candidate.ticket_id == 1


def test_earliest_slot_first_across_services():
    """Among appointments whose slot began, fifo takes the earliest slot, whatever the check-in order."""
    choice = pick([appointment(1, A, slot_in=-60, checked_in_ago=2000), appointment(2, B, slot_in=-300, checked_in_ago=10)], services=(A, B))
    assert choice.candidate.ticket_id == 2
    ordered = pick([appointment(1, A, slot_in=-60), appointment(2, B, slot_in=-300)], services=(A, B), mode=CallMode.ORDERED)
    assert ordered.candidate.ticket_id == 1


def test_appointments_leave_the_streak_as_it_was():
    """An appointment neither adds to the priority streak nor ends it."""
    assert pick([appointment(2, slot_in=-60), ticket(1, waited=60)], streak=1).priority_streak == 1


def test_a_full_streak_takes_overdue_walk_ins_then_appointments_then_walk_ins():
    """After the streak limit: a walk-in past max wait, else a due appointment, else the earliest walk-in."""
    elderly = ticket(9, priority=Priority.ELDERLY, waited=5000)
    overdue = ticket(1, waited=1900, max_wait=1800)
    plain = ticket(3, waited=60)
    due = appointment(2, slot_in=-60)
    assert pick([elderly, overdue, due, plain], streak=2, limit=2).candidate.ticket_id == 1
    assert pick([elderly, due, plain], streak=2, limit=2).candidate.ticket_id == 2
    assert pick([elderly, appointment(2, slot_in=60), plain], streak=2, limit=2).candidate.ticket_id == 3


candidate_lists = st.lists(
    st.builds(
        Candidate,
        ticket_id=st.integers(1, 10_000).map(TicketId),
        service_id=st.sampled_from([A, B, C]),
        priority=st.sampled_from(list(Priority)),
        queued_at=st.floats(0, NOW),
        max_wait_seconds=st.one_of(st.none(), st.integers(60, 7200)),
    ),
    max_size=40,
    unique_by=lambda c: c.ticket_id,
)


@settings(max_examples=300, deadline=None)
@given(candidates=candidate_lists, services=st.lists(st.sampled_from([A, B, C]), min_size=1, max_size=3, unique=True),
       mode=st.sampled_from(list(CallMode)), streak=st.integers(0, 5), limit=st.integers(0, 4))
def test_rule_invariants(candidates, services, mode, streak, limit):
    """For any queue: the choice is one of the counter's waiting tickets, and the rule's promises hold."""
    choice = choose_next(candidates, services, mode, streak, limit, NOW)
    mine = [c for c in candidates if c.service_id in services]
    if not mine:
        assert choice is None
        return
    chosen = choice.candidate
    assert chosen in mine
    normals = [c for c in mine if not c.priority.is_priority]
    if limit and streak >= limit and normals:
        assert not chosen.priority.is_priority, "the streak limit lets a normal ticket through"
    if chosen.priority.is_priority:
        assert choice.priority_streak == streak + 1
    else:
        assert choice.priority_streak == 0
    if mode is CallMode.FIFO:
        same_rank = [c for c in mine if c.priority.is_priority == chosen.priority.is_priority and not choice.promoted]
        if same_rank and not any(c.max_wait_seconds is not None and NOW - c.queued_at >= c.max_wait_seconds for c in normals):
            assert chosen.queued_at == min(c.queued_at for c in same_rank)


def _same(first, second) -> bool:
    if first is None or second is None:
        return first is second
    return (first.candidate, first.priority_streak, first.promoted) == (second.candidate, second.priority_streak, second.promoted)


queues = st.tuples(
    st.fixed_dictionaries({A: st.one_of(st.none(), st.integers(60, 7200)), B: st.one_of(st.none(), st.integers(60, 7200)),
                           C: st.one_of(st.none(), st.integers(60, 7200))}),
    st.lists(st.tuples(st.sampled_from([A, B, C]), st.sampled_from(list(Priority)), st.sampled_from([0.0, 30.0, 61.0, 600.0, 5000.0, NOW]),
                       st.sampled_from([None, None, -900.0, -60.0, 0.0, 60.0, 600.0])),
             max_size=60),
)


@settings(max_examples=300, deadline=None)
@given(queue=queues, services=st.lists(st.sampled_from([A, B, C]), min_size=1, max_size=3, unique=True),
       mode=st.sampled_from(list(CallMode)), streak=st.integers(0, 5), limit=st.integers(0, 4))
def test_the_front_of_each_queue_is_all_the_rule_needs(queue, services, mode, streak, limit):
    """Per service, the earliest normal and the earliest priority walk-in and the earliest-slot
    appointment give the very choice that every waiting ticket gives (the max wait is the
    service's, as in the store)."""
    max_wait, tickets = queue
    candidates = [Candidate(TicketId(n + 1), service, Priority.APPOINTMENT if slot is not None else priority, NOW - waited,
                            max_wait[service], None if slot is None else NOW + slot)
                  for n, (service, priority, waited, slot) in enumerate(tickets)]
    fronts = queue_fronts([c for c in candidates if c.service_id in services])
    assert len(fronts) <= 3 * len(services)
    assert _same(choose_next(fronts, services, mode, streak, limit, NOW), choose_next(candidates, services, mode, streak, limit, NOW))


@pytest.fixture(scope="module")
def queue_store(tmp_path_factory):
    with open_store(tmp_path_factory.mktemp("queues") / "db.sqlite", demo_config(), clock=Clock(1_795_500_000.0)) as store:
        yield store


def _full_scan(tx: Tx, service_ids: list) -> list[Candidate]:
    """The candidates as call-next read them before: every waiting ticket of the services."""
    placeholders = ",".join("?" * len(service_ids))
    rows = tx.all(
        f"SELECT id, service_id, priority, first_issued_at, slot_start FROM tickets WHERE status = 'waiting' AND service_id IN ({placeholders})",
        tuple(service_ids),
    )
    return [Candidate(r["id"], r["service_id"], Priority(r["priority"]), r["first_issued_at"], tx.catalogue.services[r["service_id"]].max_wait_seconds,
                      r["slot_start"])
            for r in rows]


def _both_choices(tx: Tx, tickets, services, mode, streak, limit):
    """Replace the queue with `tickets`, then choose from the indexed fronts and from a full scan."""
    tx.conn.execute("UPDATE tickets SET status = 'expired' WHERE status = 'waiting'")
    day = tx.business_day
    for n, (service, priority, waited, status, slot) in enumerate(tickets):
        if slot is not None:
            priority = Priority.APPOINTMENT
        tx.conn.execute(
            "INSERT INTO tickets (service_id, business_day, number, label, priority, status, code, issued_at, first_issued_at, slot_start) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (service, day, n + 1, f"Q-{n + 1}", priority.value, status, f"code-{tx.now}-{n}", tx.now, tx.now - waited,
             None if slot is None else tx.now + slot),
        )
    fronts = commands.queue_fronts_of(tx, services)
    everyone = _full_scan(tx, services)
    return (choose_next(fronts, services, mode, streak, limit, tx.now),
            choose_next(everyone, services, mode, streak, limit, tx.now), len(fronts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_indexed_queries_choose_as_the_full_scan_did(queue_store, data):
    """On random queues in a real SQLite file, appointment tickets among them, the candidates
    found by the index give the same choice as reading every waiting ticket, and there are at
    most three per service."""
    ids = sorted(queue_store.catalogue.services)
    services = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    tickets = data.draw(st.lists(
        st.tuples(st.sampled_from(ids), st.sampled_from(list(Priority)), st.sampled_from([0.0, 5.0, 5.0, 900.0, 1800.0, 3600.0, 20_000.0]),
                  st.sampled_from(["waiting", "waiting", "waiting", "called", "done"]),
                  st.sampled_from([None, None, None, -1200.0, -60.0, 0.0, 300.0, 1500.0])),
        max_size=80,
    ))
    mode = data.draw(st.sampled_from(list(CallMode)))
    streak, limit = data.draw(st.integers(0, 4)), data.draw(st.integers(0, 3))
    indexed, scanned, fronts = queue_store.call(_both_choices, tickets, services, mode, streak, limit)
    assert fronts <= 3 * len(services)
    assert _same(indexed, scanned)


def test_the_queue_front_query_walks_the_index():
    """SQLite answers each front with one step in `tickets_call_order`: no scan, no sort."""
    import sqlite3

    from core.migrations import migrate
    import sqlite_utils

    db = sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))
    migrate(db)
    plan = " ".join(row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + commands._QUEUE_FRONT, (1, 1)))
    assert "USING INDEX tickets_call_order" in plan and "TEMP B-TREE" not in plan
    plan = " ".join(row[3] for row in db.conn.execute("EXPLAIN QUERY PLAN " + commands._APPOINTMENT_FRONT, (1,)))
    assert "USING INDEX tickets_appointment_order" in plan and "TEMP B-TREE" not in plan

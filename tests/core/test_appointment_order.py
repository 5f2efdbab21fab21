"""Random days in a real SQLite store: walk-ins (some elderly), bookings checked in early, on
time and late, counters calling as they come free. Whatever the day, a counter is never left
free while anyone waits for it, an appointment ticket past its slot and grace is never passed
over for a plain walk-in (only for a priority walk-in or one past its max wait), and an
appointment is never called while a walk-in has waited past the service's max wait."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import commands
from core.appointments import AppointmentsConfig
from core.bookings import CODE_ALPHABET
from core.checkin import check_in
from core.commands import open_store
from core.models import Priority
from core.store import Tx
from tests.support import CLERKS, Clock, demo_config

START = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Riyadh")).timestamp()
SLOT = 15 * 60
COUNTER_SERVICES = {1: ("A", "D"), 2: ("A", "D"), 7: ("F", "A")}  # the demo centre's
SETTINGS = AppointmentsConfig()  # the demo centre names none: the defaults apply


@dataclass(frozen=True)
class Day:
    counters: tuple[int, ...]
    walk_ins: list[tuple[float, str, Priority]]  # arrival (s after opening), service, priority
    bookings: list[tuple[int, str, float]]  # slot number (15 min each), service, arrival relative to the slot
    service_seconds: list[int]


@st.composite
def days(draw) -> Day:
    counters = tuple(sorted(draw(st.sets(st.sampled_from(sorted(COUNTER_SERVICES)), min_size=1, max_size=3))))
    services = sorted({code for number in counters for code in COUNTER_SERVICES[number]})
    walk_ins = draw(st.lists(st.tuples(
        st.floats(0, 3 * 3600), st.sampled_from(services),
        st.sampled_from([Priority.NORMAL] * 6 + [Priority.ELDERLY, Priority.DISABLED]),
    ), min_size=1, max_size=35))
    bookings = draw(st.lists(st.tuples(
        st.integers(1, 10), st.sampled_from(services), st.floats(-40 * 60, 15 * 60),
    ), max_size=12))
    service_seconds = draw(st.lists(st.integers(60, 900), min_size=1, max_size=20))
    return Day(counters, walk_ins, bookings, service_seconds)


def observed_call(tx: Tx, counter_id: int, clerk_id: int):
    """Call-next, and the waiting tickets of the counter's services just before it chose."""
    services = tx.catalogue.counters[counter_id].service_ids
    marks = ",".join("?" * len(services))
    waiting = [dict(row) for row in tx.all(
        f"SELECT id, service_id, priority, first_issued_at, slot_start FROM tickets WHERE status = 'waiting' AND service_id IN ({marks})",
        tuple(services),
    )]
    return waiting, commands.call_next(tx, counter_id, clerk_id)


def add_bookings(tx: Tx, bookings: list[tuple[int, str, float]]) -> list[tuple[str, float]]:
    """The day's bookings (as the booking store writes them); their codes and the visitors' arrival times."""
    arrivals = []
    for index, (slot_number, service, relative) in enumerate(bookings):
        slot_start = START + slot_number * SLOT
        code = "DAYS" + "".join(CODE_ALPHABET[index // 31**k % 31] for k in range(6))
        tx.conn.execute(
            "INSERT INTO bookings (code, service_id, slot_day, slot_start, slot_minutes, mobile, source, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 15, '0500000000', 'web', ?, ?)",
            (code, tx.catalogue.services_by_code[service].id, tx.business_day, slot_start, tx.now, tx.now),
        )
        arrivals.append((code, slot_start + relative))
    return arrivals


class Rules:
    """The two promises, checked at every call against what was waiting."""

    def __init__(self, store) -> None:
        self.max_wait = {sid: s.max_wait_seconds for sid, s in store.catalogue.services.items()}
        self.calls = 0
        self.appointment_calls = 0

    def overdue_walk_in(self, row, now: float) -> bool:
        limit = self.max_wait[row["service_id"]]
        return row["slot_start"] is None and row["priority"] == "normal" and limit is not None and now - row["first_issued_at"] >= limit

    def check(self, waiting: list[dict], chosen: dict, now: float) -> None:
        self.calls += 1
        row = next(r for r in waiting if r["id"] == chosen["id"])
        is_appointment = row["slot_start"] is not None
        late = [r for r in waiting if r["slot_start"] is not None and now > r["slot_start"] + SETTINGS.grace_minutes * 60]
        if late and not is_appointment:
            protected = row["priority"] != "normal" or self.overdue_walk_in(row, now)
            assert protected, f"a plain walk-in {row} was called while appointments past their grace waited: {late}"
        if is_appointment:
            self.appointment_calls += 1
            overdue = [r for r in waiting if self.overdue_walk_in(r, now)]
            assert not overdue, f"appointment {row} was called while walk-ins waited past max wait: {overdue}"
            if row["slot_start"] > now:
                others = [r for r in waiting if r["id"] != row["id"] and (r["slot_start"] is None or r["slot_start"] <= now)]
                assert not others, f"appointment {row} was called before its slot while {others} waited"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(day=days())
def test_appointments_on_time_and_walk_ins_never_starved(day: Day, clerk_pin_hashes):
    """On a random day the call order keeps both promises at every call, and the hall empties."""
    clock = Clock(START)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "day.sqlite", demo_config(), clock=clock) as store:
        clerk_ids = {}
        for number, username in zip(day.counters, ("clerk1", "clerk2", "clerk3")):
            clerk_ids[number] = store.call(commands.add_clerk, username, CLERKS[username][1], clerk_pin_hashes[username])
            store.call(commands.record_login, username, True, store.catalogue.counters_by_number[number].id, None)
        booking_arrivals = store.call(add_bookings, day.bookings)
        arrivals = sorted(
            [(START + at, "walk_in", (service, priority)) for at, service, priority in day.walk_ins]
            + [(at, "check_in", code) for code, at in booking_arrivals],
            key=lambda item: item[0],
        )
        rules = Rules(store)
        busy: dict[int, tuple[float, int] | None] = {number: None for number in day.counters}
        served = 0
        while arrivals or any(busy.values()):
            times = [arrivals[0][0]] if arrivals else []
            times += [state[0] for state in busy.values() if state is not None]
            clock.now = max(clock.now, min(times))
            while arrivals and arrivals[0][0] <= clock.now:
                _, kind, what = arrivals.pop(0)
                if kind == "walk_in":
                    store.call(commands.issue_ticket, store.catalogue.services_by_code[what[0]].id, what[1])
                    continue
                answer = store.call(check_in, what)
                if answer["outcome"] == "too_early":  # they come back when check-in opens
                    arrivals.append((datetime.fromisoformat(answer["opens_at"]).timestamp(), "check_in", what))
                    arrivals.sort(key=lambda item: item[0])
                elif answer["outcome"] == "late":  # and take the normal ticket offered
                    assert store.call(check_in, what, None, True)["outcome"] == "walk_in"
            for number in day.counters:
                counter_id = store.catalogue.counters_by_number[number].id
                state = busy[number]
                if state is not None and state[0] <= clock.now:
                    store.call(commands.finish, state[1], counter_id)
                    busy[number] = state = None
                if state is None:
                    waiting, ticket = store.call(observed_call, counter_id, clerk_ids[number])
                    # A counter is left free only when nobody waits for it (early appointments too).
                    assert ticket is not None or waiting == [], f"counter {number} stayed free while {waiting} waited"
                    if ticket is not None:
                        rules.check(waiting, ticket, clock.now)
                        store.call(commands.start, ticket["id"], counter_id)
                        busy[number] = (clock.now + day.service_seconds[served % len(day.service_seconds)], ticket["id"])
                        served += 1
        with store.read() as conn:
            left = conn.execute("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'").fetchone()[0]
            appointment_tickets = conn.execute("SELECT COUNT(*) FROM tickets WHERE slot_start IS NOT NULL").fetchone()[0]
    assert left == 0, "every visitor was called by the end of the day"
    assert rules.calls == served == len(day.walk_ins) + len(day.bookings)
    assert rules.appointment_calls == appointment_tickets

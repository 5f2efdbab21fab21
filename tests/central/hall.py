"""A working day in a real hub store, driven through its own commands with a settable clock.

Every step a hall takes is there: priority visitors, calls, recalls, service, no-shows and a
visitor called back by number, a transfer to another service, a cancellation, and visitors
left waiting at closing (expired at the next rollover) or still at a counter.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from core import commands
from core.models import Priority
from core.store import Store
from tests.support import Clock

PRIORITIES = [Priority.NORMAL] * 8 + [Priority.ELDERLY, Priority.DISABLED]


def log_in(store: Store, counters: dict[int, str]) -> dict[int, tuple[int, int]]:
    """Log clerks in at counters (number → user name); answer number → (counter id, clerk id)."""
    opened = {}
    for number, username in counters.items():
        counter_id = store.catalogue.counters_by_number[number].id
        answer = store.call(commands.record_login, username, True, counter_id, None)
        with store.read() as conn:
            clerk_id = conn.execute("SELECT id FROM clerks WHERE username = ?", (username,)).fetchone()[0]
        opened[number] = (counter_id, clerk_id)
        assert "token" in answer
    return opened


def play_day(
    store: Store, clock: Clock, rng: random.Random, visitors: int, *, leave_open: bool = False, left_waiting: int = 0,
    clerks: tuple[str, str, str] = ("clerk1", "clerk2", "super"),
) -> None:
    """A day of `visitors` tickets at counters 1, 3 and 8 (the last clerk a supervisor); integer-second steps."""
    counters = log_in(store, dict(zip((1, 3, 8), clerks)))
    services = [s.id for s in store.catalogue.services.values() if s.code in ("A", "B", "C", "D")]
    issued = 0
    absent: list[str] = []
    transferred = cancelled = False
    while issued < visitors:
        for _ in range(rng.randint(1, 3)):
            if issued < visitors:
                ticket = store.call(commands.issue_ticket, rng.choice(services), rng.choice(PRIORITIES))
                issued += 1
                if not cancelled and issued == 5:
                    store.call(commands.cancel, ticket["id"])
                    cancelled = True
        clock.advance(rng.randint(20, 90))
        for number, (counter_id, clerk_id) in counters.items():
            ticket = store.call(commands.call_next, counter_id, clerk_id)
            if ticket is None:
                continue
            clock.advance(rng.randint(5, 40))
            roll = rng.random()
            if roll < 0.08:
                store.call(commands.no_show, ticket["id"], counter_id)
                absent.append(ticket["number"])
                continue
            if roll < 0.15:
                store.call(commands.recall, ticket["id"], counter_id)
                clock.advance(rng.randint(5, 20))
            store.call(commands.start, ticket["id"], counter_id)
            clock.advance(rng.randint(60, 400))
            if not transferred and number == 1 and roll > 0.5:
                other = next(s for s in services if s != ticket["service_id"])
                store.call(commands.transfer, ticket["id"], counter_id, other)
                transferred = True
            else:
                store.call(commands.finish, ticket["id"], counter_id)
        if absent and rng.random() < 0.3:
            counter_id, clerk_id = counters[8]
            label = absent.pop(0)
            try:
                back = store.call(commands.call_number, counter_id, clerk_id, label)
            except Exception:
                continue
            clock.advance(rng.randint(10, 30))
            store.call(commands.start, back["id"], counter_id)
            clock.advance(rng.randint(60, 200))
            store.call(commands.finish, back["id"], counter_id)
    for _ in range(left_waiting):  # still waiting at closing: they expire at the rollover
        store.call(commands.issue_ticket, rng.choice(services), Priority.NORMAL)
    if leave_open:
        counter_id, clerk_id = counters[3]
        held = store.call(commands.call_next, counter_id, clerk_id)
        if held is not None:
            store.call(commands.start, held["id"], counter_id)
    # Close the counters that are free (one with a visitor stays open).
    for counter_id, _ in counters.values():
        try:
            store.call(commands.close_counter, counter_id)
        except Exception:
            pass


def next_morning(clock: Clock, tz) -> None:
    """Move the clock to 09:00 the next day (past the 03:00 rollover)."""
    now = datetime.fromtimestamp(clock.now, tz=tz)
    morning = (now + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    clock.now = morning.timestamp()

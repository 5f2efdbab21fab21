"""Invariants of the store under random sequences of operations (hypothesis state machine)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from core import commands, queries
from core.errors import TabourError
from core.models import Priority, Role
from core.commands import open_store
from tests.support import Clock, demo_config

PIN_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


class HallMachine(RuleBasedStateMachine):
    """Kiosks issue, counters call, serve, transfer and pause, the clock jumps past midnight."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.clock = Clock(1_795_000_000.0)
        self.store = open_store(Path(self.folder.name) / "db.sqlite", demo_config(), clock=self.clock)
        self.counters = {}
        for number, name in ((1, "a"), (3, "b"), (8, "c")):
            clerk = self.store.call(commands.add_clerk, name, Role.CLERK, PIN_HASH)
            counter = self.store.catalogue.counters_by_number[number].id
            self.store.call(commands.record_login, name, True, counter, None)
            self.counters[counter] = clerk
        self.services = list(self.store.catalogue.services)

    def teardown(self) -> None:
        self.store.close()
        self.folder.cleanup()

    def _try(self, command, *args):
        try:
            return self.store.call(command, *args)
        except TabourError:
            return None

    def _current(self, counter):
        counters = {c["id"]: c for c in queries.state_snapshot(self.store)["counters"]}
        return counters[counter]["current_ticket"]

    @rule(service=st.integers(0, 5), priority=st.sampled_from(list(Priority)))
    def issue(self, service, priority):
        self._try(commands.issue_ticket, self.services[service], priority)

    @rule(counter=st.sampled_from([0, 1, 2]))
    def call_next(self, counter):
        counter_id = list(self.counters)[counter]
        self._try(commands.call_next, counter_id, self.counters[counter_id])

    @rule(counter=st.sampled_from([0, 1, 2]), step=st.sampled_from(["start", "finish", "no_show", "recall"]))
    def step(self, counter, step):
        counter_id = list(self.counters)[counter]
        current = self._current(counter_id)
        if current is not None:
            self._try(getattr(commands, step), current["id"], counter_id)

    @rule(counter=st.sampled_from([0, 1, 2]), service=st.integers(0, 5))
    def transfer(self, counter, service):
        counter_id = list(self.counters)[counter]
        current = self._current(counter_id)
        if current is not None:
            self._try(commands.transfer, current["id"], counter_id, self.services[service])

    @rule(counter=st.sampled_from([0, 1, 2]))
    def pause_and_resume(self, counter):
        counter_id = list(self.counters)[counter]
        if self._try(commands.pause_counter, counter_id, "break"):
            self._try(commands.resume_counter, counter_id)

    @rule(seconds=st.sampled_from([60, 1800, 6 * 3600]))
    def time_passes(self, seconds):
        self.clock.advance(seconds)
        self._try(commands.roll_day_if_due)

    @invariant()
    def numbers_are_issued_once(self):
        with self.store.read() as conn:
            duplicates = conn.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE sequence IS NOT NULL "
                "GROUP BY service_id, business_day, label HAVING COUNT(*) > 1)"
            ).fetchone()[0]
        assert duplicates == 0

    @invariant()
    def a_ticket_is_held_by_at_most_one_counter(self):
        with self.store.read() as conn:
            held = conn.execute("SELECT current_ticket_id FROM counters WHERE current_ticket_id IS NOT NULL").fetchall()
            ids = [row[0] for row in held]
            assert len(ids) == len(set(ids))
            for ticket_id in ids:
                status = conn.execute("SELECT status FROM tickets WHERE id = ?", (ticket_id,)).fetchone()[0]
                assert status in ("called", "serving")
            active = conn.execute("SELECT COUNT(*) FROM tickets WHERE status IN ('called', 'serving')").fetchone()[0]
            assert active == len(ids), "every called or serving ticket is some counter's current ticket"

    @invariant()
    def the_event_log_has_no_gaps(self):
        seqs = [event.seq for event in self.store.events_after(0, 100_000)]
        assert seqs == list(range(1, len(seqs) + 1))


HallMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)
)
TestHall = HallMachine.TestCase
TestHall.__doc__ = "Random operation sequences keep numbering unique, holds exclusive and the log gapless."

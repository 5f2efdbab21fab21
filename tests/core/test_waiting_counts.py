"""The writer's own waiting counts: equal to counting the tickets, through every step and undo."""

from __future__ import annotations

import pytest

from core import commands
from core.errors import ImpossibleStep
from core.models import Priority
from core.store import Store, Tx
from core.waiting_counts import waiting_counts
from tests.support import Clock


def counted(tx: Tx) -> tuple[dict[int, int], dict[int, int]]:
    """Inside a write: the kept counts beside a count of the tickets, for every service."""
    ids = list(tx.catalogue.services)
    kept = {service: waiting for service, waiting in (waiting_counts(tx.conn, ids) or {}).items() if waiting}
    actual = dict(tx.conn.execute("SELECT service_id, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY service_id"))
    return kept, actual


def failing_after(tx: Tx, service_id: int) -> None:
    """Issue a ticket, then fail: the ticket and its count must both go."""
    commands.issue_ticket(tx, service_id)
    raise ImpossibleStep("refused on purpose", "رفض مقصود", code="test_refusal")


def test_kept_counts_follow_every_step_a_refusal_and_the_rollover(store: Store, clerks: dict[str, int], clock: Clock):
    """Issue, call, recall, no-show, transfer, cancel, a refused command and the day's end: the
    counts the writer keeps are the tickets' own count after each."""
    a, b = (store.catalogue.services_by_code[code].id for code in ("A", "B"))
    counter = store.catalogue.counters_by_number[1].id
    store.call(commands.record_login, "clerk1", True, counter, None)
    checks = []

    def check() -> None:
        checks.append(store.call(counted))

    tickets = [store.call(commands.issue_ticket, (a, b)[n % 2], (Priority.NORMAL, Priority.ELDERLY)[n % 3 == 0]) for n in range(9)]
    check()
    called = store.call(commands.call_next, counter, clerks["clerk1"])
    check()
    store.call(commands.recall, called["id"], counter)
    store.call(commands.no_show, called["id"], counter)
    check()
    again = store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.start, again["id"], counter)
    store.call(commands.transfer, again["id"], counter, b)
    check()
    store.call(commands.cancel, tickets[-1]["id"])
    check()
    with pytest.raises(ImpossibleStep):
        store.call(failing_after, a)
    check()
    clock.advance(17 * 3600 + 60)  # past the day's end: the waiting tickets expire
    store.call(commands.issue_ticket, a)
    check()
    for kept, actual in checks:
        assert kept == actual
    assert checks[0][1] and checks[-1][1] == {a: 1}


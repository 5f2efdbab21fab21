"""The remote queue in the store: a phone's ticket is skipped to the back once when its turn
comes before its visitor confirmed arrival at the kiosk, then marked not present."""

from __future__ import annotations

import pytest

from core import commands, queries
from core.callnext import remote_turn
from core.errors import BadInput, ImpossibleStep, NotFound
from core.store import Store
from tests.support import Clock


def login(store: Store, counter_number: int = 1) -> int:
    counter_id = store.catalogue.counters_by_number[counter_number].id
    store.call(commands.record_login, "clerk1", True, counter_id, None)
    return counter_id


def service_a(store: Store) -> int:
    return store.catalogue.services_by_code["A"].id


def test_remote_turn_rule():
    """Walk-in and arrived tickets are called; an unconfirmed one is skipped once, then absent."""
    assert remote_turn(False, False, 0) == "call"
    assert remote_turn(True, True, 1) == "call"
    assert remote_turn(True, False, 0) == "skip"
    assert remote_turn(True, False, 1) == "no_show"


def test_unarrived_remote_ticket_is_skipped_once_then_marked_absent(store: Store, clerks, clock: Clock):
    counter = login(store)
    remote = store.call(commands.issue_remote_ticket, service_a(store), 5)
    clock.advance(1)
    walk_in = store.call(commands.issue_ticket, service_a(store))
    clock.advance(1)
    # The remote ticket is first in line but its visitor is not here: the walk-in is called.
    assert store.call(commands.call_next, counter, clerks["clerk1"])["id"] == walk_in["id"]
    after_skip = queries.get_ticket(store, remote["id"])
    assert after_skip["status"] == "waiting"
    store.call(commands.start, walk_in["id"], counter)
    # Its turn again, still unconfirmed: marked absent, and nobody else waits.
    assert store.call(commands.call_next, counter, clerks["clerk1"]) is None
    assert queries.get_ticket(store, remote["id"])["status"] == "no_show"


def test_arrived_remote_ticket_is_called_in_turn(store: Store, clerks, clock: Clock):
    counter = login(store)
    remote = store.call(commands.issue_remote_ticket, service_a(store), 5)
    clock.advance(1)
    store.call(commands.issue_ticket, service_a(store))
    arrived = store.call(commands.confirm_arrival, remote["code"])
    assert arrived["id"] == remote["id"]
    assert store.call(commands.call_next, counter, clerks["clerk1"])["id"] == remote["id"]


def test_remote_cap_per_service(store: Store):
    store.call(commands.issue_remote_ticket, service_a(store), 2)
    store.call(commands.issue_remote_ticket, service_a(store), 2)
    with pytest.raises(ImpossibleStep) as refused:
        store.call(commands.issue_remote_ticket, service_a(store), 2)
    assert refused.value.code == "remote_full"


@pytest.mark.parametrize("code", ["", "x", "A" * 41, "'; DROP TABLE tickets;--", "\u202eabcdefgh", 12345678, None])
def test_arrival_refuses_hostile_codes(store: Store, code):
    with pytest.raises(BadInput):
        store.call(commands.confirm_arrival, code)


def test_arrival_of_a_walk_in_or_unknown_code_is_not_found(store: Store):
    walk_in = store.call(commands.issue_ticket, service_a(store))
    for code in (walk_in["code"], "abcdefghijklmnop"):
        with pytest.raises(NotFound):
            store.call(commands.confirm_arrival, code)

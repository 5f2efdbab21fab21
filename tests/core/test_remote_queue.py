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


def test_issued_event_says_remote(store: Store):
    """The ticket.issued event of a phone's ticket already carries remote: true."""
    ticket = store.call(commands.issue_remote_ticket, service_a(store))
    with store.read() as conn:
        payload = conn.execute("SELECT payload FROM events WHERE ticket_id = ? AND type = 'ticket.issued'", (ticket["id"],)).fetchone()[0]
    assert '"remote": true' in payload.replace('":true', '": true')
    assert ticket["remote"] is True and ticket["arrived_at"] is None


def test_service_not_offering_remote_tickets_refuses(store: Store):
    """Service D does not offer remote tickets in the demo centre: refused, nothing issued."""
    with pytest.raises(ImpossibleStep) as refused:
        store.call(commands.issue_remote_ticket, store.catalogue.services_by_code["D"].id)
    assert refused.value.code == "remote_not_offered" and refused.value.message_ar
    with store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_centre_switch_off_refuses_every_service(store: Store):
    """[remote] enabled = false: no service is offered, even one that says remote = true."""
    config = store.catalogue.config
    store.call(commands.apply_config, config.model_copy(update={"remote": config.remote.model_copy(update={"enabled": False})}))
    with pytest.raises(ImpossibleStep) as refused:
        store.call(commands.issue_remote_ticket, service_a(store))
    assert refused.value.code == "remote_not_offered"


def test_closed_service_refuses_remote_tickets(store: Store):
    """A disabled service gives no remote ticket either."""
    config = store.catalogue.config
    services = [s.model_copy(update={"enabled": False}) if s.code == "A" else s for s in config.services]
    store.call(commands.apply_config, config.model_copy(update={"services": services}))
    with pytest.raises(ImpossibleStep) as refused:
        store.call(commands.issue_remote_ticket, service_a(store))
    assert refused.value.code == "service_closed"


def test_one_client_holds_at_most_its_share(store: Store):
    """One address holds per_client_waiting waiting remote tickets across services; another
    address is not held back by it; a ticket that leaves the queue frees its place."""
    limit = store.catalogue.config.remote.per_client_waiting
    b = store.catalogue.services_by_code["B"].id
    taken = [store.call(commands.issue_remote_ticket, service_a(store) if n % 2 else b, None, "address:10.0.0.7") for n in range(limit)]
    with pytest.raises(ImpossibleStep) as refused:
        store.call(commands.issue_remote_ticket, service_a(store), None, "address:10.0.0.7")
    assert refused.value.code == "remote_client_full"
    assert store.call(commands.issue_remote_ticket, service_a(store), None, "address:10.0.0.8")["remote"]
    store.call(commands.cancel, taken[0]["id"])
    assert store.call(commands.issue_remote_ticket, service_a(store), None, "address:10.0.0.7")["remote"]
    with store.read() as conn:
        kept = {row[0] for row in conn.execute("SELECT remote_client FROM tickets WHERE remote_client IS NOT NULL")}
    assert len(kept) == 2 and not any("10.0.0" in key for key in kept)

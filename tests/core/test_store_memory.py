"""What the store keeps in memory follows the database: a refused command or a failed batch
leaves the catalogue, the business day, the recent service times and presence as they were."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import Future

import pytest

from core import commands
from core.errors import DiskFull, ImpossibleStep
from core.models import DeviceKind
from core.store import Store, Tx
from tests.support import Clock


def _memory(store: Store) -> dict:
    catalogue = store.catalogue
    return {
        "catalogue": catalogue,
        "services": {code: (info.id, info.name_en) for code, info in catalogue.services_by_code.items()},
        "counters": {number: info.service_ids for number, info in catalogue.counters_by_number.items()},
        "day": store.current_business_day,
        "recent": {sid: list(times) for sid, times in store.recent_service_seconds.items()},
        "seq": store.last_seq,
    }


def _fill_the_disk(tx: Tx) -> None:
    """A real SQLITE_FULL: the file may not grow, and a large row needs it to."""
    pages = tx.conn.execute("PRAGMA page_count").fetchone()[0]
    tx.conn.execute(f"PRAGMA max_page_count = {pages}")
    tx.conn.execute("INSERT INTO meta (key, value) VALUES ('filler', ?)", ("x" * 200_000,))


@pytest.mark.parametrize("next_day", [False, True], ids=["same_day", "after_the_rollover"])
def test_a_batch_failing_midway_leaves_memory_as_before(store: Store, clerks, clock: Clock, next_day: bool):
    """Config loaded, a visit finished, a device revoked (and, on the next day, the day rolled),
    then the disk is full: the whole batch is refused, and memory is as it was."""
    counter = store.catalogue.counters_by_number[1].id
    store.call(commands.record_login, "clerk1", True, counter, None)
    a = store.catalogue.services_by_code["A"].id
    store.call(commands.issue_ticket, a)
    called = store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.start, called["id"], counter)
    kiosk = store.call(commands.enroll_device, "kiosk-memory", DeviceKind.KIOSK)["device_id"]
    store.presence.socket_opened(kiosk, clock())
    before = _memory(store)

    gate, waiting = threading.Event(), threading.Event()

    def hold(tx: Tx) -> None:
        waiting.set()
        assert gate.wait(10)

    held = store.submit(hold)
    assert waiting.wait(10)
    # Queued behind `hold`, these run as one batch, and the last fills the disk.
    config = store.catalogue.config
    first = config.services[0].model_copy(update={"name_en": "Renamed in a batch that fails"})
    renamed = config.model_copy(update={"services": [first, *config.services[1:]]})
    jobs: list[Future] = [
        store.submit(commands.apply_config, renamed),
        store.submit(commands.finish, called["id"], counter),
        store.submit(commands.revoke_device, kiosk),
        store.submit(_fill_the_disk),
    ]
    if next_day:
        clock.advance(24 * 3600)
    gate.set()
    held.result(10)
    for job in jobs:
        with pytest.raises(DiskFull):
            job.result(10)
    store._db.execute("PRAGMA max_page_count = 1073741823")

    after = _memory(store)
    assert after == before and after["catalogue"] is before["catalogue"]
    later = clock() + 1000
    assert store.presence.last_seen(kiosk, later) == later, "the revocation did not hold: its socket still counts"
    with store.read() as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'business_day'").fetchone()[0] == before["day"]
        assert conn.execute("SELECT status FROM tickets WHERE id = ?", (called["id"],)).fetchone()[0] == "serving"
    # The store works on: the same changes hold when the disk has room.
    if next_day:
        store.call(commands.issue_ticket, a)
        assert store.current_business_day > before["day"]
    else:
        store.call(commands.finish, called["id"], counter)
        assert len(store.recent_service_seconds[a]) == len(before["recent"].get(a, [])) + 1
    store.call(commands.revoke_device, kiosk)
    assert store.presence.last_seen(kiosk, later) != later


def test_a_refused_command_takes_back_its_memory_changes(store: Store, clerks):
    counter = store.catalogue.counters_by_number[1].id
    store.call(commands.record_login, "clerk1", True, counter, None)
    store.call(commands.issue_ticket, store.catalogue.services_by_code["A"].id)
    called = store.call(commands.call_next, counter, clerks["clerk1"])
    store.call(commands.start, called["id"], counter)
    before = _memory(store)

    def finish_then_refuse(tx: Tx) -> None:
        commands.finish(tx, called["id"], counter)
        commands.apply_config(tx, tx.catalogue.config.model_copy(update={"groups": []}))
        raise ImpossibleStep("refused after the changes", "رُفض بعد التغييرات")

    with pytest.raises(ImpossibleStep):
        store.call(finish_then_refuse)
    assert _memory(store) == before


def test_a_config_that_fails_to_load_keeps_the_catalogue(store: Store):
    """A counter naming a service that is not there fails midway: the old catalogue stays whole."""
    before = _memory(store)
    config = store.catalogue.config
    broken = config.model_copy(update={"services": config.services[:1]})
    with pytest.raises(Exception) as failure:
        store.call(commands.apply_config, broken)
    assert not isinstance(failure.value, sqlite3.Error)
    assert _memory(store) == before

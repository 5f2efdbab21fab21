"""A small known centre day on disk, worked through the real store, for the report tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from core import commands
from core.security import hash_pin
from core.store import Store
from core.commands import open_store
from tests.support import CLERKS, Clock, demo_config

OUT_DIR = Path(__file__).resolve().parents[2] / "out" / "reports"


@dataclass
class KnownDay:
    """The database, and the day's figures worked out by hand (see `known_day`)."""

    db: Path
    day: str = "2026-11-24"


def work_day(store: Store, clock: Clock) -> None:
    """10:00 A-001, A-002, A-003, B-001 issued. clerk1 at counter 1: A-001 called at 10:01 (wait 60),
    served 300 s; A-002 called at 10:07 (wait 420), served 600 s. A-003 cancelled at 10:20. B-001 still
    waiting. So: issued 4, served 2, cancelled 1, waiting 1; wait mean 240, service mean 450, total 900;
    within A's 900 s target: both."""
    a = store.catalogue.services_by_code["A"].id
    b = store.catalogue.services_by_code["B"].id
    counter = store.catalogue.counters_by_number[1].id
    session = store.call(commands.record_login, "clerk1", True, counter, None)
    assert not isinstance(session, Exception)
    clerk_id = store_clerks(store)["clerk1"]
    tickets = [store.call(commands.issue_ticket, service)["id"] for service in (a, a, a, b)]
    clock.advance(60)
    store.call(commands.call_next, counter, clerk_id)
    store.call(commands.start, tickets[0], counter)
    clock.advance(300)
    store.call(commands.finish, tickets[0], counter)
    clock.advance(60)
    store.call(commands.call_next, counter, clerk_id)
    store.call(commands.start, tickets[1], counter)
    clock.advance(600 - 180)
    store.call(commands.cancel, tickets[2])
    clock.advance(180)
    store.call(commands.finish, tickets[1], counter)


def store_clerks(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {row[1]: row[0] for row in conn.execute("SELECT id, username FROM clerks")}


@pytest.fixture
def known_day(tmp_path: Path, clock: Clock) -> KnownDay:
    """The known day in a database whose hub has stopped (as a report usually finds it)."""
    db = tmp_path / "centre.sqlite"
    with open_store(db, demo_config(), clock=clock) as store:
        for name, (pin, role) in CLERKS.items():
            store.call(commands.add_clerk, name, role, hash_pin(pin) if name == "clerk1" else "unused")
        work_day(store, clock)
    return KnownDay(db)


@pytest.fixture
def out_dir() -> Path:
    """Where rendered pages go to be looked at (git-ignored)."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUT_DIR

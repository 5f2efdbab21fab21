"""Migration 0004: what the simulator wrote before the flag existed is found and marked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from core import migrations


def test_the_old_simulators_devices_and_tickets_are_marked(tmp_path: Path):
    """Its two device names mark their tickets; other tickets stay real; those days' stored
    summaries stop being final, so they are computed (and stored) again without them."""
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "old.sqlite", isolation_level=None))
    full = migrations.MIGRATIONS
    try:
        migrations.MIGRATIONS = [step for step in full if step[0] < "0004"]
        migrations.migrate(db)
    finally:
        migrations.MIGRATIONS = full
    db.execute("INSERT INTO services (id, code, name_ar, name_en, range_start, range_end, daily_cap, target_wait_seconds, "
               "default_service_seconds) VALUES (1, 'A', 'أ', 'A', 1, 999, 900, 600, 300)")
    for device_id, name in ((1, "simulator arrivals"), (2, "kiosk-hall"), (3, "simulator counters")):
        db.execute("INSERT INTO devices (id, name, kind, token_hash, enrolled_at) VALUES (?, ?, 'admin', ?, 0)", (device_id, name, name))
    for ticket_id, device_id, day in ((1, 1, "2026-11-01"), (2, 2, "2026-11-02"), (3, None, "2026-11-02")):
        db.execute(
            "INSERT INTO tickets (id, service_id, business_day, sequence, number, label, priority, status, code, issued_at, "
            "first_issued_at, issued_by_device_id) VALUES (?, 1, ?, ?, 1, 'A-001', 'normal', 'done', ?, 0, 0, ?)",
            (ticket_id, day, ticket_id, f"c{ticket_id}", device_id),
        )
    for day in ("2026-11-01", "2026-11-02"):
        db.execute("INSERT INTO day_summaries (business_day, format, final, entries, built_at) VALUES (?, 1, 1, 1, 0)", (day,))

    assert migrations.migrate(db)[:1] == ["0004_simulated"]  # later migrations follow it
    assert dict(db.execute("SELECT id, simulated FROM tickets").fetchall()) == {1: 1, 2: 0, 3: 0}
    assert dict(db.execute("SELECT id, simulated FROM devices").fetchall()) == {1: 1, 2: 0, 3: 1}
    assert dict(db.execute("SELECT business_day, final FROM day_summaries").fetchall()) == {"2026-11-01": 0, "2026-11-02": 1}
    assert db.execute("SELECT COUNT(*) FROM clerks WHERE simulated = 1").fetchone()[0] == 0

"""Each service's waiting count, kept up to date by the writer's own connection.

A ticket event carries its service's row and a counter event the rows of every service the
counter serves, each built inside the write that changed them. The waiting count was a
`COUNT(*)` over the service's waiting tickets: with 2,000 waiting it was the largest part of a
call-next inside the single writer (80 µs of 270 µs), and it grew with the queue.

Here SQLite keeps the counts itself: a TEMP table of (service, waiting) on the writer's
connection, and TEMP triggers on `tickets` that move a count whenever a ticket enters or leaves
the waiting status or changes service. They run inside the same transaction and savepoint as
the change, so a refused command, or a failed batch, takes its counts back with it. TEMP, so
nothing is added to the database file: the counts are rebuilt from the tickets each time the
writer loads the centre's configuration (`core.commands.apply_config`), and readers (`/state`)
go on counting, once per read for every service at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

# Qualified names are not allowed inside a trigger's body: `waiting_counts` there is the TEMP one.
INSTALL = """
CREATE TEMP TABLE IF NOT EXISTS waiting_counts (service_id INTEGER PRIMARY KEY, waiting INTEGER NOT NULL);
CREATE TEMP TRIGGER IF NOT EXISTS waiting_counts_insert AFTER INSERT ON main.tickets
WHEN NEW.status = 'waiting'
BEGIN
    INSERT INTO waiting_counts (service_id, waiting) VALUES (NEW.service_id, 1)
    ON CONFLICT (service_id) DO UPDATE SET waiting = waiting + 1;
END;
CREATE TEMP TRIGGER IF NOT EXISTS waiting_counts_delete AFTER DELETE ON main.tickets
WHEN OLD.status = 'waiting'
BEGIN
    UPDATE waiting_counts SET waiting = waiting - 1 WHERE service_id = OLD.service_id;
END;
CREATE TEMP TRIGGER IF NOT EXISTS waiting_counts_update AFTER UPDATE OF status, service_id ON main.tickets
WHEN OLD.status = 'waiting' OR NEW.status = 'waiting'
BEGIN
    UPDATE waiting_counts SET waiting = waiting - 1 WHERE OLD.status = 'waiting' AND service_id = OLD.service_id;
    INSERT INTO waiting_counts (service_id, waiting) SELECT NEW.service_id, 1 WHERE NEW.status = 'waiting'
    ON CONFLICT (service_id) DO UPDATE SET waiting = waiting + 1;
END;
"""


def keep_waiting_counts(conn: sqlite3.Connection) -> None:
    """Install the counts on the writer's connection (again: harmless) and count them afresh."""
    for statement in _statements(INSTALL):
        conn.execute(statement)
    conn.execute("DELETE FROM temp.waiting_counts")
    conn.execute(
        "INSERT INTO temp.waiting_counts (service_id, waiting) "
        "SELECT service_id, COUNT(*) FROM main.tickets WHERE status = 'waiting' GROUP BY service_id"
    )


def waiting_counts(conn: sqlite3.Connection, service_ids: Iterable[int]) -> dict[int, int] | None:
    """Service id → tickets waiting now, on the writer's connection; None where the counts were
    never installed (a store opened without the centre's configuration: its caller counts)."""
    ids = list(service_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    try:
        rows = conn.execute(f"SELECT service_id, waiting FROM temp.waiting_counts WHERE service_id IN ({marks})", ids)
    except sqlite3.OperationalError:  # no such table: nothing was installed on this connection
        return None
    return dict(rows)


def _statements(script: str) -> list[str]:
    """The script's statements, each whole (a trigger's body holds semicolons of its own)."""
    statements, current = [], ""
    for line in script.strip().splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements

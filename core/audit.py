"""The audit log: every change made from the centre console, by whom, when, before and after.

A change and its audit entry are one transaction: `audited` runs the command and writes the
entry inside the same writer batch, so an entry exists exactly when its change was committed.
Each entry is a row of `audit_log` and an `audit.recorded` event in the event log (which the
shipper sends to the central with the rest).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.models import EventType
from core.store import Store, Tx
from core.views import iso

MAX_LISTED = 500


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a supervisor's or admin's user name and role."""

    username: str
    role: str


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def entry_view(store: Store, row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "at": iso(row["at"], store.catalogue),
        "actor": row["actor"],
        "role": row["role"],
        "action": row["action"],
        "target": row["target"],
        "before": json.loads(row["before"]) if row["before"] is not None else None,
        "after": json.loads(row["after"]) if row["after"] is not None else None,
    }


def record(tx: Tx, actor: Actor, action: str, target: str, before: Any, after: Any) -> dict[str, Any]:
    """Write one entry (in the caller's transaction) and its `audit.recorded` event."""
    cursor = tx.conn.execute(
        "INSERT INTO audit_log (at, actor, role, action, target, before, after, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        (tx.now, actor.username, actor.role, action, target, _dumps(before), _dumps(after)),
    )
    row = tx.one("SELECT * FROM audit_log WHERE id = ?", (cursor.lastrowid,))
    entry = entry_view(tx.store, row)
    event = tx.emit(EventType.AUDIT_RECORDED, entry=entry)
    tx.conn.execute("UPDATE audit_log SET event_seq = ? WHERE id = ?", (event.seq, row["id"]))
    return entry


def audited(
    tx: Tx,
    actor: Actor,
    action: str,
    target: str,
    snapshot: Callable[[Tx], Any] | None,
    command: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """Run `command(tx, *args, **kwargs)` and audit it; `snapshot(tx)` is what it changes,
    read before and after. A refused command raises before anything is written."""
    before = snapshot(tx) if snapshot is not None else None
    result = command(tx, *args, **kwargs)
    after = snapshot(tx) if snapshot is not None else result
    record(tx, actor, action, target, before, after)
    return result


def recent(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The newest entries first."""
    with store.read() as conn:
        rows = conn.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (min(max(limit, 1), MAX_LISTED),)).fetchall()
    return [entry_view(store, row) for row in rows]

"""Taking in a branch's events: in order, idempotent on (branch, seq), written with COPY.

The central holds, for every branch, exactly the seqs 1 … `held_seq`, none missing and none
above. A batch must be contiguous and start at or before `held_seq + 1`; what it carries at or
below `held_seq` is held already and skipped, so sending a batch twice changes nothing. The
new events are copied into `events`, folded into one `entries` row per ticket entry (the
columns the KPIs need, as the hub keeps them in its tickets table), and their business days
are marked for the summary refresher. All of it is one transaction, under a lock on the
branch's row, so two deliveries of the same batch (a retry racing the original) are
serialised and the second finds everything held.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import psycopg

from central.errors import CentralError, Conflict, Invalid
from central.schema import PARTITION_LOCK, create_partition, existing_partitions, month_start, partition_name

# Events an hub can have logged: 2000-01-01 … 2099-12-31 (UTC).
EARLIEST_AT = datetime(2000, 1, 1, tzinfo=timezone.utc).timestamp()
LATEST_AT = datetime(2100, 1, 1, tzinfo=timezone.utc).timestamp()
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(slots=True)
class ShippedEvent:
    seq: int
    at: float
    type: str
    ticket_id: int | None
    counter_id: int | None
    payload: dict[str, Any]


@dataclass(slots=True)
class Held:
    branch: str
    held: int
    held_at: float | None
    inserted: int = 0

    def answer(self) -> dict[str, Any]:
        return {"branch": self.branch, "held": self.held, "held_at": self.held_at, "inserted": self.inserted}


@dataclass(slots=True)
class _Entry:
    business_day: date
    ticket_id: int
    service_id: int
    counter_id: int | None
    clerk: str | None
    issued: bool
    status: str
    priority: str | None
    issued_at: float | None = None
    first_called_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    last_seq: int = 0


_ENDING = {"ticket.finished", "ticket.no_show", "ticket.cancelled", "ticket.expired", "ticket.transferred"}
_STATUSES = {"waiting", "called", "serving", "done", "no_show", "transferred", "cancelled", "expired"}


def _bad(seq: int, what: str) -> Invalid:
    return Invalid(
        f"Event {seq}: {what}.",
        f"الحدث \u2066{seq}\u2069: بيانات غير صالحة ({what}).",
        code="bad_event",
    )


def _optional_int(value: Any, seq: int, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**62:
        raise _bad(seq, f"{name} must be a positive integer")
    return value


def _ticket(snapshot: Any, seq: int, name: str) -> tuple[date, int, dict[str, Any]]:
    """The fields of a ticket snapshot the KPIs use, checked."""
    if not isinstance(snapshot, dict):
        raise _bad(seq, f"{name} must be an object")
    ticket_id = _optional_int(snapshot.get("id"), seq, f"{name}.id")
    service_id = _optional_int(snapshot.get("service_id"), seq, f"{name}.service_id")
    if ticket_id is None or service_id is None:
        raise _bad(seq, f"{name} needs id and service_id")
    day_text = snapshot.get("business_day")
    try:
        if not isinstance(day_text, str) or len(day_text) != 10:
            raise ValueError
        day = date.fromisoformat(day_text)
    except ValueError:
        raise _bad(seq, f"{name}.business_day must be YYYY-MM-DD") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise _bad(seq, f"{name}.business_day must lie in 2000-2099")
    status = snapshot.get("status")
    if status not in _STATUSES:
        raise _bad(seq, f"{name}.status is not a ticket status")
    clerk = snapshot.get("clerk")
    if clerk is not None and (not isinstance(clerk, str) or len(clerk) > 80):
        raise _bad(seq, f"{name}.clerk must be a user name")
    priority = snapshot.get("priority")
    if priority is not None and (not isinstance(priority, str) or len(priority) > 20):
        raise _bad(seq, f"{name}.priority must be a short text")
    return day, ticket_id, {
        "service_id": service_id,
        "counter_id": _optional_int(snapshot.get("counter_id"), seq, f"{name}.counter_id"),
        "clerk": clerk,
        "status": status,
        "priority": priority,
        "issued": snapshot.get("transferred_from_service_id") is None,
        "issued_at_text": snapshot.get("issued_at"),
    }


def _fallback_time(text: Any) -> float | None:
    """A snapshot's ISO time, for an entry whose creating event the central never saw."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def fold_entries(events: list[ShippedEvent]) -> dict[tuple[date, int], _Entry]:
    """Each ticket entry the events touch, as it stands after them (events in seq order)."""
    folded: dict[tuple[date, int], _Entry] = {}

    def apply(snapshot: Any, name: str, event: ShippedEvent, creates: bool) -> None:
        day, ticket_id, fields = _ticket(snapshot, event.seq, name)
        key = (day, ticket_id)
        entry = folded.get(key)
        if entry is None:
            entry = folded[key] = _Entry(day, ticket_id, fields["service_id"], None, None, True, "waiting", None)
            if not creates:
                entry.issued_at = _fallback_time(fields["issued_at_text"])
        entry.service_id = fields["service_id"]
        entry.counter_id = fields["counter_id"]
        entry.clerk = fields["clerk"]
        entry.issued = fields["issued"]
        entry.status = fields["status"]
        entry.priority = fields["priority"]
        entry.last_seq = event.seq
        if creates:
            entry.issued_at = event.at
        elif event.type == "ticket.called":
            if entry.first_called_at is None:
                entry.first_called_at = event.at
        elif event.type == "ticket.started":
            entry.started_at = event.at
        elif event.type in _ENDING:
            entry.finished_at = event.at

    for event in events:
        if not event.type.startswith("ticket.") or "ticket" not in event.payload:
            continue
        apply(event.payload["ticket"], "ticket", event, event.type == "ticket.issued")
        if event.type == "ticket.transferred" and "new_ticket" in event.payload:
            apply(event.payload["new_ticket"], "new_ticket", event, True)
    return folded


_UPSERT_ENTRIES = """
INSERT INTO entries AS e (branch_id, business_day, ticket_id, service_id, counter_id, clerk, issued, status, priority,
                          issued_at, first_called_at, started_at, finished_at, last_seq)
SELECT %s, * FROM unnest(%s::date[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::boolean[], %s::text[],
                         %s::text[], %s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::bigint[])
ON CONFLICT (branch_id, business_day, ticket_id) DO UPDATE SET
    service_id = excluded.service_id, counter_id = excluded.counter_id, clerk = excluded.clerk,
    issued = excluded.issued, status = excluded.status, priority = excluded.priority,
    issued_at = COALESCE(e.issued_at, excluded.issued_at),
    first_called_at = COALESCE(e.first_called_at, excluded.first_called_at),
    started_at = COALESCE(excluded.started_at, e.started_at),
    finished_at = COALESCE(excluded.finished_at, e.finished_at),
    last_seq = excluded.last_seq
WHERE e.last_seq < excluded.last_seq
"""


class Partitions:
    """The monthly partitions that exist, cached; missing ones are made in a short transaction of their own."""

    def __init__(self) -> None:
        self.known: set[str] | None = None

    def ensure(self, conn: psycopg.Connection, wanted: set[tuple[str, date]]) -> None:
        if self.known is None:
            self.known = existing_partitions(conn)
            conn.commit()
        missing = [(table, month) for table, month in sorted(wanted) if partition_name(table, month) not in self.known]
        if not missing:
            return
        # Its own transaction: creating a partition locks the parent table until commit, and
        # holding that through a whole ingest would stall every other branch's batch.
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PARTITION_LOCK,))
            for table, month in missing:
                self.known.add(create_partition(conn, table, month))


def check_events(raw: list[ShippedEvent]) -> None:
    """Contiguous, increasing seqs; times and days within 2000–2099."""
    previous = None
    for event in raw:
        if previous is not None and event.seq != previous + 1:
            raise Invalid(
                f"The batch must hold consecutive seqs; {event.seq} follows {previous}.",
                f"يجب أن تكون أرقام الأحداث متتالية؛ جاء \u2066{event.seq}\u2069 بعد \u2066{previous}\u2069.",
                code="not_consecutive",
            )
        if not (math.isfinite(event.at) and EARLIEST_AT <= event.at < LATEST_AT):
            raise _bad(event.seq, "at must be a time in 2000-2099 (epoch seconds)")
        previous = event.seq


def ingest(
    conn: psycopg.Connection, partitions: Partitions, branch_id: int, log_origin: float, events: list[ShippedEvent]
) -> Held:
    """Write a batch; answer what is held for the branch afterwards."""
    check_events(events)
    folded = fold_entries(events)  # validates every ticket snapshot before anything is written
    months = {("events", month_start(datetime.fromtimestamp(e.at, tz=timezone.utc).date())) for e in events}
    months |= {("entries", month_start(day)) for day, _ in folded}
    partitions.ensure(conn, months)
    with conn.transaction():
        row = conn.execute(
            "SELECT code, held_seq, held_at, log_origin FROM branches WHERE id = %s FOR UPDATE", (branch_id,)
        ).fetchone()
        if row is None:
            raise CentralError("This branch was removed.", "أزيل هذا الفرع.", code="unknown_branch", status=403)
        code, held, held_at, origin = row
        if origin is not None and origin != log_origin:
            raise Conflict(
                "This branch's central record holds another event log (a new or restored hub database). "
                "Start the hub once with --central-resend to replace it.",
                "سجل هذا الفرع في الخادم المركزي يحوي سجل أحداث آخر (قاعدة بيانات جديدة أو مستعادة). "
                "شغّل المحور مرة واحدة مع \u2066--central-resend\u2069 لاستبداله.",
                code="log_mismatch", held=held,
            )
        if not events:
            return Held(code, held, held_at)
        if events[0].seq > held + 1:
            raise Conflict(
                f"The central holds up to seq {held}; send from {held + 1}.",
                f"يحتفظ الخادم المركزي بالأحداث حتى \u2066{held}\u2069؛ أرسل بدءاً من \u2066{held + 1}\u2069.",
                code="gap", held=held,
            )
        new = [e for e in events if e.seq > held]
        if not new:
            return Held(code, held, held_at)
        with conn.cursor() as cursor:
            with cursor.copy(
                "COPY events (branch_id, seq, occurred_at, at, type, ticket_id, counter_id, payload) FROM STDIN"
            ) as copy:
                for e in new:
                    copy.write_row((
                        branch_id, e.seq, datetime.fromtimestamp(e.at, tz=timezone.utc), e.at, e.type, e.ticket_id,
                        e.counter_id, json.dumps(e.payload, ensure_ascii=False, separators=(",", ":")),
                    ))
            entries = fold_entries(new) if len(new) != len(events) else folded
            if entries:
                values = list(entries.values())
                cursor.execute(_UPSERT_ENTRIES, (
                    branch_id,
                    [v.business_day for v in values], [v.ticket_id for v in values], [v.service_id for v in values],
                    [v.counter_id for v in values], [v.clerk for v in values], [v.issued for v in values],
                    [v.status for v in values], [v.priority for v in values], [v.issued_at for v in values],
                    [v.first_called_at for v in values], [v.started_at for v in values],
                    [v.finished_at for v in values], [v.last_seq for v in values],
                ))
                days = sorted({v.business_day for v in values})
                cursor.execute(
                    "INSERT INTO dirty_days (branch_id, business_day) SELECT %s, unnest(%s::date[]) "
                    "ON CONFLICT (branch_id, business_day) DO UPDATE SET marked_at = now()",
                    (branch_id, days),
                )
            last = new[-1]
            cursor.execute(
                "UPDATE branches SET held_seq = %s, held_at = %s, last_batch_at = now(), "
                "log_origin = COALESCE(log_origin, %s) WHERE id = %s",
                (last.seq, last.at, log_origin, branch_id),
            )
        return Held(code, last.seq, last.at, inserted=len(new))


def restart_log(conn: psycopg.Connection, branch_id: int) -> None:
    """Forget a branch's events and figures, so its hub can send its whole log afresh."""
    with conn.transaction():
        conn.execute("SELECT 1 FROM branches WHERE id = %s FOR UPDATE", (branch_id,))
        for table in ("events", "entries", "day_tallies", "day_summaries", "dirty_days"):
            conn.execute(f"DELETE FROM {table} WHERE branch_id = %s", (branch_id,))
        conn.execute(
            "UPDATE branches SET held_seq = 0, held_at = NULL, log_origin = NULL WHERE id = %s", (branch_id,)
        )


def held(conn: psycopg.Connection, branch_id: int) -> Held:
    row = conn.execute("SELECT code, held_seq, held_at FROM branches WHERE id = %s", (branch_id,)).fetchone()
    conn.commit()
    if row is None:
        raise CentralError("This branch was removed.", "أزيل هذا الفرع.", code="unknown_branch", status=403)
    return Held(row[0], row[1], row[2])

"""Taking in a branch's events: in order, idempotent on (branch, seq), written with COPY.

The central holds, for every branch, exactly the seqs 1 … `held_seq`, none missing and none
above. A batch must be contiguous and start at or before `held_seq + 1`; what it carries at or
below `held_seq` is held already and skipped, so sending a batch twice changes nothing. The
new events go into `events` in one multi-row INSERT that PostgreSQL reads from the batch's
own JSON, and are folded into one `entries` row per ticket entry (the
columns the KPIs need, as the hub keeps them in its tickets table), and their business days
are marked for the summary refresher. All of it is one transaction, under a lock on the
branch's row, so two deliveries of the same batch (a retry racing the original) are
serialised and the second finds everything held.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Annotated, Any

import msgspec
import psycopg

from central.errors import CentralError, Conflict, Invalid
from central.schema import VOICE_TYPES, PARTITION_LOCK, create_partition, existing_partitions, month_start, next_month, partition_name

# Events an hub can have logged: 2000-01-01 … 2099-12-31 (UTC).
EARLIEST_AT = datetime(2000, 1, 1, tzinfo=timezone.utc).timestamp()
LATEST_AT = datetime(2100, 1, 1, tzinfo=timezone.utc).timestamp()
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)


MAX_BATCH = 5000
_Id = Annotated[int, msgspec.Meta(ge=1, le=2**62)]


class TicketSnapshot(msgspec.Struct):
    """The fields of a ticket (as an event carries it) that the KPIs use; the rest is kept, unread."""

    id: int
    service_id: int
    business_day: str
    status: str
    counter_id: int | None = None
    clerk: str | None = None
    priority: str | None = None
    transferred_from_service_id: int | None = None
    issued_at: str | None = None
    simulated: bool = False


class TicketPayload(msgspec.Struct):
    ticket: TicketSnapshot | None = None
    new_ticket: TicketSnapshot | None = None


class ShippedEvent(msgspec.Struct):
    """One event as a shipper sends it; the payload stays raw JSON (stored as it came)."""

    seq: _Id
    at: float
    type: Annotated[str, msgspec.Meta(min_length=3, max_length=64, pattern=r"^[a-z_]+(\.[a-z_]+)+$")]
    payload: msgspec.Raw
    ticket_id: _Id | None = None
    counter_id: _Id | None = None


class Batch(msgspec.Struct, forbid_unknown_fields=True):
    log_origin: float
    events: Annotated[list[ShippedEvent], msgspec.Meta(max_length=MAX_BATCH)]


class RatingFigures(msgspec.Struct):
    """What the central counts of a `rating.recorded` (the event carries no comment)."""

    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    business_day: str


class FeedbackFigures(msgspec.Struct):
    """What the central counts of a `feedback.filed` (the event carries no text, no number)."""

    kind: Annotated[str, msgspec.Meta(max_length=20)]
    business_day: str


class VoicePayload(msgspec.Struct):
    rating: RatingFigures | None = None
    feedback: FeedbackFigures | None = None


_BATCH_DECODER = msgspec.json.Decoder(Batch)
_VOICE_DECODER = msgspec.json.Decoder(VoicePayload)
_PAYLOAD_DECODER = msgspec.json.Decoder(TicketPayload)


def decode_batch(body: bytes) -> Batch:
    """A batch from its JSON body, checked field by field (422 naming the field when wrong)."""
    try:
        batch = _BATCH_DECODER.decode(body)
    except msgspec.ValidationError as error:
        raise Invalid(f"Invalid batch: {error}.", "دفعة غير صالحة: راجع البيانات المرسلة.") from None
    except msgspec.DecodeError:
        raise Invalid("Invalid batch: the body is not valid JSON.", "دفعة غير صالحة: المحتوى ليس JSON صالحاً.") from None
    if not (math.isfinite(batch.log_origin) and EARLIEST_AT <= batch.log_origin < LATEST_AT):
        raise Invalid("Invalid batch: log_origin must be the epoch time of the branch's first event.",
                      "دفعة غير صالحة: log_origin يجب أن يكون وقت أول حدث في الفرع.")
    for event in batch.events:
        if bytes(event.payload)[:1] != b"{":
            raise _bad(event.seq, "payload must be an object")
    return batch


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
    simulated: bool = False


_ENDING = {"ticket.finished", "ticket.no_show", "ticket.cancelled", "ticket.expired", "ticket.transferred"}
_STATUSES = {"waiting", "called", "serving", "done", "no_show", "transferred", "cancelled", "expired"}


def _bad(seq: int, what: str) -> Invalid:
    return Invalid(
        f"Event {seq}: {what}.",
        f"الحدث \u2066{seq}\u2069: بيانات غير صالحة ({what}).",
        code="bad_event",
    )


_DAYS: dict[str, date] = {}


def _parse_day(text: str, seq: int, name: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise _bad(seq, f"{name}.business_day must be YYYY-MM-DD") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise _bad(seq, f"{name}.business_day must lie in 2000-2099")
    if len(_DAYS) < 100_000:  # a day parsed once; business days are few
        _DAYS[text] = day
    return day


def _ticket(snapshot: TicketSnapshot, seq: int, name: str) -> date:
    """The snapshot's business day, after checking the fields the KPIs use."""
    for field in ("id", "service_id", "counter_id", "transferred_from_service_id"):
        value = getattr(snapshot, field)
        if value is not None and not 0 < value < 2**62:
            raise _bad(seq, f"{name}.{field} must be a positive integer")
    day = _DAYS.get(snapshot.business_day)
    if day is None:
        day = _parse_day(snapshot.business_day, seq, name)
    if snapshot.status not in _STATUSES:
        raise _bad(seq, f"{name}.status is not a ticket status")
    if snapshot.clerk is not None and len(snapshot.clerk) > 80:
        raise _bad(seq, f"{name}.clerk must be a user name")
    if snapshot.priority is not None and len(snapshot.priority) > 20:
        raise _bad(seq, f"{name}.priority must be a short text")
    return day


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

    def apply(snapshot: TicketSnapshot, name: str, event: ShippedEvent, creates: bool) -> None:
        day = _ticket(snapshot, event.seq, name)
        key = (day, snapshot.id)
        entry = folded.get(key)
        if entry is None:
            entry = folded[key] = _Entry(day, snapshot.id, snapshot.service_id, None, None, True, "waiting", None)
            if not creates:
                entry.issued_at = _fallback_time(snapshot.issued_at)
        entry.service_id = snapshot.service_id
        entry.counter_id = snapshot.counter_id
        entry.clerk = snapshot.clerk
        entry.issued = snapshot.transferred_from_service_id is None
        entry.status = snapshot.status
        entry.priority = snapshot.priority
        entry.simulated = snapshot.simulated
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
        if not event.type.startswith("ticket."):
            continue
        try:
            payload = _PAYLOAD_DECODER.decode(event.payload)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            raise _bad(event.seq, str(error)) from None
        if payload.ticket is not None:
            apply(payload.ticket, "ticket", event, event.type == "ticket.issued")
        if event.type == "ticket.transferred" and payload.new_ticket is not None:
            apply(payload.new_ticket, "new_ticket", event, True)
    return folded


def voice_days(events: list[ShippedEvent]) -> set[date]:
    """The business days whose voice figures the events change, after checking what is counted."""
    days: set[date] = set()
    for event in events:
        if event.type not in VOICE_TYPES:
            continue
        try:
            payload = _VOICE_DECODER.decode(event.payload)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            raise _bad(event.seq, str(error)) from None
        name = "rating" if event.type == "rating.recorded" else "feedback"
        found = getattr(payload, name)
        if found is None:
            raise _bad(event.seq, f"a {event.type} event needs its {name}")
        day = _DAYS.get(found.business_day) or _parse_day(found.business_day, event.seq, name)
        days.add(day)
    return days


_UPSERT_ENTRIES = """
INSERT INTO entries AS e (branch_id, business_day, ticket_id, service_id, counter_id, clerk, issued, status, priority,
                          issued_at, first_called_at, started_at, finished_at, last_seq, simulated)
SELECT %s, * FROM jsonb_to_recordset(%s::jsonb) AS x(
    business_day date, ticket_id bigint, service_id bigint, counter_id bigint, clerk text, issued boolean, status text,
    priority text, issued_at float8, first_called_at float8, started_at float8, finished_at float8, last_seq bigint,
    simulated boolean)
ON CONFLICT (branch_id, business_day, ticket_id) DO UPDATE SET
    service_id = excluded.service_id, counter_id = excluded.counter_id, clerk = excluded.clerk,
    issued = excluded.issued, status = excluded.status, priority = excluded.priority,
    issued_at = COALESCE(e.issued_at, excluded.issued_at),
    first_called_at = COALESCE(e.first_called_at, excluded.first_called_at),
    started_at = COALESCE(excluded.started_at, e.started_at),
    finished_at = COALESCE(excluded.finished_at, e.finished_at),
    last_seq = excluded.last_seq, simulated = excluded.simulated
WHERE e.last_seq < excluded.last_seq
"""


# The new events go in as they came: PostgreSQL reads them from the batch's own JSON (one
# statement, no per-row work here), `at` parsed from its shortest decimal text to the same double.
_INSERT_EVENTS = """
INSERT INTO events (branch_id, seq, occurred_at, at, type, ticket_id, counter_id, payload)
SELECT %(branch)s, e.seq, to_timestamp(e.at), e.at, e.type, e.ticket_id, e.counter_id, e.payload
FROM jsonb_to_recordset(%(body)s::jsonb -> 'events')
     AS e(seq bigint, at float8, type text, ticket_id bigint, counter_id bigint, payload jsonb)
WHERE e.seq > %(held)s
"""
_ENCODER = msgspec.json.Encoder()
# PostgreSQL's jsonb cannot hold U+0000, which JSON may escape (`\u0000`), e.g. in a device's
# free-form status. It becomes U+FFFD, so one odd character never stops a branch's log. The
# escape counts only where it is not itself an escaped backslash followed by "u0000".
_NUL_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000", re.IGNORECASE)


def _storable(body: bytes) -> str:
    if b"u0000" in body.lower():
        body = _NUL_ESCAPE.sub(rb"\1\\ufffd", body)
    return body.decode("utf-8")


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
    """Contiguous, increasing seqs; times within 2000–2099."""
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


def ingest(conn: psycopg.Connection, partitions: Partitions, branch_id: int, body: bytes) -> Held:
    """Write a batch (its JSON body); answer what is held for the branch afterwards."""
    batch = decode_batch(body)
    events = batch.events
    check_events(events)
    folded = fold_entries(events)  # validates every ticket snapshot before anything is written
    voiced = voice_days(events)  # and every rating and feedback the figures count
    months = {("entries", month_start(day)) for day in {day for day, _ in folded}}
    if events:
        earliest = month_start(datetime.fromtimestamp(min(e.at for e in events), tz=timezone.utc).date())
        latest = month_start(datetime.fromtimestamp(max(e.at for e in events), tz=timezone.utc).date())
        while earliest <= latest:
            months.add(("events", earliest))
            earliest = next_month(earliest)
    partitions.ensure(conn, months)
    with conn.transaction():
        row = conn.execute(
            "SELECT code, held_seq, held_at, log_origin FROM branches WHERE id = %s FOR UPDATE", (branch_id,)
        ).fetchone()
        if row is None:
            raise CentralError("This branch was removed.", "أزيل هذا الفرع.", code="unknown_branch", status=403)
        code, held, held_at, origin = row
        if origin is not None and origin != batch.log_origin:
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
            cursor.execute(_INSERT_EVENTS, {"branch": branch_id, "body": _storable(body), "held": held})
            entries = fold_entries(new) if len(new) != len(events) else folded
            days = voice_days(new) if len(new) != len(events) else set(voiced)
            if entries:
                values = list(entries.values())
                records = _ENCODER.encode([
                    {"business_day": v.business_day.isoformat(), "ticket_id": v.ticket_id, "service_id": v.service_id,
                     "counter_id": v.counter_id, "clerk": v.clerk, "issued": v.issued, "status": v.status,
                     "priority": v.priority, "issued_at": v.issued_at, "first_called_at": v.first_called_at,
                     "started_at": v.started_at, "finished_at": v.finished_at, "last_seq": v.last_seq,
                     "simulated": v.simulated}
                    for v in values
                ]).decode()
                cursor.execute(_UPSERT_ENTRIES, (branch_id, records))
                days |= {v.business_day for v in values}
            if days:
                cursor.execute(
                    "INSERT INTO dirty_days (branch_id, business_day) SELECT %s, unnest(%s::date[]) "
                    "ON CONFLICT (branch_id, business_day) DO UPDATE SET marked_at = now()",
                    (branch_id, sorted(days)),
                )
            last = new[-1]
            cursor.execute(
                "UPDATE branches SET held_seq = %s, held_at = %s, last_batch_at = now(), "
                "log_origin = COALESCE(log_origin, %s) WHERE id = %s",
                (last.seq, last.at, batch.log_origin, branch_id),
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

"""Named schema migrations, applied in order and recorded in the `migrations` table."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

import sqlite_utils


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one: sqlite3's executescript would commit the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:80]}")


def _initial(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE groups (
            key TEXT PRIMARY KEY, name_ar TEXT NOT NULL, name_en TEXT NOT NULL, position INTEGER NOT NULL
        );

        CREATE TABLE services (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name_ar TEXT NOT NULL,
            name_en TEXT NOT NULL,
            group_key TEXT,
            range_start INTEGER NOT NULL,
            range_end INTEGER NOT NULL,
            wrap_around INTEGER NOT NULL DEFAULT 0,
            daily_cap INTEGER NOT NULL,
            target_wait_seconds INTEGER NOT NULL,
            max_wait_seconds INTEGER,
            default_service_seconds INTEGER NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            in_config INTEGER NOT NULL DEFAULT 1,
            position INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE counters (
            id INTEGER PRIMARY KEY,
            number INTEGER NOT NULL UNIQUE,
            name_ar TEXT NOT NULL,
            name_en TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'fifo',
            status TEXT NOT NULL DEFAULT 'closed',
            pause_reason TEXT,
            clerk_id INTEGER,
            current_ticket_id INTEGER,
            priority_streak INTEGER NOT NULL DEFAULT 0,
            in_config INTEGER NOT NULL DEFAULT 1
        );

        CREATE TABLE counter_services (
            counter_id INTEGER NOT NULL REFERENCES counters(id),
            service_id INTEGER NOT NULL REFERENCES services(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (counter_id, service_id)
        );

        CREATE TABLE clerks (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            role TEXT NOT NULL,
            pin_hash TEXT NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until REAL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at REAL NOT NULL
        );

        CREATE TABLE devices (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            enrolled_at REAL NOT NULL,
            revoked_at REAL,
            last_status TEXT
        );

        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            clerk_id INTEGER NOT NULL REFERENCES clerks(id),
            counter_id INTEGER NOT NULL REFERENCES counters(id),
            device_id INTEGER REFERENCES devices(id),
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            ended_at REAL
        );

        -- One row per service and business day: the running sequence that numbers tickets.
        CREATE TABLE day_counters (
            service_id INTEGER NOT NULL REFERENCES services(id),
            business_day TEXT NOT NULL,
            last_sequence INTEGER NOT NULL,
            PRIMARY KEY (service_id, business_day)
        );

        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            service_id INTEGER NOT NULL REFERENCES services(id),
            business_day TEXT NOT NULL,
            sequence INTEGER,              -- NULL for a transfer's new entry
            number INTEGER NOT NULL,
            label TEXT NOT NULL,
            priority TEXT NOT NULL,
            status TEXT NOT NULL,
            code TEXT NOT NULL,
            issued_at REAL NOT NULL,
            first_issued_at REAL NOT NULL,
            called_at REAL,
            started_at REAL,
            finished_at REAL,
            counter_id INTEGER REFERENCES counters(id),
            clerk_id INTEGER REFERENCES clerks(id),
            recalls INTEGER NOT NULL DEFAULT 0,
            transferred_from_service_id INTEGER REFERENCES services(id),
            transferred_from_ticket_id INTEGER REFERENCES tickets(id),
            issued_by_device_id INTEGER REFERENCES devices(id)
        );
        -- Invariant 1: a (service, business day, sequence) is issued once.
        CREATE UNIQUE INDEX tickets_issue_once ON tickets(service_id, business_day, sequence)
            WHERE sequence IS NOT NULL;
        CREATE INDEX tickets_waiting ON tickets(status, service_id, first_issued_at);
        CREATE INDEX tickets_code ON tickets(code);
        CREATE INDEX tickets_day ON tickets(business_day, service_id);
        CREATE INDEX tickets_finished ON tickets(service_id, finished_at);

        -- Append-only: every change, numbered without gaps.
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            type TEXT NOT NULL,
            ticket_id INTEGER,
            counter_id INTEGER,
            payload TEXT NOT NULL
        );
        CREATE INDEX events_ticket ON events(ticket_id);
        CREATE INDEX events_type ON events(type, seq);
        """
    )


def _day_summaries(db: sqlite_utils.Database) -> None:
    """Per business day, the KPI tallies stored at the rollover (see core/stats.py)."""
    _run_script(
        db,
        """
        -- One row per summarised business day: the primary key makes a summary exist once.
        CREATE TABLE day_summaries (
            business_day TEXT PRIMARY KEY,
            format INTEGER NOT NULL,        -- histogram layout; other formats are ignored until rebuilt
            final INTEGER NOT NULL,         -- 0: an entry was still waiting or at a counter
            entries INTEGER NOT NULL,
            built_at REAL NOT NULL
        );

        -- A day's tallies per grouping ('total', 'service', 'counter', 'clerk', 'hour') and key
        -- (service, counter or clerk id, local hour of issue; 0 for the total).
        CREATE TABLE day_summary_buckets (
            business_day TEXT NOT NULL REFERENCES day_summaries(business_day),
            grouping TEXT NOT NULL,
            key INTEGER NOT NULL,
            issued INTEGER NOT NULL,
            served INTEGER NOT NULL,
            no_show INTEGER NOT NULL,
            cancelled INTEGER NOT NULL,
            expired INTEGER NOT NULL,
            transferred INTEGER NOT NULL,
            waiting INTEGER NOT NULL,
            in_service INTEGER NOT NULL,
            wait_count INTEGER NOT NULL,
            wait_sum REAL NOT NULL,
            within_target INTEGER NOT NULL,
            service_count INTEGER NOT NULL,
            service_sum REAL NOT NULL,
            wait_histogram BLOB,            -- zlib of 32-bit little-endian counts per bin
            service_histogram BLOB,
            PRIMARY KEY (business_day, grouping, key)
        );
        """,
    )


def _device_presence(db: sqlite_utils.Database) -> None:
    """What `GET /devices` shows: when a device was last seen, its last status and printer."""
    _run_script(
        db,
        """
        ALTER TABLE devices ADD COLUMN last_seen_at REAL;      -- flushed from memory every few seconds
        ALTER TABLE devices ADD COLUMN status_at REAL;         -- when last_status was reported
        ALTER TABLE devices ADD COLUMN printer TEXT;           -- the last reported status.printer
        ALTER TABLE devices ADD COLUMN certificate_fingerprint TEXT;  -- the hub certificate it pinned
        CREATE INDEX devices_name ON devices(name COLLATE NOCASE);
        """,
    )


def _simulated(db: sqlite_utils.Database) -> None:
    """What `simulate` wrote is marked, so figures and reports can leave it out
    (docs/decisions/simulated-data.md)."""
    _run_script(
        db,
        """
        ALTER TABLE tickets ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE clerks ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE devices ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;
        -- A stored day's figures leave simulated entries out; this many were left out.
        ALTER TABLE day_summaries ADD COLUMN simulated_entries INTEGER NOT NULL DEFAULT 0;
        -- Before the flag the simulator enrolled its devices under these names, and nothing else did.
        UPDATE devices SET simulated = 1 WHERE name IN ('simulator arrivals', 'simulator counters');
        UPDATE tickets SET simulated = 1 WHERE issued_by_device_id IN (SELECT id FROM devices WHERE simulated = 1);
        -- Those days' stored figures counted the simulated tickets: computed afresh until stored again.
        UPDATE day_summaries SET final = 0
            WHERE business_day IN (SELECT DISTINCT business_day FROM tickets WHERE simulated = 1);
        """,
    )


def _audit_log(db: sqlite_utils.Database) -> None:
    """What the centre console changed: who, when, what, before and after (hub/console/)."""
    _run_script(
        db,
        """
        -- Append-only; each row is also in the event log as an `audit.recorded` event (event_seq).
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            actor TEXT NOT NULL,          -- the supervisor's or admin's user name
            role TEXT NOT NULL,
            action TEXT NOT NULL,         -- e.g. counter.pause, ticket.move, clerk.add
            target TEXT NOT NULL,         -- what it was done to, e.g. "counter 3", "A012"
            before TEXT,                  -- JSON, null when there was nothing before
            after TEXT,                   -- JSON, null when nothing is left after
            event_seq INTEGER NOT NULL
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        """,
    )


def _call_order(db: sqlite_utils.Database) -> None:
    """Call-next asks, for each of the counter's services, only for the earliest waiting normal
    ticket and the earliest waiting priority one (`core.callnext.queue_fronts`): one index
    step each, however long the queue (docs/decisions/call-next-queue-fronts.md)."""
    _run_script(
        db,
        """
        CREATE INDEX tickets_call_order ON tickets(service_id, (priority = 'normal'), first_issued_at, id)
            WHERE status = 'waiting';
        """,
    )


def _visitor_voice(db: sqlite_utils.Database) -> None:
    """The visitor's voice: one rating per ticket, and the complaints and suggestions box.
    Comments, complaint texts and mobile numbers are personal data, removed after the centre's
    retention period; the figures (scores, kinds, statuses, times) stay."""
    _run_script(
        db,
        """
        CREATE TABLE ratings (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets(id),  -- one per ticket: the first wins
            business_day TEXT NOT NULL,       -- the visit's day
            service_id INTEGER NOT NULL REFERENCES services(id),
            counter_id INTEGER REFERENCES counters(id),
            clerk_id INTEGER REFERENCES clerks(id),
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            comment TEXT,                     -- personal data: NULL once the retention period is over
            source TEXT NOT NULL,             -- 'phone' or 'feedback' (the counter-top screen)
            device_id INTEGER REFERENCES devices(id),
            at REAL NOT NULL,
            redacted_at REAL,                 -- when retention removed the comment
            simulated INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ratings_day ON ratings(business_day, service_id);
        CREATE INDEX ratings_clerk ON ratings(clerk_id, business_day);
        CREATE INDEX ratings_at ON ratings(at);

        CREATE TABLE visitor_feedback (
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,   -- given to the visitor to follow it
            kind TEXT NOT NULL CHECK (kind IN ('complaint', 'suggestion', 'thanks')),
            text TEXT,                        -- personal data: NULL once the retention period is over
            mobile TEXT,                      -- personal data, for a reply; optional
            ticket_id INTEGER REFERENCES tickets(id),  -- the visit it is about, when filed from one
            business_day TEXT NOT NULL,       -- the visit's day, or the day it was filed
            service_id INTEGER REFERENCES services(id),
            counter_id INTEGER REFERENCES counters(id),
            clerk_id INTEGER REFERENCES clerks(id),
            source TEXT NOT NULL,             -- 'phone', 'kiosk' or 'api'
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'in_progress', 'answered', 'closed')),
            assignee TEXT,                    -- the supervisor's user name
            answer TEXT,                      -- the centre's answer, shown to the visitor
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            answered_at REAL,
            closed_at REAL,
            redacted_at REAL,                 -- when retention removed text and mobile
            simulated INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX visitor_feedback_day ON visitor_feedback(business_day);
        CREATE INDEX visitor_feedback_status ON visitor_feedback(status, created_at);
        CREATE INDEX visitor_feedback_ticket ON visitor_feedback(ticket_id);
        CREATE INDEX visitor_feedback_created ON visitor_feedback(created_at);
        """,
    )


def _appointments(db: sqlite_utils.Database) -> None:
    """Appointments (a booking per slot, checked in at the kiosk into a ticket) and the remote
    queue (a walk-in ticket taken from a phone, confirmed at the kiosk on arrival)."""
    _run_script(
        db,
        """
        CREATE TABLE bookings (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,        -- the visitor's booking code (also in its QR code)
            service_id INTEGER NOT NULL REFERENCES services(id),
            slot_day TEXT NOT NULL,           -- the business day, YYYY-MM-DD
            slot_start REAL NOT NULL,         -- epoch seconds of the slot's start
            slot_minutes INTEGER NOT NULL,
            mobile TEXT NOT NULL,             -- personal data
            status TEXT NOT NULL DEFAULT 'booked'
                CHECK (status IN ('booked', 'checked_in', 'cancelled', 'no_show')),
            source TEXT NOT NULL,             -- 'web', 'portal' (an integration token) or 'console'
            device_id INTEGER REFERENCES devices(id),
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            rescheduled_at REAL,
            cancelled_at REAL,
            checked_in_at REAL,
            ticket_id INTEGER REFERENCES tickets(id),  -- the ticket printed at check-in
            simulated INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX bookings_slot ON bookings(service_id, slot_start)
            WHERE status IN ('booked', 'checked_in');
        CREATE INDEX bookings_mobile ON bookings(mobile, slot_start);
        CREATE INDEX bookings_day ON bookings(slot_day, service_id);

        ALTER TABLE tickets ADD COLUMN booking_id INTEGER REFERENCES bookings(id);
        ALTER TABLE tickets ADD COLUMN slot_start REAL;        -- appointment tickets: the slot's start
        ALTER TABLE tickets ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;  -- taken from a phone
        ALTER TABLE tickets ADD COLUMN arrived_at REAL;        -- remote tickets: confirmed at the kiosk
        ALTER TABLE tickets ADD COLUMN remote_skips INTEGER NOT NULL DEFAULT 0;
        """,
    )


def _remote_extra(db: sqlite_utils.Database) -> None:
    """The remote queue's per-client cap: which client (a keyed hash of its network address,
    never the address itself) took each remote ticket, counted inside the issuing transaction."""
    _run_script(
        db,
        """
        ALTER TABLE tickets ADD COLUMN remote_client TEXT;
        CREATE INDEX tickets_remote_waiting ON tickets(business_day, service_id)
            WHERE remote = 1 AND status = 'waiting';
        """,
    )


def _checkin(db: sqlite_utils.Database) -> None:
    """Appointment tickets are a queue of their own per service, ordered by slot: call-next asks
    for the earliest slot of each service, and the walk-in queues' index leaves them out, so each
    front stays one index step (docs/decisions/appointments-in-the-call-order.md)."""
    _run_script(
        db,
        """
        DROP INDEX tickets_call_order;
        CREATE INDEX tickets_call_order ON tickets(service_id, (priority = 'normal'), first_issued_at, id)
            WHERE status = 'waiting' AND slot_start IS NULL;
        CREATE INDEX tickets_appointment_order ON tickets(service_id, slot_start, id)
            WHERE status = 'waiting' AND slot_start IS NOT NULL;
        CREATE INDEX tickets_booking ON tickets(booking_id) WHERE booking_id IS NOT NULL;
        """,
    )


def _voice_figures(db: sqlite_utils.Database) -> None:
    """Per business day, the counts of each score of its real (not simulated) ratings, stored
    once no rating can come in for the day any more (see core/voice_figures.py)."""
    _run_script(
        db,
        """
        -- One row per stored day: its buckets below are final.
        CREATE TABLE rating_days (
            business_day TEXT PRIMARY KEY,
            built_at REAL NOT NULL
        );

        -- A day's ratings per grouping ('total', 'service', 'counter', 'clerk', 'hour') and key
        -- (service, counter or clerk id, local hour of the rated entry's issue; 0 for the total):
        -- how many of each score 1..5. Scores only: no comment, nothing personal.
        CREATE TABLE rating_day_buckets (
            business_day TEXT NOT NULL REFERENCES rating_days(business_day),
            grouping TEXT NOT NULL,
            key INTEGER NOT NULL,
            score1 INTEGER NOT NULL,
            score2 INTEGER NOT NULL,
            score3 INTEGER NOT NULL,
            score4 INTEGER NOT NULL,
            score5 INTEGER NOT NULL,
            PRIMARY KEY (business_day, grouping, key)
        );
        """,
    )


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_initial", _initial),
    ("0002_day_summaries", _day_summaries),
    ("0003_device_presence", _device_presence),
    ("0004_simulated", _simulated),
    ("0005_audit_log", _audit_log),
    ("0006_call_order", _call_order),
    ("0007_visitor_voice", _visitor_voice),
    ("0008_appointments", _appointments),
    ("0010_voice_figures", _voice_figures),
    ("0012_remote_extra", _remote_extra),
    ("0013_checkin", _checkin),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet recorded, each in its own transaction; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM migrations").fetchall()}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, time.time()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied

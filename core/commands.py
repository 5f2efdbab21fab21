"""Write commands: each runs on the store's writer thread as `command(tx, ...)`.

A command checks, changes rows, and emits the events that describe the change; raising a
TabourError undoes all of it (the store wraps each command in a savepoint).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.availability import CLOSED_MESSAGES, day_limit_reason, service_closed_reason
from core.callnext import choose_next, remote_turn
from core.catalogue import Catalogue, CounterInfo, ServiceInfo, hours_by_service
from core.config import CentreFile
from core.errors import BadInput, Forbidden, ImpossibleStep, NotFound, RateLimited, Unauthorized
from core.lifecycle import Step, next_status
from core.models import (
    CallMode,
    Candidate,
    CounterId,
    CounterStatus,
    DeviceKind,
    EventType,
    Priority,
    Role,
    ServiceId,
    TicketStatus,
)
from core.numbering import business_day, format_label, next_rollover, number_for
from core.security import new_public_code, new_token, token_hash
from core.store import Store, Tx
from core.views import TICKET_SELECT, counter_brief, load_counter, load_device, load_ticket, printer_summary, service_rows
from core.waiting_counts import keep_waiting_counts, waiting_counts

MAX_LABEL_LENGTH = 12
MAX_STATUS_BYTES = 2048
MAX_PAUSE_REASON = 80


# ── what events carry ────────────────────────────────────────────────────────────────────


def _service_after(tx: Tx, service_id: int) -> dict[str, Any] | None:
    """The service's row after this change, for its ticket event: built inside the write, so
    no client refetches `/state` for the waiting count or the estimate."""
    rows = service_rows(tx.store, tx.conn, (service_id,), waiting_now=lambda ids: waiting_counts(tx.conn, ids))
    return rows[0] if rows else None


def _emit_ticket(tx: Tx, event_type: EventType, ticket: dict[str, Any], **payload: Any) -> None:
    tx.emit(event_type, ticket_id=ticket["id"], ticket=ticket, service=_service_after(tx, ticket["service_id"]), **payload)


def _emit_counter(tx: Tx, event_type: EventType, counter_id: int) -> dict[str, Any]:
    """A counter event with the counter and the rows of the services it serves (their open
    counters and estimates changed with it); returns the counter's view."""
    view = load_counter(tx.store, tx.conn, counter_id)
    services = service_rows(tx.store, tx.conn, view["service_ids"], waiting_now=lambda ids: waiting_counts(tx.conn, ids))
    tx.emit(event_type, counter_id=counter_id, counter=view, services=services)
    return view


# ── configuration and the business day ───────────────────────────────────────────────────


def open_store(path: str | Path, config: CentreFile, **options: Any) -> Store:
    """The hub's store: `config` loaded by `apply_config`, each batch begun by `roll_day_if_due`."""
    return Store(path, config, load_config=apply_config, before_batch=roll_day_if_due, **options)


def apply_config(tx: Tx, config: CentreFile) -> dict[str, int]:
    """Load the centre's services, counters and groups into the database and the catalogue.

    Services and counters are matched by code and number, so ids (and every ticket's history)
    survive edits to the file. One that left the file is kept but marked as not configured.
    """
    store = tx.store
    keep_waiting_counts(tx.conn)  # the writer's own count of each service's waiting tickets, for event rows
    # A new catalogue, put in place whole once it is complete: readers never see one half
    # loaded, and if this command fails the store keeps the one it had.
    catalogue = Catalogue(config=config, tz=ZoneInfo(config.centre.time_zone))
    hours = hours_by_service(config)
    changed = 0

    tx.conn.execute("DELETE FROM groups")
    for position, group in enumerate(config.groups):
        tx.conn.execute(
            "INSERT INTO groups (key, name_ar, name_en, position) VALUES (?, ?, ?, ?)",
            (group.key, group.name_ar, group.name_en, position),
        )

    tx.conn.execute("UPDATE services SET in_config = 0")
    for position, service in enumerate(config.services):
        values = (
            service.name_ar, service.name_en, service.group, service.range[0], service.range[1],
            int(service.wrap_around), service.daily_cap, int(service.target_wait_minutes * 60),
            int(service.max_wait_minutes * 60) if service.max_wait_minutes is not None else None,
            int(service.average_service_minutes * 60), int(service.enabled), position,
        )
        row = tx.one("SELECT id FROM services WHERE code = ?", (service.code,))
        if row is None:
            cursor = tx.conn.execute(
                "INSERT INTO services (name_ar, name_en, group_key, range_start, range_end, wrap_around, daily_cap, "
                "target_wait_seconds, max_wait_seconds, default_service_seconds, enabled, position, code, in_config) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                (*values, service.code),
            )
            service_id = ServiceId(cursor.lastrowid)
            changed += 1
        else:
            service_id = ServiceId(row[0])
            cursor = tx.conn.execute(
                "UPDATE services SET name_ar=?, name_en=?, group_key=?, range_start=?, range_end=?, wrap_around=?, "
                "daily_cap=?, target_wait_seconds=?, max_wait_seconds=?, default_service_seconds=?, enabled=?, "
                "position=?, in_config=1 WHERE id=?",
                (*values, service_id),
            )
        info = ServiceInfo(
            id=service_id, code=service.code, name_ar=service.name_ar, name_en=service.name_en,
            group_key=service.group, number_range=service.number_range, daily_cap=service.daily_cap,
            target_wait_seconds=values[7], max_wait_seconds=values[8], default_service_seconds=values[9],
            enabled=service.enabled, hours=hours[service.code], position=position,
        )
        catalogue.services[service_id] = info
        catalogue.services_by_code[service.code] = info
        if service_id not in store.recent_service_seconds:
            window = config.rules.recent_service_window
            recent = tx.all(
                "SELECT finished_at - started_at FROM tickets WHERE service_id = ? AND status = 'done' "
                "AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
                (service_id, window),
            )
            tx.start_service_seconds(service_id, reversed([r[0] for r in recent]), window)

    tx.conn.execute("UPDATE counters SET in_config = 0")
    for counter in config.counters:
        name_ar = counter.name_ar or f"الشباك {counter.number}"
        name_en = counter.name_en or f"Counter {counter.number}"
        row = tx.one("SELECT id FROM counters WHERE number = ?", (counter.number,))
        if row is None:
            cursor = tx.conn.execute(
                "INSERT INTO counters (number, name_ar, name_en, mode, in_config) VALUES (?, ?, ?, ?, 1)",
                (counter.number, name_ar, name_en, counter.mode.value),
            )
            counter_id = CounterId(cursor.lastrowid)
        else:
            counter_id = CounterId(row[0])
            tx.conn.execute(
                "UPDATE counters SET name_ar=?, name_en=?, mode=?, in_config=1 WHERE id=?",
                (name_ar, name_en, counter.mode.value, counter_id),
            )
        service_ids = [catalogue.services_by_code[code].id for code in config.counter_service_codes(counter)]
        tx.conn.execute("DELETE FROM counter_services WHERE counter_id = ?", (counter_id,))
        for position, service_id in enumerate(service_ids):
            tx.conn.execute(
                "INSERT INTO counter_services (counter_id, service_id, position) VALUES (?, ?, ?)",
                (counter_id, service_id, position),
            )
        info = CounterInfo(counter_id, counter.number, name_ar, name_en, counter.mode, service_ids)
        catalogue.counters[counter_id] = info
        catalogue.counters_by_number[counter.number] = info
    tx.set_catalogue(catalogue)

    fingerprint = config.model_dump_json()
    previous = tx.one("SELECT value FROM meta WHERE key = 'config'")
    if previous is not None and previous[0] != fingerprint:
        tx.emit(EventType.CONFIG_CHANGED)
    tx.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('config', ?)", (fingerprint,))
    roll_day_if_due(tx)
    return {"services": len(catalogue.services), "counters": len(catalogue.counters), "new_services": changed}


def day_end(day: str, tz: ZoneInfo, rollover_hour: int) -> float:
    """Epoch seconds at which business day `day` (YYYY-MM-DD) ended: the next day's rollover."""
    start = datetime.fromisoformat(day).replace(hour=rollover_hour, tzinfo=tz)
    return next_rollover(start.timestamp(), tz, rollover_hour)


def _close_at_rollover(tx: Tx, today: str) -> int:
    """Close the entries of past days still with a counter (docs/decisions/rollover-closes-counters.md).

    Being served → `done`, called but never started → `no_show`, both finished at the moment
    their business day ended (not when the hub noticed, which after a night switched off would
    inflate the service time); they count in their own day's figures like any other.
    """
    catalogue = tx.catalogue
    rollover_hour = catalogue.config.centre.rollover_hour
    closed = 0
    rows = tx.all(f"{TICKET_SELECT} WHERE t.status IN ('called', 'serving') AND t.business_day < ? ORDER BY t.id", (today,))
    for row in rows:
        ended = day_end(row["business_day"], catalogue.tz, rollover_hour)
        began = max(row["started_at"] or 0, row["called_at"] or 0)
        finished_at = max(min(tx.now, ended), began)
        serving = row["status"] == TicketStatus.SERVING.value
        status = TicketStatus.DONE if serving else TicketStatus.NO_SHOW
        tx.conn.execute("UPDATE tickets SET status = ?, finished_at = ? WHERE id = ?", (status.value, finished_at, row["id"]))
        tx.conn.execute("UPDATE counters SET current_ticket_id = NULL WHERE current_ticket_id = ?", (row["id"],))
        ticket = load_ticket(tx.store, tx.conn, row["id"])
        _emit_ticket(
            tx, EventType.TICKET_FINISHED if serving else EventType.TICKET_NO_SHOW, ticket,
            counter_id=row["counter_id"], closed_at_rollover=True,
        )
        closed += 1
    return closed


def roll_day_if_due(tx: Tx) -> bool:
    """Start a new business day when the clock has passed the rollover: close what the counters
    still hold, expire the waiting, store the finished days' figures."""
    catalogue = tx.catalogue
    today = business_day(tx.now, catalogue.tz, catalogue.config.centre.rollover_hour).isoformat()
    store = tx.store
    if store.current_business_day == today:
        return False
    # At start-up (no day held yet) and at each rollover: what visitors wrote past the
    # centre's retention period goes (core/voice.py).
    from core.voice import apply_retention

    apply_retention(tx)
    stored = tx.one("SELECT value FROM meta WHERE key = 'business_day'")
    if stored is not None and stored[0] == today:
        tx.set_business_day(today)
        return False
    if stored is not None and stored[0] > today:
        # The clock went backwards (set by hand?): keep the later day rather than renumber.
        tx.set_business_day(stored[0])
        return False
    closed = _close_at_rollover(tx, today)
    expired = 0
    for row in tx.all(f"{TICKET_SELECT} WHERE t.status = 'waiting' AND t.business_day < ? ORDER BY t.id", (today,)):
        tx.conn.execute("UPDATE tickets SET status = 'expired', finished_at = ? WHERE id = ?", (tx.now, row["id"]))
        expired += 1
        _emit_ticket(tx, EventType.TICKET_EXPIRED, load_ticket(store, tx.conn, row["id"]))
    tx.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('business_day', ?)", (today,))
    tx.set_business_day(today)
    from core.stats import summarise_closed_days
    from core.voice_figures import store_closed_rating_days

    summarise_closed_days(tx)
    store_closed_rating_days(tx)
    if stored is not None:
        tx.emit(
            EventType.DAY_ROLLED, business_day=today, previous_business_day=stored[0], expired=expired,
            closed_at_rollover=closed,
        )
    return True


# ── devices and clerks ───────────────────────────────────────────────────────────────────


def enroll_device(
    tx: Tx,
    name: str,
    kind: DeviceKind,
    certificate_fingerprint: str | None = None,
    *,
    simulated: bool = False,
    into_real_database: bool = False,
) -> dict[str, Any]:
    """A new device and its token (returned once; only its hash is kept).

    A name that a revoked device still holds is refused: a revoked device set up to enroll by
    itself (`--enroll-code`) would otherwise be back in seconds under its old name. Renaming the
    revoked entry frees the name.

    A `simulated` device (the day simulator's) marks every ticket it issues as simulated; it is
    refused while the database holds real tickets, unless `into_real_database`.
    """
    if simulated and not into_real_database:
        refuse_real_database(tx.conn)
    revoked = tx.one("SELECT id FROM devices WHERE name = ? COLLATE NOCASE AND revoked_at IS NOT NULL", (name,))
    if revoked is not None:
        raise Forbidden(
            f"The device '{name}' was revoked on this hub; ask a supervisor (or enroll it under another name).",
            f"تم إلغاء الجهاز '{name}' في هذا الخادم؛ راجع المشرف (أو سجّله باسم آخر).",
            code="revoked_device",
        )
    token = new_token()
    cursor = tx.conn.execute(
        "INSERT INTO devices (name, kind, token_hash, enrolled_at, certificate_fingerprint, simulated) VALUES (?, ?, ?, ?, ?, ?)",
        (name, kind.value, token_hash(token), tx.now, certificate_fingerprint, int(simulated)),
    )
    # Enrolling is the device talking to the hub: it is here, and device.enrolled says so.
    tx.store.presence.seen(cursor.lastrowid, tx.now)
    device = _device(tx, cursor.lastrowid)
    tx.emit(EventType.DEVICE_ENROLLED, device=device)
    return {"token": token, "device_id": device["id"], "kind": kind.value, "device": device}


def real_ticket_count(conn) -> int:
    """Tickets in the database that no simulation wrote."""
    return conn.execute("SELECT COUNT(*) FROM tickets WHERE simulated = 0").fetchone()[0]


def is_demo_database(conn) -> bool:
    """The all-in-one demo's database: its tickets are a newcomer's tries, not a branch's visitors."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'demo_database'").fetchone()
    return row is not None and row[0] == "1"


def mark_demo_database(tx: Tx) -> None:
    tx.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('demo_database', '1')")


def refuse_real_database(conn) -> None:
    """A simulation must not mix with a branch's real visitors (docs/decisions/simulated-data.md)."""
    if is_demo_database(conn):
        return
    real = real_ticket_count(conn)
    if real:
        raise ImpossibleStep(
            f"This database holds {real} real tickets; a simulation would mix with them. Simulate on a "
            "demo database, or give --into-real-database (into_real_database) if that is really meant.",
            f"تحوي قاعدة البيانات هذه \u2066{real}\u2069 تذكرة حقيقية، والمحاكاة ستختلط بها. شغّل المحاكاة على قاعدة "
            "بيانات تجريبية، أو أضف \u2066--into-real-database\u2069 إن كان ذلك مقصوداً.",
            code="real_database",
        )


def _device(tx: Tx, device_id: int) -> dict[str, Any]:
    device = load_device(tx.store, tx.conn, device_id, tx.now)
    if device is None:
        raise NotFound(f"No device with id {device_id}.", f"لا يوجد جهاز بالرقم {device_id}.")
    return device


def report_device_status(tx: Tx, device_id: int, status: dict[str, Any]) -> None:
    encoded = json.dumps(status, ensure_ascii=False, separators=(",", ":"))
    if len(encoded.encode()) > MAX_STATUS_BYTES:
        raise BadInput(
            f"A device status may hold at most {MAX_STATUS_BYTES} bytes.",
            f"حالة الجهاز لا تتجاوز {MAX_STATUS_BYTES} بايت.",
        )
    _device(tx, device_id)
    # `printer` keeps the last report that named one: a report about something else (a kiosk's
    # supervisor exit) does not make the printer unknown.
    tx.conn.execute(
        "UPDATE devices SET last_status = ?, status_at = ?, printer = CASE WHEN ? THEN ? ELSE printer END WHERE id = ?",
        (encoded, tx.now, "printer" in status, printer_summary(status), device_id),
    )
    tx.emit(EventType.DEVICE_STATUS, device=_device(tx, device_id), status=status)


def rename_device(tx: Tx, device_id: int, name: str) -> dict[str, Any]:
    """A new name (revoked devices too: that frees the old name for a new enrollment)."""
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 80 or not name.strip().isprintable():
        raise BadInput("A device name is 1 to 80 printable characters.", "اسم الجهاز من 1 إلى 80 حرفاً.")
    before = _device(tx, device_id)
    name = name.strip()
    if before["name"] == name:
        return before
    tx.conn.execute("UPDATE devices SET name = ? WHERE id = ?", (name, device_id))
    device = _device(tx, device_id)
    tx.emit(EventType.DEVICE_RENAMED, device=device, previous_name=before["name"])
    return device


def revoke_device(tx: Tx, device_id: int) -> dict[str, Any]:
    """The device's token stops working once this commits; sessions opened on it end too."""
    before = _device(tx, device_id)
    if before["revoked_at"] is not None:
        raise ImpossibleStep(
            f"The device '{before['name']}' is revoked already.", f"الجهاز '{before['name']}' ملغى أصلاً.", code="already_revoked"
        )
    tx.conn.execute("UPDATE devices SET revoked_at = ? WHERE id = ?", (tx.now, device_id))
    for session in tx.all("SELECT id, counter_id FROM sessions WHERE device_id = ? AND ended_at IS NULL", (device_id,)):
        tx.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (tx.now, session["id"]))
        _set_counter_closed_if_idle(tx, session["counter_id"])
    tx.store.sessions_changed()
    presence = tx.store.presence
    tx.after_commit.append(lambda: presence.forget(device_id))  # only once the revocation holds
    device = _device(tx, device_id)
    tx.emit(EventType.DEVICE_REVOKED, device=device)
    return device


def announce_presence(tx: Tx, device_id: int, online: bool) -> dict[str, Any] | None:
    """`device.online` / `device.offline`; nothing for a revoked or unknown device."""
    device = load_device(tx.store, tx.conn, device_id, tx.now)
    if device is None or device["revoked_at"] is not None:
        return None
    device["online"] = online
    tx.emit(EventType.DEVICE_ONLINE if online else EventType.DEVICE_OFFLINE, device=device)
    return device


def record_last_seen(tx: Tx, seen: dict[int, float]) -> None:
    """Write the last-seen times the hub gathered in memory (one small write every few seconds)."""
    tx.conn.executemany(
        "UPDATE devices SET last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?",
        [(at, device_id) for device_id, at in seen.items()],
    )


def add_clerk(tx: Tx, username: str, role: Role, pin_hash: str, *, simulated: bool = False) -> int:
    """A new clerk (or a removed one brought back, as `enlist_clerk`); returns the clerk's id.

    A `simulated` clerk is one of the day simulator's (sim1, sim2…), marked so people can tell.
    """
    clerk_id = enlist_clerk(tx, username, role, pin_hash)["id"]
    if simulated:
        tx.conn.execute("UPDATE clerks SET simulated = 1 WHERE id = ?", (clerk_id,))
    return clerk_id


def enlist_clerk(tx: Tx, username: str, role: Role, pin_hash: str) -> dict[str, Any]:
    """A new clerk; a removed clerk's name brings that account back (README, *Clerks*).

    A user name is one person: re-adding a removed name reactivates the same account with the
    new PIN and role, so the tickets they served before stay theirs. An active name is refused.
    """
    check_username(username)
    existing = tx.one("SELECT * FROM clerks WHERE username = ?", (username,))
    if existing is not None and existing["active"]:
        raise ImpossibleStep(f"A clerk named '{username}' exists already.", f"يوجد موظف باسم '{username}' مسبقاً.", code="clerk_exists")
    if existing is not None:
        tx.conn.execute(
            "UPDATE clerks SET active = 1, role = ?, pin_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?",
            (role.value, pin_hash, existing["id"]),
        )
        return {**clerk_view(_clerk_row(tx, username)), "restored": True}
    cursor = tx.conn.execute(
        "INSERT INTO clerks (username, role, pin_hash, created_at) VALUES (?, ?, ?, ?)",
        (username, role.value, pin_hash, tx.now),
    )
    return {**clerk_view(tx.one("SELECT * FROM clerks WHERE id = ?", (cursor.lastrowid,))), "restored": False}


def clerk_view(row) -> dict[str, Any]:
    return {"id": row["id"], "username": row["username"], "role": row["role"], "active": bool(row["active"])}


def remove_clerk(tx: Tx, username: str) -> dict[str, Any]:
    """Deactivate (not delete: tickets keep naming who served them) and end their sessions."""
    row = _clerk_row(tx, username)
    if not row["active"]:
        raise ImpossibleStep(f"'{username}' was removed already.", f"تمت إزالة '{username}' مسبقاً.", code="clerk_removed")
    tx.conn.execute("UPDATE clerks SET active = 0 WHERE id = ?", (row["id"],))
    for session in tx.all("SELECT id, counter_id FROM sessions WHERE clerk_id = ? AND ended_at IS NULL", (row["id"],)):
        tx.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (tx.now, session["id"]))
        _set_counter_closed_if_idle(tx, session["counter_id"])
    tx.store.sessions_changed()
    return clerk_view(_clerk_row(tx, username))


def reset_pin(tx: Tx, username: str, pin_hash: str) -> dict[str, Any]:
    """A new PIN for an active clerk. A removed clerk is refused: only `add` brings one back."""
    row = _clerk_row(tx, username)
    if not row["active"]:
        raise ImpossibleStep(
            f"'{username}' was removed; add them again (clerk add) to give them a new PIN.",
            f"تمت إزالة '{username}'؛ أضفه من جديد لإعطائه رقماً سرياً جديداً.",
            code="clerk_removed",
        )
    tx.conn.execute(
        "UPDATE clerks SET pin_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?", (pin_hash, row["id"])
    )
    return clerk_view(row)


def set_clerk_role(tx: Tx, username: str, role: Role) -> dict[str, Any]:
    """A new role for an active clerk; their open sessions see it on their next request."""
    row = _clerk_row(tx, username)
    if not row["active"]:
        raise ImpossibleStep(f"'{username}' was removed; enable them first.", f"تمت إزالة '{username}'؛ فعّله أولاً.", code="clerk_removed")
    tx.conn.execute("UPDATE clerks SET role = ? WHERE id = ?", (Role(role).value, row["id"]))
    tx.store.sessions_changed()
    return clerk_view(_clerk_row(tx, username))


def enable_clerk(tx: Tx, username: str) -> dict[str, Any]:
    """A removed clerk back with their old PIN and role (their history was always kept)."""
    row = _clerk_row(tx, username)
    if row["active"]:
        raise ImpossibleStep(f"'{username}' is active already.", f"'{username}' مفعّل أصلاً.", code="clerk_active")
    tx.conn.execute("UPDATE clerks SET active = 1, failed_attempts = 0, locked_until = NULL WHERE id = ?", (row["id"],))
    return clerk_view(_clerk_row(tx, username))


def check_username(username: str) -> None:
    if not isinstance(username, str) or not 1 <= len(username) <= 40 or not username.isprintable() or username != username.strip():
        raise BadInput(
            "A user name is 1 to 40 printable characters without leading or trailing spaces.",
            "اسم المستخدم من 1 إلى 40 حرفاً دون مسافات في أوله أو آخره.",
        )


def _clerk_row(tx: Tx, username: str):
    row = tx.one("SELECT * FROM clerks WHERE username = ?", (username,))
    if row is None:
        raise NotFound(f"No clerk named '{username}'.", f"لا يوجد موظف باسم '{username}'.")
    return row


def record_login(
    tx: Tx, username: str, pin_ok: bool, counter_id: int, device_id: int | None
) -> dict[str, Any] | Unauthorized:
    """After the PIN was checked: open a session bound to the counter and open the counter.

    The PIN is checked (slowly, and with its lockouts: hub/pins.py) before this command, off the
    writer; a wrong one is answered here without a write, like an unknown name.
    """
    settings = tx.catalogue.config.hub
    wrong = Unauthorized("Wrong user name or PIN.", "اسم المستخدم أو الرقم السري غير صحيح.", code="wrong_pin")
    clerk = tx.one("SELECT * FROM clerks WHERE username = ? AND active = 1", (username,))
    if clerk is None or not pin_ok:
        return wrong
    if counter_id not in tx.catalogue.counters:
        raise NotFound("Unknown counter.", "شباك غير معروف.")
    tx.conn.execute("UPDATE clerks SET failed_attempts = 0, locked_until = NULL WHERE id = ?", (clerk["id"],))
    # A clerk works at one counter at a time, and a counter has one clerk: end older sessions.
    for old in tx.all(
        "SELECT id, counter_id FROM sessions WHERE ended_at IS NULL AND (clerk_id = ? OR counter_id = ?)",
        (clerk["id"], counter_id),
    ):
        tx.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (tx.now, old["id"]))
        tx.store.sessions_changed()
        if old["counter_id"] != counter_id:
            _set_counter_closed_if_idle(tx, old["counter_id"])
    token = new_token()
    tx.conn.execute(
        "INSERT INTO sessions (token_hash, clerk_id, counter_id, device_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash(token), clerk["id"], counter_id, device_id, tx.now, tx.now + settings.session_hours * 3600),
    )
    _mark_simulated_clerk(tx, clerk["id"], device_id)
    counter = tx.one("SELECT * FROM counters WHERE id = ?", (counter_id,))
    tx.conn.execute(
        "UPDATE counters SET status = 'open', pause_reason = NULL, clerk_id = ? WHERE id = ?", (clerk["id"], counter_id)
    )
    if counter["status"] != CounterStatus.OPEN.value or counter["clerk_id"] != clerk["id"]:
        _emit_counter(tx, EventType.COUNTER_OPENED, counter_id)
    return {
        "token": token,
        "clerk": {"username": clerk["username"], "role": clerk["role"]},
        "counter": load_counter(tx.store, tx.conn, counter_id),
    }


def _mark_simulated_clerk(tx: Tx, clerk_id: int, device_id: int | None) -> None:
    """A clerk logged in by the day simulator (through a simulated device) is one of its clerks,
    unless they have ever served a real visitor."""
    if device_id is None:
        return
    device = tx.one("SELECT simulated FROM devices WHERE id = ?", (device_id,))
    if device is None or not device["simulated"]:
        return
    tx.conn.execute(
        "UPDATE clerks SET simulated = 1 WHERE id = ? AND simulated = 0 "
        "AND NOT EXISTS (SELECT 1 FROM tickets WHERE clerk_id = ? AND simulated = 0)",
        (clerk_id, clerk_id),
    )


def _set_counter_closed_if_idle(tx: Tx, counter_id: int) -> None:
    row = tx.one("SELECT status, current_ticket_id FROM counters WHERE id = ?", (counter_id,))
    if row and row["status"] != CounterStatus.CLOSED.value and row["current_ticket_id"] is None:
        tx.conn.execute("UPDATE counters SET status = 'closed', pause_reason = NULL, clerk_id = NULL WHERE id = ?", (counter_id,))
        _emit_counter(tx, EventType.COUNTER_CLOSED, counter_id)


def end_session(tx: Tx, session_id: int) -> None:
    """Log out: the counter closes (refused while a visitor is still at it)."""
    session = tx.one("SELECT * FROM sessions WHERE id = ?", (session_id,))
    if session is None or session["ended_at"] is not None:
        return
    _refuse_if_holding(tx, session["counter_id"], "log out", "تسجيل الخروج")
    tx.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (tx.now, session_id))
    tx.store.sessions_changed()
    _set_counter_closed_if_idle(tx, session["counter_id"])


# ── tickets ──────────────────────────────────────────────────────────────────────────────


def _service(tx: Tx, service_id: Any) -> ServiceInfo:
    service = tx.catalogue.services.get(service_id) if isinstance(service_id, int) else None
    if service is None:
        raise NotFound(f"No service with id {service_id!r}.", f"لا توجد خدمة بالرقم {service_id!r}.")
    return service


def issue_ticket(
    tx: Tx,
    service_id: int,
    priority: Priority = Priority.NORMAL,
    device_id: int | None = None,
    *,
    booking_id: int | None = None,
    slot_start: float | None = None,
    remote: bool = False,
    remote_client: str | None = None,
) -> dict[str, Any]:
    """A ticket in the service's queue; with `slot_start`, an appointment ticket (core/checkin.py)."""
    service = _service(tx, service_id)
    reason = service_closed_reason(service, tx.now, tx.catalogue.tz)
    if reason is not None:
        raise ImpossibleStep(*CLOSED_MESSAGES[reason], code="service_closed")
    day = tx.business_day
    row = tx.one("SELECT last_sequence FROM day_counters WHERE service_id = ? AND business_day = ?", (service.id, day))
    issued_today = row[0] if row else 0
    limit = day_limit_reason(service, issued_today)
    if limit is not None:
        raise ImpossibleStep(*CLOSED_MESSAGES[limit], code=limit)
    sequence = issued_today + 1
    number = number_for(sequence, service.number_range)
    tx.conn.execute(
        "INSERT INTO day_counters (service_id, business_day, last_sequence) VALUES (?, ?, ?) "
        "ON CONFLICT (service_id, business_day) DO UPDATE SET last_sequence = excluded.last_sequence",
        (service.id, day, sequence),
    )
    label = format_label(service.code, number, service.number_range)
    cursor = tx.conn.execute(
        "INSERT INTO tickets (service_id, business_day, sequence, number, label, priority, status, code, issued_at, "
        "first_issued_at, issued_by_device_id, booking_id, slot_start, simulated) VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, "
        "?, ?, COALESCE((SELECT simulated FROM devices WHERE id = ?), 0))",
        (service.id, day, sequence, number, label, priority.value, new_public_code(), tx.now, tx.now, device_id,
         booking_id, slot_start, device_id),
    )
    if remote:  # before its event, which must say so
        tx.conn.execute("UPDATE tickets SET remote = 1, remote_client = ? WHERE id = ?", (remote_client, cursor.lastrowid))
    ticket = load_ticket(tx.store, tx.conn, cursor.lastrowid)
    _emit_ticket(tx, EventType.TICKET_ISSUED, ticket)
    return ticket


def _counter_row(tx: Tx, counter_id: int):
    row = tx.one("SELECT * FROM counters WHERE id = ? AND in_config = 1", (counter_id,))
    if row is None:
        raise NotFound(f"No counter with id {counter_id}.", f"لا يوجد شباك بالرقم {counter_id}.")
    return row


def _require_open(counter) -> None:
    if counter["status"] == CounterStatus.PAUSED.value:
        raise ImpossibleStep("The counter is paused; resume it first.", "الشباك في استراحة؛ استأنف العمل أولاً.", code="counter_paused")
    if counter["status"] == CounterStatus.CLOSED.value:
        raise ImpossibleStep("The counter is closed; log in to open it.", "الشباك مغلق؛ سجّل الدخول لفتحه.", code="counter_closed")


def _refuse_if_holding(tx: Tx, counter_id: int, action_en: str, action_ar: str) -> None:
    row = tx.one(
        "SELECT t.label, t.status FROM counters k JOIN tickets t ON t.id = k.current_ticket_id WHERE k.id = ?",
        (counter_id,),
    )
    if row is not None and row["status"] in (TicketStatus.CALLED.value, TicketStatus.SERVING.value):
        raise ImpossibleStep(
            f"Ticket {row['label']} is still at this counter; finish it or mark it as not present before you {action_en}.",
            f"التذكرة \u2066{row['label']}\u2069 ما زالت لدى هذا الشباك؛ أنهِها أو سجّل عدم الحضور قبل {action_ar}.",
            code="ticket_in_hand",
        )


def _take_ticket(tx: Tx, counter, ticket_row, clerk_id: int | None, streak: int) -> dict[str, Any]:
    """The one place a ticket becomes `called`: guarded so two counters can never hold it."""
    status = TicketStatus(ticket_row["status"])
    next_status(status, Step.CALL_BACK if status is TicketStatus.NO_SHOW else Step.CALL, ticket_row["label"])
    cursor = tx.conn.execute(
        "UPDATE tickets SET status = 'called', called_at = ?, counter_id = ?, clerk_id = ?, recalls = 0 "
        "WHERE id = ? AND status IN ('waiting', 'no_show')",
        (tx.now, counter["id"], clerk_id, ticket_row["id"]),
    )
    if cursor.rowcount != 1:  # cannot happen with one writer; the guard keeps invariant 2 local
        raise ImpossibleStep("Another counter took this ticket.", "أخذ شباك آخر هذه التذكرة.")
    tx.conn.execute(
        "UPDATE counters SET current_ticket_id = ?, priority_streak = ? WHERE id = ?",
        (ticket_row["id"], streak, counter["id"]),
    )
    ticket = load_ticket(tx.store, tx.conn, ticket_row["id"])
    _emit_ticket(tx, EventType.TICKET_CALLED, ticket, counter_id=counter["id"], counter=counter_brief(tx.store, counter["id"]))
    return ticket


def _finish_serving_current(tx: Tx, counter) -> None:
    """Call-next while serving finishes the current visitor first (the clerk's natural flow)."""
    if counter["current_ticket_id"] is None:
        return
    current = tx.one("SELECT id, status, label FROM tickets WHERE id = ?", (counter["current_ticket_id"],))
    if current is None:
        return
    if current["status"] == TicketStatus.SERVING.value:
        _step(tx, current["id"], Step.FINISH, counter["id"])
    elif current["status"] == TicketStatus.CALLED.value:
        raise ImpossibleStep(
            f"Ticket {current['label']} was called and has not been served: start serving it or mark it as not present first.",
            f"تم النداء على التذكرة \u2066{current['label']}\u2069 ولم تُخدم بعد: ابدأ خدمتها أو سجّل عدم الحضور أولاً.",
            code="ticket_in_hand",
        )


# The front of one walk-in queue: the earliest waiting walk-in of a service, normal (1) or
# priority (0). One step in the index `tickets_call_order` (migrations 0006, 0013), however many
# wait behind it.
_QUEUE_FRONT = (
    "SELECT id, service_id, priority, first_issued_at, slot_start FROM tickets "
    "WHERE status = 'waiting' AND slot_start IS NULL AND service_id = ? AND (priority = 'normal') = ? "
    "ORDER BY first_issued_at, id LIMIT 1"
)
# The front of a service's appointment queue: its earliest waiting slot (index
# `tickets_appointment_order`, migration 0013).
_APPOINTMENT_FRONT = (
    "SELECT id, service_id, priority, first_issued_at, slot_start FROM tickets "
    "WHERE status = 'waiting' AND slot_start IS NOT NULL AND service_id = ? "
    "ORDER BY slot_start, id LIMIT 1"
)


def queue_fronts_of(tx: Tx, service_ids: list[ServiceId]) -> list[Candidate]:
    """What `choose_next` needs from the database: `core.callnext.queue_fronts` of the waiting
    tickets of `service_ids`, found by the index rather than by reading every waiting ticket."""
    fronts = []
    for service_id in service_ids:
        max_wait = tx.catalogue.services[service_id].max_wait_seconds
        rows = [tx.one(_QUEUE_FRONT, (service_id, 1)), tx.one(_QUEUE_FRONT, (service_id, 0)), tx.one(_APPOINTMENT_FRONT, (service_id,))]
        for row in rows:
            if row is not None:
                fronts.append(Candidate(
                    row["id"], row["service_id"], Priority(row["priority"]), row["first_issued_at"], max_wait, row["slot_start"],
                ))
    return fronts


def call_next(tx: Tx, counter_id: int, clerk_id: int | None) -> dict[str, Any] | None:
    counter = _counter_row(tx, counter_id)
    _require_open(counter)
    _finish_serving_current(tx, counter)
    counter = _counter_row(tx, counter_id)
    info = tx.catalogue.counters[CounterId(counter_id)]
    if not info.service_ids:
        return None
    choice = choose_next(
        queue_fronts_of(tx, info.service_ids),
        info.service_ids,
        CallMode(counter["mode"]),
        counter["priority_streak"],
        tx.catalogue.config.rules.priority_streak_limit,
        tx.now,
    )
    if choice is None:
        return None
    ticket_row = tx.one("SELECT * FROM tickets WHERE id = ?", (choice.candidate.ticket_id,))
    if _settle_unarrived_remote(tx, ticket_row):
        return call_next(tx, counter_id, clerk_id)
    return _take_ticket(tx, counter, ticket_row, clerk_id, choice.priority_streak)


def _settle_unarrived_remote(tx: Tx, ticket_row) -> bool:
    """A remote ticket whose visitor has not confirmed arrival when its turn comes goes to the
    back of its queue once, then is marked not present; True when it was moved aside. Each
    ticket is moved aside at most twice, so a call-next ends however many of them wait."""
    turn = remote_turn(bool(ticket_row["remote"]), ticket_row["arrived_at"] is not None, ticket_row["remote_skips"])
    if turn == "call":
        return False
    if turn == "skip":
        tx.conn.execute(
            "UPDATE tickets SET remote_skips = remote_skips + 1, first_issued_at = ? WHERE id = ?",
            (tx.now, ticket_row["id"]),
        )
        _emit_ticket(tx, EventType.TICKET_SKIPPED, load_ticket(tx.store, tx.conn, ticket_row["id"]))
        return True
    # Never called, so no called_at: its wait is left out of the waiting-time figures, and the
    # no-show counts from the moment it was settled (docs/decisions/remote-no-show.md).
    tx.conn.execute(
        "UPDATE tickets SET status = 'no_show', finished_at = ? WHERE id = ? AND status = 'waiting'",
        (tx.now, ticket_row["id"]),
    )
    _emit_ticket(tx, EventType.TICKET_NO_SHOW, load_ticket(tx.store, tx.conn, ticket_row["id"]))
    return True


REMOTE_CLIENT_KEY = "remote_client_key"


def _remote_client(tx: Tx, client: str) -> str:
    """A keyed hash of the client's address: enough to count its tickets, nothing to read the
    address back from (the key is this hub's own, made the first time it is needed)."""
    row = tx.one("SELECT value FROM meta WHERE key = ?", (REMOTE_CLIENT_KEY,))
    if row is None:
        key = secrets.token_hex(32)
        tx.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (REMOTE_CLIENT_KEY, key))
    else:
        key = row[0]
    return hmac.new(bytes.fromhex(key), client.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def issue_remote_ticket(tx: Tx, service_id: int, cap: int | None = None, client: str | None = None) -> dict[str, Any]:
    """A walk-in ticket taken from a phone (`GET /join`). Refused where the centre or the service
    does not offer remote tickets, while the service is closed, while `cap` (default: the
    service's `remote_cap`) of its remote tickets wait unconfirmed, and while `client` (the
    address it came from) already holds `[remote] per_client_waiting` waiting remote tickets.
    Both counts are made in the issuing transaction, so no burst of requests gets past them."""
    service = _service(tx, service_id)
    config = tx.catalogue.config
    settings = next((s for s in config.services if s.code == service.code), None)
    if not config.remote.enabled or settings is None or not settings.remote:
        raise ImpossibleStep(
            "This service does not take tickets from phones; take one at the kiosk.",
            "لا تقبل هذه الخدمة التذاكر من الجوال؛ خذ تذكرة من الجهاز في المركز.",
            code="remote_not_offered",
        )
    reason = service_closed_reason(service, tx.now, tx.catalogue.tz)
    if reason is not None:
        raise ImpossibleStep(*CLOSED_MESSAGES[reason], code="service_closed")
    cap = settings.remote_cap if cap is None else cap
    waiting = tx.one(
        "SELECT COUNT(*) FROM tickets WHERE service_id = ? AND business_day = ? AND status = 'waiting' "
        "AND remote = 1 AND arrived_at IS NULL",
        (service.id, tx.business_day),
    )[0]
    if waiting >= cap:
        raise ImpossibleStep(
            "Too many visitors wait from their phones for this service; take a ticket at the kiosk or try later.",
            "عدد المنتظرين عن بُعد لهذه الخدمة مكتمل؛ خذ تذكرة من الجهاز أو حاول لاحقاً.",
            code="remote_full",
        )
    client_key = None if client is None else _remote_client(tx, client)
    if client_key is not None:
        held = tx.one(
            "SELECT COUNT(*) FROM tickets WHERE business_day = ? AND status = 'waiting' AND remote = 1 AND remote_client = ?",
            (tx.business_day, client_key),
        )[0]
        limit = config.remote.per_client_waiting
        if held >= limit:
            raise ImpossibleStep(
                f"This phone (or its network) already holds {limit} waiting tickets; use them first.",
                f"لدى هذا الجوال (أو شبكته) \u2066{limit}\u2069 تذاكر في الانتظار؛ استخدمها أولاً.",
                code="remote_client_full",
            )
    return issue_ticket(tx, service_id, remote=True, remote_client=client_key)


def confirm_arrival(tx: Tx, code: Any) -> dict[str, Any]:
    """The visitor of a remote ticket says "I'm here" at the kiosk (their phone's QR, typed by
    the scanner): the ticket is called from now on when its turn comes."""
    if not isinstance(code, str) or not 8 <= len(code) <= 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        raise BadInput("That is not a ticket code; scan the QR on your phone's ticket page.",
                       "هذا ليس رمز تذكرة؛ امسح رمز QR في صفحة تذكرتك على الهاتف.")
    row = tx.one("SELECT * FROM tickets WHERE code = ? AND business_day = ? ORDER BY id DESC LIMIT 1", (code, tx.business_day))
    if row is None or not row["remote"]:
        raise NotFound("No remote ticket today with this code.", "لا توجد تذكرة عن بُعد اليوم بهذا الرمز.")
    if row["status"] != "waiting":
        raise ImpossibleStep("This ticket is no longer waiting.", "لم تعد هذه التذكرة في الانتظار.", code="not_waiting")
    if row["arrived_at"] is not None:
        return load_ticket(tx.store, tx.conn, row["id"])  # scanned twice: the first arrival stands
    tx.conn.execute("UPDATE tickets SET arrived_at = ? WHERE id = ?", (tx.now, row["id"]))
    ticket = load_ticket(tx.store, tx.conn, row["id"])
    _emit_ticket(tx, EventType.TICKET_ARRIVED, ticket)
    return ticket


def call_number(tx: Tx, counter_id: int, clerk_id: int | None, label: str) -> dict[str, Any]:
    """Serve a given number today: a waiting one out of turn, or one who missed their call."""
    if not isinstance(label, str) or not 1 <= len(label) <= MAX_LABEL_LENGTH:
        raise BadInput("Give a ticket number like A-105.", "أدخل رقم تذكرة مثل \u2066A-105\u2069.")
    label = normalise_label(tx, label)
    counter = _counter_row(tx, counter_id)
    _require_open(counter)
    _finish_serving_current(tx, counter)
    counter = _counter_row(tx, counter_id)
    info = tx.catalogue.counters[CounterId(counter_id)]
    row = tx.one(
        "SELECT * FROM tickets WHERE label = ? AND business_day = ? ORDER BY id DESC LIMIT 1",
        (label, tx.business_day),
    )
    if row is None:
        raise NotFound(f"No ticket {label} today.", f"لا توجد تذكرة \u2066{label}\u2069 اليوم.")
    if row["service_id"] not in info.service_ids:
        service = tx.catalogue.services[row["service_id"]]
        raise ImpossibleStep(
            f"Ticket {label} is for {service.name_en}, which this counter does not serve.",
            f"التذكرة \u2066{label}\u2069 لخدمة {service.name_ar} التي لا يقدمها هذا الشباك.",
            code="wrong_service",
        )
    streak = counter["priority_streak"]
    return _take_ticket(tx, counter, row, clerk_id, streak)


def normalise_label(tx: Tx, label: str) -> str:
    """`a105`, `A 105`, `A-105` → `A-105` (zero-padded as the service prints it)."""
    cleaned = label.strip().upper().replace(" ", "").replace("-", "")
    code = "".join(ch for ch in cleaned if "A" <= ch <= "Z")
    digits = cleaned[len(code):]
    service = tx.catalogue.services_by_code.get(code)
    if service is None or not digits.isascii() or not digits.isdigit():
        raise BadInput(f"'{label}' is not a ticket number like A-105.", f"'{label}' ليس رقم تذكرة مثل \u2066A-105\u2069.")
    return format_label(code, int(digits), service.number_range)


def _ticket_row(tx: Tx, ticket_id: Any):
    row = tx.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,)) if isinstance(ticket_id, int) else None
    if row is None:
        raise NotFound(f"No ticket with id {ticket_id!r}.", f"لا توجد تذكرة بالرقم {ticket_id!r}.")
    return row


def _check_holder(row, counter_id: int | None) -> None:
    """A clerk acts only on the ticket their own counter holds."""
    if counter_id is None:
        return
    if row["status"] in (TicketStatus.CALLED.value, TicketStatus.SERVING.value) and row["counter_id"] != counter_id:
        raise Forbidden(
            f"Ticket {row['label']} is with another counter.",
            f"التذكرة \u2066{row['label']}\u2069 لدى شباك آخر.",
            code="wrong_counter",
        )


_STEP_EVENTS = {
    Step.RECALL: EventType.TICKET_RECALLED,
    Step.START: EventType.TICKET_STARTED,
    Step.FINISH: EventType.TICKET_FINISHED,
    Step.NO_SHOW: EventType.TICKET_NO_SHOW,
    Step.CANCEL: EventType.TICKET_CANCELLED,
}


def _refuse_past_day(tx: Tx, row) -> None:
    """A ticket of a past business day was closed at the rollover: say so, not just "impossible"."""
    if row["business_day"] < tx.business_day and row["status"] != TicketStatus.WAITING.value:
        raise ImpossibleStep(
            f"Ticket {row['label']} belongs to the business day {row['business_day']}, which has ended; "
            "it was closed at the rollover. Issue the visitor a new ticket.",
            f"التذكرة \u2066{row['label']}\u2069 من يوم عمل انتهى (\u2066{row['business_day']}\u2069) وأُغلقت عند بدء اليوم الجديد. "
            "أصدر للزائر تذكرة جديدة.",
            code="closed_at_rollover",
        )


def _step(tx: Tx, ticket_id: int, step: Step, counter_id: int | None) -> dict[str, Any]:
    row = _ticket_row(tx, ticket_id)
    _check_holder(row, counter_id)
    if step is not Step.CANCEL:
        _refuse_past_day(tx, row)
    target = next_status(TicketStatus(row["status"]), step, row["label"])
    if step is Step.RECALL:
        tx.conn.execute("UPDATE tickets SET recalls = recalls + 1 WHERE id = ?", (row["id"],))
    elif step is Step.START:
        tx.conn.execute("UPDATE tickets SET status = ?, started_at = ? WHERE id = ?", (target.value, tx.now, row["id"]))
    elif step in (Step.FINISH, Step.NO_SHOW, Step.CANCEL):
        tx.conn.execute("UPDATE tickets SET status = ?, finished_at = ? WHERE id = ?", (target.value, tx.now, row["id"]))
        if row["counter_id"] is not None and step is not Step.CANCEL:
            tx.conn.execute(
                "UPDATE counters SET current_ticket_id = NULL WHERE id = ? AND current_ticket_id = ?",
                (row["counter_id"], row["id"]),
            )
        if step is Step.FINISH and row["started_at"] is not None:
            tx.note_service_seconds(row["service_id"], tx.now - row["started_at"])
    ticket = load_ticket(tx.store, tx.conn, row["id"])
    extra: dict[str, Any] = {}
    if step is Step.RECALL and row["counter_id"] is not None:
        extra["counter"] = counter_brief(tx.store, row["counter_id"])
    _emit_ticket(tx, _STEP_EVENTS[step], ticket, counter_id=row["counter_id"], **extra)
    return ticket


def recall(tx: Tx, ticket_id: int, counter_id: int | None) -> dict[str, Any]:
    return _step(tx, ticket_id, Step.RECALL, counter_id)


def start(tx: Tx, ticket_id: int, counter_id: int | None) -> dict[str, Any]:
    return _step(tx, ticket_id, Step.START, counter_id)


def finish(tx: Tx, ticket_id: int, counter_id: int | None) -> dict[str, Any]:
    return _step(tx, ticket_id, Step.FINISH, counter_id)


def no_show(tx: Tx, ticket_id: int, counter_id: int | None) -> dict[str, Any]:
    return _step(tx, ticket_id, Step.NO_SHOW, counter_id)


def cancel(tx: Tx, ticket_id: int, counter_id: int | None = None) -> dict[str, Any]:
    return _step(tx, ticket_id, Step.CANCEL, None)


def _closed_by_rollover_at(tx: Tx, row, counter_id: int | None) -> bool:
    """Whether `row` is the visitor this counter was serving when the business day ended.

    The rollover closed it `done`; the clerk who still has the visitor in front of them may
    send them on, once (docs/decisions/rollover-closes-counters.md). Its last event says so.
    """
    if row["status"] != TicketStatus.DONE.value or row["business_day"] >= tx.business_day:
        return False
    if counter_id is None or row["counter_id"] != counter_id:
        return False
    last = tx.one("SELECT type, payload FROM events WHERE ticket_id = ? ORDER BY seq DESC LIMIT 1", (row["id"],))
    return (
        last is not None and last["type"] == EventType.TICKET_FINISHED.value
        and json.loads(last["payload"]).get("closed_at_rollover") is True
    )


def transfer(tx: Tx, ticket_id: int, counter_id: int | None, service_id: int, step: Step = Step.TRANSFER) -> dict[str, Any]:
    """Send the visitor on: a new waiting entry in the other service, same number and first issue.

    `Step.MOVE` is a supervisor's move of a still waiting ticket (the same new entry)."""
    row = _ticket_row(tx, ticket_id)
    _check_holder(row, counter_id)
    carried_over = _closed_by_rollover_at(tx, row, counter_id)
    if not carried_over:
        _refuse_past_day(tx, row)
    target_service = _service(tx, service_id)
    if target_service.id == row["service_id"]:
        raise BadInput("The ticket is already in that service.", "التذكرة في هذه الخدمة أصلاً.", code="same_service")
    if not target_service.enabled:
        raise ImpossibleStep(*CLOSED_MESSAGES["disabled"], code="service_closed")
    # A visitor carried over the rollover keeps their old entry `done`: its day's figures are
    # final and count it served up to the day's end; they go on in today's queue.
    if not carried_over:
        next_status(TicketStatus(row["status"]), step, row["label"])
        tx.conn.execute("UPDATE tickets SET status = 'transferred', finished_at = ? WHERE id = ?", (tx.now, row["id"]))
    if row["counter_id"] is not None:
        tx.conn.execute(
            "UPDATE counters SET current_ticket_id = NULL WHERE id = ? AND current_ticket_id = ?", (row["counter_id"], row["id"])
        )
    cursor = tx.conn.execute(
        "INSERT INTO tickets (service_id, business_day, sequence, number, label, priority, status, code, issued_at, "
        "first_issued_at, transferred_from_service_id, transferred_from_ticket_id, issued_by_device_id, simulated) "
        "VALUES (?, ?, NULL, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?, ?)",
        (
            # The new entry waits today: dated on the business day it was made, so it is listed
            # (and counted) with today's queue even when the visit began the day before.
            target_service.id, tx.business_day, row["number"], row["label"], row["priority"], row["code"],
            tx.now, row["first_issued_at"], row["service_id"], row["id"], row["issued_by_device_id"], row["simulated"],
        ),
    )
    old = load_ticket(tx.store, tx.conn, row["id"])
    new = load_ticket(tx.store, tx.conn, cursor.lastrowid)
    _emit_ticket(
        tx, EventType.TICKET_TRANSFERRED, old, counter_id=row["counter_id"], new_ticket=new,
        new_service=_service_after(tx, new["service_id"]),
    )
    return new


# ── counters ─────────────────────────────────────────────────────────────────────────────


def pause_counter(tx: Tx, counter_id: int, reason: str) -> dict[str, Any]:
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_PAUSE_REASON or not reason.isprintable():
        raise BadInput(
            f"Give a reason for the pause (up to {MAX_PAUSE_REASON} characters), e.g. prayer, break, back_office.",
            f"اذكر سبب الاستراحة (حتى {MAX_PAUSE_REASON} حرفاً)، مثل الصلاة أو الاستراحة أو أعمال مكتبية.",
        )
    counter = _counter_row(tx, counter_id)
    if counter["status"] != CounterStatus.OPEN.value:
        _require_open(counter)
    _refuse_if_holding(tx, counter_id, "pause", "الاستراحة")
    tx.conn.execute("UPDATE counters SET status = 'paused', pause_reason = ? WHERE id = ?", (reason.strip(), counter_id))
    return _emit_counter(tx, EventType.COUNTER_PAUSED, counter_id)


def resume_counter(tx: Tx, counter_id: int) -> dict[str, Any]:
    counter = _counter_row(tx, counter_id)
    if counter["status"] != CounterStatus.PAUSED.value:
        raise ImpossibleStep("The counter is not paused.", "الشباك ليس في استراحة.")
    tx.conn.execute("UPDATE counters SET status = 'open', pause_reason = NULL WHERE id = ?", (counter_id,))
    return _emit_counter(tx, EventType.COUNTER_RESUMED, counter_id)


def close_counter(tx: Tx, counter_id: int) -> dict[str, Any]:
    counter = _counter_row(tx, counter_id)
    if counter["status"] == CounterStatus.CLOSED.value:
        raise ImpossibleStep("The counter is closed already.", "الشباك مغلق أصلاً.")
    _refuse_if_holding(tx, counter_id, "close the counter", "إغلاق الشباك")
    tx.conn.execute("UPDATE counters SET status = 'closed', pause_reason = NULL WHERE id = ?", (counter_id,))
    return _emit_counter(tx, EventType.COUNTER_CLOSED, counter_id)


def reopen_counter(tx: Tx, counter_id: int, clerk_id: int) -> dict[str, Any]:
    """A logged-in clerk opens their closed counter again without a new login."""
    counter = _counter_row(tx, counter_id)
    if counter["status"] != CounterStatus.CLOSED.value:
        raise ImpossibleStep("The counter is open already.", "الشباك مفتوح أصلاً.")
    tx.conn.execute("UPDATE counters SET status = 'open', clerk_id = ? WHERE id = ?", (clerk_id, counter_id))
    return _emit_counter(tx, EventType.COUNTER_OPENED, counter_id)


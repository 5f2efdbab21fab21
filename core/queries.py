"""Reads: the snapshot, tickets, the visitor's public view, and who a token belongs to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from core.models import DeviceKind, Role
from core.security import token_hash
from core.store import Store
from core.ticker import ticker_message
from core.views import (
    DEVICE_COLUMNS,
    TICKET_SELECT,
    counter_view,
    device_view,
    iso,
    load_device,
    open_counters_by_service,
    places_of_waiting,
    public_ticket_view,
    service_rows,
    ticket_view,
)

RECENT_CALLS = 12


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is making a request: a device, and for a clerk session also the clerk and counter."""

    device_id: int | None
    kind: DeviceKind
    device_name: str
    session_id: int | None = None
    clerk_id: int | None = None
    username: str | None = None
    role: Role | None = None
    counter_id: int | None = None
    expires_at: float | None = None

    @property
    def is_supervisor(self) -> bool:
        return self.kind is DeviceKind.ADMIN or self.role in (Role.SUPERVISOR, Role.ADMIN)


class Refusal(str, Enum):
    """Why a token is not accepted: the error code a client shows (docs/api.md)."""

    BAD_TOKEN = "bad_token"  # unknown, ended or expired
    REVOKED_DEVICE = "revoked_device"  # the device (or the device a session was opened on) was revoked


def principal_for(store: Store, token: str) -> Principal | Refusal:
    hashed = token_hash(token)
    with store.read() as conn:
        device = conn.execute("SELECT id, name, kind, revoked_at FROM devices WHERE token_hash = ?", (hashed,)).fetchone()
        if device is not None:
            if device["revoked_at"] is not None:
                return Refusal.REVOKED_DEVICE
            return Principal(device["id"], DeviceKind(device["kind"]), device["name"])
        session = conn.execute(
            "SELECT s.id, s.counter_id, s.device_id, s.expires_at, s.ended_at, c.id AS clerk_id, c.username, c.role, "
            "c.active, d.name AS device_name, d.revoked_at AS device_revoked_at FROM sessions s "
            "JOIN clerks c ON c.id = s.clerk_id LEFT JOIN devices d ON d.id = s.device_id WHERE s.token_hash = ?",
            (hashed,),
        ).fetchone()
    if session is None:
        return Refusal.BAD_TOKEN
    if session["device_revoked_at"] is not None:
        return Refusal.REVOKED_DEVICE
    if session["ended_at"] is not None or not session["active"] or session["expires_at"] <= store.clock():
        return Refusal.BAD_TOKEN
    return Principal(
        device_id=session["device_id"],
        kind=DeviceKind.COUNTER,
        device_name=session["device_name"] or "",
        session_id=session["id"],
        clerk_id=session["clerk_id"],
        username=session["username"],
        role=Role(session["role"]),
        counter_id=session["counter_id"],
        expires_at=session["expires_at"],
    )


class PrincipalCache:
    """Token → principal, so a busy counter's every request does not cost a database read.

    Exact, not a time-based guess: an entry is trusted only while the store's auth generation
    (bumped after every commit that ends a session, removes a clerk or revokes a device) is
    unchanged and the session has not expired.
    """

    def __init__(self, store: Store, max_entries: int = 5000) -> None:
        self.store = store
        self.max_entries = max_entries
        self._entries: dict[str, tuple[int, Principal]] = {}

    def lookup(self, token: str) -> Principal | Refusal:
        generation = self.store.auth_generation
        cached = self._entries.get(token)
        if cached is not None and cached[0] == generation:
            principal = cached[1]
            if principal.expires_at is None or principal.expires_at > self.store.clock():
                return principal
        found = principal_for(self.store, token)
        if isinstance(found, Refusal):
            self._entries.pop(token, None)
            return found
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[token] = (generation, found)
        return found

    def get(self, token: str) -> Principal | None:
        found = self.lookup(token)
        return None if isinstance(found, Refusal) else found


def services_view(store: Store, conn) -> list[dict[str, Any]]:
    return service_rows(store, conn)


def state_snapshot(store: Store) -> dict[str, Any]:
    """Everything a device needs to draw itself, and the `seq` it is exact as of."""
    catalogue = store.catalogue
    centre = catalogue.config.centre
    with store.read() as conn:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        day_row = conn.execute("SELECT value FROM meta WHERE key = 'business_day'").fetchone()
        services = services_view(store, conn)
        counters = [
            counter_view(store, conn, row)
            for row in conn.execute("SELECT * FROM counters WHERE in_config = 1 ORDER BY number").fetchall()
        ]
        recent = conn.execute(
            "SELECT seq, at, payload FROM events WHERE type IN ('ticket.called', 'ticket.recalled') "
            "ORDER BY seq DESC LIMIT ?",
            (RECENT_CALLS,),
        ).fetchall()
        message = ticker_message(conn)  # a supervisor's message replaces the configured ticker
    recent_calls = []
    for row in recent:
        payload = json.loads(row["payload"])
        recent_calls.append({"seq": row["seq"], "at": iso(row["at"], catalogue), "ticket": payload["ticket"], "counter": payload.get("counter")})
    return {
        "seq": seq,
        "business_day": day_row[0] if day_row else store.current_business_day,
        "centre": {
            "name_ar": centre.name_ar,
            "name_en": centre.name_en,
            "ticker_ar": message["ar"] if message else centre.ticker_ar,
            "ticker_en": message["en"] if message else centre.ticker_en,
            "footer_ar": centre.footer_ar,
            "footer_en": centre.footer_en,
            "time_zone": centre.time_zone,
            "rollover_hour": centre.rollover_hour,
            "logo_url": "/api/v1/centre/logo" if centre.logo else None,
        },
        "services": services,
        "counters": counters,
        "recent_calls": recent_calls,
        "boards": {
            name: {
                "name_ar": board.name_ar,
                "name_en": board.name_en,
                "counters": board.counters,
                "services": board.services,
                "theme": board.theme,
                "flash": board.flash,
                "highlight_until_next": board.highlight_until_next,
                "chime_volume": board.chime_volume,
                "chime_repeats": board.chime_repeats,
            }
            for name, board in catalogue.config.boards.items()
        },
        "rules": catalogue.config.rules.model_dump(),
        "kiosk": catalogue.config.kiosk.model_dump(),
    }


def get_services(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        return services_view(store, conn)


def get_ticket(store: Store, ticket_id: int, with_history: bool = True) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute(f"{TICKET_SELECT} WHERE t.id = ?", (ticket_id,)).fetchone()
        if row is None:
            return None
        view = ticket_view(store, conn, row)
        if with_history:
            # The whole journey: the entries a transfer chain shares one public code.
            history = conn.execute(
                "SELECT e.seq, e.type, e.at FROM events e JOIN tickets t ON t.id = e.ticket_id "
                "WHERE t.code = ? ORDER BY e.seq",
                (row["code"],),
            ).fetchall()
            view["history"] = [{"seq": h["seq"], "type": h["type"], "at": iso(h["at"], store.catalogue)} for h in history]
    return view


def list_tickets(
    store: Store, status: str | None, service_id: int | None, limit: int = 500, clerk: str | None = None
) -> list[dict[str, Any]]:
    sql = f"{TICKET_SELECT} WHERE t.business_day = ?"
    params: list[Any] = [store.current_business_day]
    if clerk is not None:
        sql += " AND c.username = ?"
        params.append(clerk)
    if status is not None:
        sql += " AND t.status = ?"
        params.append(status)
    if service_id is not None:
        sql += " AND t.service_id = ?"
        params.append(service_id)
    sql += " ORDER BY t.first_issued_at, t.id LIMIT ?"
    params.append(limit)
    with store.read() as conn:
        rows = conn.execute(sql, params).fetchall()
        if not any(row["status"] == "waiting" for row in rows):
            return [ticket_view(store, conn, row) for row in rows]
        # Every waiting row's place and its service's open counters in two queries, not two per row.
        places = places_of_waiting(conn, service_id)
        open_counters = open_counters_by_service(conn)
        return [
            ticket_view(
                store, conn, row,
                ahead=places.get(row["id"]),
                open_counters=open_counters.get(row["service_id"], 0),
            )
            for row in rows
        ]


def public_ticket(store: Store, code: str) -> dict[str, Any] | None:
    """What a visitor's phone may see: no clerk names, no ids of other tickets."""
    with store.read() as conn:
        row = conn.execute(f"{TICKET_SELECT} WHERE t.code = ? ORDER BY t.id DESC LIMIT 1", (code,)).fetchone()
        if row is None:
            return None
        view = ticket_view(store, conn, row)
    return public_ticket_view(store.catalogue, view)


def join_services(store: Store) -> list[dict[str, Any]]:
    """The services `GET /join` lists (those offering remote tickets, none while the centre's
    switch is off), each with whether a phone may take its ticket now and why not."""
    config = store.catalogue.config
    if not config.remote.enabled:
        return []
    settings = {s.code: s for s in config.services if s.remote}
    with store.read() as conn:
        rows = [row for row in service_rows(store, conn) if row["code"] in settings]
        unconfirmed = dict(conn.execute(
            "SELECT service_id, COUNT(*) FROM tickets WHERE business_day = ? AND status = 'waiting' AND remote = 1 "
            "AND arrived_at IS NULL GROUP BY service_id",
            (store.current_business_day,),
        ).fetchall())
    offered = []
    for row in rows:
        full = unconfirmed.get(row["id"], 0) >= settings[row["code"]].remote_cap
        reason = "closed" if not row["open_now"] else ("full" if full else None)
        offered.append({
            "id": row["id"], "code": row["code"], "name_ar": row["name_ar"], "name_en": row["name_en"],
            "waiting": row["waiting"], "eta_seconds": row["eta_seconds"], "offered": reason is None, "reason": reason,
        })
    return offered


def list_clerks(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute("SELECT id, username, role, active, locked_until FROM clerks ORDER BY username").fetchall()
    return [dict(row) for row in rows]


def active_clerk_pin_hash(store: Store, username: str) -> str | None:
    """The stored PIN hash of an active clerk, or None (the caller still hashes, so timing tells nothing)."""
    with store.read() as conn:
        row = conn.execute("SELECT pin_hash FROM clerks WHERE username = ? AND active = 1", (username,)).fetchone()
    return row["pin_hash"] if row else None


def supervisor_pin_hashes(store: Store) -> list[dict[str, str]]:
    """Every active supervisor's and admin's name, role and PIN hash, for a device's PIN check."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT username, role, pin_hash FROM clerks WHERE active = 1 AND role IN ('supervisor', 'admin') ORDER BY id"
        ).fetchall()
    return [dict(row) for row in rows]


def list_devices(store: Store) -> list[dict[str, Any]]:
    """Every enrolled device, the revoked ones last."""
    now = store.clock()
    with store.read() as conn:
        rows = conn.execute(
            f"SELECT {DEVICE_COLUMNS} FROM devices ORDER BY revoked_at IS NOT NULL, revoked_at, id"
        ).fetchall()
    return [device_view(store, row, now) for row in rows]


def get_device(store: Store, device_id: int) -> dict[str, Any] | None:
    with store.read() as conn:
        return load_device(store, conn, device_id, store.clock())


def staff_pin_hash(store: Store, username: str) -> str | None:
    """An active supervisor's or admin's PIN hash, or None (callers still hash: same time)."""
    with store.read() as conn:
        row = conn.execute(
            "SELECT pin_hash FROM clerks WHERE username = ? AND active = 1 AND role IN ('supervisor', 'admin')", (username,)
        ).fetchone()
    return row["pin_hash"] if row else None

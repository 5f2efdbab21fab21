"""JSON views of tickets, services and counters, as the contract (docs/api.md) names them.

Used both inside write commands (so an event carries the ticket as it became) and by readers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timezone, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from core.availability import CLOSED_MESSAGES, unavailable_reason
from core.eta import estimate_wait_seconds, recent_average_service_seconds
from core.models import Priority, ServiceId

if TYPE_CHECKING:
    from core.catalogue import Catalogue
    from core.store import Store

TICKET_COLUMNS = (
    "t.id, t.service_id, t.business_day, t.number, t.label, t.priority, t.status, t.code, t.issued_at, "
    "t.first_issued_at, t.called_at, t.started_at, t.finished_at, t.counter_id, t.recalls, "
    "t.transferred_from_service_id, t.transferred_from_ticket_id, t.simulated, t.remote, t.arrived_at, t.remote_skips, "
    "t.booking_id, t.slot_start, "
    "c.username AS clerk"
)
TICKET_SELECT = f"SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN clerks c ON c.id = t.clerk_id"


def iso(epoch: float | None, catalogue: "Catalogue") -> str | None:
    if epoch is None:
        return None
    return _iso(epoch, catalogue.tz)


@lru_cache(maxsize=4096)
def _iso(epoch: float, tz: tzinfo) -> str:
    """Remembered: one write batch gives its time to every row and event it makes, and a
    ticket's answer repeats its issue and call times each step (~4 µs each, written anew)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).astimezone(tz).isoformat(timespec="milliseconds")


def ahead_of(conn: sqlite3.Connection, row: sqlite3.Row) -> int:
    """Waiting tickets of the same service that will be called before this one.

    Priority tickets are ahead of every normal ticket; otherwise first issue decides, as in
    the call-next rule (promotion and streak limits can only move a normal ticket forward).
    """
    if Priority(row["priority"]).is_priority:
        sql = (
            "SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND service_id = ? AND priority != 'normal' "
            "AND (first_issued_at < ? OR (first_issued_at = ? AND id < ?))"
        )
    else:
        sql = (
            "SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND service_id = ? AND (priority != 'normal' "
            "OR first_issued_at < ? OR (first_issued_at = ? AND id < ?))"
        )
    return conn.execute(sql, (row["service_id"], row["first_issued_at"], row["first_issued_at"], row["id"])).fetchone()[0]


# Each waiting ticket's place in its service's line, as `ahead_of` counts it, in one pass over
# the waiting tickets: `GET /tickets` once asked `ahead_of` for every row (500 queries).
PLACES_SQL = (
    "SELECT id, ROW_NUMBER() OVER (PARTITION BY service_id ORDER BY priority = 'normal', first_issued_at, id) - 1 "
    "FROM tickets WHERE status = 'waiting'"
)


def places_of_waiting(conn: sqlite3.Connection, service_id: int | None = None) -> dict[int, int]:
    """Ticket id → tickets ahead of it, for every waiting ticket (of one service, if given)."""
    if service_id is None:
        return dict(conn.execute(PLACES_SQL))
    return dict(conn.execute(f"{PLACES_SQL} AND service_id = ?", (service_id,)))


def open_counters_by_service(conn: sqlite3.Connection) -> dict[int, int]:
    """Service id → open configured counters serving it (services with none are absent)."""
    return dict(conn.execute(
        "SELECT cs.service_id, COUNT(*) FROM counters k JOIN counter_services cs ON cs.counter_id = k.id "
        "WHERE k.status = 'open' AND k.in_config = 1 GROUP BY cs.service_id"
    ))


def open_counters_serving(conn: sqlite3.Connection, service_id: int) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM counters k JOIN counter_services cs ON cs.counter_id = k.id "
        "WHERE cs.service_id = ? AND k.status = 'open' AND k.in_config = 1",
        (service_id,),
    ).fetchone()[0]


def average_service_seconds(store: "Store", service_id: ServiceId) -> float:
    service = store.catalogue.services[service_id]
    recent = store.recent_service_seconds.get(service_id, ())
    return recent_average_service_seconds(list(recent), service.default_service_seconds)



def service_rows(
    store: "Store",
    conn: sqlite3.Connection,
    service_ids: Iterable[int] | None = None,
    *,
    waiting_now: Callable[[list[int]], dict[int, int] | None] | None = None,
) -> list[dict[str, Any]]:
    """Services with their queue now: `/state`'s `services` (all, in their order), and the rows
    ticket and counter events carry (`service_ids`, inside the write that changed them).

    One builder for both, so an event's row is exactly what `/state` would say at its seq.
    Inside a write, `waiting_now` gives the waiting counts the writer keeps
    (core/waiting_counts.py) instead of counting the waiting tickets.
    """
    catalogue = store.catalogue
    day = store.current_business_day
    if service_ids is None:
        services = sorted(catalogue.services.values(), key=lambda s: s.position)
        waiting = dict(conn.execute("SELECT service_id, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY service_id"))
        issued = dict(conn.execute("SELECT service_id, last_sequence FROM day_counters WHERE business_day = ?", (day,)))
        open_counters = open_counters_by_service(conn)
        groups = {row["key"]: row for row in conn.execute("SELECT * FROM groups")}
    else:
        services = [catalogue.services[ServiceId(i)] for i in dict.fromkeys(service_ids) if i in catalogue.services]
        # A few queries for the whole set, not four per service: a counter event carries the
        # rows of every service the counter serves, and each is built inside the write.
        ids = [service.id for service in services]
        marks = ",".join("?" * len(ids))
        kept = waiting_now(ids) if waiting_now is not None else None
        if kept is not None:
            waiting = kept
        else:
            waiting = dict(conn.execute(
                f"SELECT service_id, COUNT(*) FROM tickets WHERE status = 'waiting' AND service_id IN ({marks}) "
                "GROUP BY service_id",
                ids,
            )) if ids else {}
        issued = dict(conn.execute(
            f"SELECT service_id, last_sequence FROM day_counters WHERE business_day = ? AND service_id IN ({marks})",
            (day, *ids),
        )) if ids else {}
        open_counters = dict(conn.execute(
            "SELECT cs.service_id, COUNT(*) FROM counters k JOIN counter_services cs ON cs.counter_id = k.id "
            f"WHERE cs.service_id IN ({marks}) AND k.status = 'open' AND k.in_config = 1 GROUP BY cs.service_id",
            ids,
        )) if ids else {}
        keys = sorted({service.group_key for service in services if service.group_key is not None})
        groups = {
            row["key"]: row
            for row in conn.execute(f"SELECT * FROM groups WHERE key IN ({','.join('?' * len(keys))})", keys)
        } if keys else {}
    now = store.clock()
    rows = []
    for service in services:
        count = waiting.get(service.id, 0)
        issued_today = issued.get(service.id, 0)
        serving = open_counters.get(service.id, 0)
        reason = unavailable_reason(service, now, catalogue.tz, issued_today)
        group = groups.get(service.group_key)
        average = average_service_seconds(store, service.id)
        rows.append(
            {
                "id": service.id,
                "code": service.code,
                "name_ar": service.name_ar,
                "name_en": service.name_en,
                "group": service.group_key,
                "group_ar": group["name_ar"] if group else None,
                "group_en": group["name_en"] if group else None,
                "enabled": service.enabled,
                "open_now": reason is None,
                "closed_reason": reason,
                "closed_message_en": CLOSED_MESSAGES[reason][0] if reason else None,
                "closed_message_ar": CLOSED_MESSAGES[reason][1] if reason else None,
                "target_wait_seconds": service.target_wait_seconds,
                "average_service_seconds": round(average),
                "configured_service_seconds": service.default_service_seconds,
                "daily_cap": service.daily_cap,
                "issued_today": issued_today,
                "waiting": count,
                # A newcomer would have everyone waiting ahead of them.
                "eta_seconds": estimate_wait_seconds(count, average, serving),
                "open_counters": serving,
            }
        )
    return rows


def ticket_view(
    store: "Store",
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    *,
    place: bool = True,
    ahead: int | None = None,
    open_counters: int | None = None,
) -> dict[str, Any]:
    """The ticket as the contract names it; `place=False` leaves `ahead` and `eta_seconds` null
    (they cost a query each, and a caller that keeps the line itself works them out).

    A caller that already knows the ticket's place (`places_of_waiting`) or its service's open
    counters (its service row) passes them, and the view asks the database for neither."""
    catalogue = store.catalogue
    counter = catalogue.counters.get(row["counter_id"]) if row["counter_id"] is not None else None
    view: dict[str, Any] = {
        "id": row["id"],
        "number": row["label"],
        "service_id": row["service_id"],
        "business_day": row["business_day"],
        "priority": row["priority"],
        "status": row["status"],
        "code": row["code"],
        "issued_at": iso(row["issued_at"], catalogue),
        "first_issued_at": iso(row["first_issued_at"], catalogue),
        "called_at": iso(row["called_at"], catalogue),
        "started_at": iso(row["started_at"], catalogue),
        "finished_at": iso(row["finished_at"], catalogue),
        "counter_id": row["counter_id"],
        "counter_number": counter.number if counter else None,
        "clerk": row["clerk"],
        "recalls": row["recalls"],
        "transferred_from_service_id": row["transferred_from_service_id"],
        "ahead": None,
        "eta_seconds": None,
        "simulated": bool(row["simulated"]),
        "remote": bool(row["remote"]),
        "arrived_at": iso(row["arrived_at"], catalogue),
        "booking_id": row["booking_id"],
        "slot_start": iso(row["slot_start"], catalogue),
        "remote_skips": row["remote_skips"],
    }
    if place and row["status"] == "waiting":
        if ahead is None:
            ahead = ahead_of(conn, row)
        if open_counters is None:
            open_counters = open_counters_serving(conn, row["service_id"])
        view["ahead"] = ahead
        view["eta_seconds"] = estimate_wait_seconds(ahead, average_service_seconds(store, row["service_id"]), open_counters)
    return view


def public_ticket_view(catalogue: "Catalogue", ticket: dict[str, Any]) -> dict[str, Any]:
    """What a visitor's phone may see of a ticket view: no clerk names, no ids of other tickets."""
    service = catalogue.services[ticket["service_id"]]
    counter = catalogue.counters.get(ticket["counter_id"]) if ticket["counter_id"] else None
    return {
        "number": ticket["number"],
        "status": ticket["status"],
        "priority": ticket["priority"],
        "ahead": ticket["ahead"],
        "eta_seconds": ticket["eta_seconds"],
        "issued_at": ticket["issued_at"],
        "called_at": ticket["called_at"],
        "counter_number": counter.number if counter else None,
        "counter_name_ar": counter.name_ar if counter else None,
        "counter_name_en": counter.name_en if counter else None,
        "service": {"code": service.code, "name_ar": service.name_ar, "name_en": service.name_en},
        "centre": {"name_ar": catalogue.config.centre.name_ar, "name_en": catalogue.config.centre.name_en},
        **remote_part(catalogue, ticket),
    }


def remote_part(catalogue: "Catalogue", ticket: dict[str, Any]) -> dict[str, Any]:
    """What a remote ticket's phone page needs besides its place: arrived, skipped, when to warn."""
    remote = bool(ticket.get("remote"))
    if not remote:
        return {"remote": False, "arrived": False, "skipped": False, "warn_places": None}
    code = catalogue.services[ticket["service_id"]].code
    settings = next((s for s in catalogue.config.services if s.code == code), None)
    return {
        "remote": True,
        "arrived": ticket.get("arrived_at") is not None,
        "skipped": bool(ticket.get("remote_skips")),
        "warn_places": settings.remote_warn_places if settings is not None else None,
    }


def load_ticket(store: "Store", conn: sqlite3.Connection, ticket_id: int) -> dict[str, Any] | None:
    row = conn.execute(f"{TICKET_SELECT} WHERE t.id = ?", (ticket_id,)).fetchone()
    return ticket_view(store, conn, row) if row else None


def counter_brief(store: "Store", counter_id: int) -> dict[str, Any]:
    info = store.catalogue.counters[counter_id]
    return {"id": info.id, "number": info.number, "name": info.name_en, "name_ar": info.name_ar}


def counter_view(store: "Store", conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    info = store.catalogue.counters.get(row["id"])
    clerk = None
    # A closed counter has nobody at it for the hall, the boards and /state, even while the
    # clerk who closed it stays logged in there (and may reopen it without a new login).
    if row["clerk_id"] is not None and row["status"] != "closed":
        found = conn.execute("SELECT username FROM clerks WHERE id = ?", (row["clerk_id"],)).fetchone()
        clerk = found[0] if found else None
    current = load_ticket(store, conn, row["current_ticket_id"]) if row["current_ticket_id"] is not None else None
    return {
        "id": row["id"],
        "number": row["number"],
        "name": row["name_en"],
        "name_ar": row["name_ar"],
        "service_ids": list(info.service_ids) if info else [],
        "mode": row["mode"],
        "status": row["status"],
        "pause_reason": row["pause_reason"],
        "clerk": clerk,
        "current_ticket": current,
        **counter_look(store.catalogue.config, row["number"]),
    }


def counter_look(config: Any, number: int) -> dict[str, Any]:
    """The counter screen's colours and text size as the centre file sets them for that counter."""
    found = next((counter for counter in config.counters if counter.number == number), None)
    return {"theme": found.theme if found else "standard", "large_text": found.large_text if found else False}


def load_counter(store: "Store", conn: sqlite3.Connection, counter_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM counters WHERE id = ?", (counter_id,)).fetchone()
    return counter_view(store, conn, row)


# What a device's last `status.printer` means on the supervisors' screens (printer/states.py's
# PrinterState values). A printer that cannot read back ("unknown") says nothing: null.
PRINTER_SUMMARY = {
    "ready": "ok",
    "paper_near_end": "paper_near_end",
    "paper_out": "paper_out",
    "cover_open": "cover_open",
    "silent": "silent",
    "offline": "offline",
    "unreachable": "offline",
    "refused": "offline",
    "error": "offline",
    "misconfigured": "offline",
}

DEVICE_COLUMNS = (
    "id, name, kind, enrolled_at, revoked_at, last_seen_at, last_status, status_at, printer, certificate_fingerprint"
)


def printer_summary(status: Any) -> str | None:
    """`status.printer` of a device report as the Device's `printer`, or None when it names none."""
    if not isinstance(status, dict):
        return None
    value = status.get("printer")
    return PRINTER_SUMMARY.get(value) if isinstance(value, str) else None


def device_view(store: "Store", row: sqlite3.Row, now: float) -> dict[str, Any]:
    """A Device as docs/api.md names it: the stored row merged with the hub's live presence."""
    catalogue = store.catalogue
    device_id = row["id"]
    revoked = row["revoked_at"] is not None
    live_seen = store.presence.last_seen(device_id, now)
    stored_seen = row["last_seen_at"]
    seen = max((t for t in (live_seen, stored_seen) if t is not None), default=None)
    status = json.loads(row["last_status"]) if row["last_status"] else None
    return {
        "id": device_id,
        "name": row["name"],
        "kind": row["kind"],
        "enrolled_at": iso(row["enrolled_at"], catalogue),
        "last_seen_at": iso(seen, catalogue),
        "online": not revoked and store.presence.online(device_id, now),
        "revoked_at": iso(row["revoked_at"], catalogue),
        "status": status,
        "status_at": iso(row["status_at"], catalogue),
        "printer": row["printer"],
        "certificate_fingerprint": row["certificate_fingerprint"],
    }


def load_device(store: "Store", conn: sqlite3.Connection, device_id: int, now: float) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?", (device_id,)).fetchone()
    return device_view(store, row, now) if row else None

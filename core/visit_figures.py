"""How visitors came, and how that went: appointments, walk-ins and the remote queue.

Worked out from the tables themselves (bookings, tickets) for the business days of a period,
in total, per service, per day and per service and day:

- `booked`: bookings whose slot falls on those days, whatever became of them; of these
  `checked_in`, `cancelled`, `no_show` (never checked in by the slot's start plus the service's
  grace; a booking still `booked` past that counts, as the kiosk would no longer take it) and
  `pending` (not yet due); `no_show_rate` = no_show ÷ (checked_in + no_show);
- `punctuality_seconds`: call time − slot time of the appointment tickets called (negative: called
  before the slot);
- the waits side by side, issue (or check-in) to call: `appointment_wait_seconds`,
  `walk_in_wait_seconds` (kiosk tickets) and `remote_wait_seconds` (taken from a phone: the
  visitor waited where they liked);
- `remote_issued`, `remote_arrived` (confirmed at the kiosk), `remote_no_show` (ended absent,
  most never having arrived) and `remote_no_show_rate` = remote_no_show ÷ remote_issued.

Entries of a transfer count once, in the service they were issued in; simulated tickets and
bookings only with `include_simulated`. Qt-free and store-free: any connection will do (the
hub's reads, the read-only report).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, Iterable

from core.appointments import AppointmentsConfig

DEFAULT_GRACE_MINUTES = AppointmentsConfig().grace_minutes


def _nearest_rank(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


def durations(values: list[float]) -> dict[str, float | int | None]:
    """count, mean, and the nearest-rank median and 90th percentile, in seconds."""
    return {
        "count": len(values),
        "mean": round(fmean(values), 1) if values else None,
        "median": _nearest_rank(values, 0.5),
        "p90": _nearest_rank(values, 0.9),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class VisitTally:
    booked: int = 0
    checked_in: int = 0
    cancelled: int = 0
    no_show: int = 0
    pending: int = 0
    punctuality: list[float] = field(default_factory=list)
    appointment_waits: list[float] = field(default_factory=list)
    walk_in_waits: list[float] = field(default_factory=list)
    remote_waits: list[float] = field(default_factory=list)
    remote_issued: int = 0
    remote_arrived: int = 0
    remote_no_show: int = 0

    def view(self) -> dict[str, Any]:
        return {
            "booked": self.booked,
            "checked_in": self.checked_in,
            "cancelled": self.cancelled,
            "no_show": self.no_show,
            "pending": self.pending,
            "no_show_rate": _rate(self.no_show, self.checked_in + self.no_show),
            "punctuality_seconds": durations(self.punctuality),
            "appointment_wait_seconds": durations(self.appointment_waits),
            "walk_in_wait_seconds": durations(self.walk_in_waits),
            "remote_wait_seconds": durations(self.remote_waits),
            "remote_issued": self.remote_issued,
            "remote_arrived": self.remote_arrived,
            "remote_no_show": self.remote_no_show,
            "remote_no_show_rate": _rate(self.remote_no_show, self.remote_issued),
        }


def grace_minutes_by_code(config: dict[str, Any] | None) -> dict[str, float]:
    """Each service's check-in grace from a centre file's data (its JSON as the hub keeps it)."""
    graces: dict[str, float] = {}
    for service in (config or {}).get("services") or []:
        if isinstance(service, dict) and isinstance(service.get("code"), str):
            appointments = service.get("appointments") or {}
            grace = appointments.get("grace_minutes") if isinstance(appointments, dict) else None
            graces[service["code"]] = float(grace) if isinstance(grace, (int, float)) else DEFAULT_GRACE_MINUTES
    return graces


def stored_grace_minutes(conn: sqlite3.Connection) -> dict[str, float]:
    """The graces of the configuration the hub last loaded (for the read-only report)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    try:
        return grace_minutes_by_code(json.loads(row[0]) if row else None)
    except (ValueError, TypeError):
        return {}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def visit_figures(
    conn: sqlite3.Connection, first_day: str, last_day: str, now: float, grace_minutes: dict[str, float],
    *, include_simulated: bool = False,
) -> dict[str, Any] | None:
    """The period's figures (module docstring), or None on a database from before bookings."""
    tickets, bookings = _columns(conn, "tickets"), _columns(conn, "bookings")
    if not {"slot_start", "remote"} <= tickets or not bookings:
        return None
    services = {row[0]: (row[1], row[2], row[3]) for row in conn.execute("SELECT id, code, name_ar, name_en FROM services")}

    def real_only(columns: set[str]) -> str:  # a database from before the simulated flag has only real rows
        return "" if include_simulated or "simulated" not in columns else " AND simulated = 0"

    buckets: dict[tuple[int, str], VisitTally] = defaultdict(VisitTally)
    for service_id, day, status, slot_start in conn.execute(
        "SELECT service_id, slot_day, status, slot_start FROM bookings WHERE slot_day BETWEEN ? AND ?" + real_only(bookings),
        (first_day, last_day),
    ):
        tally = buckets[(service_id, day)]
        tally.booked += 1
        code = services.get(service_id, ("",))[0]
        grace = grace_minutes.get(code, DEFAULT_GRACE_MINUTES) * 60
        if status == "checked_in":
            tally.checked_in += 1
        elif status == "cancelled":
            tally.cancelled += 1
        elif status == "no_show" or slot_start + grace < now:
            tally.no_show += 1
        else:
            tally.pending += 1
    for service_id, day, status, issued_at, called_at, slot_start, remote, arrived_at in conn.execute(
        "SELECT service_id, business_day, status, issued_at, called_at, slot_start, remote, arrived_at FROM tickets "
        "WHERE business_day BETWEEN ? AND ? AND transferred_from_ticket_id IS NULL" + real_only(tickets),
        (first_day, last_day),
    ):
        tally = buckets[(service_id, day)]
        wait = None if called_at is None else max(0.0, called_at - issued_at)
        if slot_start is not None:
            if called_at is not None:
                tally.punctuality.append(called_at - slot_start)
                tally.appointment_waits.append(wait)
        elif remote:
            tally.remote_issued += 1
            tally.remote_arrived += arrived_at is not None
            tally.remote_no_show += status == "no_show"
            if wait is not None:
                tally.remote_waits.append(wait)
        elif wait is not None:
            tally.walk_in_waits.append(wait)
    return _answer(buckets, services)


def _merge(tallies: Iterable[VisitTally]) -> VisitTally:
    total = VisitTally()
    for tally in tallies:
        for name in ("booked", "checked_in", "cancelled", "no_show", "pending", "remote_issued", "remote_arrived", "remote_no_show"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        for name in ("punctuality", "appointment_waits", "walk_in_waits", "remote_waits"):
            getattr(total, name).extend(getattr(tally, name))
    return total


def _answer(buckets: dict[tuple[int, str], VisitTally], services: dict[int, tuple[str, str, str]]) -> dict[str, Any]:
    def label(service_id: int) -> dict[str, Any]:
        code, name_ar, name_en = services.get(service_id, (None, None, None))
        return {"service_id": service_id, "code": code, "name_ar": name_ar, "name_en": name_en}

    by_service: dict[int, list[VisitTally]] = defaultdict(list)
    by_day: dict[str, list[VisitTally]] = defaultdict(list)
    for (service_id, day), tally in buckets.items():
        by_service[service_id].append(tally)
        by_day[day].append(tally)
    order = sorted(by_service, key=lambda service_id: (services.get(service_id, ("~",))[0] or "~", service_id))
    return {
        "totals": _merge(buckets.values()).view(),
        "by_service": [{**label(service_id), **_merge(by_service[service_id]).view()} for service_id in order],
        "by_day": [{"day": day, **_merge(by_day[day]).view()} for day in sorted(by_day)],
        "by_service_day": [
            {**label(service_id), "day": day, **buckets[(service_id, day)].view()}
            for day in sorted(by_day) for service_id in order if (service_id, day) in buckets
        ],
    }


def add_visits(
    answer: dict[str, Any], conn: sqlite3.Connection, grace_minutes: dict[str, float], now: float,
    *, include_simulated: bool = False,
) -> dict[str, Any]:
    """A `core.stats` answer with `visits` added for its period (left out on an older database)."""
    figures = visit_figures(conn, answer["from"], answer["to"], now, grace_minutes, include_simulated=include_simulated)
    if figures is not None:
        answer["visits"] = figures
    return answer

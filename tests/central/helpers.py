"""What the central's tests share: branches with tokens, staff sessions, hand-made events."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from central import auth

RIYADH = ZoneInfo("Asia/Riyadh")
PASSWORD = "correct horse battery"


def add_branch(conn: psycopg.Connection, code: str = "RUH-01", name_en: str | None = None) -> str:
    return auth.add_branch(conn, code, f"فرع {code}", name_en or f"Branch {code}")


def staff_token(conn: psycopg.Connection, username: str = "analyst") -> str:
    if not conn.execute("SELECT 1 FROM staff WHERE username = %s", (username,)).fetchone():
        auth.add_staff(conn, username, PASSWORD)
    return auth.log_in(conn, username, PASSWORD)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ticket(ticket_id: int, status: str = "waiting", day: str = "2026-11-24", **extra: Any) -> dict[str, Any]:
    return {"id": ticket_id, "number": f"A-{ticket_id:03d}", "service_id": 1, "business_day": day, "priority": "normal",
            "status": status, "counter_id": None, "clerk": None, "transferred_from_service_id": None, **extra}


def at(day: str = "2026-11-24", hour: int = 10, minute: int = 0, second: float = 0) -> float:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=RIYADH).timestamp() + second


def event(seq: int, when: float, kind: str, **payload: Any) -> dict[str, Any]:
    return {"seq": seq, "at": when, "type": kind, "payload": payload}


def simple_log(count: int, start: float | None = None) -> list[dict[str, Any]]:
    """`count` events: tickets issued one a minute (each its own ticket)."""
    start = start or at()
    return [event(n, start + 60 * n, "ticket.issued", ticket=ticket(n)) for n in range(1, count + 1)]


def wait_for(predicate, timeout: float = 20.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError("condition not met in time")

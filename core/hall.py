"""The hall as a supervisor watches it: queues, counters, devices and what needs attention.

`hall_view` is one snapshot read (the same `seq` for every part), built from the tables the
commands keep; the alerts are derived from it, so an alert clears as soon as its cause does:

- `printer`: a device's printer reports paper out, cover open, silent or offline (a warning
  for paper near its end);
- `offline`: an enrolled, unrevoked device is not connected;
- `over_target`: a service's longest wait is past its target wait;
- `paused_long`: a counter has been paused longer than `hub.pause_alert_minutes`.

The supervisor's ticker message (`set_ticker_message`) is kept in `meta` and replaces the
configured ticker in `/state` until it is cleared; `config.changed` tells every board.
"""

from __future__ import annotations

from typing import Any

from core import commands
from core.commands import normalise_label
from core.lifecycle import Step
from core.errors import NotFound
from core.queries import services_view
from core.store import Store, Tx
from core.ticker import set_ticker_message, ticker_message, ticker_snapshot
from core.views import DEVICE_COLUMNS, counter_view, device_view, iso

PRINTER_FAULTS = ("paper_out", "cover_open", "silent", "offline")
PRINTER_WARNINGS = ("paper_near_end",)


def waiting_ticket_id(tx: Tx, label: str) -> int:
    """Today's waiting entry with this number (`A105`, `a-105`), for a supervisor's move or cancel."""
    normalised = normalise_label(tx, label)
    row = tx.one(
        "SELECT id FROM tickets WHERE label = ? AND status = 'waiting' AND business_day = ? ORDER BY id DESC LIMIT 1",
        (normalised, tx.business_day),
    )
    if row is None:
        raise NotFound(
            f"No ticket {normalised} is waiting today.", f"لا توجد تذكرة \u2066{normalised}\u2069 في الانتظار اليوم.",
            code="ticket_not_waiting",
        )
    return row["id"]


def move_waiting(tx: Tx, label: str, service_id: int) -> dict[str, Any]:
    """A waiting ticket to another service, keeping its number and place (its first issue time)."""
    return commands.transfer(tx, waiting_ticket_id(tx, label), None, service_id, step=Step.MOVE)


def cancel_waiting(tx: Tx, label: str) -> dict[str, Any]:
    return commands.cancel(tx, waiting_ticket_id(tx, label))


def _wait_text(seconds: float | None) -> int | None:
    return None if seconds is None else max(0, int(seconds))


def hall_view(store: Store) -> dict[str, Any]:
    """Everything the live hall page shows, exact as of `seq`."""
    catalogue = store.catalogue
    now = store.clock()
    day = store.current_business_day
    pause_alert = catalogue.config.hub.pause_alert_minutes * 60
    with store.read() as conn:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        services = services_view(store, conn)
        oldest = dict(
            conn.execute(
                "SELECT service_id, MIN(first_issued_at) FROM tickets WHERE status = 'waiting' GROUP BY service_id"
            ).fetchall()
        )
        late_called = dict(
            conn.execute(
                "SELECT t.service_id, COUNT(*) FROM tickets t JOIN services s ON s.id = t.service_id "
                "WHERE t.business_day = ? AND t.called_at IS NOT NULL "
                "AND t.called_at - t.first_issued_at > s.target_wait_seconds GROUP BY t.service_id",
                (day,),
            ).fetchall()
        )
        late_waiting = dict(
            conn.execute(
                "SELECT t.service_id, COUNT(*) FROM tickets t JOIN services s ON s.id = t.service_id "
                "WHERE t.status = 'waiting' AND ? - t.first_issued_at > s.target_wait_seconds GROUP BY t.service_id",
                (now,),
            ).fetchall()
        )
        remote = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                "SELECT service_id, COUNT(*), COUNT(arrived_at) FROM tickets "
                "WHERE status = 'waiting' AND remote = 1 GROUP BY service_id"
            )
        }
        paused_at = dict(
            conn.execute(
                "SELECT counter_id, MAX(at) FROM events WHERE type = 'counter.paused' GROUP BY counter_id"
            ).fetchall()
        )
        counters = [
            counter_view(store, conn, row)
            for row in conn.execute("SELECT * FROM counters WHERE in_config = 1 ORDER BY number").fetchall()
        ]
        devices = [
            device_view(store, row, now)
            for row in conn.execute(f"SELECT {DEVICE_COLUMNS} FROM devices WHERE revoked_at IS NULL ORDER BY kind, name, id")
        ]
        ticker = ticker_message(conn)
    alerts: list[dict[str, Any]] = []
    for service in services:
        first = oldest.get(service["id"])
        service["longest_wait_seconds"] = _wait_text(now - first) if first is not None else None
        service["breaches"] = late_called.get(service["id"], 0) + late_waiting.get(service["id"], 0)
        service["over_target"] = first is not None and now - first > service["target_wait_seconds"]
        # remote tickets waiting, and how many of their visitors confirmed they are here
        service["remote_waiting"], service["remote_arrived"] = remote.get(service["id"], (0, 0))
        if service["over_target"]:
            alerts.append({
                "kind": "over_target", "severity": "warning", "key": f"service-{service['id']}",
                "name_ar": service["name_ar"], "name_en": service["name_en"], "code": service["code"],
                "seconds": service["longest_wait_seconds"], "target_seconds": service["target_wait_seconds"],
            })
    for counter in counters:
        since = paused_at.get(counter["id"]) if counter["status"] == "paused" else None
        counter["paused_since"] = iso(since, catalogue) if since is not None else None
        counter["paused_seconds"] = _wait_text(now - since) if since is not None else None
        if since is not None and now - since > pause_alert:
            alerts.append({
                "kind": "paused_long", "severity": "warning", "key": f"counter-{counter['id']}",
                "number": counter["number"], "name_ar": counter["name_ar"], "name_en": counter["name"],
                "reason": counter["pause_reason"], "seconds": counter["paused_seconds"],
            })
    for device in devices:
        printer = device["printer"]
        if printer in PRINTER_FAULTS or printer in PRINTER_WARNINGS:
            alerts.append({
                "kind": "printer", "severity": "fault" if printer in PRINTER_FAULTS else "warning",
                "key": f"printer-{device['id']}", "device": device["name"], "printer": printer,
            })
        if not device["online"]:
            alerts.append({
                "kind": "offline", "severity": "fault", "key": f"offline-{device['id']}", "device": device["name"],
                "device_kind": device["kind"], "last_seen_at": device["last_seen_at"],
            })
    order = {"fault": 0, "warning": 1}
    alerts.sort(key=lambda alert: (order[alert["severity"]], alert["kind"], alert["key"]))
    return {
        "seq": seq,
        "business_day": day,
        "now": iso(now, catalogue),
        "services": services,
        "counters": counters,
        "devices": devices,
        "alerts": alerts,
        "ticker": ticker,
    }


def counter_snapshot(counter_id: int):
    """What a console action on a counter changes: its status and pause reason."""

    def snapshot(tx: Tx) -> dict[str, Any]:
        row = tx.one("SELECT status, pause_reason FROM counters WHERE id = ?", (counter_id,))
        if row is None:
            raise NotFound(f"No counter with id {counter_id}.", f"لا يوجد شباك بالرقم {counter_id}.")
        return {"status": row["status"], "pause_reason": row["pause_reason"]}

    return snapshot


def ticket_snapshot(label: str):
    """What a move or a cancel changes: the waiting entry's service and status."""

    def snapshot(tx: Tx) -> dict[str, Any] | None:
        row = tx.one(
            "SELECT t.status, s.code FROM tickets t JOIN services s ON s.id = t.service_id "
            "WHERE t.label = ? AND t.business_day = ? ORDER BY t.id DESC LIMIT 1",
            (normalise_label(tx, label), tx.business_day),
        )
        return {"service": row["code"], "status": row["status"]} if row else None

    return snapshot

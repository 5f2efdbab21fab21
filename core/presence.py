"""Which devices are here: open event sockets and recent requests, kept in memory.

The hub notes every authenticated request and every event socket here. Writing `last_seen_at`
on each request would put a write per request on the single writer, so the times are kept
here and flushed to the database in one small command every `FLUSH_SECONDS`; the device view
merges both, so answers are exact even between flushes.

`online` (docs/api.md): an open events WebSocket, or a request within `ONLINE_SECONDS`. A
device whose last socket closed and that did not come back within `OFFLINE_GRACE_SECONDS` is
announced offline (`device.offline`); from then on only a new socket or request makes it
online again (announced as `device.online`).

Presence lives in memory, so a restarted hub starts knowing nobody. The devices that were here
when it stopped (`present_at_stop`) are waited for like a closed socket: one that has not come
back within the grace period after the start is announced offline.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

ONLINE_SECONDS = 90
OFFLINE_GRACE_SECONDS = 30
FLUSH_SECONDS = 15


@dataclass(slots=True)
class _Seen:
    last_seen: float | None = None
    sockets: int = 0
    offline_since: float | None = None  # when it was announced offline


class Presence:
    """Thread-safe: the event loop writes, the writer thread and readers read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._devices: dict[int, _Seen] = {}
        self._unflushed: dict[int, float] = {}

    def seen(self, device_id: int, now: float) -> bool:
        """Note a request; True when the device had been announced offline (it is back), or on its
        first contact with this hub since it started (nothing has said it is here yet)."""
        with self._lock:
            first = device_id not in self._devices
            entry = self._devices.setdefault(device_id, _Seen())
            entry.last_seen = now
            self._unflushed[device_id] = now
            back = first or entry.offline_since is not None
            entry.offline_since = None
            return back

    def socket_opened(self, device_id: int, now: float) -> bool:
        """Note an open event socket; True when the device had been announced offline, or on its
        first contact since the hub started."""
        with self._lock:
            first = device_id not in self._devices
            entry = self._devices.setdefault(device_id, _Seen())
            entry.sockets += 1
            entry.last_seen = now
            self._unflushed[device_id] = now
            back = first or entry.offline_since is not None
            entry.offline_since = None
            return back

    def socket_closed(self, device_id: int, now: float) -> bool:
        """Note a closed socket; True when it was the device's last one."""
        with self._lock:
            entry = self._devices.setdefault(device_id, _Seen())
            entry.sockets = max(0, entry.sockets - 1)
            entry.last_seen = now
            self._unflushed[device_id] = now
            return entry.sockets == 0

    def still_gone(self, device_id: int, since: float) -> bool:
        """No socket and no request since `since`: the moment to announce it offline."""
        with self._lock:
            entry = self._devices.get(device_id)
            if entry is None or entry.sockets or entry.offline_since is not None:
                return False
            return entry.last_seen is None or entry.last_seen <= since

    def expect_back(self, device_ids: list[int]) -> None:
        """Devices that were here before a restart: gone until a request or socket says otherwise."""
        with self._lock:
            for device_id in device_ids:
                self._devices.setdefault(device_id, _Seen())

    def mark_offline(self, device_id: int, now: float) -> None:
        with self._lock:
            self._devices.setdefault(device_id, _Seen()).offline_since = now

    def forget(self, device_id: int) -> None:
        """A revoked device: nothing more to announce about it."""
        with self._lock:
            entry = self._devices.get(device_id)
            if entry is not None:
                entry.sockets = 0
                entry.offline_since = None

    def last_seen(self, device_id: int, now: float) -> float | None:
        with self._lock:
            entry = self._devices.get(device_id)
            if entry is None:
                return None
            return now if entry.sockets else entry.last_seen

    def online(self, device_id: int, now: float) -> bool:
        with self._lock:
            entry = self._devices.get(device_id)
            if entry is None:
                return False
            if entry.sockets:
                return True
            if entry.offline_since is not None:
                return False
            return entry.last_seen is not None and now - entry.last_seen <= ONLINE_SECONDS

    def take_unflushed(self, now: float) -> dict[int, float]:
        """The last-seen times not yet written (devices with an open socket count as seen now)."""
        with self._lock:
            for device_id, entry in self._devices.items():
                if entry.sockets:
                    self._unflushed[device_id] = now
            taken, self._unflushed = self._unflushed, {}
            return taken


def present_at_stop(conn: sqlite3.Connection) -> list[int]:
    """The devices the hub last knew as here: not revoked, not announced offline since, and seen
    within `ONLINE_SECONDS` (+ one flush) of the latest sighting, which is about when it stopped
    (sockets count as seen at every flush and at a clean stop)."""
    latest = conn.execute("SELECT MAX(last_seen_at) FROM devices WHERE revoked_at IS NULL").fetchone()[0]
    if latest is None:
        return []
    # SQLite gives the bare column of the row holding MAX(seq): each device's last announcement.
    announced = {
        device_id: kind
        for device_id, kind, _ in conn.execute(
            "SELECT json_extract(payload, '$.device.id'), type, MAX(seq) FROM events "
            "WHERE type IN ('device.online', 'device.offline') GROUP BY 1"
        )
    }
    rows = conn.execute(
        "SELECT id FROM devices WHERE revoked_at IS NULL AND last_seen_at >= ? ORDER BY id",
        (latest - ONLINE_SECONDS - FLUSH_SECONDS,),
    ).fetchall()
    return [row[0] for row in rows if announced.get(row[0]) != "device.offline"]

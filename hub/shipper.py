"""The branch's side of the central: ship the event log, in order, in batches, after what the central holds.

A thread of its own with its own read-only SQLite connection: it never takes the writer, and
each read is one short snapshot, so the hall never waits for it. It asks the central what it
holds (`GET /api/v1/ingest`), then sends the events after that in batches of up to
`batch_size` (`POST /api/v1/ingest`); the central answers with the highest seq it now holds,
and the next batch starts after it. Sending a batch twice changes nothing there, so a lost
answer is simply sent again. When the central or the WAN is down it waits, longer each time
(1 s doubling to `max_backoff`, with jitter so many branches do not return at once), and
catches up by itself when it comes back. The store's commit listener only sets a flag, so
new events leave within `linger` seconds of their commit.

It also describes the branch (centre names and time zone, services, counters, clerks) when it
starts and whenever that changes, so the central can name what it shows.

`lag()` says how far behind the central is: `GET /api/v1/health` shows it, and so can the console.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger("tabour.shipper")

BRANCH_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
DESCRIBE_EVERY = 30.0


class ShipperSetupError(ValueError):
    """A --central, --branch or --central-token-file that cannot work; the message says why."""


@dataclass(frozen=True, slots=True)
class ShipperSettings:
    central_url: str
    branch: str
    token: str
    resend: bool = False
    batch_size: int = 1000
    max_backoff: float = 60.0
    linger: float = 0.5  # seconds new events may wait for others to share their batch
    timeout: float = 30.0

    @classmethod
    def from_cli(cls, url: str, branch: str, token_file: Path, resend: bool = False) -> "ShipperSettings":
        """Checked settings from the hub's command line."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 — raises for a port out of range
            ok = parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 300 and not parts.query
        except ValueError:
            ok = False
        if not ok:
            raise ShipperSetupError(f"--central {url[:80]!r} is not an address; give e.g. https://central.example.gov.sa")
        if not BRANCH_CODE.match(branch):
            raise ShipperSetupError(f"--branch {branch[:40]!r} is not a branch code: capital letters, digits, '-' or '_' (e.g. RUH-01)")
        try:
            raw = token_file.read_bytes()[:4096]
        except OSError as error:
            raise ShipperSetupError(f"cannot read --central-token-file {token_file}: {error.strerror or error}") from None
        try:
            token = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            token = ""
        if not 16 <= len(token) <= 200 or not token.isprintable() or " " in token:
            raise ShipperSetupError(
                f"--central-token-file {token_file} must hold the branch's token (one line, as `central branch add` printed it)"
            )
        return cls(url.rstrip("/"), branch, token, resend)


class _Refused(Exception):
    """The central said no (wrong token, a bad batch, another log): waiting will not help soon."""


class _Diverged(Exception):
    """The central holds events this hub does not have, or different ones."""


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="seconds") if epoch else None


class Shipper:
    def __init__(
        self,
        db_path: str | Path,
        settings: ShipperSettings,
        *,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db_path = str(db_path)
        self.settings = settings
        self.clock = clock
        self._client = client
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        # What lag() reports; written by the shipping thread only.
        self.state = "starting"
        self.held: int | None = None
        self.local_seq = 0
        self.oldest_unsent_at: float | None = None
        self.last_ok_at: float | None = None
        self.error: str | None = None
        self.sent_batches = 0
        self._resend_pending = settings.resend
        self._described: str | None = None
        self._described_at = 0.0
        self._headers = {"Authorization": f"Bearer {settings.token}", "User-Agent": f"tabour-hub/{settings.branch}"}

    # ── life ─────────────────────────────────────────────────────────────────────────────

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="tabour-shipper", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def notify(self, events: list) -> None:
        """The store's commit listener: new events to send (runs on the writer thread, so only a flag)."""
        self._wake.set()

    # ── what the console and /health show ────────────────────────────────────────────────

    def lag(self) -> dict[str, Any]:
        """How far behind the central is: seqs and seconds, the state, and the last error."""
        with self._lock:
            held = self.held
            behind = max(0, self.local_seq - held) if held is not None else None
            oldest = self.oldest_unsent_at if behind else None
            return {
                "central": self.settings.central_url,
                "branch": self.settings.branch,
                "state": self.state,
                "held": held,
                "local": self.local_seq,
                "behind": behind,
                "behind_seconds": round(max(0.0, self.clock() - oldest), 1) if oldest else (0.0 if behind == 0 else None),
                "last_ok_at": _iso(self.last_ok_at),
                "error": self.error,
            }

    def _set(self, **values: Any) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)

    # ── the loop ─────────────────────────────────────────────────────────────────────────

    def _run(self) -> None:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA query_only = ON")
        client = self._client or httpx.Client(base_url=self.settings.central_url, timeout=self.settings.timeout)
        backoff = 1.0
        try:
            while not self._stopping.is_set():
                try:
                    if self.held is None:
                        self._handshake(conn, client)
                    self._describe(conn, client)
                    sent_full = self._ship_once(conn, client)
                    backoff = 1.0
                    if sent_full:
                        continue  # catching up: the next batch at once
                    self._wake.wait(timeout=5)
                    self._wake.clear()
                    self._stopping.wait(self.settings.linger)
                except (httpx.TransportError, _Unavailable) as error:
                    self._set(state="unreachable", error=_describe_error(error))
                    self._pause(backoff)
                    backoff = min(backoff * 2, self.settings.max_backoff)
                except _Diverged as error:
                    self._set(state="diverged", error=str(error))
                    log.error("the central's copy of this branch's log differs from ours: %s", error)
                    self._set(held=None)
                    self._pause(self.settings.max_backoff)
                except _Refused as error:
                    self._set(state="refused", error=str(error))
                    log.error("the central refused this branch: %s", error)
                    self._set(held=None)
                    self._pause(self.settings.max_backoff)
                except sqlite3.Error as error:  # the hub's database is busy or gone: try again soon
                    self._set(state="unreachable", error=f"local database: {error}")
                    self._pause(backoff)
        finally:
            conn.close()
            if self._client is None:
                client.close()

    def _pause(self, seconds: float) -> None:
        self._stopping.wait(seconds * random.uniform(0.8, 1.2))

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 500 or response.status_code == 429:
            raise _Unavailable(f"the central answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise _Unavailable(f"the central answered {response.status_code} without JSON") from None
        if response.status_code in (401, 403):
            raise _Refused(body.get("message") or f"refused ({response.status_code})")
        return body

    def _handshake(self, conn: sqlite3.Connection, client: httpx.Client) -> None:
        if self._resend_pending:
            body = self._answer(client.post("/api/v1/ingest/restart", json={}, headers=self._headers))
            if "held" not in body:
                raise _Refused(body.get("message") or "the central refused to start the log again")
            self._resend_pending = False
            log.warning("the central forgot this branch's log; sending it all again from seq 1")
        else:
            body = self._answer(client.get("/api/v1/ingest", headers=self._headers))
        held = body.get("held")
        if not isinstance(held, int):
            raise _Refused(body.get("message") or "the central's answer has no 'held'")
        local = self._local_seq(conn)
        if held > local:
            raise _Diverged(
                f"the central holds seq {held} but this hub's log ends at {local} (a restored or new database?); "
                "start the hub once with --central-resend"
            )
        if held > 0:
            row = conn.execute("SELECT at FROM events WHERE seq = ?", (held,)).fetchone()
            if row is None or row[0] != body.get("held_at"):
                raise _Diverged(
                    f"the central's event {held} is not this hub's (another database?); start the hub once with --central-resend"
                )
        self._set(held=held, state="catching_up" if held < local else "ok", error=None)

    def _local_seq(self, conn: sqlite3.Connection) -> int:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        self._set(local_seq=seq)
        return seq

    def _describe(self, conn: sqlite3.Connection, client: httpx.Client) -> None:
        """Send the branch's description when it changed (checked every DESCRIBE_EVERY seconds)."""
        now = time.monotonic()
        if self._described is not None and now - self._described_at < DESCRIBE_EVERY:
            return
        self._described_at = now
        description = describe_branch(conn)
        if description is None:
            return
        text = json.dumps(description, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest == self._described:
            return
        response = client.put(
            "/api/v1/branch/description", content=text.encode(), headers={**self._headers, "Content-Type": "application/json"}
        )
        if response.status_code != 204:
            body = self._answer(response)
            raise _Refused(body.get("message") or f"the central refused the branch's description ({response.status_code})")
        self._described = digest

    def _ship_once(self, conn: sqlite3.Connection, client: httpx.Client) -> bool:
        """Send the next batch, if any; True when it was full (more are waiting)."""
        held = self.held or 0
        local = self._local_seq(conn)
        if local <= held:
            self._set(state="ok", error=None, oldest_unsent_at=None, last_ok_at=self.clock())
            return False
        conn.execute("BEGIN")
        try:
            origin = conn.execute("SELECT at FROM events WHERE seq = 1").fetchone()
            rows = conn.execute(
                "SELECT seq, at, type, ticket_id, counter_id, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                (held, self.settings.batch_size),
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        if not rows or origin is None:
            return False
        self._set(oldest_unsent_at=rows[0][1])
        # The payloads are JSON already: the body is put together around them, not re-encoded.
        parts = [
            '{"seq":%d,"at":%r,"type":%s,"ticket_id":%s,"counter_id":%s,"payload":%s}'
            % (seq, float(at), json.dumps(kind), _json_int(ticket_id), _json_int(counter_id), payload)
            for seq, at, kind, ticket_id, counter_id, payload in rows
        ]
        body = '{"log_origin":%r,"events":[%s]}' % (float(origin[0]), ",".join(parts))
        response = client.post(
            "/api/v1/ingest", content=body.encode(), headers={**self._headers, "Content-Type": "application/json"}
        )
        answer = self._answer(response)
        if response.status_code == 409:
            if answer.get("error") == "gap" and isinstance(answer.get("held"), int):
                self._set(held=answer["held"])  # the central lost some of what it had: send from there
                return True
            raise _Diverged(answer.get("message") or "the central holds another log for this branch")
        if response.status_code != 200 or not isinstance(answer.get("held"), int):
            raise _Refused(answer.get("message") or f"the central refused a batch ({response.status_code})")
        held = answer["held"]
        caught_up = held >= local
        self._set(
            held=held, last_ok_at=self.clock(), error=None, state="ok" if caught_up else "catching_up",
            sent_batches=self.sent_batches + 1,
        )
        return len(rows) == self.settings.batch_size


class _Unavailable(Exception):
    pass


def _json_int(value: Any) -> str:
    return "null" if value is None else str(int(value))


def _describe_error(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text[:200]


def describe_branch(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The branch as its database describes it (the hub stores the config it runs with)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    if row is None:
        return None
    centre = json.loads(row[0]).get("centre", {})
    services = [
        {"id": sid, "code": code, "name_ar": name_ar, "name_en": name_en, "target_wait_seconds": target, "position": position}
        for sid, code, name_ar, name_en, target, position in conn.execute(
            "SELECT id, code, name_ar, name_en, target_wait_seconds, position FROM services ORDER BY id"
        )
    ]
    counters = [
        {"id": cid, "number": number, "name_ar": name_ar, "name_en": name_en}
        for cid, number, name_ar, name_en in conn.execute("SELECT id, number, name_ar, name_en FROM counters ORDER BY id")
    ]
    clerks = [
        {"id": cid, "username": username, "role": role, "active": bool(active)}
        for cid, username, role, active in conn.execute("SELECT id, username, role, active FROM clerks ORDER BY id")
    ]
    return {
        "centre": {
            "name_ar": centre.get("name_ar") or "—", "name_en": centre.get("name_en") or "—",
            "time_zone": centre.get("time_zone") or "Asia/Riyadh",
        },
        "services": services,
        "counters": counters,
        "clerks": clerks,
    }

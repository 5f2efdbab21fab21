"""The single-writer lock: one process at a time may write a Tabour database.

Two files beside the database:

- `tabour.sqlite.lock` holds an operating-system lock (`filelock`: flock on Linux, a locked
  byte range on Windows). The system drops it when its holder dies, kill -9 and power cuts
  included, so a lock is never left behind by a dead process on this machine.
- `tabour.sqlite.writer` says who holds it: host, PID, since, and for a hub the address and a
  token its own command line uses to reach it (`hub/cli.py`). Created 0600: it gives no more
  than the database beside it, which the same user can open anyway.

Taking the lock: if the system lock is held, the holder is alive: refuse, naming it. If it is
free but the holder file names a process, that holder stopped without cleaning up. On this
host it is dead (the system would still hold its lock), so its lock is taken over. On another
host (the database on a network share, which Tabour does not support) nothing can be known:
the system lock may not reach across machines, so refuse, name the other host, and say how to
clear it once that hub is surely stopped.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from core.errors import BilingualError


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    since: float
    role: str  # "hub" or "command"
    url: str | None = None  # where the hub's API answers, for its own command line
    token: str | None = None  # the local admin token for that API
    certificate_fingerprint: str | None = None  # the hub's TLS certificate, which its command line pins

    @property
    def since_text(self) -> str:
        return datetime.fromtimestamp(self.since).astimezone().isoformat(timespec="seconds")

    def describe(self) -> str:
        what = "the hub" if self.role == "hub" else "a command"
        return f"{what} on {self.host} (PID {self.pid}, since {self.since_text})"

    @classmethod
    def from_json(cls, data: Any) -> "Holder | None":
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                host=str(data["host"]), pid=int(data["pid"]), since=float(data["since"]), role=str(data.get("role", "hub")),
                url=data.get("url") if isinstance(data.get("url"), str) else None,
                token=data.get("token") if isinstance(data.get("token"), str) else None,
                certificate_fingerprint=(
                    data.get("certificate_fingerprint") if isinstance(data.get("certificate_fingerprint"), str) else None
                ),
            )
        except (KeyError, TypeError, ValueError):
            return None


class DatabaseBusy(BilingualError, RuntimeError):
    """Another live process writes this database."""

    def __init__(self, db_path: Path, holder: Holder | None) -> None:
        who = holder.describe() if holder else "another process"
        super().__init__(
            f"The database {db_path} is in use by {who}. Only one hub may run on a database; stop that one first.",
            f"قاعدة البيانات {db_path} مستخدمة من عملية أخرى ({who}). لا يعمل على قاعدة البيانات إلا خادم واحد؛ أوقف الآخر أولاً.",
        )
        self.holder = holder


class ForeignHolder(BilingualError, RuntimeError):
    """The lock was last taken on another host and not released: nothing here can tell if it lives."""

    def __init__(self, db_path: Path, holder: Holder, holder_file: Path) -> None:
        super().__init__(
            f"The database {db_path} was opened by {holder.describe()} and not closed cleanly. A Tabour database "
            f"must be on the hub PC's own disk, never a network share. If no hub runs on {holder.host}, delete "
            f"{holder_file} and start again.",
            f"فتح قاعدة البيانات {db_path} خادم على جهاز آخر ({holder.host}) ولم يغلقها. يجب أن تكون قاعدة البيانات على "
            f"قرص جهاز الخادم نفسه. إن لم يكن هناك خادم يعمل على {holder.host} فاحذف الملف {holder_file} وأعد التشغيل.",
        )
        self.holder = holder


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID runs on this machine (a reused PID counts as alive)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WriterLock:
    """`with WriterLock(db).acquire(role="hub", url=...):` — the one writer of `db` meanwhile."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self.lock_path = self.db_path.with_name(self.db_path.name + ".lock")
        self.holder_path = self.db_path.with_name(self.db_path.name + ".writer")
        self._lock = FileLock(self.lock_path, timeout=0, mode=0o600)
        self.holder: Holder | None = None
        self.took_over: Holder | None = None  # the dead holder this lock replaced, if any

    def read_holder(self) -> Holder | None:
        try:
            return Holder.from_json(json.loads(self.holder_path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def acquire(
        self, role: str = "hub", url: str | None = None, wait: float = 0, certificate_fingerprint: str | None = None
    ) -> "WriterLock":
        """Take the lock or raise DatabaseBusy / ForeignHolder; `wait` seconds for a busy one."""
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=wait)
        except Timeout:
            raise DatabaseBusy(self.db_path, self.read_holder()) from None
        try:
            previous = self.read_holder()
            if previous is not None:
                if previous.host != this_host():
                    raise ForeignHolder(self.db_path, previous, self.holder_path)
                # The system lock was free, so the process that wrote this is gone (or its PID
                # was reused by something else): its claim is stale.
                self.took_over = previous
            holder = Holder(
                host=this_host(), pid=os.getpid(), since=time.time(), role=role, url=url,
                token=secrets.token_urlsafe(32) if role == "hub" else None,
                certificate_fingerprint=certificate_fingerprint,
            )
            self._write_holder(holder)
            self.holder = holder
        except BaseException:
            self._lock.release()
            raise
        return self

    def _write_holder(self, holder: Holder) -> None:
        temporary = self.holder_path.with_name(self.holder_path.name + f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(asdict(holder), file)
        os.replace(temporary, self.holder_path)

    def update_url(self, url: str) -> None:
        """The hub knows its address only once it listens."""
        if self.holder is not None:
            self.holder = Holder(**{**asdict(self.holder), "url": url})
            self._write_holder(self.holder)

    def release(self) -> None:
        if self.holder is None:
            return
        try:
            self.holder_path.unlink(missing_ok=True)
        finally:
            self.holder = None
            self._lock.release()

    def __enter__(self) -> "WriterLock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

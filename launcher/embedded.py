"""A hub inside the current process, for the all-in-one demo and for tests of it.

The hub runs exactly as `python main.py hub` does (same app, same store, real HTTP and
WebSocket on a loopback port); only its event loop lives on a thread of this process.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from pathlib import Path

from core import commands
from core.config import DEMO_CONFIG, load_config
from core.errors import ImpossibleStep
from core.models import Role
from core.security import hash_pin
from core.store import Store
from core.commands import open_store

DEMO_CLERK = ("demo", "1234")  # the clerk the all-in-one counter logs in as (a supervisor)
SIM_CLERK_PREFIX = "sim"
SIM_CLERK_PIN = "2468"


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on `port` now (as uvicorn does, with SO_REUSEADDR, so the
    sockets of a hub that just stopped, still in TIME_WAIT, do not count as taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if hasattr(socket, "SO_REUSEADDR") and sys.platform != "win32":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def ensure_demo_clerks(store: Store, simulated: int) -> None:
    """The demo supervisor and `simulated` clerks for `simulate`, added once (PIN hashing is slow)."""
    wanted = [(DEMO_CLERK[0], Role.SUPERVISOR, DEMO_CLERK[1], False)]
    wanted += [(f"{SIM_CLERK_PREFIX}{n}", Role.CLERK, SIM_CLERK_PIN, True) for n in range(1, simulated + 1)]
    with store.read() as conn:
        existing = {row[0] for row in conn.execute("SELECT username FROM clerks")}
    for username, role, pin, is_simulated in wanted:
        if username in existing:
            continue
        try:
            store.call(commands.add_clerk, username, role, hash_pin(pin), simulated=is_simulated)
        except ImpossibleStep:
            pass  # added meanwhile


class EmbeddedHub:
    """Start with `start()`, stop with `stop()`; `url` is where devices reach it."""

    def __init__(
        self,
        db_path: Path,
        *,
        config_path: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        enroll_code: str = "demo-0000",
        simulated_clerks: int = 8,
        demo: bool = False,
    ) -> None:
        self.db_path = Path(db_path)
        self.config = load_config(config_path or DEMO_CONFIG)
        self.host = host
        self.port = port or free_port(host)
        self.enroll_code = enroll_code
        self.simulated_clerks = simulated_clerks
        self.demo = demo  # the all-in-one demo's own database: `simulate` may run beside its tickets
        self.store: Store | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._lock = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> "EmbeddedHub":
        import uvicorn

        from hub.app import HubSettings, create_app
        from hub.server import server_config
        from hub.writer_lock import DatabaseBusy, ForeignHolder, WriterLock

        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        # The single writer, as for `python main.py hub`: a second demo on this database is
        # refused, and `clerk`/`device` commands reach this hub through its API.
        lock = WriterLock(self.db_path)
        try:
            lock.acquire(role="hub", url=self.url)
        except (DatabaseBusy, ForeignHolder) as refusal:
            raise RuntimeError(refusal.message_en) from None
        self._lock = lock
        try:
            self.store = open_store(self.db_path, self.config)
        except BaseException:
            lock.release()
            raise
        ensure_demo_clerks(self.store, self.simulated_clerks)
        if self.demo:
            self.store.call(commands.mark_demo_database)
        assert lock.holder is not None
        app = create_app(self.store, HubSettings(enroll_code=self.enroll_code, local_admin_token=lock.holder.token))
        self._server = uvicorn.Server(server_config(app, self.host, self.port))
        self._thread = threading.Thread(target=self._serve, name="tabour-hub", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError(f"the embedded hub did not start: {self._error!r}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the embedded hub did not start within {timeout:.0f} s")
            time.sleep(0.02)
        return self

    def _serve(self) -> None:
        try:
            asyncio.run(self._server.serve())
        except BaseException as error:  # reported by start()
            self._error = error

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self.store is not None:
            self.store.close()
            self.store = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

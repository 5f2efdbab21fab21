"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb and pg_ctl in a temporary folder.

Debian's `postgresql` package puts the server in /usr/lib/postgresql/<version>/bin. The server
refuses to run as root, so under root (CI) the cluster is made and run as the `postgres`
system user the package creates; as anyone else it runs as that user. It listens on a free
loopback port and a socket in its own folder, with trust authentication there only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support import free_port


def server_bin() -> Path:
    """The newest installed PostgreSQL server's bin folder."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not candidates:
        found = shutil.which("pg_ctl")
        if found:
            return Path(found).resolve().parent
        raise RuntimeError("PostgreSQL's server is not installed: apt-get install postgresql (scripts/bootstrap.py does)")
    return candidates[-1].parent


class PostgresCluster:
    """`start()` a cluster, `url(db)` to reach it, `stop()` to remove it (data and all)."""

    def __init__(self, *, durable: bool = False) -> None:
        self.bin = server_bin()
        self.root = Path(tempfile.mkdtemp(prefix="tabour-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.durable = durable
        self.as_postgres = os.geteuid() == 0

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = list(command)
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> "PostgresCluster":
        self.socket_dir.mkdir()
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-instructions")
        settings = [
            "listen_addresses = '127.0.0.1'", f"port = {self.port}", f"unix_socket_directories = '{self.socket_dir}'",
            "max_connections = 200", "shared_buffers = 256MB", "timezone = 'UTC'",
        ]
        if not self.durable:  # a test's data need not survive a power cut
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n".join(settings) + "\n")
        self.start_server()
        return self

    def start_server(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop_server(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def kill_server(self) -> None:
        """SIGKILL the postmaster, as a crash would (it recovers from its WAL at the next start)."""
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self.stop_server()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "PostgresCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

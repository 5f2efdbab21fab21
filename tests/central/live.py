"""The central as a real subprocess (`python main.py central`), and its command-line tools."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import ROOT, free_port


def central_cli(pg_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run `python main.py central ARGS --pg URL` and return what it printed."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "central", *args, "--pg", pg_url],
        cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60,
    )


def add_branch_by_cli(pg_url: str, code: str, name_ar: str, name_en: str) -> str:
    """`central branch add` as an operator runs it; the token it printed."""
    done = central_cli(pg_url, "branch", "add", code, "--name-ar", name_ar, "--name-en", name_en)
    assert done.returncode == 0, done.stderr
    return next(line.split(": ", 1)[1] for line in done.stdout.splitlines() if line.startswith("token: "))


@dataclass
class LiveCentral:
    pg_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    refresh_seconds: float = 0.2  # tests want fresh figures at once; the default of the command is 60
    tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def verify(self) -> ssl.SSLContext | bool:
        return ssl.create_default_context(cafile=str(self.tls[0])) if self.tls else True

    def start(self, timeout: float = 30) -> "LiveCentral":
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "central.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "central", "--pg", self.pg_url, "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning", "--refresh-seconds", str(self.refresh_seconds),
             *(["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])] if self.tls else [])],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,  # its worker processes share its group, so a crash takes them all
        )
        log.close()
        try:
            self._wait_until_up(timeout)
        except BaseException:
            self.kill()  # never leave a central (and its workers) running behind a failed start
            raise
        return self

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"central exited: {(self.workdir / 'central.log').read_text(errors='replace')}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1, verify=self.verify).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("central did not answer in time")

    def kill(self) -> None:
        """SIGKILL to the central and its workers, as a crash or a power cut would stop them."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._wait_for_workers()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._wait_for_workers()

    def _wait_for_workers(self) -> None:
        """Until no process of the central's group is left (its port is free again)."""
        if self.process is None:
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except (ProcessLookupError, PermissionError):
                return
            if time.monotonic() > deadline - 10:
                os.killpg(self.process.pid, signal.SIGKILL)
            time.sleep(0.05)

    def health(self) -> dict:
        return httpx.get(f"{self.url}/api/v1/health", timeout=5, verify=self.verify).json()

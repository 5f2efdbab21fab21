"""Helpers the tests share: a hub as a real subprocess, test configs, and a settable clock."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from core import commands
from core.config import DEMO_CONFIG, parse_config
from core.models import Role
from core.security import hash_pin
from core.commands import open_store

ROOT = Path(__file__).resolve().parent.parent
CLERKS = {"clerk1": ("1111", Role.CLERK), "clerk2": ("1111", Role.CLERK), "clerk3": ("1111", Role.CLERK), "super": ("9999", Role.SUPERVISOR)}
# Enrolling an admin device needs a supervisor's or admin's name and PIN beside the code.
STAFF_FOR_ADMIN = {"username": "super", "pin": CLERKS["super"][0]}


def demo_config_text(**hub_overrides: object) -> str:
    """The demo centre, with the hub's limits opened up so tests can issue many tickets."""
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    settings = {"kiosk_issue_per_minute": 1_000_000, **hub_overrides}
    head, _, _ = text.partition("[hub]")
    return head + "[hub]\n" + "".join(f"{key} = {value!r}\n".replace("'", '"') for key, value in settings.items())


def demo_config(**hub_overrides: object):
    return parse_config(demo_config_text(**hub_overrides), "demo-centre.toml")


def rollover_away_from_now(config_text: str) -> str:
    """`config_text` with the business day restarting twelve hours from now (centre's time).

    A test whose hub runs on the real clock and lays out today's bookings around now (a slot in
    ten minutes, one three hours ahead, one that began forty minutes ago) would, near the 03:00
    rollover, find some of them on another business day. With the rollover half a day away, they
    all share the day at whatever hour the test runs."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    config = parse_config(config_text, "centre.toml")
    hour = (datetime.now(ZoneInfo(config.centre.time_zone)).hour + 12) % 24
    changed = re.sub(r"(?m)^rollover_hour\s*=\s*\d+\s*$", f"rollover_hour = {hour}", config_text, count=1)
    if parse_config(changed, "centre.toml").centre.rollover_hour != hour:
        raise ValueError("the centre's text has no rollover_hour line to move")
    return changed


class Clock:
    """A clock tests move by hand: rollover, waits past targets, lockouts."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_clerks(db_path: Path, config_text: str) -> None:
    with open_store(db_path, parse_config(config_text)) as store:
        for username, (pin, role) in CLERKS.items():
            store.call(commands.add_clerk, username, role, hash_pin(pin))


@dataclass
class LiveHub:
    """`python main.py hub` in a subprocess on a free loopback port, with its own database."""

    workdir: Path
    config_text: str = field(default_factory=demo_config_text)
    enroll_code: str = "4711-test-enroll"
    synchronous: str = "FULL"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    extra_args: list[str] = field(default_factory=list)  # e.g. ["--log-file", PATH, "--tls-self-signed"]
    db_path: Path | None = None  # default: tabour.sqlite in workdir

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path = self.workdir / "centre.toml"
        self.config_path.write_text(self.config_text, encoding="utf-8")
        self.db_path = self.db_path or self.workdir / "tabour.sqlite"
        self.log_path = self.workdir / "hub.log"
        add_clerks(self.db_path, self.config_text)

    @property
    def tls(self) -> bool:
        return "--tls-self-signed" in self.extra_args or "--tls-cert" in self.extra_args

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable, str(ROOT / "main.py"), "hub", "--config", str(self.config_path), "--db", str(self.db_path),
            "--host", "127.0.0.1", "--port", str(self.port), "--enroll-code", self.enroll_code,
            "--synchronous", self.synchronous, "--log-level", "warning", *self.extra_args,
        ]

    def start(self, timeout: float = 30, wrap: list[str] | None = None) -> "LiveHub":
        """Start the hub; `wrap` runs it under another command (e.g. a private mount namespace)."""
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [*(wrap or []), *self.command()],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited with {self.process.returncode}:\n{self.log_path.read_text(errors='replace')}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1, verify=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"hub did not answer within {timeout} s:\n{self.log_path.read_text(errors='replace')}")

    def kill(self) -> None:
        """SIGKILL: no clean-up, as a power cut or a crash would leave it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> "LiveHub":
        self.stop()
        return self.start()

    # ── clients ──────────────────────────────────────────────────────────────────────────

    def enroll(self, kind: str, name: str | None = None) -> str:
        """A device token; an admin device is vouched for by the test supervisor's name and PIN."""
        body = {"name": name or f"test-{kind}", "kind": kind, "code": self.enroll_code}
        if kind in ("admin", "integration"):
            body.update(STAFF_FOR_ADMIN)
        answer = httpx.post(f"{self.url}/api/v1/devices/enroll", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()["token"]

    def login(self, counter_number: int, username: str = "clerk1", pin: str | None = None) -> tuple[str, int]:
        """Enroll a counter device and log a clerk in at the counter numbered `counter_number`."""
        device = self.enroll("counter", f"counter-{counter_number}")
        state = httpx.get(f"{self.url}/api/v1/state", headers=bearer(device), timeout=10).json()
        counter_id = next(c["id"] for c in state["counters"] if c["number"] == counter_number)
        answer = httpx.post(
            f"{self.url}/api/v1/sessions",
            json={"username": username, "pin": pin or CLERKS[username][0], "counter_id": counter_id},
            headers=bearer(device),
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["token"], counter_id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ── workers for multi-process tests (top level, so other processes can import them) ──────


def issue_many(url: str, token: str, service_id: int, count: int) -> list[dict]:
    """Issue `count` tickets from one kiosk; return the answers that were OK."""
    answers = []
    with httpx.Client(base_url=url, headers=bearer(token), timeout=30) as client:
        for _ in range(count):
            response = client.post("/api/v1/tickets", json={"service_id": service_id})
            if response.status_code == 201:
                answers.append(response.json())
    return answers


def call_many(url: str, token: str, counter_id: int, rounds: int) -> list[int]:
    """Call-next and serve at one counter; return the ids of the tickets this counter got."""
    got = []
    with httpx.Client(base_url=url, headers=bearer(token), timeout=30) as client:
        for _ in range(rounds):
            response = client.post(f"/api/v1/counters/{counter_id}/call-next")
            if response.status_code == 200:
                ticket = response.json()
                got.append(ticket["id"])
                client.post(f"/api/v1/tickets/{ticket['id']}/start")
    return got


def run_async(coroutine):
    """Run `coroutine` to its end on a fresh event loop in a thread of its own.

    A Playwright session (the browser tests) keeps an event loop running in the main thread, where
    `asyncio.run` then refuses to start.
    """
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# ── a really full disk, without root ───────────────────────────────────────────────────


def namespaces_work() -> bool:
    """Whether this machine lets a user mount a tmpfs in a private namespace (`unshare -rm`)."""
    if sys.platform != "linux" or not __import__("shutil").which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "mount -t tmpfs -o size=1m none /mnt"],
        capture_output=True, timeout=20,
    )
    return probe.returncode == 0


class SmallDisk:
    """Run `hub` on a 4 MiB tmpfs in a mount namespace of its own; fill it and free it from here.

    The hub's database is copied onto the tmpfs at start; when the hub stops, its main `.sqlite`
    alone is copied out to `after_stop` (the tmpfs goes with the namespace).
    """

    def __init__(self, hub: LiveHub, folder: Path, size: str = "4m") -> None:
        self.hub, self.size = hub, size
        self.mount = folder / "small-disk"
        self.mount.mkdir(parents=True)
        self.after_stop = folder / "after-stop.sqlite"
        self.seed = hub.db_path
        hub.db_path = self.mount / "tabour.sqlite"

    def start(self) -> "SmallDisk":
        script = f"""
            mount -t tmpfs -o size={self.size} none '{self.mount}' && cp '{self.seed}' '{self.hub.db_path}' || exit 97
            "$@" & child=$!
            trap 'kill -TERM $child' TERM INT
            wait $child; rc=$?
            while kill -0 $child 2>/dev/null; do wait $child; rc=$?; done
            cp '{self.hub.db_path}' '{self.after_stop}'
            exit $rc
        """
        self.hub.start(wrap=["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"])
        return self

    @property
    def inside(self) -> Path:
        """The tmpfs as this process sees it, through the hub's own root."""
        return Path(f"/proc/{self.hub.process.pid}/root") / self.mount.relative_to("/")

    def fill(self) -> None:
        """Write a file until the filesystem has not one byte left."""
        # Unbuffered: a buffered file would keep what did not fit and fail again when it is closed.
        with open(self.inside / "filler", "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
            except OSError:
                pass

    def free(self) -> None:
        (self.inside / "filler").unlink()

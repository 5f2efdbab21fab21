"""What a stopped, full or copied hub leaves on disk: a whole database, private files, clear 507s.

The hub runs as a real subprocess. The full disk is real too: the hub runs in a private mount
namespace (`unshare`, no root needed) on a small tmpfs, and the test fills that filesystem with
a file of its own, then deletes the file to give the space back.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from core import commands
from core.errors import DiskFull
from core.commands import open_store
from tests.support import ROOT, LiveHub, SmallDisk, bearer, demo_config, namespaces_work

POSIX = sys.platform != "win32"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def issue(hub: LiveHub, token: str, count: int) -> list[dict]:
    with httpx.Client(base_url=hub.url, headers=bearer(token), timeout=10) as client:
        return [client.post("/api/v1/tickets", json={"service_id": 1}).json() for _ in range(count)]


def test_a_clean_stop_leaves_everything_in_the_sqlite_file(tmp_path: Path):
    """After SIGTERM (with a phone's stream still open) a copy of the .sqlite alone holds every ticket."""
    hub = LiveHub(tmp_path / "hub", extra_args=["--log-level", "info"]).start()
    try:
        kiosk = hub.enroll("kiosk")
        tickets = issue(hub, kiosk, 25)
        streaming = threading.Event()

        def follow_phone_page() -> None:
            try:
                with httpx.stream("GET", f"{hub.url}/api/v1/public/tickets/{tickets[-1]['code']}/stream", timeout=60) as answer:
                    for _ in answer.iter_lines():
                        streaming.set()
            except httpx.HTTPError:
                pass

        phone = threading.Thread(target=follow_phone_page, daemon=True)
        phone.start()
        assert streaming.wait(20)
        hub.process.terminate()
        assert hub.process.wait(timeout=30) == 0
    finally:
        hub.kill()
    copy = tmp_path / "copy" / "tabour.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(hub.db_path, copy)  # the main file only: no -wal beside it
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 25
    wal = Path(f"{hub.db_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    log = hub.log_path.read_text(errors="replace")
    assert "event=hub.stopped" in log and "level=ERROR" not in log


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX; on Windows the folder's ACL decides")
def test_the_database_its_wal_and_backups_are_owner_only(tmp_path: Path):
    """The database, -wal, -shm, backups and the log file are created 0600 whatever the umask."""
    log_file = tmp_path / "logs" / "hub.log"
    hub = LiveHub(tmp_path / "hub", extra_args=["--log-file", str(log_file)])
    hub.db_path.unlink()  # made by the test's clerk set-up; the hub must create its own
    hub.start()
    try:
        issue(hub, hub.enroll("kiosk"), 3)
        for suffix in ("", "-wal", "-shm"):
            assert mode_of(Path(f"{hub.db_path}{suffix}")) == 0o600, suffix
        backup = tmp_path / "backups" / "copy.sqlite"
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "backup", str(backup), "--db", str(hub.db_path)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert mode_of(backup) == 0o600
        assert mode_of(log_file) == 0o600
    finally:
        hub.stop()


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_an_existing_world_readable_database_is_tightened(tmp_path: Path):
    """A database left readable by everyone loses the 'other' bits when the store opens it; group stays."""
    path = tmp_path / "tabour.sqlite"
    with open_store(path, demo_config()):
        pass
    path.chmod(0o644)
    with open_store(path, demo_config()):
        assert mode_of(path) == 0o640


def test_a_full_disk_refuses_the_change_and_keeps_the_log_whole(tmp_path: Path):
    """SQLITE_FULL (a size-limited database) becomes DiskFull; nothing half-written; service resumes."""
    with open_store(tmp_path / "tabour.sqlite", demo_config()) as store:
        service = store.catalogue.services_by_code["A"].id
        store.call(commands.issue_ticket, service)
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own size limit
        refused = None
        issued = 1
        for _ in range(2000):
            try:
                store.call(commands.issue_ticket, service)
                issued += 1
            except DiskFull as error:
                refused = error
                break
        assert refused is not None and refused.status == 507 and refused.code == "disk_full"
        assert "disk" in refused.message_en and refused.message_ar
        seq_when_full = store.last_seq
        store._db.execute("PRAGMA max_page_count = 1073741823")  # space comes back
        store.call(commands.issue_ticket, service)
        seqs = [event.seq for event in store.events_after(0, 100_000)]
        assert seqs == list(range(1, seq_when_full + 2)), "no gap, nothing of the refused command"
        with store.read() as conn:
            assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == issued + 1


@pytest.mark.skipif(not namespaces_work(), reason="needs unprivileged user and mount namespaces (unshare -rm)")
def test_a_live_hub_on_a_full_disk_answers_507_and_recovers(tmp_path: Path):
    """On a really full filesystem: 507 disk_full in both languages, every 201 kept, service back with space."""
    hub = LiveHub(tmp_path / "hub")
    disk = SmallDisk(hub, tmp_path).start()
    try:
        kiosk = hub.enroll("kiosk")
        disk.fill()
        acknowledged, refusals = [], []
        with httpx.Client(base_url=hub.url, headers=bearer(kiosk), timeout=10) as client:
            for _ in range(400):
                answer = client.post("/api/v1/tickets", json={"service_id": 1})
                if answer.status_code == 201:
                    acknowledged.append(answer.json()["id"])
                else:
                    refusals.append(answer)
                    if len(refusals) >= 3:
                        break
            assert refusals, "the filesystem never filled"
            assert {r.status_code for r in refusals} == {507}
            body = refusals[0].json()
            assert body["error"] == "disk_full" and "disk is full" in body["message"] and "قرص الخادم ممتلئ" in body["message_ar"]
            assert client.get("/api/v1/health").status_code == 200, "reads still work"
            disk.free()  # the space comes back
            deadline = time.monotonic() + 20
            while (answer := client.post("/api/v1/tickets", json={"service_id": 1})).status_code != 201:
                assert time.monotonic() < deadline, answer.text
                time.sleep(0.2)
            acknowledged.append(answer.json()["id"])
        hub.process.terminate()
        assert hub.process.wait(timeout=30) == 0
    finally:
        hub.kill()
    with sqlite3.connect(disk.after_stop) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM tickets")}
    assert set(acknowledged) <= stored, "every acknowledged ticket is on disk"
    assert "store.disk_full" in hub.log_path.read_text(errors="replace")

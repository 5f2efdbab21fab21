"""Two real hubs ship to a real central (all subprocesses): through a crash of the central and a
branch cut off for three days, nothing is lost or doubled, and the figures are the branches' own."""

from __future__ import annotations

import random
import sqlite3
import threading
from datetime import datetime, time, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from core import commands
from core.numbering import business_day
from core.security import hash_pin
from core.models import Role
from core.commands import open_store
from tests.central.hall import next_morning, play_day
from tests.central.helpers import staff_token, wait_for
from tests.central.live import LiveCentral, add_branch_by_cli
from tests.central.test_figures import GROUP_BY, comparable
from tests.conftest import RIYADH
from tests.support import Clock, LiveHub, bearer, demo_config

pytestmark = pytest.mark.slow


def serve_visitors(hub: LiveHub, visitors: int, counter: int = 1, username: str = "clerk1") -> None:
    """Visitors issued at a kiosk and served at one counter, over HTTP."""
    kiosk = hub.enroll("kiosk", f"kiosk-{counter}")
    session, counter_id = hub.login(counter, username)
    with httpx.Client(base_url=hub.url, timeout=30) as client:
        service_id = next(
            s["id"] for s in client.get("/api/v1/state", headers=bearer(kiosk)).json()["services"] if s["code"] == "A"
        )
        for _ in range(visitors):
            assert client.post("/api/v1/tickets", json={"service_id": service_id}, headers=bearer(kiosk)).status_code == 201
            ticket = client.post(f"/api/v1/counters/{counter_id}/call-next", headers=bearer(session)).json()
            client.post(f"/api/v1/tickets/{ticket['id']}/start", headers=bearer(session))
            client.post(f"/api/v1/tickets/{ticket['id']}/finish", headers=bearer(session))


def issue_one(hub: LiveHub) -> None:
    """One ticket from a kiosk of its own, so the log grows by a known event."""
    kiosk = hub.enroll("kiosk", "kiosk-late")
    with httpx.Client(base_url=hub.url, timeout=30) as client:
        services = client.get("/api/v1/state", headers=bearer(kiosk)).json()["services"]
        service_id = next(s["id"] for s in services if s["code"] == "A")
        assert client.post("/api/v1/tickets", json={"service_id": service_id}, headers=bearer(kiosk)).status_code == 201


def three_earlier_days(db_path: Path) -> str:
    """Three business days before today, played in the branch's own store; the first day."""
    today = business_day(datetime.now().timestamp(), RIYADH, 3)
    first = today - timedelta(days=3)
    clock = Clock(datetime.combine(first, time(9, 0), tzinfo=RIYADH).timestamp())
    with open_store(db_path, demo_config(), clock=clock) as store:
        for name in ("b1", "b2"):
            store.call(commands.add_clerk, name, Role.CLERK, hash_pin("2222"))
        store.call(commands.add_clerk, "bsuper", Role.SUPERVISOR, hash_pin("2222"))
        rng = random.Random(11)
        for day in range(3):
            play_day(store, clock, rng, 25, left_waiting=1, clerks=("b1", "b2", "bsuper"))
            if day < 2:
                next_morning(clock, RIYADH)
    return first.isoformat()


def local_log(hub: LiveHub) -> list[tuple]:
    conn = sqlite3.connect(f"file:{hub.db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT seq, type, at FROM events ORDER BY seq").fetchall()
    finally:
        conn.close()


def central_log(pg_url: str, code: str) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return [tuple(row) for row in conn.execute(
            "SELECT e.seq, e.type, e.at FROM events e JOIN branches b ON b.id = e.branch_id WHERE b.code = %s ORDER BY e.seq",
            (code,),
        )]


def central_lag(hub: LiveHub) -> dict:
    return httpx.get(f"{hub.url}/api/v1/health", timeout=5).json()["central"]


def caught_up(hub: LiveHub) -> bool:
    health = httpx.get(f"{hub.url}/api/v1/health", timeout=5).json()
    return health["central"]["held"] == health["seq"] and health["central"]["behind"] == 0


def test_two_branches_ship_through_a_crash_and_a_three_day_outage(tmp_path, pg_url):
    """Kill -9 the central mid-stream; start a branch with three days unsent while it is down; both catch up exactly."""
    tokens = {
        "RUH-01": add_branch_by_cli(pg_url, "RUH-01", "فرع الرياض", "Riyadh branch"),
        "JED-02": add_branch_by_cli(pg_url, "JED-02", "فرع جدة", "Jeddah branch"),
    }
    for code, token in tokens.items():
        (tmp_path / f"{code}.token").write_text(token + "\n")
    central = LiveCentral(pg_url, tmp_path / "central").start()

    def shipping(code: str) -> list[str]:
        return ["--central", central.url, "--branch", code, "--central-token-file", str(tmp_path / f"{code}.token")]

    first_day = three_earlier_days(tmp_path / "jeddah" / "tabour.sqlite")
    riyadh = LiveHub(tmp_path / "riyadh", extra_args=shipping("RUH-01")).start()
    jeddah = None
    try:
        traffic = threading.Thread(target=serve_visitors, args=(riyadh, 40))
        traffic.start()
        wait_for(lambda: (central_lag(riyadh)["held"] or 0) > 40, timeout=60)
        central.kill()  # mid-stream: batches in flight die with it
        # Jeddah comes up while the central is down, with three days it never sent.
        jeddah = LiveHub(tmp_path / "jeddah", extra_args=shipping("JED-02")).start()
        wait_for(lambda: central_lag(jeddah)["state"] == "unreachable", timeout=30)
        assert central_lag(jeddah)["behind"] is None or central_lag(jeddah)["held"] is None
        serve_visitors(jeddah, 5)
        traffic.join(timeout=120)
        # A branch with nothing left to send has nothing to try, so it still says "ok" if the
        # traffic all went out before the kill: one more ticket makes it try, and fail.
        issue_one(riyadh)
        wait_for(lambda: central_lag(riyadh)["state"] == "unreachable", timeout=30)
        lag = central_lag(riyadh)
        assert lag["behind"] > 0 and lag["error"]
        central.start()
        wait_for(lambda: caught_up(riyadh) and caught_up(jeddah), timeout=120)
        wait_for(lambda: central.health()["summaries_pending"] == 0, timeout=60)

        for code, hub in (("RUH-01", riyadh), ("JED-02", jeddah)):
            ours, theirs = central_log(pg_url, code), local_log(hub)
            assert ours == theirs  # every seq once, in order, the same events
            assert [row[0] for row in ours] == list(range(1, len(theirs) + 1))
        assert len(central_log(pg_url, "JED-02")) > 300  # three days and today

        wrong = httpx.post(f"{central.url}/api/v1/ingest", json={"log_origin": 1.8e9, "events": []},
                           headers=bearer("not-the-token-of-any-branch"), timeout=10)
        assert wrong.status_code == 401

        with psycopg.connect(pg_url, autocommit=True) as conn:
            staff = staff_token(conn)
        for code, hub, start in (("RUH-01", riyadh, None), ("JED-02", jeddah, first_day)):
            today = httpx.get(f"{hub.url}/api/v1/health", timeout=5).json()["business_day"]
            period = {"from": start or today, "to": today, "group_by": GROUP_BY}
            supervisor, _ = hub.login(8, "super")
            mine = httpx.get(f"{hub.url}/api/v1/stats", params=period, headers=bearer(supervisor), timeout=30).json()
            seen = httpx.get(f"{central.url}/api/v1/branches/{code}/stats", params=period, headers=bearer(staff), timeout=30)
            assert seen.status_code == 200, seen.text
            assert comparable(seen.json()) == comparable(mine)
            assert mine["totals"]["issued"] > 0
    finally:
        riyadh.stop()
        if jeddah is not None:
            jeddah.stop()
        central.stop()


def run_main(argv: list[str], capsys, monkeypatch, stdin: str = "") -> tuple[int, str, str]:
    """`python main.py ARGV` in this process (no new interpreter to start); exit code, out, err."""
    import io

    import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_refuses_what_cannot_work(pg_url, capsys, monkeypatch):
    """Bad branch codes, a duplicate, an unreachable database, a short password: a message and exit 1 or 2."""
    def central(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return run_main(["central", *args, "--pg", pg_url], capsys, monkeypatch, stdin)

    assert central("branch", "add", "bad code!", "--name-ar", "س", "--name-en", "x")[0] == 1
    assert central("branch", "add", "RUH-09", "--name-ar", "", "--name-en", "x")[0] == 1
    assert central("branch", "add", "RUH-09", "--name-ar", "س" * 500, "--name-en", "x")[0] == 1
    assert central("branch", "add", "RUH-09", "--name-ar", "س\nس", "--name-en", "x")[0] == 1
    assert central("branch", "token", "NOPE")[0] == 1
    code, out, _ = central("branch", "add", "RUH-01", "--name-ar", "فرع", "--name-en", "Branch")
    assert code == 0 and "token: " in out
    code, _, err = central("branch", "add", "RUH-01", "--name-ar", "فرع", "--name-en", "Branch")
    assert code == 1 and "exists" in err
    code, out, _ = central("branch", "list")
    assert code == 0 and "RUH-01" in out
    code, _, err = run_main(["central", "migrate", "--pg", "postgresql://nobody@127.0.0.1:1/none"], capsys, monkeypatch)
    assert code == 2 and "cannot reach PostgreSQL" in err
    code, _, err = central("staff", "add", "analyst", stdin="short\n")
    assert code == 2 and "password" in err
    assert central("staff", "add", "analyst", stdin="a long enough password\n")[0] == 0
    assert "analyst" in central("staff", "list")[1]
    assert central("staff", "add", "bad name!", stdin="a long enough password\n")[0] == 2
    for wrong in (["--workers", "0"], ["--refresh-seconds", "0"], ["--port", "70000"], ["--tls-cert", "/nonexistent"],
                  ["--tls-cert", "/etc/hostname", "--tls-key", "/nonexistent"]):
        code, _, err = run_main(["central", *wrong, "--pg", pg_url], capsys, monkeypatch)
        assert code == 2 and err.startswith("error:"), (wrong, err)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--central", "ftp://x"], "go together"),
        (["--central", "ftp://x", "--branch", "RUH-01", "--central-token-file", "TOKEN"], "not an address"),
        (["--central", "http://127.0.0.1:9", "--branch", "bad code", "--central-token-file", "TOKEN"], "not a branch code"),
        (["--central", "http://127.0.0.1:9", "--branch", "RUH-01", "--central-token-file", "MISSING"], "cannot read"),
        (["--central", "http://127.0.0.1:9", "--branch", "RUH-01", "--central-token-file", "EMPTY"], "must hold the branch's token"),
        (["--central", "http://127.0.0.1:9", "--branch", "RUH-01", "--central-token-file", "HUGE"], "must hold the branch's token"),
        (["--central-resend"], "needs --central"),
    ],
)
def test_the_hub_refuses_bad_central_settings(tmp_path, capsys, monkeypatch, args, message):
    """Each wrong --central/--branch/--central-token-file stops the hub at start with a message (exit 2)."""
    (tmp_path / "TOKEN").write_text("t" * 43)
    (tmp_path / "EMPTY").write_text("\n")
    (tmp_path / "HUGE").write_bytes(b"x" * 100_000)
    argv = [a if a not in ("TOKEN", "MISSING", "EMPTY", "HUGE") else str(tmp_path / a) for a in args]
    code, _, err = run_main(["hub", "--db", str(tmp_path / "db.sqlite"), *argv], capsys, monkeypatch)
    assert code == 2 and message in err, err
    assert not (tmp_path / "db.sqlite").exists()  # refused before the database was touched

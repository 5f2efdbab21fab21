"""`simulate` never pollutes a real branch: it refuses real data, marks what it writes, and
closes every counter and session it opened, however it is stopped."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from core import commands
from launcher.embedded import SIM_CLERK_PIN, EmbeddedHub
from launcher.simulate import Plan, SimulationError, run_simulation

ROOT = Path(__file__).resolve().parents[2]


def hall_left(hub: EmbeddedHub) -> dict:
    """What a simulation leaves behind in the hub's database."""
    with hub.store.read() as conn:
        return {
            "open_counters": conn.execute("SELECT COUNT(*) FROM counters WHERE status != 'closed'").fetchone()[0],
            "open_sessions": conn.execute("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0],
            "sessions": conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0],
            "in_hall": conn.execute(
                "SELECT COUNT(*) FROM tickets WHERE simulated = 1 AND status IN ('waiting', 'called', 'serving')"
            ).fetchone()[0],
            "simulated_tickets": conn.execute("SELECT COUNT(*) FROM tickets WHERE simulated = 1").fetchone()[0],
            "real_tickets": conn.execute("SELECT COUNT(*) FROM tickets WHERE simulated = 0").fetchone()[0],
            "devices": {
                row[0]: row[1] for row in conn.execute("SELECT name, simulated FROM devices")
            },
            "clerks": {row[0]: row[1] for row in conn.execute("SELECT username, simulated FROM clerks")},
        }


def test_a_database_with_real_tickets_is_refused_unless_asked(tmp_path: Path):
    """One real visitor's ticket is enough: refused in both languages, naming the flag, nothing
    enrolled; with `into_real_database` the day runs and every ticket it wrote is marked."""
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=1, enroll_code="real-code-1").start()
    try:
        service_id = hub.store.catalogue.counters_by_number[1].service_ids[0]
        hub.store.call(commands.issue_ticket, service_id)
        plan = dict(visitors_per_hour=120, counters=1, speed=2400, hours=0.5, seed=5, enroll_code="real-code-1", clerk_pin=SIM_CLERK_PIN)
        with pytest.raises(SimulationError) as refused:
            run_simulation(hub.url, Plan(**plan), log=lambda _: None)
        assert "--into-real-database" in refused.value.message_en and "1 real tickets" in refused.value.message_en
        assert "--into-real-database" in refused.value.message_ar and "قاعدة البيانات" in refused.value.message_ar
        before = hall_left(hub)
        assert before["devices"] == {} and before["sessions"] == 0

        tally = run_simulation(hub.url, Plan(**plan, into_real_database=True), max_wall_seconds=60, log=lambda _: None)
        after = hall_left(hub)
    finally:
        hub.stop()
    assert tally["issued"] > 0
    assert after["real_tickets"] == 1 and after["simulated_tickets"] == tally["issued"] + tally["transfers"]
    assert after["devices"] == {"simulator arrivals": 1, "simulator counters": 1}
    assert after["clerks"] == {"demo": 0, "sim1": 1}
    assert after["open_counters"] == 0 and after["open_sessions"] == 0


def test_the_all_in_one_demos_own_tickets_do_not_stop_a_simulation(tmp_path: Path):
    """The demo's database (a newcomer took a ticket at its kiosk) is not a branch's: no flag needed."""
    hub = EmbeddedHub(tmp_path / "demo.sqlite", simulated_clerks=1, enroll_code="demo-code-1", demo=True).start()
    try:
        hub.store.call(commands.issue_ticket, hub.store.catalogue.counters_by_number[1].service_ids[0])
        plan = Plan(visitors_per_hour=120, counters=1, speed=2400, hours=0.25, seed=3, enroll_code="demo-code-1", clerk_pin=SIM_CLERK_PIN)
        tally = run_simulation(hub.url, plan, max_wall_seconds=60, log=lambda _: None)
        left = hall_left(hub)
    finally:
        hub.stop()
    assert tally["errors"] == [] and left["real_tickets"] == 1 and left["simulated_tickets"] >= tally["issued"] > 0


def test_a_day_cut_short_closes_every_counter_and_session(tmp_path: Path):
    """Stopped while clerks hold visitors (a deadline, as a stopped demo): each held visitor is
    finished or marked absent, the waiting sent home, every clerk logged out, every counter closed."""
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=3, enroll_code="short-code").start()
    try:
        plan = Plan(
            visitors_per_hour=900, counters=3, speed=60, hours=7, seed=2, enroll_code="short-code", clerk_pin=SIM_CLERK_PIN
        )
        tally = run_simulation(hub.url, plan, max_wall_seconds=3, log=lambda _: None)
        left = hall_left(hub)
    finally:
        hub.stop()
    assert tally["called"] >= 3 and tally["issued"] > tally["called"]  # visitors were at counters and waiting
    assert left["sessions"] == 3
    assert left["open_counters"] == 0 and left["open_sessions"] == 0 and left["in_hall"] == 0


def _wait_for_line(process: subprocess.Popen, words: str, timeout: float) -> str:
    """The first line of the process's output that contains `words` (select: no sleeping)."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    seen = ""
    try:
        while True:
            if not selector.select(timeout):
                raise AssertionError(f"no {words!r} within {timeout} s; output so far: {seen!r}")
            line = process.stdout.readline()
            if not line:
                raise AssertionError(f"the process ended before {words!r}: {seen!r} {process.stderr.read()!r}")
            seen += line
            if words in line:
                return line
    finally:
        selector.close()


def simulate_until_sigterm(
    argv: list[str], words: str, timeout: float, meanwhile: Callable[[], None] = lambda: None
) -> tuple[int, str, str]:
    """Run `python main.py simulate ARGV`, wait for a line with `words`, run `meanwhile`, send
    SIGTERM; its exit code, output and errors (killed if it hangs)."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "simulate", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _wait_for_line(process, words, timeout=timeout)
        meanwhile()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, out, err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_sigterm_ends_the_command_and_closes_what_it_opened(tmp_path: Path):
    """`python main.py simulate` stopped by SIGTERM (systemd, kill) leaves no counter open."""
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=2, enroll_code="term-code").start()

    def both_logged_in() -> None:
        with hub.store.read() as conn:
            assert conn.execute("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL").fetchone()[0] == 2

    try:
        code, out, err = simulate_until_sigterm(
            [
                "--hub", hub.url, "--enroll-code", "term-code", "--visitors-per-hour", "900", "--counters", "2",
                "--speed", "60", "--clerk-pin", SIM_CLERK_PIN,
            ],
            "issued",  # logged once both clerks are logged in
            60,
            both_logged_in,
        )
        left = hall_left(hub)
    finally:
        hub.stop()
    assert code == 0, err
    assert "Traceback" not in err and "closing" in out
    assert left["open_counters"] == 0 and left["open_sessions"] == 0 and left["in_hall"] == 0

"""The all-in-one demo: one process, a real hub, and a ticket's whole trip kiosk → counter → board."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from display_board.announcer import RecordingSink
from launcher.allinone import DEMO_COUNTER, build_hall
from launcher.embedded import DEMO_CLERK, EmbeddedHub
from main import build_parser

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 20_000


@pytest.fixture
def hall(qapp, tmp_path: Path):
    hub = EmbeddedHub(tmp_path / "demo.sqlite", enroll_code="demo-test-1", simulated_clerks=2).start()
    sink = RecordingSink()
    built = build_hall(hub, config_dir=tmp_path / "devices", printer="dummy://", sink=sink)
    built.sink = sink
    for window in built.windows():
        window.show()
    yield built
    built.close()


def test_one_ticket_makes_the_whole_trip(qtbot, hall):
    """Kiosk touch → printed preview → counter's Call next → the board shows it and the announcer speaks."""
    qtbot.waitUntil(lambda: all(client.online for client in hall.clients.values()), timeout=WAIT_MS)
    counter = hall.counter
    qtbot.waitUntil(lambda: counter.model.session is not None, timeout=WAIT_MS)
    assert counter.model.session.clerk.username == DEMO_CLERK[0]
    assert counter.model.session.counter.number == DEMO_COUNTER

    service_a = next(s.id for s in hall.hub.store.catalogue.services.values() if s.code == "A")
    with qtbot.waitSignal(hall.kiosk.ticket_issued, timeout=WAIT_MS) as issued:
        hall.kiosk.choose_service(service_a)
    number = issued.args[0].number
    qtbot.waitUntil(lambda: hall.preview.printed == 1, timeout=WAIT_MS)
    assert hall.preview.paper.pixmap() is not None and hall.preview.paper.pixmap().height() > 200

    counter.model.call_next()
    qtbot.waitUntil(lambda: counter.model.ticket is not None and counter.model.ticket.number == number, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: number in hall.board.shown_numbers(), timeout=WAIT_MS)
    # chime, then Arabic (and English) speech, as real WAV files handed to the (recording) sound card
    qtbot.waitUntil(lambda: len(hall.sink.handed) >= 2, timeout=WAIT_MS)
    assert all(item.duration_seconds > 0.3 for item in hall.sink.handed[:2])

    with hall.hub.store.read() as conn:
        status, counter_number = conn.execute(
            "SELECT t.status, k.number FROM tickets t JOIN counters k ON k.id = t.counter_id WHERE t.label = ?", (number,)
        ).fetchone()
    assert (status, counter_number) == ("called", DEMO_COUNTER)


def test_no_role_means_the_demo_and_its_options_are_checked():
    """`main.py` alone parses as the demo; a bad --lang or --port is refused with a usage error."""
    from main import resolve_role

    args = resolve_role(build_parser(), [])
    assert args.role == "demo" and args.lang == "ar"
    args = resolve_role(build_parser(), ["--lang", "en", "--mute"])
    assert args.role == "demo" and args.lang == "en" and args.mute
    for bad in (["--lang", "fr"], ["--port", "http"]):
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), *bad], capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert result.returncode == 2 and "error" in result.stderr


def test_every_role_explains_its_options():
    """`--help` of main and of every role lists each option with a sentence of help."""
    parser = build_parser()
    roles = parser._subparsers._group_actions[0].choices  # noqa: SLF001 — argparse keeps them here
    assert {"demo", "hub", "kiosk", "counter", "display", "simulate", "doctor", "report", "print-test", "clerk", "backup"} <= set(roles)
    for name, sub in roles.items():
        for action in sub._actions:  # noqa: SLF001
            if action.option_strings and action.dest != "help":
                assert action.help and len(action.help) > 8, f"{name} {action.option_strings} has no help"


def _start_demo(tmp_path: Path, port: int) -> subprocess.Popen:
    import os

    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--port", str(port), "--mute"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "TABOUR_DEMO_DIR": str(tmp_path / "demo")},
    )


def _wait_for_line(process: subprocess.Popen, marker: str, timeout: float = 60) -> list[str]:
    import time

    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError("".join(lines))


def _wait_for_event_sockets(port: int, count: int, timeout: float = 60) -> None:
    """Until `count` connections to the hub's port are established (Linux: /proc/net/tcp), i.e. the windows are connected."""
    import time

    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return
    local = f":{port:04X}"
    deadline = time.monotonic() + timeout
    while True:
        established = sum(
            1
            for table in tables if table.exists()
            for row in table.read_text().splitlines()[1:]
            if row.split()[1].endswith(local) and row.split()[3] == "01"
        )
        if established >= count:
            return
        assert time.monotonic() < deadline, f"only {established} of {count} connections to the hub"
        time.sleep(0.05)


def test_demo_stops_on_ctrl_c_and_restarts_on_the_same_port(tmp_path: Path):
    """Ctrl+C ends the demo with 0; started again at once it gets the same port, and a taken port is refused."""
    import signal

    from tests.support import free_port

    port = free_port()
    for _run in range(2):
        process = _start_demo(tmp_path, port)
        try:
            lines = _wait_for_line(process, "try: python main.py simulate")
            assert f"http://127.0.0.1:{port}" in "".join(lines)
            _wait_for_event_sockets(port, 3)  # the kiosk's, the counter's and the board's
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
    busy = _start_demo(tmp_path, port)
    try:
        _wait_for_line(busy, "try: python main.py simulate")
        second = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--port", str(port)], capture_output=True, text=True, timeout=60, cwd=ROOT,
        )
        assert second.returncode == 2 and "in use" in second.stderr
    finally:
        busy.send_signal(signal.SIGTERM)
        busy.wait(timeout=20)
        busy.stdout.close()

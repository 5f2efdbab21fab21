"""`scripts/bootstrap.py run` hands stop signals to main.py and waits for it, as a service manager expects."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, LiveHub

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and process groups")


def start_through_bootstrap(hub: LiveHub, timeout: float = 60) -> subprocess.Popen:
    """`bootstrap.py run hub ...` in its own process group, as a terminal or systemd starts it."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "bootstrap.py"), "run", *hub.command()[2:]],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"bootstrap exited with {process.returncode}: {process.stderr.read()}")
        try:
            if httpx.get(f"{hub.url}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("the hub started through bootstrap.py did not answer")


def group_is_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda process: process.send_signal(signal.SIGTERM), id="SIGTERM-to-bootstrap-only"),
        pytest.param(lambda process: os.killpg(process.pid, signal.SIGINT), id="ctrl-c-to-the-terminal-group"),
    ],
)
def test_a_stop_signal_ends_main_py_and_the_hub_before_bootstrap_returns(tmp_path: Path, stop):
    hub = LiveHub(tmp_path)
    process = start_through_bootstrap(hub)
    try:
        stop(process)
        _out, err = process.communicate(timeout=60)
        # bootstrap.py has waited for main.py: nothing of the group is left, the port is free.
        assert group_is_gone(process.pid), "main.py (the hub) outlived bootstrap.py"
        assert "Traceback" not in err, err
        assert process.returncode in (0, 130, 143), (process.returncode, err)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{hub.url}/api/v1/health", timeout=2)
        # The hub stopped cleanly: it released its database, so the next start needs no take-over.
        assert "took over" not in hub.start().log_path.read_text()
    finally:
        if not group_is_gone(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        hub.stop()
